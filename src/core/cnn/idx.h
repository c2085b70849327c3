// IDX files (the MNIST / Fashion-MNIST format), optionally gzip-compressed as Debian ships them.
// Parses bytes in memory; reading files is the caller's job. Every malformed input is an error
// with a message, never a crash.
//
//   images: magic 0x00000803, count, rows, cols (big-endian u32), then count*rows*cols bytes
//   labels: magic 0x00000801, count, then count bytes (0..9)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace filterlens::cnn {

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, row-major per image
};

// Upper bound of a gunzipped file: Fashion-MNIST's largest is 47 MB.
constexpr std::size_t kMaxGunzipSize = std::size_t{256} << 20;

// gzip (RFC 1952) -> bytes; input that does not start with the gzip magic is returned as is.
// Memory is bounded by what the file can hold: the output buffer is sized from the trailer's
// length field, which must not exceed `max_size` nor what deflate can make of the compressed
// bytes (1032:1 at most), and inflating stops there, so a small file cannot claim gigabytes.
Result<std::vector<std::uint8_t>> gunzip_if_needed(const std::uint8_t* data, std::size_t size,
                                                   std::size_t max_size = kMaxGunzipSize);

Result<IdxImages> parse_idx_images(const std::uint8_t* data, std::size_t size);
Result<std::vector<std::uint8_t>> parse_idx_labels(const std::uint8_t* data, std::size_t size);

}  // namespace filterlens::cnn
