// read_file_bytes with messages a person can act on.
#include "file_bytes.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace filterlens {

Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path) {
  using R = Result<std::vector<std::uint8_t>>;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return R::fail("it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return R::fail(std::strerror(errno));
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
  if (in.bad()) return R::fail("read error");
  return R::ok(std::move(bytes));
}

}  // namespace filterlens
