// Fuzz target: the filter-bank text the page's setFilters writes (parse_bank_spec). Every bank
// that parses must hold valid kernels and settings in their documented ranges.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bank_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto spec = filterlens::parse_bank_spec(text);
  if (!spec) return 0;
  const filterlens::BankSpec& s = spec.value();
  if (s.bank.empty()) std::abort();
  for (const filterlens::Kernel& k : s.bank)
    if (!filterlens::validate_kernel(k)) std::abort();
  const filterlens::ConvParams& p = s.params;
  if (p.padding < 0 || p.stride < 1 || p.dilation < 1) std::abort();
  return 0;
}
