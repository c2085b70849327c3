// IDX parsing and gunzip (raw deflate through stb_image's zlib decoder, already in the core).
#include "idx.h"

#include <cstdlib>
#include <cstring>

#include <stb/stb_image.h>

#include "cnn/weights_file.h"  // crc32
#include "stb_budget.h"

namespace filterlens::cnn {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         p[3];
}

}  // namespace

Result<std::vector<std::uint8_t>> gunzip_if_needed(const std::uint8_t* d, std::size_t n) {
  using R = Result<std::vector<std::uint8_t>>;
  if (n < 2 || d[0] != 0x1f || d[1] != 0x8b) return R::ok(std::vector<std::uint8_t>(d, d + n));
  if (n < 18 || d[2] != 8) return R::fail("the gzip data is truncated or not deflate-compressed");
  const std::uint8_t flags = d[3];
  std::size_t pos = 10;
  if (flags & 4) {  // FEXTRA
    if (pos + 2 > n) return R::fail("the gzip header is truncated");
    pos += 2 + (d[pos] | (d[pos + 1] << 8));
  }
  for (int bit : {8, 16}) {  // FNAME, FCOMMENT: zero-terminated
    if (flags & bit) {
      while (pos < n && d[pos] != 0) ++pos;
      ++pos;
    }
  }
  if (flags & 2) pos += 2;  // FHCRC
  if (pos + 8 > n) return R::fail("the gzip data is truncated");
  // The 8-byte trailer is passed too: stb_image 2.27's inflater refuses a stream that ends
  // within its 16-bit look-ahead, and the trailer gives it bytes to look at (it stops at the
  // final block either way).
  // The trailer's size (mod 2^32) is what the stream should inflate to: a stream that goes on
  // past it (a 104-byte bomb) stops at the allocation budget instead of filling memory.
  const std::uint32_t isize =
      d[n - 4] | (d[n - 3] << 8) | (d[n - 2] << 16) | (std::uint32_t(d[n - 1]) << 24);
  if (isize > kMaxInflatedBytes)
    return R::fail("the gzip data declares " + std::to_string(isize) +
                   " bytes uncompressed; the limit is " + std::to_string(kMaxInflatedBytes));
  int out_len = 0;
  char* out = nullptr;
  bool over_budget = false;
  {
    // stb's inflater doubles its buffer: up to twice the expected size, from 16 KB.
    detail::ScopedStbBudget budget(2 * std::size_t(isize) + (64 << 10));
    out = stbi_zlib_decode_noheader_malloc(reinterpret_cast<const char*>(d + pos),
                                           static_cast<int>(n - pos), &out_len);
    over_budget = budget.refused();
  }
  if (!out && over_budget)
    return R::fail("the gzip data inflates to more than the " + std::to_string(isize) +
                   " bytes its trailer declares");
  if (!out) return R::fail("the gzip data is damaged (deflate stream could not be decoded)");
  std::vector<std::uint8_t> bytes(out, out + out_len);
  stbi_image_free(out);
  if (isize != static_cast<std::uint32_t>(bytes.size()))
    return R::fail("the gzip data is damaged (its length does not match its trailer)");
  const std::uint32_t crc =
      d[n - 8] | (d[n - 7] << 8) | (d[n - 6] << 16) | (std::uint32_t(d[n - 5]) << 24);
  if (crc != crc32(bytes.data(), bytes.size()))
    return R::fail("the gzip data is damaged (its CRC-32 does not match its contents)");
  return R::ok(std::move(bytes));
}

Result<IdxImages> parse_idx_images(const std::uint8_t* d, std::size_t n) {
  using R = Result<IdxImages>;
  if (n < 16) return R::fail("not an IDX image file: shorter than its 16-byte header");
  if (be32(d) != 0x00000803)
    return R::fail(
        "not an IDX image file (magic number is not 0x00000803: unsigned bytes, 3 dims)");
  IdxImages im;
  const std::uint32_t count = be32(d + 4), rows = be32(d + 8), cols = be32(d + 12);
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096 || count > 10'000'000)
    return R::fail("IDX image file declares implausible sizes (" + std::to_string(count) + " x " +
                   std::to_string(rows) + " x " + std::to_string(cols) + ")");
  const std::size_t need = 16 + std::size_t(count) * rows * cols;
  if (n != need)
    return R::fail("IDX image file is " + std::to_string(n) + " bytes but its header needs " +
                   std::to_string(need) +
                   (n < need ? " (truncated)" : " (extra bytes at the end)"));
  im.count = static_cast<int>(count);
  im.rows = static_cast<int>(rows);
  im.cols = static_cast<int>(cols);
  im.pixels.assign(d + 16, d + n);
  return R::ok(std::move(im));
}

Result<std::vector<std::uint8_t>> parse_idx_labels(const std::uint8_t* d, std::size_t n) {
  using R = Result<std::vector<std::uint8_t>>;
  if (n < 8) return R::fail("not an IDX label file: shorter than its 8-byte header");
  if (be32(d) != 0x00000801)
    return R::fail("not an IDX label file (magic number is not 0x00000801: unsigned bytes, 1 dim)");
  const std::uint32_t count = be32(d + 4);
  if (n != 8 + std::size_t(count))
    return R::fail("IDX label file is " + std::to_string(n) + " bytes but its header needs " +
                   std::to_string(8 + std::size_t(count)));
  std::vector<std::uint8_t> labels(d + 8, d + n);
  for (std::uint8_t l : labels)
    if (l > 9)
      return R::fail("IDX label file holds a label " + std::to_string(l) + " (expected 0-9)");
  return R::ok(std::move(labels));
}

}  // namespace filterlens::cnn
