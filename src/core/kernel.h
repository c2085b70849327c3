// Kernel: a named filter of any size from 1x1 to 31x31 (rectangular allowed) over 1 channel (a
// gray input) or 3 (an RGB input, like a CNN's first layer), weights laid out like torch's
// [C][kh][kw] (weights[(c * height + ky) * width + kx]), plus the preset library the app and CLI
// offer (all C = 1).
#pragma once

#include <string>
#include <vector>

#include "result.h"

namespace filterlens {

constexpr int kMaxKernelSize = 31;
// A kernel sees 1 channel (gray) or 3 (R, G, B).
constexpr int kMaxKernelChannels = 3;

struct Kernel {
  std::string name;
  std::string description;  // one line: the feature it responds to
  int width = 0;
  int height = 0;
  std::vector<float> weights;  // channels * height * width
  int channels = 1;            // 1 or 3; the input must have as many

  // Channel 0's weight (the only channel of a C = 1 kernel).
  float at(int kx, int ky) const { return weights[static_cast<std::size_t>(ky) * width + kx]; }
  float at(int kx, int ky, int c) const {
    return weights[(static_cast<std::size_t>(c) * height + ky) * width + kx];
  }
};

// Every preset, in display order. The first three are the notebook's: edge, sharpen, blur.
const std::vector<Kernel>& kernel_presets();

// The preset with this name, or an error listing the known names.
Result<Kernel> find_preset(const std::string& name);

// The notebook's bank: edge, sharpen, blur.
std::vector<Kernel> default_bank();

// Parses "a,b,c;d,e,f;g,h,i" (rows separated by ';', values by ',' or spaces). Every row must
// have the same length, sizes 1..kMaxKernelSize, values finite. The kernel has C = 1.
Result<Kernel> parse_kernel(const std::string& text, const std::string& name = "custom");

// Checks size and weights (shape 1..kMaxKernelSize each side, channels 1 or 3,
// weights.size() == channels * width * height, finite).
Result<Kernel> validate_kernel(Kernel kernel);

// Divides by the weights' sum so they add up to 1; fails when the sum is (near) zero, as for
// edge detectors, where normalising has no meaning.
Result<Kernel> normalized(const Kernel& kernel);

// Rotated 180 degrees (each channel in place): conv2d with the flipped kernel is true
// convolution.
Kernel flipped(const Kernel& kernel);

// The kernel at another size (each channel), its weights kept centred: a 3x3 grown to 5x5 gains
// a ring of zeros, a 5x5 cut to 3x3 keeps its middle. Sizes must be at least 1 (not checked
// against kMaxKernelSize: the caller bounds them).
Kernel resized_centred(const Kernel& kernel, int width, int height);

// For a kernel whose weights were changed by hand: its description no longer describes it, so it
// is prefixed (once) with kEditedPrefix, keeping what the kernel started as after it.
extern const char* const kEditedPrefix;
void mark_edited(Kernel& kernel);

// "a,b,c;d,e,f" with the shortest decimal that reads back exactly (channel 0 only).
std::string format_kernel(const Kernel& kernel);

// Channel c of a kernel as a C = 1 kernel (same name and size).
Kernel kernel_channel(const Kernel& kernel, int c);

}  // namespace filterlens
