// Decoding with stb_image from memory, plus what stb_image leaves to its caller: the pre-decode
// walk of decode_checks.h, size limits before allocation, an allocation budget stb_image's own
// allocations are held to, truncation seen in the same decode, EXIF orientation, and readable
// error messages.
#include "decode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "byte_reader.h"
#include "decode_checks.h"
#include "stb_budget.h"

#define STBI_NO_STDIO
#include <stb/stb_image.h>  // the declarations; stb_image_impl.cpp compiles the implementation

namespace filterlens {
namespace {

// Magic strings may contain NUL bytes, so their length comes from the array, not strlen.
template <std::size_t N>
bool starts_with(const std::uint8_t* d, std::size_t n, const char (&magic)[N], std::size_t at = 0) {
  const std::size_t m = N - 1;
  return n >= at + m && std::memcmp(d + at, magic, m) == 0;
}

// Calls fn(marker, segment, segment_length) for each marker segment of a JPEG's header, up to
// the first scan, until fn returns true. A malformed or truncated length ends the walk.
template <class Fn>
void for_each_jpeg_header_segment(const std::uint8_t* d, std::size_t n, Fn fn) {
  if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) return;
  std::size_t pos = 2;
  while (pos + 4 <= n && d[pos] == 0xFF) {
    const std::uint8_t marker = d[pos + 1];
    if (marker == 0xDA || marker == 0xD9) return;  // image data starts
    const std::size_t len = be16(d + pos + 2);
    if (len < 2 || pos + 2 + len > n) return;
    if (fn(marker, d + pos + 4, len - 2)) return;
    pos += 2 + len;
  }
}

// Megapixels with as many decimals as it takes to tell `pixels` from `limit` ("64.01 MP" against
// "64 MP", never "64 MP; the limit is 64 MP").
std::string megapixels_against(double pixels, std::int64_t limit, std::string& limit_text) {
  char a[40], b[40];
  for (int decimals = pixels >= 1e7 ? 0 : 1;; ++decimals) {
    std::snprintf(a, sizeof a, "%.*f", decimals, pixels / 1e6);
    std::snprintf(b, sizeof b, "%.*f", decimals, limit / 1e6);
    if (std::strcmp(a, b) != 0 || decimals >= 6) break;
  }
  limit_text = b;
  if (limit_text.find('.') != std::string::npos) {  // "0.50" -> "0.5", "64.00" -> "64"
    while (limit_text.back() == '0') limit_text.pop_back();
    if (limit_text.back() == '.') limit_text.pop_back();
  }
  return a;
}

std::string too_large(std::int64_t w, std::int64_t h, std::int64_t limit) {
  std::string limit_text;
  const std::string mp =
      megapixels_against(double(w) * double(h), limit, limit_text);  // no overflow
  return "image is " + std::to_string(w) + " x " + std::to_string(h) + " (" + mp +
         " MP); the limit is " + limit_text + " MP";
}

// stb_image reads through these callbacks rather than from memory so that a read past the end
// is seen in the one decode: the BMP, TGA, PSD, HDR and GIF readers report success on a
// truncated file, filling what is missing with zeros.
struct TrackedReader {
  static constexpr int kStbBufferBytes = 128;  // stbi__context::buffer_start
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  bool read_past_end = false;

