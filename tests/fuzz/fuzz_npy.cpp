// Fuzz target: the .npy reader (decode_npy). A plane that decodes must encode and decode back
// to the same shape and bits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto plane = filterlens::decode_npy(data, size);
  if (!plane) return 0;
  const filterlens::Plane& p = plane.value();
  if (p.data.size() != static_cast<std::size_t>(p.width) * p.height) std::abort();
  const std::vector<std::uint8_t> bytes = filterlens::encode_npy(p);
  const auto again = filterlens::decode_npy(bytes.data(), bytes.size());
  if (!again || again.value().width != p.width || again.value().height != p.height ||
      (!p.data.empty() &&
       std::memcmp(again.value().data.data(), p.data.data(), p.data.size() * 4) != 0))
    std::abort();
  return 0;
}
