// decode: encoded image bytes (in memory) -> Image, or an error message a person understands.
//
// Formats are those of stb_image: PNG (8/16-bit, gray, gray+alpha, palette, RGB, RGBA), JPEG
// (baseline and progressive, EXIF orientation applied so phone photos come out upright), BMP, GIF
// (first frame), TGA, PSD (the composite image), HDR (tone-mapped to 8 bit) and PNM. 16-bit
// samples keep their high byte.
//
// Never throws, never aborts: empty, truncated and garbage input, formats stb_image cannot read
// (WebP, AVIF, TIFF, ...), and images larger than `DecodeLimits::max_pixels` (checked from the
// header, before any pixel is allocated) all come back as Result::fail with a message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "image.h"
#include "result.h"
#include "status.h"

namespace filterlens {

struct DecodeLimits {
  // 64 MP: the RGBA decode (256 MB) plus the float planes of a 3-filter bank (4 x 256 MB) fit in
  // 32-bit WebAssembly's 4 GB address space with room for the decoder's own buffers.
  std::int64_t max_pixels = 64'000'000;
};

// What a file's header says, checked as decode_image checks it, without decoding any pixels.
struct ImageInfo {
  int width = 0;  // as displayed: after the EXIF orientation of a JPEG
  int height = 0;
  int channels = 0;    // as stored (1-4)
  std::string format;  // "PNG", "JPEG", ..., "TGA"
  // At most what decode_image allocates while it decodes this file: stb_image's budget (below),
  // the decoded pixels' copy, the file's padded copy (a short palette) and an EXIF rotation.
  std::int64_t decode_bytes = 0;
};

// Every check decode_image makes before it allocates pixels (size limits, the format's tables,
// whether the file can hold what it declares), for callers that budget memory up front.
Result<ImageInfo> probe_image(const std::uint8_t* data, std::size_t size,
                              const DecodeLimits& limits = {});

// Decodes `size` bytes at `data`. Channels are as stored (1-4); see Image.
// Memory: stb_image's allocations are held to a budget proportional to the declared size (a
// decompression bomb is refused at it); a palette PNG with a short palette is copied once.
Result<Image> decode_image(const std::uint8_t* data, std::size_t size,
                           const DecodeLimits& limits = {});

// "JPEG", "PNG", ... from the leading bytes, or "" when unknown. Knows some formats stb_image
// cannot decode too (WebP, AVIF, HEIC, TIFF, ...), so errors can name them.
std::string sniff_format(const std::uint8_t* data, std::size_t size);

// Whether decode_image reads this sniff_format() name ("" is false: TGA has no magic to sniff).
bool is_decodable_format(const std::string& format);

// Whether another decoder (the browser's) is worth trying on bytes decode_image refuses: a format
// FilterLens does not read or does not know (WebP, AVIF, "" ...), or a JPEG of a kind stb_image
// does not read (arithmetic-coded, lossless, hierarchical, 12- or 16-bit) whose headers up to the
// frame are sound and which ends with its end-of-image marker. False for a damaged or truncated
// JPEG of a kind it reads (and such a JPEG cut short), and for an image past the limits: their
// messages stand.
bool another_decoder_may_read(const std::uint8_t* data, std::size_t size,
                              const DecodeLimits& limits = {});

// The EXIF orientation (1-8) stored in a JPEG's APP1 segment, or 1 when there is none.
int jpeg_exif_orientation(const std::uint8_t* data, std::size_t size);

// Applies an EXIF orientation (1-8) to an image, as PIL's ImageOps.exif_transpose does. Orientation
// 1 (or none valid) gives the image back as it is (moved in, moved out: no copy).
Image apply_exif_orientation(Image image, int orientation);

}  // namespace filterlens