  static int read(void* user, char* out, int want) {
    auto* r = static_cast<TrackedReader*>(user);
    const std::size_t left = r->size - r->pos;
    const std::size_t wanted = want < 0 ? 0 : std::size_t(want);
    // A refill at the end, or a bulk read (stbi__getn asks for exactly what it needs) that the
    // file cannot satisfy. A refill near the end asks for a whole buffer: that is not a sign.
    if (left == 0 || (want != kStbBufferBytes && wanted > left)) r->read_past_end = true;
    const std::size_t n = std::min(left, wanted);
    std::memcpy(out, r->data + r->pos, n);
    r->pos += n;
    return static_cast<int>(n);
  }
  static void skip(void* user, int n) {
    auto* r = static_cast<TrackedReader*>(user);
    if (n < 0)
      r->pos -= std::min(r->pos, std::size_t(-std::int64_t(n)));
    else
      r->pos = std::min(r->size, r->pos + std::size_t(n));
  }
  static int eof(void* user) {
    auto* r = static_cast<TrackedReader*>(user);
    return r->pos >= r->size;
  }
};

// A copy of a BMP whose palette is completed with black entries, its pixel-data offset (and
// file size) moved past them. Same reason as pad_png_palette.
std::vector<std::uint8_t> pad_bmp_palette(const std::uint8_t* d, std::size_t n,
                                          const detail::HeaderFacts& f) {
  std::vector<std::uint8_t> out;
  out.reserve(n + f.bmp_palette_missing);
  out.insert(out.end(), d, d + f.bmp_palette_end);
  out.insert(out.end(), f.bmp_palette_missing, 0);
  out.insert(out.end(), d + f.bmp_palette_end, d + n);
  auto add_le32 = [&](std::size_t at, std::size_t add) {
    std::uint32_t v =
        out[at] | (out[at + 1] << 8) | (out[at + 2] << 16) | (std::uint32_t(out[at + 3]) << 24);
    v += static_cast<std::uint32_t>(add);
    for (int i = 0; i < 4; ++i) out[at + std::size_t(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  add_le32(2, f.bmp_palette_missing);   // bfSize
  add_le32(10, f.bmp_palette_missing);  // bfOffBits
  return out;
}

// A copy of a PSD with more than 3 channels that declares only the 3 colour channels (and, for
// RLE data, keeps only their rows of the row-length table): stb_image then reads R, G and B as
// stored and skips its "white matte" removal, whose float-to-8-bit cast overflows.
std::vector<std::uint8_t> psd_colour_channels_only(const std::uint8_t* d, std::size_t n,
                                                   const detail::HeaderFacts& f) {
  const std::size_t data_at = f.psd_compression_at + 2;
  const bool rle = d[f.psd_compression_at] == 0 && d[f.psd_compression_at + 1] == 1;
  const std::size_t row_table = std::size_t(f.height) * 2;
  std::vector<std::uint8_t> out(d, d + data_at);
  out[12] = 0;
  out[13] = 3;
  if (rle) {
    out.insert(out.end(), d + data_at, d + data_at + 3 * row_table);
    out.insert(out.end(), d + data_at + std::size_t(f.psd_channels) * row_table, d + n);
  } else {
    out.insert(out.end(), d + data_at, d + n);
  }
  return out;
}

// A copy of a PNG whose palette is padded with black entries to the 256 any index can address.
// stb_image 2.27 reads an index past the palette from uninitialised memory; libpng and PIL show
// such pixels black. The chunk's CRC is left as it was: stb_image does not check CRCs, and this
// copy never leaves decode_image.
std::vector<std::uint8_t> pad_png_palette(const std::uint8_t* d, std::size_t n,
                                          const detail::HeaderFacts& f) {
  const std::size_t full = 768;
  std::vector<std::uint8_t> out;
  out.reserve(n + full - f.plte_length);
  out.insert(out.end(), d, d + f.plte_offset);
  out.insert(out.end(), {0, 0, 0x03, 0x00, 'P', 'L', 'T', 'E'});
  out.insert(out.end(), d + f.plte_offset + 8, d + f.plte_offset + 8 + f.plte_length);
  out.insert(out.end(), full - f.plte_length, 0);
  out.insert(out.end(), d + f.plte_offset + 8 + f.plte_length, d + n);  // CRC and the rest
  return out;
}

// A copy of a PNG without its empty IDAT chunks. stb_image 2.27 allocates its data buffer at the
// first IDAT with bytes in it and copies each chunk into it with memcpy: an empty chunk before
// that one passes a null pointer (undefined behaviour even for 0 bytes; UBSan stops there).
// check_png walked the chunks up to IEND; from IEND on (or anything the walk would not take),
// the bytes are copied as they are. Lengths are bounded before they are added (size_t is 32
// bits in wasm).
std::vector<std::uint8_t> drop_empty_png_idats(const std::uint8_t* d, std::size_t n) {
  std::vector<std::uint8_t> out(d, d + std::min<std::size_t>(n, 8));
  std::size_t pos = 8;
  while (pos + 12 <= n) {
    const std::uint32_t len = be32(d + pos);
    if (len > 0x7FFFFFFFu || len > n - pos - 12 || std::memcmp(d + pos + 4, "IEND", 4) == 0) break;
    const std::size_t end = pos + 12 + len;
    if (!(len == 0 && std::memcmp(d + pos + 4, "IDAT", 4) == 0))
      out.insert(out.end(), d + pos, d + end);
    pos = end;
  }
  if (pos < n) out.insert(out.end(), d + pos, d + n);
  return out;
}

// A P5 or P6 image whose maximum sample value is not 255, scaled as PIL 9 scales it (stb_image
// 2.27 keeps the samples unscaled, and of 16-bit ones the low byte): a sample v becomes
// min(top, round(v / maxval * top)) in doubles, ties to even (Python's round), top = 255. A
// 16-bit gray image is PIL's mode "I" with top = 65535, whose convert('L') clips to 255 (nearly
// white): as for a 16-bit PNG, FilterLens keeps that value's high byte instead. check_pnm checked
// the header and that the file holds every sample.
Image read_scaled_pnm(const std::uint8_t* d, const detail::HeaderFacts& f) {
  const int channels = d[1] == '6' ? 3 : 1;
  const bool wide = f.pnm_maxval > 255;
  const bool sixteen_bit_gray = wide && channels == 1;
  const double top = sixteen_bit_gray ? 65535.0 : 255.0;
  Image image{static_cast<int>(f.width), static_cast<int>(f.height), channels, {}};
  const std::size_t count = std::size_t(f.width) * std::size_t(f.height) * std::size_t(channels);
  image.pixels.resize(count);
  const std::uint8_t* s = d + f.pnm_samples;
  const double maxval = static_cast<double>(f.pnm_maxval);
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned v = wide ? (unsigned(s[2 * i]) << 8) | s[2 * i + 1] : s[i];
    const auto scaled =
        static_cast<unsigned>(std::min(top, std::nearbyint(static_cast<double>(v) / maxval * top)));
    image.pixels[i] = static_cast<std::uint8_t>(sixteen_bit_gray ? scaled >> 8 : scaled);
  }
  return image;
}

std::string friendly_stb_error(const char* reason) {
  const std::string r = reason ? reason : "";
  if (r == "outofmem") return "not enough memory to decode it";
  if (r == "unknown image type") return "it is not an image in a format FilterLens can read";
  if (r == "too large" || r == "bad dimensions") return "its header declares impossible dimensions";
  if (r.empty()) return "it is damaged or truncated";
  return "it is damaged or truncated (decoder says: " + r + ")";
}

}  // namespace

std::string sniff_format(const std::uint8_t* d, std::size_t n) {
  if (starts_with(d, n, "\x89PNG\r\n\x1a\n")) return "PNG";
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "JPEG";
  if (starts_with(d, n, "GIF87a") || starts_with(d, n, "GIF89a")) return "GIF";
  if (starts_with(d, n, "BM")) return "BMP";
  if (starts_with(d, n, "8BPS")) return "PSD";
  if (starts_with(d, n, "#?RADIANCE") || starts_with(d, n, "#?RGBE")) return "HDR";
  if (n >= 2 && d[0] == 'P' && d[1] >= '1' && d[1] <= '7') return "PNM";
  if (starts_with(d, n, "RIFF") && starts_with(d, n, "WEBP", 8)) return "WebP";
  if (starts_with(d, n, "ftypavif", 4) || starts_with(d, n, "ftypavis", 4)) return "AVIF";
  if (starts_with(d, n, "ftypheic", 4) || starts_with(d, n, "ftypheix", 4) ||
      starts_with(d, n, "ftypmif1", 4))
    return "HEIC";
  if (starts_with(d, n, "II*\0", 0) || starts_with(d, n, "MM\0*")) return "TIFF";
  if (starts_with(d, n, "\0\0\1\0")) return "ICO";
  if (starts_with(d, n, "%PDF")) return "PDF";
  if (starts_with(d, n, "<svg") || starts_with(d, n, "<?xml")) return "SVG";
  if (starts_with(d, n, "\xff\x0a") || starts_with(d, n, "\0\0\0\x0cJXL ")) return "JPEG XL";
  return "";
}

bool is_decodable_format(const std::string& format) {
  for (const char* f : {"PNG", "JPEG", "GIF", "BMP", "PSD", "HDR", "PNM"})
    if (format == f) return true;
  return false;
}

namespace {

// sniff_format's name, a JPEG behind 0xFF fill bytes (stb_image skips them) included.
std::string file_format(const std::uint8_t* data, std::size_t size) {
  const std::string format = sniff_format(data, size);
  return format.empty() && detail::is_jpeg_behind_fill_bytes(data, size) ? "JPEG" : format;
}

// Whether a header's sides are past the pixel limit. Either side past it settles it before the
// product (up to 2^64) is formed.
bool past_pixel_limit(std::int64_t width, std::int64_t height, const DecodeLimits& limits) {
  return width > limits.max_pixels || height > limits.max_pixels ||
         width * height > limits.max_pixels;
}

}  // namespace

bool another_decoder_may_read(const std::uint8_t* data, std::size_t size,
                              const DecodeLimits& limits) {
  if (data == nullptr || size == 0) return false;
  const std::string format = file_format(data, size);
  if (format != "JPEG" && format != "BMP") return !is_decodable_format(format);
  detail::HeaderFacts facts;
  detail::check_before_decode(format, data, size, facts);
  const bool too_large = past_pixel_limit(facts.width, facts.height, limits);
  if (format == "BMP") return facts.unsupported_kind && !too_large;
  // The walk stops at the frame header of a kind it does not read, before the scans: a file cut
  // short is told by its missing end-of-image marker (0xFF 0xD9, trailing zeros allowed), and
  // keeps FilterLens's message rather than a browser's partial picture.
  std::size_t end = size;
  while (end > 0 && data[end - 1] == 0) --end;
  const bool whole = end >= 2 && data[end - 2] == 0xFF && data[end - 1] == 0xD9;
  // An arithmetic-coded frame with Huffman tables in the header is a Huffman-coded JPEG with a
  // damaged frame marker (libjpeg's arithmetic encoder writes none): a browser decodes its data
  // as arithmetic codes, into noise.
  bool arithmetic = false, huffman_tables = false;
  for_each_jpeg_header_segment(
      data, size, [&](std::uint8_t marker, const std::uint8_t*, std::size_t) {
        arithmetic = arithmetic || (marker >= 0xC9 && marker <= 0xCF && marker != 0xCC);
        huffman_tables = huffman_tables || marker == 0xC4;
        return false;
      });
  return facts.unsupported_kind && !too_large && whole && !(arithmetic && huffman_tables);
}

int jpeg_exif_orientation(const std::uint8_t* d, std::size_t n) {
  int orientation = 1;
  for_each_jpeg_header_segment(
      d, n, [&](std::uint8_t marker, const std::uint8_t* seg, std::size_t seg_len) {
        if (marker != 0xE1 || seg_len < 14 || std::memcmp(seg, "Exif\0\0", 6) != 0) return false;
        const std::uint8_t* t = seg + 6;  // TIFF header
        const std::size_t tn = seg_len - 6;
        const bool le = t[0] == 'I' && t[1] == 'I';
        if (!le && !(t[0] == 'M' && t[1] == 'M')) return true;
        auto u16 = [&](std::size_t o) -> unsigned {
          return le ? (t[o] | (t[o + 1] << 8)) : ((t[o] << 8) | t[o + 1]);
        };
        auto u32 = [&](std::size_t o) -> std::size_t {
          return le ? (std::size_t(t[o]) | (std::size_t(t[o + 1]) << 8) |
                       (std::size_t(t[o + 2]) << 16) | (std::size_t(t[o + 3]) << 24))
                    : ((std::size_t(t[o]) << 24) | (std::size_t(t[o + 1]) << 16) |
                       (std::size_t(t[o + 2]) << 8) | std::size_t(t[o + 3]));
        };
        const std::size_t ifd = u32(4);
        if (ifd + 2 > tn) return true;
        const unsigned count = u16(ifd);
        for (unsigned i = 0; i < count; ++i) {
          const std::size_t e = ifd + 2 + 12 * std::size_t(i);
          if (e + 12 > tn) return true;
          if (u16(e) == 0x0112 && u16(e + 2) == 3) {
            const unsigned v = u16(e + 8);
            if (v >= 1 && v <= 8) orientation = static_cast<int>(v);
            return true;
          }
        }
        return true;  // the first EXIF segment decides
      });
  return orientation;
}

Image apply_exif_orientation(Image in, int orientation) {
  if (orientation <= 1 || orientation > 8 || in.empty()) return in;  // moved, not copied
  const int w = in.width, h = in.height, c = in.channels;
  const bool swap = orientation >= 5;
  Image out{swap ? h : w, swap ? w : h, c, {}};
  out.pixels.resize(in.pixels.size());
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          break;  // mirror left-right
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;  // rotate 180
        case 4:
          sy = h - 1 - y;
          break;  // mirror top-bottom
        case 5:
          sx = y;
          sy = x;
          break;  // transpose
        case 6:
          sx = y;
          sy = h - 1 - x;
          break;  // rotate 90 clockwise
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;  // transverse
        case 8:
          sx = w - 1 - y;
          sy = x;
          break;  // rotate 90 counter-clockwise
      }
      std::memcpy(&out.pixels[(static_cast<std::size_t>(y) * out.width + x) * c],
                  &in.pixels[(static_cast<std::size_t>(sy) * w + sx) * c], c);
    }
  }
  return out;
}

