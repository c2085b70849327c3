// Fuzz target: the filter-bank file readers (tensor_file.h: .npy and .safetensors). What a
// success promises: 1..256 kernels of one shape, each passing validate_kernel with C = 1 or 3 and
// finite weights; every listed tensor's data range inside the file, in order, not overlapping;
// list_bank_tensors and pick_bank_tensor agreeing with read_tensor_bank.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tensor_file.h"

using namespace filterlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto contents = list_tensors(data, size);
  if (contents) {
    for (const TensorInfo& t : contents.value().tensors) {
      if (t.data_begin > t.data_end || t.data_end > size) std::abort();
      if (t.shape.size() > 16) std::abort();
    }
    if (!list_bank_tensors(data, size)) std::abort();
  }
  // The first tensor's name (when there is one) is also tried by name.
  std::string name;
  if (contents && !contents.value().tensors.empty()) name = contents.value().tensors[0].name;
  for (const std::string& pick : {std::string(), name}) {
    const auto bank = read_tensor_bank(data, size, pick, "f");
    if (contents) {
      const auto index = pick_bank_tensor(contents.value(), pick);
      // read_tensor_bank fails after a successful pick only for non-finite weights.
      if (bool(bank) && !bool(index)) std::abort();
    } else if (bank) {
      std::abort();
    }
    if (!bank) continue;
    const TensorBank& b = bank.value();
    if (b.count < 1 || b.count > kMaxBankFilters) std::abort();
    if (b.filters.size() != static_cast<std::size_t>(b.count)) std::abort();
    if (b.channels != 1 && b.channels != 3) std::abort();
    for (const Kernel& k : b.filters) {
      if (k.channels != b.channels || k.width != b.width || k.height != b.height) std::abort();
      if (!validate_kernel(k)) std::abort();
    }
  }
  return 0;
}
