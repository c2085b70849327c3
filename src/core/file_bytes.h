// read_file_bytes: a whole file into memory, for the native front ends (CLI, desktop app). The
// core itself works on bytes in memory; this is the one place a path becomes bytes.
//
// Only regular files are read (a FIFO would block forever, /dev/zero never ends), and only up
// to a size cap checked before anything is allocated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace filterlens {

// 1 GiB: above any image the decoder accepts (64 MP of 16-bit RGBA PSD is 512 MB).
inline constexpr std::uint64_t kMaxFileBytes = std::uint64_t(1) << 30;

// The file's bytes, or why not ("No such file or directory", "it is a directory", "it is not a
// regular file (a FIFO)", "the file is 3.0 GB; the limit is 1.0 GB", ...).
Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path,
                                                  std::uint64_t max_bytes = kMaxFileBytes);

}  // namespace filterlens