namespace {

// What stb_image may allocate for an image of `area` pixels: its largest reader (a progressive
// JPEG's coefficients, an HDR's floats) needs about 20 bytes per pixel; PNG adds its compressed
// and inflated buffers.
std::int64_t stb_budget(std::int64_t area, const detail::HeaderFacts& facts) {
  return 24 * area + 2 * facts.idat_bytes + 2 * facts.raw_bytes + (std::int64_t(4) << 20);
}

namespace {

// Why a file that is no image was refused, naming what it looks like when its first bytes say
// (files people drop on the page expecting filters): the formats read, and where filters come
// from.
std::string not_an_image(const std::uint8_t* data, std::size_t size) {
  auto starts = [&](const char* magic, std::size_t n) {
    return size >= n && std::memcmp(data, magic, n) == 0;
  };
  const char* const kFilters =
      "; filters are read from .npy and .safetensors files (numpy.save of a layer's weight, or "
      "safetensors' save_file)";
  std::string what;
  if (starts("PK\x03\x04", 4))
    what = "a zip archive (PyTorch saves .pt and .pth files as one)";
  else if (starts("\x89HDF\r\n\x1a\n", 8))
    what = "an HDF5 file (Keras saves .h5 models as one)";
  else if (starts("FLCNNW\r\n", 8))
    what = "FilterLens's own trained-network file (.weights), which the app loads by itself";
  if (!what.empty()) return "it is " + what + ", not an image" + kFilters;
  return "it is not an image FilterLens can read (not PNG, JPEG, BMP, GIF, TGA, PSD, HDR or PNM)" +
         std::string(kFilters);
}

// A 16-bit BMP's samples as PIL's BGR;15 / BGR;16 unpackers make them: an n-bit value v becomes
// v * 255 / (2^n - 1), rounded down. stb_image 2.27 widens v by repeating its bits (v << 3 | v >>
// 2 for 5 bits), one level above PIL's in about half the samples; its top n bits are v.
void rescale_bmp16_like_pil(Image& image, int green_bits) {
  std::uint8_t five[256], six[256];
  for (int v = 0; v < 256; ++v) {
    five[v] = static_cast<std::uint8_t>((v >> 3) * 255 / 31);
    six[v] = static_cast<std::uint8_t>((v >> 2) * 255 / 63);
  }
  const std::uint8_t* green = green_bits == 6 ? six : five;
  const std::size_t step = static_cast<std::size_t>(image.channels);
  if (step < 3) return;  // stb gives 3 (4 with an alpha mask, which PIL does not read)
  for (std::size_t i = 0; i + 2 < image.pixels.size(); i += step) {
    image.pixels[i] = five[image.pixels[i]];
    image.pixels[i + 1] = green[image.pixels[i + 1]];
    image.pixels[i + 2] = five[image.pixels[i + 2]];
  }
}

}  // namespace

// The checks every decode and probe share: sizes, the pre-decode walk, the pixel limit, and the
// bytes a file must hold for the size it declares. Fills `facts` (dimensions from the header) and
// `info` (with decode_bytes).
Status check_file(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits,
                  detail::HeaderFacts& facts, ImageInfo& info) {
  if (data == nullptr || size == 0) return Status::fail("the file is empty (0 bytes)");
  if (size > static_cast<std::size_t>(INT32_MAX))
    return Status::fail("the file is larger than 2 GB");
  const std::string format = file_format(data, size);
  if (!format.empty() && !is_decodable_format(format))
    return Status::fail("it is in " + format +
                        " format, which FilterLens cannot decode; convert it to PNG or JPEG");
  const int n = static_cast<int>(size);
  int w = 0, h = 0, comp = 0;
  std::string walk_error = detail::check_before_decode(format, data, size, facts);
  const bool known = facts.width > 0 && facts.height > 0;
  // The limit first: "too large" is the truer answer for a huge header that is also damaged.
  if (known && past_pixel_limit(facts.width, facts.height, limits))
    return Status::fail(too_large(facts.width, facts.height, limits.max_pixels));
  if (!walk_error.empty()) return Status::fail(walk_error);

  {
    detail::ScopedStbBudget budget(1 << 20);  // stbi_info reads headers; it allocates nothing large
    if (!stbi_info_from_memory(data, n, &w, &h, &comp)) {
      if (format.empty()) return Status::fail(not_an_image(data, size));
      return Status::fail("its " + format +
                          " header is damaged or truncated, so the image cannot be read");
    }
  }
  // stb_image 2.27's BMP info gives a top-down bitmap's negative height as it is (its loader
  // takes the absolute value); check_bmp has it positive.
  if (format == "BMP" && h < 0 && facts.height > 0 && facts.height <= INT32_MAX)
    h = static_cast<int>(facts.height);
  if (w <= 0 || h <= 0) return Status::fail("its header declares an empty image");
  if (std::int64_t(w) * h > limits.max_pixels)
    return Status::fail(too_large(w, h, limits.max_pixels));
  info.format = format.empty() ? "TGA" : format;  // TGA alone has no magic to sniff
  if (format.empty()) {
    walk_error = detail::check_before_decode("TGA", data, size, facts);
    if (!walk_error.empty()) return Status::fail(walk_error);
  }
  const std::int64_t least = detail::minimum_file_bytes(info.format, w, h);
  if (std::int64_t(size) < least)
    return Status::fail("the " + info.format + " declares " + std::to_string(w) + " x " +
                        std::to_string(h) + " pixels but the file holds only " +
                        std::to_string(size) + " bytes (at least " + std::to_string(least) +
                        " are needed): it is truncated or its header is forged");
  // Deflate can add at most 5 bytes per 64 KB stored block, a fixed-Huffman encoder 1/8: more
  // compressed data than that cannot belong to this image, and would inflate into a bomb.
  if (info.format == "PNG" && facts.idat_bytes > facts.raw_bytes + facts.raw_bytes / 4 + 4096)
    return Status::fail("the PNG holds " + std::to_string(facts.idat_bytes) +
                        " bytes of compressed data, more than a " + std::to_string(w) + " x " +
                        std::to_string(h) + " image can need (" + std::to_string(facts.raw_bytes) +
                        " bytes uncompressed): refused as a decompression bomb");
  info.width = w;
  info.height = h;
  info.channels = comp;
  const std::int64_t pixels = std::int64_t(w) * h * std::clamp(comp, 1, 4);
  info.decode_bytes = stb_budget(std::int64_t(w) * h, facts) + 2 * pixels + std::int64_t(size);
  return Status::ok();
}

}  // namespace

