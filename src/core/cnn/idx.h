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

// gzip (RFC 1952) -> bytes; input that does not start with the gzip magic is returned as is.
// Refuses a stream whose trailer declares more than `max_size` bytes (by default
// kMaxInflatedBytes), more than deflate can make of the compressed bytes (1032:1 at most), or
// that inflates past what its trailer declares: the output buffer is sized from the trailer and
// does not grow, so a small file cannot make it allocate gigabytes.
inline constexpr std::uint32_t kMaxInflatedBytes = 512u << 20;
Result<std::vector<std::uint8_t>> gunzip_if_needed(const std::uint8_t* data, std::size_t size,
                                                   std::size_t max_size = kMaxInflatedBytes);

Result<IdxImages> parse_idx_images(const std::uint8_t* data, std::size_t size);
Result<std::vector<std::uint8_t>> parse_idx_labels(const std::uint8_t* data, std::size_t size);

}  // namespace filterlens::cnn
