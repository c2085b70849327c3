// Fuzz target: the CNN weights file (decode_weights). A mutated file almost never keeps a valid
// CRC-32, which would stop every input at the checksum; so each input is also decoded with its
// last four bytes replaced by the correct CRC, which lets the fuzzer reach the tensor parser.
// A file that decodes must encode back to the same bytes (the format has one spelling).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "cnn/weights_file.h"
#include "crc32.h"

namespace {

void check(const std::uint8_t* data, std::size_t size) {
  using namespace filterlens::cnn;
  const auto net = decode_weights(data, size);
  if (!net) return;
  const std::vector<std::uint8_t> again = encode_weights(net.value());
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check(data, size);
  if (size >= 4) {
    std::vector<std::uint8_t> fixed(data, data + size);
    const std::uint32_t crc = filterlens::crc32(fixed.data(), size - 4);
    for (int i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    check(fixed.data(), fixed.size());
  }
  return 0;
}
