// read_file_bytes: a whole file into memory, for the native front ends (CLI, desktop app). The
// core itself works on bytes in memory; this is the one place a path becomes bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace filterlens {

// The file's bytes, or why not ("No such file or directory", "it is a directory", ...).
Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path);

}  // namespace filterlens
