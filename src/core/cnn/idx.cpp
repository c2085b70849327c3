// IDX parsing and gunzip (raw deflate through stb_image's zlib decoder, already in the core).
// Sizes from headers are computed in 64 bits and checked against the bytes present before
// anything is allocated.
#include "idx.h"

#include <cstring>
#include <string>

#include <stb/stb_image.h>

#include "byte_reader.h"
#include "crc32.h"

namespace filterlens::cnn {
namespace {

// Deflate's densest encoding: a 258-byte match in about 2 bits, i.e. 1032 output bytes per
// input byte. Anything a trailer claims beyond that (plus slack for tiny streams) is a lie.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

}  // namespace

Result<std::vector<std::uint8_t>> gunzip_if_needed(const std::uint8_t* d, std::size_t n,
                                                   std::size_t max_size) {
  using R = Result<std::vector<std::uint8_t>>;
  if (n < 2 || d[0] != 0x1f || d[1] != 0x8b) return R::ok(std::vector<std::uint8_t>(d, d + n));
  if (n < 18 || d[2] != 8) return R::fail("the gzip data is truncated or not deflate-compressed");
  ByteReader r(d, n);
  r.skip(3);
  const std::uint8_t flags = r.u8();
  r.skip(6);        // mtime, xfl, os
  if (flags & 4) {  // FEXTRA
    r.skip(r.le16());
  }
  for (int bit : {8, 16}) {  // FNAME, FCOMMENT: zero-terminated
    if (flags & bit) {
      while (r.has(1) && r.u8() != 0) {
      }
    }
  }
  if (flags & 2) r.skip(2);  // FHCRC
  if (!r || r.remaining() < 8) return R::fail("the gzip header is truncated");
  const std::size_t pos = r.position();
  const std::uint64_t isize = le32(d + n - 4);
  const std::uint64_t compressed = n - pos - 8;
  if (isize > max_size)
    return R::fail("the gzip data declares " + std::to_string(isize) +
                   " bytes uncompressed; the limit is " + std::to_string(max_size));
  if (isize > compressed * kMaxDeflateRatio + 1024)
    return R::fail("the gzip data declares " + std::to_string(isize) +
                   " bytes uncompressed, more than its " + std::to_string(compressed) +
                   " compressed bytes can hold (damaged)");
  // The 8-byte trailer is passed too: stb_image 2.27's inflater refuses a stream that ends
  // within its 16-bit look-ahead, and the trailer gives it bytes to look at (it stops at the
  // final block either way). The output buffer is sized from the trailer and not expandable:
  // a stream that goes on past it (a 104-byte bomb) fails there instead of growing.
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(isize) + 1);
  const int got = stbi_zlib_decode_noheader_buffer(
      reinterpret_cast<char*>(bytes.data()), static_cast<int>(isize),
      reinterpret_cast<const char*>(d + pos), static_cast<int>(n - pos));
  const char* why = got < 0 ? stbi_failure_reason() : nullptr;
  if (why && std::strcmp(why, "output buffer limit") == 0)
    return R::fail("the gzip data inflates to more than the " + std::to_string(isize) +
                   " bytes its trailer declares");
  if (got < 0) return R::fail("the gzip data is damaged (deflate stream could not be decoded)");
  if (static_cast<std::uint64_t>(got) != isize)
    return R::fail("the gzip data is damaged (its length does not match its trailer)");
  bytes.resize(static_cast<std::size_t>(isize));
  if (le32(d + n - 8) != crc32(bytes.data(), bytes.size()))
    return R::fail("the gzip data is damaged (its CRC-32 does not match its contents)");
  return R::ok(std::move(bytes));
}

Result<IdxImages> parse_idx_images(const std::uint8_t* d, std::size_t n) {
  using R = Result<IdxImages>;
  ByteReader r(d, n);
  const std::uint32_t magic = r.be32(), count = r.be32(), rows = r.be32(), cols = r.be32();
  if (!r) return R::fail("not an IDX image file: shorter than its 16-byte header");
  if (magic != 0x00000803)
    return R::fail(
        "not an IDX image file (magic number is not 0x00000803: unsigned bytes, 3 dims)");
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096 || count > 10'000'000)
    return R::fail("IDX image file declares implausible sizes (" + std::to_string(count) + " x " +
                   std::to_string(rows) + " x " + std::to_string(cols) + ")");
  const std::uint64_t need = 16 + std::uint64_t{count} * rows * cols;
  if (n != need)
    return R::fail("IDX image file is " + std::to_string(n) + " bytes but its header needs " +
                   std::to_string(need) +
                   (n < need ? " (truncated)" : " (extra bytes at the end)"));
  IdxImages im;
  im.count = static_cast<int>(count);
  im.rows = static_cast<int>(rows);
  im.cols = static_cast<int>(cols);
  im.pixels.assign(d + 16, d + n);
  return R::ok(std::move(im));
}

Result<std::vector<std::uint8_t>> parse_idx_labels(const std::uint8_t* d, std::size_t n) {
  using R = Result<std::vector<std::uint8_t>>;
  ByteReader r(d, n);
  const std::uint32_t magic = r.be32(), count = r.be32();
  if (!r) return R::fail("not an IDX label file: shorter than its 8-byte header");
  if (magic != 0x00000801)
    return R::fail("not an IDX label file (magic number is not 0x00000801: unsigned bytes, 1 dim)");
  const std::uint64_t need = 8 + std::uint64_t{count};
  if (n != need)
    return R::fail("IDX label file is " + std::to_string(n) + " bytes but its header needs " +
                   std::to_string(need));
  std::vector<std::uint8_t> labels(d + 8, d + n);
  for (std::uint8_t l : labels)
    if (l > 9)
      return R::fail("IDX label file holds a label " + std::to_string(l) + " (expected 0-9)");
  return R::ok(std::move(labels));
}

}  // namespace filterlens::cnn
