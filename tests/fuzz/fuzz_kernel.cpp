// Fuzz target: the --kernel text ("a,b,c;d,e,f", parse_kernel). A kernel that parses must be
// valid and survive format_kernel -> parse_kernel unchanged (format_kernel promises the shortest
// decimal that reads back exactly).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kernel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto k = filterlens::parse_kernel(text);
  if (!k) return 0;
  if (!filterlens::validate_kernel(k.value())) std::abort();
  const auto again = filterlens::parse_kernel(filterlens::format_kernel(k.value()));
  if (!again || again.value().width != k.value().width ||
      again.value().height != k.value().height || again.value().weights != k.value().weights)
    std::abort();
  return 0;
}
