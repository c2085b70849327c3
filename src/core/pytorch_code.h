// pytorch_code: a filter bank and its parameters as runnable PyTorch code (the app's "Copy as
// PyTorch", the CLI's --print-pytorch). The code expects `img`, a (1, 1, H, W) float tensor
// holding the grayscale image in [0, 1], and leaves one (1, 1, H', W') tensor per filter in the
// dict `maps`, computed exactly as FilterLens computes them.
#pragma once

#include <string>
#include <vector>

#include "conv2d.h"
#include "kernel.h"

namespace filterlens {

std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& params);

}  // namespace filterlens
