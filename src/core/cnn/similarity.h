// Which hand-made preset a learned filter resembles: cosine similarity of the zero-mean weights.
// Kernels of different sizes are compared centred on a common grid (the smaller one padded with
// zeros after its own mean is removed). Presets whose zero-mean weights vanish (pure blurs, whose
// taps are all equal) cannot be told apart by direction and are skipped.
#pragma once

#include <string>
#include <vector>

#include "kernel.h"

namespace filterlens::cnn {

struct PresetMatch {
  std::string preset;
  double cosine = 0.0;  // in [-1, 1]; negative: the preset's pattern inverted
};

// The preset with the largest |cosine| (its sign kept).
PresetMatch most_similar_preset(const Kernel& learned);

// Zero-mean cosine similarity of two kernels (0 when either has no zero-mean component).
double zero_mean_cosine(const Kernel& a, const Kernel& b);

}  // namespace filterlens::cnn