Result<ImageInfo> probe_image(const std::uint8_t* data, std::size_t size,
                              const DecodeLimits& limits) {
  detail::HeaderFacts facts;
  ImageInfo info;
  Status s = check_file(data, size, limits, facts, info);
  if (!s) return Result<ImageInfo>::fail(s.error());
  if (info.format == "JPEG") {
    const int o = jpeg_exif_orientation(data, size);
    if (o >= 5) std::swap(info.width, info.height);
  }
  return Result<ImageInfo>::ok(info);
}

Result<Image> decode_image(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits) {
  detail::HeaderFacts facts;
  ImageInfo info;
  Status s = check_file(data, size, limits, facts, info);
  if (!s) return Result<Image>::fail(s.error());

  std::vector<std::uint8_t> padded;
  if (facts.plte_length != 0) padded = pad_png_palette(data, size, facts);
  if (facts.bmp_palette_missing != 0 && facts.bmp_palette_end <= size)
    padded = pad_bmp_palette(data, size, facts);
  if (facts.psd_channels > 3) padded = psd_colour_channels_only(data, size, facts);
  if (!padded.empty()) {
    data = padded.data();
    size = padded.size();
  }
  if (facts.gif_transparency_at != 0 && facts.gif_transparency_at < size) {
    padded.assign(data, data + size);  // the first frame's transparent index shows its colour
    padded[facts.gif_transparency_at] &= 0xFE;
    data = padded.data();
    size = padded.size();
  }
  if (facts.png_empty_idat) {  // after the palette's padding, on its copy
    padded = drop_empty_png_idats(data, size);
    data = padded.data();
    size = padded.size();
  }
  if (facts.pnm_maxval != 0 && facts.pnm_maxval != 255)
    return Result<Image>::ok(read_scaled_pnm(data, facts));
  const std::int64_t budget = stb_budget(std::int64_t(info.width) * info.height, facts);
  TrackedReader reader{data, size};
  stbi_io_callbacks io{TrackedReader::read, TrackedReader::skip, TrackedReader::eof};
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels_ptr(nullptr, stbi_image_free);
  bool over_budget = false;
  {
    detail::ScopedStbBudget scope(static_cast<std::size_t>(budget));
    pixels_ptr.reset(stbi_load_from_callbacks(&io, &reader, &w, &h, &channels, 0));
    over_budget = scope.refused();
  }
  const std::string what = info.format + " image";
  if (!pixels_ptr) {
    if (over_budget)
      return Result<Image>::fail("the " + what + " needs more memory to decode than a " +
                                 std::to_string(info.width) + " x " + std::to_string(info.height) +
                                 " image can (its data expands beyond its size): refused");
    return Result<Image>::fail(
        "the " + what + " could not be decoded: " + friendly_stb_error(stbi_failure_reason()));
  }
  if (w != info.width || h != info.height || channels < 1 || channels > 4)
    return Result<Image>::fail("the " + what + " is damaged (its header and data disagree)");
  if (info.format != "PNG" && info.format != "JPEG" && reader.read_past_end)
    return Result<Image>::fail("the " + info.format +
                               " file is truncated (it ends before all its pixels)");
  Image image{w, h, channels, {}};
  image.pixels.assign(pixels_ptr.get(),
                      pixels_ptr.get() + std::size_t(w) * std::size_t(h) * std::size_t(channels));
  pixels_ptr.reset();
  if (info.format == "JPEG")
    image = apply_exif_orientation(std::move(image), jpeg_exif_orientation(data, size));
  if (facts.bmp_green_bits != 0) rescale_bmp16_like_pil(image, facts.bmp_green_bits);
  return Result<Image>::ok(std::move(image));
}

}  // namespace filterlens
