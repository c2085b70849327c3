// decode_checks: what FilterLens reads of an image file itself before stb_image sees it.
//
// Debian's stb_image 2.27 trusts its input in places (a JPEG Huffman table whose counts sum past
// 256 writes out of bounds, PNM header numbers overflow an int, a PNG palette index past the
// palette reads uninitialised memory) and allocates whatever a header claims. So every file is
// walked here first, with 64-bit arithmetic and no allocation: the header's dimensions, the
// tables stb would trust, and whether the file holds enough bytes to fill what it declares (a
// format's best possible compression gives a lower bound; less than that is a forged header or a
// truncated file, refused before anything is allocated).
//
// Internal to the core (decode.cpp is its only user; tests reach it through decode_image).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace filterlens::detail {

struct HeaderFacts {
  std::string format;      // sniff_format()'s name, or "TGA" (which has no magic)
  std::int64_t width = 0;  // as the header declares them; 0 when unknown here (TGA, HDR)
  std::int64_t height = 0;
  std::int64_t idat_bytes = 0;  // PNG: compressed image data in all IDAT chunks
  std::int64_t raw_bytes = 0;   // PNG: the inflated size the header implies (filter bytes incl.)
  std::size_t plte_offset = 0;  // PNG: offset of a palette with fewer entries than indices can
  std::size_t plte_length = 0;  //      address (0 when none): decode_image pads it
  bool png_empty_idat = false;  // PNG: an IDAT chunk of 0 bytes (decode_image drops them)
  std::size_t gif_transparency_at = 0;  // GIF: the byte whose bit 0 makes the first frame's
                                        // transparent index transparent (0 when none)
  std::int64_t pnm_maxval = 0;          // PNM: the header's maximum sample value (1 to 65535) ...
  std::size_t pnm_samples = 0;          //      ... and where the samples start
  std::size_t bmp_palette_end = 0;      // BMP: where a short palette ends (0 when none) ...
  std::size_t bmp_palette_missing = 0;  //     ... and the bytes of black entries it lacks
  int bmp_green_bits = 0;  // BMP of 16 bits a pixel in PIL's layouts, 5-5-5 or 5-6-5: 5 or 6
                           // (decode_image scales the samples as PIL does); 0 otherwise
  std::size_t psd_compression_at = 0;  // PSD with more than 3 channels: where its image data
  int psd_channels = 0;                //   starts, and its channel count (0 when 3 or fewer)
  // The walk refused a valid file of a kind stb_image does not read (an arithmetic-coded,
  // lossless, hierarchical or 12/16-bit JPEG), not a damaged one: another decoder may read it.
  bool unsupported_kind = false;
};

// Walks the header and tables of a file of `format`. Returns "" when stb_image may see the file,
// otherwise the reason it must not (a sentence fragment: "the PNG data is truncated ...").
// Dimensions, where this walk finds them, land in `facts` even when the walk fails later.
std::string check_before_decode(const std::string& format, const std::uint8_t* data,
                                std::size_t size, HeaderFacts& facts);

// Whether a file that sniff_format() does not call JPEG is one to stb_image anyway: stb skips
// 0xFF fill bytes before the start-of-image marker.
bool is_jpeg_behind_fill_bytes(const std::uint8_t* data, std::size_t size);

// Fewest bytes a file of this format can hold for a width x height image (its best case:
// 1 bit per 8x8 block for JPEG, deflate's 1032:1 for PNG, ...). 0 when there is no bound.
std::int64_t minimum_file_bytes(const std::string& format, std::int64_t width, std::int64_t height);

}  // namespace filterlens::detail
