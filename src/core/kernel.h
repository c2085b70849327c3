// Kernel: a named 2-D filter of any size from 1x1 to 15x15 (rectangular allowed), weights
// row-major (weights[ky * width + kx]), plus the preset library the app and CLI offer.
#pragma once

#include <string>
#include <vector>

#include "result.h"

namespace filterlens {

constexpr int kMaxKernelSize = 15;

struct Kernel {
  std::string name;
  std::string description;  // one line: the feature it responds to
  int width = 0;
  int height = 0;
  std::vector<float> weights;

  float at(int kx, int ky) const { return weights[static_cast<std::size_t>(ky) * width + kx]; }
};

// Every preset, in display order. The first three are the notebook's: edge, sharpen, blur.
const std::vector<Kernel>& kernel_presets();

// The preset with this name, or an error listing the known names.
Result<Kernel> find_preset(const std::string& name);

// The notebook's bank: edge, sharpen, blur.
std::vector<Kernel> default_bank();

// Parses "a,b,c;d,e,f;g,h,i" (rows separated by ';', values by ',' or spaces). Every row must
// have the same length, sizes 1..15, values finite.
Result<Kernel> parse_kernel(const std::string& text, const std::string& name = "custom");

// Checks size and weights (shape 1..15 each side, weights.size() == width * height, finite).
Result<Kernel> validate_kernel(Kernel kernel);

// Divides by the weights' sum so they add up to 1; fails when the sum is (near) zero, as for
// edge detectors, where normalising has no meaning.
Result<Kernel> normalized(const Kernel& kernel);

// Rotated 180 degrees: conv2d with the flipped kernel is true convolution.
Kernel flipped(const Kernel& kernel);

// For a kernel whose weights were changed by hand: its description no longer describes it, so it
// is prefixed (once) with kEditedPrefix, keeping what the kernel started as after it.
extern const char* const kEditedPrefix;
void mark_edited(Kernel& kernel);

// "a,b,c;d,e,f" with the shortest decimal that reads back exactly.
std::string format_kernel(const Kernel& kernel);

}  // namespace filterlens
