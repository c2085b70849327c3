// Decoding with stb_image from memory, plus the checks stb_image leaves to its caller: size limits
// before allocation, JPEG truncation, EXIF orientation, and readable error messages.
#include "decode.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

// Let stb_image report any header's true size; our own pixel limit below is the one that counts.
#define STBI_MAX_DIMENSIONS (1 << 30)
#define STBI_NO_STDIO
// Zeroed allocations: some stb readers leave rows they could not read untouched, and the
// truncation check below must compare deterministic pixels, not leftover heap contents.
#define STBI_MALLOC(size) std::calloc(1, size)
#define STBI_REALLOC(p, size) std::realloc(p, size)
#define STBI_FREE(p) std::free(p)
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

namespace filterlens {
namespace {

// Magic strings may contain NUL bytes, so their length comes from the array, not strlen.
template <std::size_t N>
bool starts_with(const std::uint8_t* d, std::size_t n, const char (&magic)[N], std::size_t at = 0) {
  const std::size_t m = N - 1;
  return n >= at + m && std::memcmp(d + at, magic, m) == 0;
}

unsigned be16(const std::uint8_t* p) {
  return (p[0] << 8) | p[1];
}
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         p[3];
}
std::uint32_t le16(const std::uint8_t* p) {
  return p[0] | (std::uint32_t(p[1]) << 8);
}
std::uint32_t le32(const std::uint8_t* p) {
  return le16(p) | (le16(p + 2) << 16);
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

// Width and height as the header declares them. stb_image's own info call refuses sizes it
// considers too large without saying how large, so the formats whose headers can declare huge
// images are read here first; the rest fall back to stbi_info.
bool header_dimensions(const std::string& format, const std::uint8_t* d, std::size_t n,
                       std::int64_t& w, std::int64_t& h) {
  if (format == "PNG" && n >= 24 && std::memcmp(d + 12, "IHDR", 4) == 0) {
    w = be32(d + 16);
    h = be32(d + 20);
    return true;
  }
  if (format == "GIF" && n >= 10) {
    w = le16(d + 6);
    h = le16(d + 8);
    return true;
  }
  if (format == "BMP" && n >= 26) {
    w = static_cast<std::int32_t>(le32(d + 18));
    h = static_cast<std::int32_t>(le32(d + 22));
    if (h < 0) h = -h;  // top-down bitmap
    return true;
  }
  if (format == "PSD" && n >= 22) {
    h = be32(d + 14);
    w = be32(d + 18);
    return true;
  }
  bool found = false;
  if (format == "JPEG") {  // the first SOFn segment: precision, height, width
    for_each_jpeg_header_segment(
        d, n, [&](std::uint8_t m, const std::uint8_t* seg, std::size_t len) {
          if (m < 0xC0 || m > 0xCF || m == 0xC4 || m == 0xC8 || m == 0xCC || len < 5) return false;
          h = be16(seg + 1);
          w = be16(seg + 3);
          return found = true;
        });
  }
  return found;
}

// stb_image's BMP, TGA, PNM, PSD, HDR and GIF readers report success on a truncated file: they
// read zeros past the end or leave the rest of the image zero. Decoding again with enough extra
// bytes appended to cover every pixel tells them apart: a complete file never reads the extra
// bytes, a truncated one does and comes out different.
bool reads_past_end(const std::uint8_t* d, std::size_t n, const stbi_uc* first, int w, int h,
                    int channels) {
  // Raw samples may be 16 or 32 bits (PSD, PNM, HDR): 4 bytes per channel bounds them all.
  const std::size_t enough = static_cast<std::size_t>(w) * h * 4 * 4 + 1024;
  std::vector<std::uint8_t> padded(d, d + n);
  padded.insert(padded.end(), enough, 0xA5);
  int w2 = 0, h2 = 0, c2 = 0;
  if (padded.size() > static_cast<std::size_t>(INT32_MAX)) return false;
  stbi_uc* second =
      stbi_load_from_memory(padded.data(), static_cast<int>(padded.size()), &w2, &h2, &c2, 0);
  const bool differs = second == nullptr || w2 != w || h2 != h || c2 != channels ||
                       std::memcmp(first, second, static_cast<std::size_t>(w) * h * channels) != 0;
  stbi_image_free(second);
  return differs;
}

std::string megapixels(std::int64_t pixels) {
  char buf[32];
  const double mp = pixels / 1e6;
  std::snprintf(buf, sizeof buf, mp >= 10 ? "%.0f MP" : "%.1f MP", mp);
  return buf;
}

// Walks a JPEG's marker segments and entropy-coded scans; false when the data ends before the
// EOI marker. stb_image itself pads a truncated scan with zeros and reports success.
bool jpeg_is_complete(const std::uint8_t* d, std::size_t n) {
  std::size_t pos = 2;
  while (pos < n) {
    if (d[pos] != 0xFF) {
      ++pos;  // entropy-coded data or garbage between segments
      continue;
    }
    while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) return false;
    const std::uint8_t marker = d[pos++];
    if (marker == 0xD9) return true;  // EOI
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
      continue;  // no length
    if (pos + 2 > n) return false;
    const std::size_t len = be16(d + pos);
    if (len < 2 || pos + len > n) return false;
    pos += len;
    if (marker == 0xDA) {  // SOS: skip the scan up to the next real marker
      while (pos + 1 < n) {
        if (d[pos] == 0xFF && d[pos + 1] != 0x00 && !(d[pos + 1] >= 0xD0 && d[pos + 1] <= 0xD7))
          break;
        ++pos;
      }
      if (pos + 1 >= n) return false;
    }
  }
  return false;
}

std::string friendly_stb_error(const char* reason) {
  const std::string r = reason ? reason : "";
  if (r == "outofmem") return "not enough memory to decode it";
  if (r == "unknown image type") return "it is not an image in a format FilterLens can read";
  if (r == "too large" || r == "bad dimensions") return "its header declares impossible dimensions";
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

Image apply_exif_orientation(const Image& in, int orientation) {
  if (orientation <= 1 || orientation > 8 || in.empty()) return in;
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

Result<Image> decode_image(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits) {
  if (data == nullptr || size == 0) return Result<Image>::fail("the file is empty (0 bytes)");
  if (size > static_cast<std::size_t>(INT32_MAX))
    return Result<Image>::fail("the file is larger than 2 GB");
  const int n = static_cast<int>(size);
  const std::string format = sniff_format(data, size);

  std::int64_t hw = 0, hh = 0;
  int w = 0, h = 0, comp = 0;
  if (header_dimensions(format, data, size, hw, hh)) {
    if (hw * hh > limits.max_pixels) {
      return Result<Image>::fail("image is " + std::to_string(hw) + " x " + std::to_string(hh) +
                                 " (" + megapixels(hw * hh) + "); the limit is " +
                                 megapixels(limits.max_pixels));
    }
  }
  if (!stbi_info_from_memory(data, n, &w, &h, &comp)) {
    if (!format.empty() && !is_decodable_format(format)) {
      return Result<Image>::fail("it is a " + format +
                                 " image, which FilterLens cannot decode; convert it to PNG or "
                                 "JPEG (in the browser, FilterLens asks the browser to decode it)");
    }
    if (format.empty())
      return Result<Image>::fail(
          "it is not an image FilterLens can read (not PNG, JPEG, BMP, GIF, "
          "TGA, PSD, HDR or PNM)");
    return Result<Image>::fail("its " + format +
                               " header is damaged or truncated, so the image cannot be read");
  }
  if (w <= 0 || h <= 0) return Result<Image>::fail("its header declares an empty image");
  const std::int64_t pixels = static_cast<std::int64_t>(w) * h;
  if (pixels > limits.max_pixels) {
    return Result<Image>::fail("image is " + std::to_string(w) + " x " + std::to_string(h) + " (" +
                               megapixels(pixels) + "); the limit is " +
                               megapixels(limits.max_pixels));
  }
  if (format == "JPEG" && !jpeg_is_complete(data, size))
    return Result<Image>::fail(
        "the JPEG data is truncated (it ends before the end-of-image marker)");

  int channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels_ptr(
      stbi_load_from_memory(data, n, &w, &h, &channels, 0), stbi_image_free);
  if (!pixels_ptr) {
    const std::string what = format.empty() ? std::string("image") : format + " image";
    return Result<Image>::fail(
        "the " + what + " could not be decoded: " + friendly_stb_error(stbi_failure_reason()));
  }
  if (format != "PNG" && format != "JPEG" &&
      reads_past_end(data, size, pixels_ptr.get(), w, h, channels)) {
    const std::string what = format.empty() ? std::string("image") : format + " file";
    return Result<Image>::fail("the " + what + " is truncated (it ends before all its pixels)");
  }
  Image image{w, h, channels, {}};
  image.pixels.assign(pixels_ptr.get(),
                      pixels_ptr.get() + static_cast<std::size_t>(w) * h * channels);
  if (format == "JPEG") image = apply_exif_orientation(image, jpeg_exif_orientation(data, size));
  return Result<Image>::ok(std::move(image));
}

}  // namespace filterlens
