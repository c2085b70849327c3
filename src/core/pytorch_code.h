// pytorch_code: a filter bank and its parameters as runnable PyTorch code (the app's "Copy as
// PyTorch", the CLI's --print-pytorch). The code expects `img`, a (1, 1, H, W) float tensor
// holding the grayscale image in [0, 1], and leaves one (1, 1, H', W') tensor per filter in the
// dict `maps`, computed exactly as FilterLens computes them.
#pragma once

#include <string>
#include <vector>

#include "conv2d.h"
#include "kernel.h"
#include "tensor_file.h"

namespace filterlens {

std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& params);

// Filters that came from a file: the code loads them from `path` (numpy.load for .npy,
// safetensors' own format read with the standard library for .safetensors) instead of
// spelling out their weights. `filter_names` are the bank's names of the file's filters
// (TensorBank::filters' names), in the tensor's order.
struct PyTorchFileBank {
  std::string path;  // as the user should see it in the code
  TensorFileFormat format = TensorFileFormat::npy;
  std::string tensor;  // safetensors tensor name
  std::vector<std::int64_t> shape;
  std::vector<std::string> filter_names;
};

struct PyTorchCodeOptions {
  bool rgb = false;  // img is (1, 3, H, W): ToTensor() of convert('RGB')
  std::vector<PyTorchFileBank> files;
};

// The bank as code; a filter whose name is in one of `options.files` is taken from that file's
// tensor (by index), every other one is written out. Filters with C = 3 need options.rgb.
std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& params,
                         const PyTorchCodeOptions& options);

}  // namespace filterlens
