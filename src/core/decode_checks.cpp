// The pre-decode walk of each format (see decode_checks.h). Each walker reads only inside
// [data, data + size), computes sizes in 64-bit, and allocates nothing.
#include "decode_checks.h"

#include "byte_reader.h"

#include <cstdio>
#include <cstring>

namespace filterlens::detail {
namespace {

// Sides beyond this are refused by the pixel limit; bounding them first keeps every size product
// below in 64-bit range (2^24 x 2^24 x 64 bits).
constexpr std::int64_t kHugeSide = std::int64_t(1) << 24;

std::string truncated(const std::string& format) {
  return "the " + format + " data is truncated (the file ends inside its header or tables)";
}

// --- PNG -----------------------------------------------------------------------------------

std::string check_png(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  std::size_t pos = 8;
  bool have_ihdr = false, have_plte = false, have_iend = false;
  int color = 0, depth = 0, interlace = 0;
  while (!have_iend) {
    if (pos + 12 > n) return "the PNG data is truncated (it ends before its IEND chunk)";
    const std::uint32_t len = be32(d + pos);
    const std::uint8_t* type = d + pos + 4;
    if (len > 0x7FFFFFFFu) return "the PNG file is damaged (a chunk declares an impossible length)";
    if (pos + 12 + std::size_t(len) > n)
      return "the PNG data is truncated (it ends inside a chunk)";
    const std::uint8_t* body = d + pos + 8;
    if (!have_ihdr) {
      if (std::memcmp(type, "IHDR", 4) != 0 || len != 13)
        return "the PNG file is damaged (it does not start with a header chunk)";
      have_ihdr = true;
      f.width = be32(body);
      f.height = be32(body + 4);
      depth = body[8];
      color = body[9];
      interlace = body[12];
      const bool depth_ok =
          (color == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
          (color == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
          ((color == 2 || color == 4 || color == 6) && (depth == 8 || depth == 16));
      if (!depth_ok)
        return "the PNG header declares an impossible colour type / bit depth (" +
               std::to_string(color) + " / " + std::to_string(depth) + ")";
      if (body[10] != 0 || body[11] != 0 || interlace > 1)
        return "the PNG header declares an unknown compression, filter or interlace method";
    } else if (std::memcmp(type, "PLTE", 4) == 0) {
      if (len == 0 || len % 3 != 0 || len > 768)
        return "the PNG palette is damaged (" + std::to_string(len) + " bytes)";
      have_plte = true;
      if (color == 3 && len / 3 < (1u << depth)) {
        f.plte_offset = pos;
        f.plte_length = len;
      }
    } else if (std::memcmp(type, "IDAT", 4) == 0) {
      f.idat_bytes += len;
      if (len == 0) f.png_empty_idat = true;
    } else if (std::memcmp(type, "IEND", 4) == 0) {
      have_iend = true;
    }
    pos += 12 + std::size_t(len);
  }
  if (f.width <= 0 || f.height <= 0) return "its header declares an empty image";
  if (color == 3 && !have_plte) return "the PNG is a palette image without a palette";
  if (f.idat_bytes == 0) return "the PNG file holds no image data";
  // Sides up to 2^32 - 1: past this bound the pixel limit refuses the file before these sizes
  // matter, and the products below could overflow.
  if (f.width > kHugeSide || f.height > kHugeSide) return "";
  static const int kSamples[7] = {1, 0, 3, 1, 2, 0, 4};
  const std::int64_t bits_per_pixel = std::int64_t(kSamples[color]) * depth;
  const std::int64_t row = (f.width * bits_per_pixel + 7) / 8 + 1;  // + the filter-type byte
  f.raw_bytes = row * f.height;
  // Adam7 gives each of its 7 passes its own filter byte per row and rounds each pass's rows up.
  if (interlace) f.raw_bytes += 7 * (f.height + 8) + 7 * ((bits_per_pixel + 7) / 8) * 8;
  return "";
}

// "a word" or "an word", for a message naming a kind of file.
std::string with_article(const std::string& word) {
  const bool vowel = !word.empty() && std::string("aeiouAEIOU").find(word[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + word;
}

// --- JPEG ----------------------------------------------------------------------------------

bool is_sof(std::uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

// One pass over every marker segment and entropy-coded scan, to the EOI marker.
std::string check_jpeg(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  std::size_t pos = 0;
  while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes before SOI, as stb_image skips them
  if (pos == 0 || pos >= n || d[pos] != 0xD8) return "the JPEG has no start-of-image marker";
  ++pos;
  bool have_sof = false;
  std::int64_t entropy_bytes = 0;
  while (true) {
    while (pos < n && d[pos] != 0xFF) ++pos;  // garbage between segments, as decoders skip it
    while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) return "the JPEG data is truncated (it ends before the end-of-image marker)";
    const std::uint8_t marker = d[pos++];
    if (marker == 0xD9) break;  // EOI
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;
    if (pos + 2 > n) return truncated("JPEG");
    const std::size_t len = be16(d + pos);
    if (len < 2 || pos + len > n) return truncated("JPEG");
    const std::uint8_t* seg = d + pos + 2;
    const std::size_t seg_len = len - 2;
    if (marker == 0xC4) {  // DHT: one or more tables of 16 counts + symbols
      std::size_t t = 0;
      while (t < seg_len) {
        if (t + 17 > seg_len) return "a JPEG Huffman table is truncated";
        if ((seg[t] >> 4) > 1 || (seg[t] & 15) > 3)
          return "a JPEG Huffman table has an invalid class or id";
        std::size_t symbols = 0;
        for (int i = 1; i <= 16; ++i) symbols += seg[t + i];
        // Debian's stb_image 2.27 writes past its 257-entry size table beyond 256 codes.
        if (symbols > 256)
          return "a JPEG Huffman table declares " + std::to_string(symbols) +
                 " codes (at most 256 are possible)";
        if (t + 17 + symbols > seg_len) return "a JPEG Huffman table is truncated";
        t += 17 + symbols;
      }
    } else if (marker == 0xDB) {  // DQT
      std::size_t t = 0;
      while (t < seg_len) {
        const int precision = seg[t] >> 4;
        if (precision > 1 || (seg[t] & 15) > 3)
          return "a JPEG quantisation table has an invalid precision or id";
        t += 1 + 64 * std::size_t(precision + 1);
        if (t > seg_len) return "a JPEG quantisation table is truncated";
      }
    } else if (is_sof(marker) && !have_sof) {
      if (seg_len < 6) return truncated("JPEG");
      have_sof = true;
      f.height = be16(seg + 1);
      f.width = be16(seg + 3);
      const std::size_t components = seg[5];
      if (f.height == 0)
        return "the JPEG declares its height later in the file (DNL), which FilterLens cannot "
               "read";
      if (f.width == 0) return "its header declares an empty image";
      if (components != 1 && components != 3 && components != 4)
        return "the JPEG frame has " + std::to_string(components) +
               " colour components (1, 3 or 4 are readable)";
      if (seg_len != 6 + 3 * components) return "the JPEG frame header is damaged";
      for (std::size_t c = 0; c < components; ++c) {
        const int h = seg[6 + 3 * c + 1] >> 4, v = seg[6 + 3 * c + 1] & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4)
          return "the JPEG frame header declares invalid sampling factors";
      }
      // Valid JPEGs stb_image does not read (it reads 8-bit baseline, extended sequential and
      // progressive ones): say so, rather than "damaged".
      if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
        const char* kind = marker == 0xC3                     ? "lossless"
                           : marker >= 0xC5 && marker <= 0xC7 ? "hierarchical"
                           : marker == 0xCB                   ? "lossless arithmetic-coded"
                           : marker >= 0xCD                   ? "hierarchical arithmetic-coded"
                                                              : "arithmetic-coded";
        f.unsupported_kind = true;
        return "it is " + with_article(kind) +
               " JPEG, which FilterLens cannot decode; convert it to PNG or a baseline JPEG";
      }
      if (seg[0] == 12 || seg[0] == 16) {  // the other precisions the standard defines
        f.unsupported_kind = true;
        return "it is a " + std::to_string(seg[0]) +
               "-bit JPEG, which FilterLens cannot decode (it reads 8-bit JPEGs); convert it to "
               "PNG or an 8-bit JPEG";
      }
      if (seg[0] != 8) return "the JPEG frame header is damaged";
    } else if (marker == 0xDA) {  // SOS, then entropy-coded data up to the next real marker
      if (!have_sof) return "the JPEG image data starts before its frame header";
      if (seg_len < 1 || seg[0] < 1 || seg[0] > 4 || seg_len != 4 + 2 * std::size_t(seg[0]))
        return "the JPEG scan header is damaged";
      std::size_t e = pos + len;
      while (e + 1 < n &&
             !(d[e] == 0xFF && d[e + 1] != 0x00 && !(d[e + 1] >= 0xD0 && d[e + 1] <= 0xD7)))
        ++e;
      if (e + 1 >= n) return "the JPEG data is truncated (it ends before the end-of-image marker)";
      entropy_bytes += std::int64_t(e - (pos + len));
      pos = e;
      continue;
    }
    pos += len;
  }
  if (!have_sof) return "the JPEG has no frame header";
  // Every 8x8 block of the first component codes at least one Huffman symbol (its DC
  // difference), so the scans hold at least one bit per block.
  const std::int64_t blocks = ((f.width + 7) / 8) * ((f.height + 7) / 8);
  if (entropy_bytes * 8 < blocks)
    return "the JPEG declares " + std::to_string(f.width) + " x " + std::to_string(f.height) +
           " pixels but holds only " + std::to_string(entropy_bytes) +
           " bytes of image data (at least " + std::to_string((blocks + 7) / 8) +
           " are needed): it is truncated or its header is forged";
  return "";
}

// --- PNM (P5 / P6, the binary variants stb_image reads) -------------------------------------

std::string check_pnm(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  if (n < 2 || (d[1] != '5' && d[1] != '6'))
    return "it is a PNM variant (P" + std::string(1, n >= 2 ? char(d[1]) : '?') +
           ") that FilterLens cannot read; only binary P5 (gray) and P6 (colour) are supported";
  std::size_t pos = 2;
  auto space = [](std::uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
  };
  std::int64_t values[3] = {0, 0, 0};
  for (std::int64_t& v : values) {
    // Whitespace and '#' comments (to the end of the line) before each number.
    while (pos < n && (space(d[pos]) || d[pos] == '#')) {
      if (d[pos] == '#')
        while (pos < n && d[pos] != '\n' && d[pos] != '\r') ++pos;
      else
        ++pos;
    }
    if (pos >= n || d[pos] < '0' || d[pos] > '9') return "the PNM header is damaged or truncated";
    int digits = 0;
    while (pos < n && d[pos] >= '0' && d[pos] <= '9') {
      if (++digits > 9) return "the PNM header declares a number too large to be an image size";
      v = v * 10 + (d[pos++] - '0');
    }
  }
  f.width = values[0];
  f.height = values[1];
  const std::int64_t maxval = values[2];
  if (f.width == 0 || f.height == 0) return "its header declares an empty image";
  if (maxval < 1 || maxval > 65535)
    return "the PNM header declares a maximum value of " + std::to_string(maxval) +
           " (1 to 65535 are valid)";
  if (pos >= n || !space(d[pos])) return "the PNM header is damaged or truncated";
  ++pos;  // exactly one whitespace byte before the samples
  const std::int64_t need = f.width * f.height * (d[1] == '6' ? 3 : 1) * (maxval > 255 ? 2 : 1);
  if (std::int64_t(n - pos) < need)
    return "the PNM file is truncated (" + std::to_string(n - pos) + " bytes of samples, " +
           std::to_string(need) + " needed)";
  f.pnm_maxval = maxval;
  f.pnm_samples = pos;
  return "";
}

// --- BMP, GIF, PSD, TGA: header fields, then the size bound ---------------------------------

// stb_image 2.27 reads palette indices past a BMP's palette from an uninitialised stack array.
// Records where the palette stb reads ends and how many bytes of black entries would complete
// it to 2^bits entries, so decode_image can insert them (and move the pixel-data offset).
void note_short_bmp_palette(const std::uint8_t*, std::uint32_t header, int entry_bytes,
                            std::int64_t palette_bytes, std::int64_t bits, HeaderFacts& f) {
  const std::int64_t entries = palette_bytes / entry_bytes;
  const std::int64_t wanted = std::int64_t(1) << bits;
  if (entries <= 0 || entries >= wanted) return;  // stb_image refuses an empty palette itself
  f.bmp_palette_end = 14 + header + std::size_t(entries * entry_bytes);
  f.bmp_palette_missing = std::size_t((wanted - entries) * entry_bytes);
}

// Uncompressed rows are stored whole, so the file holds at least width x bits / 8 bytes per row
// (stb_image would read the rest as zeros, taking seconds for a few hundred bytes claiming 32 MP).
// Sides below kHugeSide keep the product in range.
std::string check_bmp_rows(std::size_t n, const HeaderFacts& f, std::int64_t bits) {
  const std::int64_t need = (f.width * bits / 8) * f.height;
  if (std::int64_t(n) >= need) return "";
  return "the BMP file is truncated (" + std::to_string(n) + " bytes, its " +
         std::to_string(f.width) + " x " + std::to_string(f.height) + " pixels need at least " +
         std::to_string(need) + ")";
}

std::string check_bmp(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  if (n < 26) return truncated("BMP");
  const std::uint32_t header = le32(d + 14);
  if (header == 12) {  // OS/2 core header: 16-bit sizes, 3-byte palette entries
    f.width = le16(d + 18);
    f.height = le16(d + 20);
    const std::int64_t bits = le16(d + 24);
    // stb_image sizes this palette from the data offset minus 14 + 24 (not 14 + 12).
    if (bits == 1 || bits == 4 || bits == 8)
      note_short_bmp_palette(d, header, 3, le32(d + 10) - 38, bits, f);
    if (const std::string short_data = check_bmp_rows(n, f, bits); !short_data.empty())
      return short_data;
  } else {
    if (header < 40 || n < 34) return truncated("BMP");
    f.width = static_cast<std::int32_t>(le32(d + 18));
    f.height = static_cast<std::int32_t>(le32(d + 22));
    if (f.height < 0) f.height = -f.height;  // top-down bitmap
    if (f.width < 0) return "the BMP header declares a negative width";
    // Signed, as stb_image reads it: it refuses 1, 2 (RLE) and 4 and up, and decodes every other
    // value, negative ones included, as uncompressed rows. Negative values mean nothing in BMP.
    const std::int32_t compression = static_cast<std::int32_t>(le32(d + 30));
    if (compression < 0)
      return "the BMP header declares an unknown compression (" + std::to_string(le32(d + 30)) +
             ")";
    const std::int64_t bits = le16(d + 28);
    if (bits == 0 || bits > 32)
      return "the BMP header declares " + std::to_string(bits) + " bits per pixel";
    // Valid BMPs stb_image does not read (it reads uncompressed and bit-field ones): say so, and
    // another decoder (the browser's) may read them.
    if (compression == 1 || compression == 2 || compression == 4 || compression == 5) {
      f.unsupported_kind = true;
      const char* kind = compression == 1   ? "an RLE8-compressed"
                         : compression == 2 ? "an RLE4-compressed"
                         : compression == 4 ? "a JPEG-compressed"
                                            : "a PNG-compressed";
      return std::string("it is ") + kind +
             " BMP, which FilterLens cannot decode; convert it to PNG or an uncompressed BMP";
    }
    if (compression > 5)
      return "the BMP header declares an unknown compression (" + std::to_string(compression) + ")";
    if (f.width > kHugeSide || f.height > kHugeSide) return "";  // see check_png
    if (n >= 14 + std::size_t(header) && compression == 0 && (bits == 1 || bits == 4 || bits == 8))
      note_short_bmp_palette(d, header, 4, le32(d + 10) - 14 - std::int64_t(header), bits, f);
    if (compression == 0 || compression == 3) {  // uncompressed: every row is stored whole
      if (const std::string short_data = check_bmp_rows(n, f, bits); !short_data.empty())
        return short_data;
    }
    // 16 bits a pixel: PIL reads 5-5-5 (no masks, or those masks) and 5-6-5 as BGR;15 / BGR;16.
    if (bits == 16 && compression == 0) f.bmp_green_bits = 5;
    if (bits == 16 && compression == 3 && n >= 66) {
      const std::uint32_t r = le32(d + 54), g = le32(d + 58), b = le32(d + 62);
      if (r == 0x7C00 && g == 0x3E0 && b == 0x1F) f.bmp_green_bits = 5;
      if (r == 0xF800 && g == 0x7E0 && b == 0x1F) f.bmp_green_bits = 6;
    }
  }
  return "";
}

std::string check_gif(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  if (n < 13) return truncated("GIF");
  f.width = le16(d + 6);
  f.height = le16(d + 8);
  // The blocks before the first image: a graphic control extension there may mark a palette
  // index transparent. stb_image 2.27 leaves such pixels (0, 0, 0, 0), black to the gray; PIL's
  // convert('L') and convert('RGB') use the palette colour, so decode_image clears the flag.
  std::size_t pos = 13;
  if (d[10] & 0x80) pos += 3 * (std::size_t(2) << (d[10] & 7));  // the global colour table
  while (pos < n && d[pos] == 0x21) {                            // an extension
    if (pos + 2 >= n) return "";
    if (d[pos + 1] == 0xF9 && pos + 3 < n && d[pos + 2] == 4 && (d[pos + 3] & 1))
      f.gif_transparency_at = pos + 3;
    pos += 2;
    while (pos < n && d[pos] != 0) pos += 1 + std::size_t(d[pos]);  // its sub-blocks
    ++pos;                                                          // the terminator
  }
  if (pos < n && d[pos] == 0x3B) return "the GIF holds no image (it ends before its first frame)";
  return "";
}

std::string check_psd(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  if (n < 26) return truncated("PSD");
  const std::uint32_t channels = be16(d + 12);
  f.height = be32(d + 14);
  f.width = be32(d + 18);
  const std::uint32_t depth = be16(d + 22);
  if (channels < 1 || channels > 56)
    return "the PSD header declares " + std::to_string(channels) + " channels (1 to 56 are valid)";
  if (depth != 8 && depth != 16)
    return "the PSD image has " + std::to_string(depth) + "-bit channels (8 or 16 are readable)";
  // Valid files stb_image does not read: say so, rather than "damaged".
  if (channels > 16)
    return "the PSD image has " + std::to_string(channels) +
           " channels, more than FilterLens reads (16); save it as PNG";
  if (const std::uint32_t mode = be16(d + 24); mode != 3) {
    // The colour modes Photoshop defines; any other number is a damaged header.
    static const char* const kModes[10] = {
        "bitmap", "grayscale", "indexed-colour", "RGB",     "CMYK",
        "",       "",          "multichannel",   "duotone", "Lab"};
    if (mode >= 10 || !*kModes[mode])
      return "the PSD header is damaged (colour mode " + std::to_string(mode) + ")";
    return "it is " + with_article(kModes[mode]) +
           " PSD, which FilterLens cannot decode (it reads RGB PSDs); save it as PNG";
  }
  // Colour mode data, image resources, layer and mask information: each a 4-byte length + data.
  std::uint64_t pos = 26;
  for (int section = 0; section < 3; ++section) {
    if (pos + 4 > n) return truncated("PSD");
    pos += 4 + std::uint64_t(be32(d + pos));
  }
  if (pos + 2 > n) return truncated("PSD");
  if (channels > 3 && f.height > 0 && f.height <= kHugeSide) {
    // stb_image 2.27 "removes the white matte" of 4-channel images in float arithmetic that
    // overflows its 8-bit cast (UBSan: -178.5 is outside the range of unsigned char).
    // decode_image reads only the colour channels instead, as PIL's convert('L') uses them.
    f.psd_compression_at = std::size_t(pos);
    f.psd_channels = int(channels);
    if (be16(d + pos) == 1 && pos + 2 + std::uint64_t(channels) * f.height * 2 > n)
      return truncated("PSD");  // the RLE row-length table
  }
  return "";
}

// Radiance HDR: stb_image 2.27 loops forever on a run-length scanline whose count byte is 0,
// and a truncated one reads 0s, so every RLE scanline is walked here first.
std::string check_hdr(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  std::size_t pos = 0;
  auto line = [&](std::string& out) {  // one line without its '\n'; false at the end
    out.clear();
    while (pos < n && d[pos] != '\n') {
      if (out.size() < 1024) out.push_back(char(d[pos]));
      ++pos;
    }
    if (pos >= n) return false;
    ++pos;
    return true;
  };
  std::string text;
  do {
    if (!line(text)) return truncated("HDR");
  } while (!text.empty());  // the header ends at an empty line
  if (!line(text)) return truncated("HDR");
  long long h = 0, w = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "-Y %9lld +X %9lld%c", &h, &w, &extra) != 2 || h <= 0 || w <= 0)
    return "the HDR image's size line is not the \"-Y height +X width\" FilterLens reads";
  f.width = w;
  f.height = h;
  if (w < 8 || w >= 32768) return "";  // flat scanlines: stb_image reads them without loops
  for (long long y = 0; y < h; ++y) {
    if (pos + 4 > n) return "the HDR data is truncated";
    if (d[pos] != 2 || d[pos + 1] != 2 || (d[pos + 2] & 0x80)) return "";  // flat from here on
    if (((long long)(d[pos + 2]) << 8 | d[pos + 3]) != w)
      return "an HDR scanline declares the wrong width";
    pos += 4;
    for (int component = 0; component < 4; ++component) {
      for (long long x = 0; x < w;) {
        if (pos >= n) return "the HDR data is truncated";
        const int count = d[pos++];
        const long long run = count > 128 ? count - 128 : count;
        if (run == 0 || run > w - x) return "an HDR scanline's run-length data is damaged";
        pos += count > 128 ? 1 : std::size_t(run);
        if (pos > n) return "the HDR data is truncated";
        x += run;
      }
    }
  }
  return "";
}

std::string check_tga(const std::uint8_t* d, std::size_t n, HeaderFacts& f) {
  if (n < 18) return truncated("TGA");
  f.width = le16(d + 12);
  f.height = le16(d + 14);
  const int type = d[2];
  const std::int64_t bytes_per_pixel = (d[16] + 7) / 8;
  if (type >= 1 && type <= 3) {  // uncompressed
    const std::int64_t need = 18 + d[0] + f.width * f.height * bytes_per_pixel;
    if (std::int64_t(n) < need)
      return "the TGA file is truncated (" + std::to_string(n) + " bytes, " + std::to_string(need) +
             " needed)";
  }
  return "";
}

}  // namespace

bool is_jpeg_behind_fill_bytes(const std::uint8_t* d, std::size_t n) {
  std::size_t pos = 0;
  while (pos < n && d[pos] == 0xFF) ++pos;
  return pos > 0 && pos < n && d[pos] == 0xD8;
}

std::int64_t minimum_file_bytes(const std::string& format, std::int64_t w, std::int64_t h) {
  const std::int64_t pixels = w * h;
  // Best cases: deflate expands at most 1032:1; LZW emits at most 4096 pixels per code of at
  // least one bit; PackBits / RLE packets cover at most 128 samples in two bytes.
  if (format == "PNG") return pixels / 1032;
  if (format == "GIF") return pixels / (8 * 4096);
  if (format == "PSD" || format == "TGA") return pixels / 128;
  if (format == "HDR") return pixels / 64;
  return 0;  // JPEG, BMP and PNM are bounded exactly by their own walks
}

std::string check_before_decode(const std::string& format, const std::uint8_t* d, std::size_t n,
                                HeaderFacts& f) {
  f.format = format;
  if (format == "PNG") return check_png(d, n, f);
  if (format == "JPEG") return check_jpeg(d, n, f);
  if (format == "PNM") return check_pnm(d, n, f);
  if (format == "BMP") return check_bmp(d, n, f);
  if (format == "GIF") return check_gif(d, n, f);
  if (format == "PSD") return check_psd(d, n, f);
  if (format == "TGA") return check_tga(d, n, f);  // named by decode_image once stbi_info agrees
  if (format == "HDR") return check_hdr(d, n, f);
  return "";
}

}  // namespace filterlens::detail
