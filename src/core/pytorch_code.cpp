// pytorch_code: one torch.tensor per kernel (sizes may differ), one F.conv2d call per kernel.
#include "pytorch_code.h"

#include <cstdio>

namespace filterlens {
namespace {

std::string number(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep torch's dtype float
  return s;
}

std::string python_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& p) {
  std::string code =
      "import torch\n"
      "import torch.nn.functional as F\n"
      "\n"
      "# img: (1, 1, H, W) float tensor, the grayscale image in [0, 1]\n";
  if (p.flip) code += "# kernels below are already rotated by 180 degrees: true convolution\n";
  code += "weights = {\n";
  for (const Kernel& original : bank) {
    const Kernel k = p.flip ? flipped(original) : original;
    code += "    " + python_string(k.name) + ": torch.tensor([";
    for (int y = 0; y < k.height; ++y) {
      code += y ? ", [" : "[";
      for (int x = 0; x < k.width; ++x) code += (x ? ", " : "") + number(k.at(x, y));
      code += "]";
    }
    code += "]),\n";
  }
  code += "}\n";
  const std::string pad = std::to_string(p.padding);
  std::string input = "img";
  std::string padding_arg = ", padding=" + pad;
  if (p.padding_mode != PaddingMode::zeros && p.padding > 0) {
    // nn.Conv2d's padding_mode: pad first, then convolve without padding.
    input = "F.pad(img, (" + pad + ", " + pad + ", " + pad + ", " + pad +
            "), mode=" + python_string(padding_mode_name(p.padding_mode)) + ")";
    padding_arg = "";
  }
  code += "maps = {name: F.conv2d(" + input + ", w[None, None]" + padding_arg +
          ", stride=" + std::to_string(p.stride) + ", dilation=" + std::to_string(p.dilation) +
          ")\n        for name, w in weights.items()}\n";
  return code;
}

std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& params,
                         const PyTorchCodeOptions&) {
  return pytorch_code(bank, params);  // work in progress
}

}  // namespace filterlens
