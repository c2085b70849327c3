// zero_mean_cosine and most_similar_preset.
#include "cnn/similarity.h"

#include <algorithm>
#include <cmath>

namespace filterlens::cnn {
namespace {

// The kernel minus its mean, centred in a w x h grid of zeros.
std::vector<double> centred_zero_mean(const Kernel& k, int w, int h) {
  double mean = 0.0;
  for (float v : k.weights) mean += v;
  mean /= static_cast<double>(k.weights.size());
  std::vector<double> out(static_cast<std::size_t>(w) * h, 0.0);
  const int ox = (w - k.width) / 2, oy = (h - k.height) / 2;
  for (int y = 0; y < k.height; ++y)
    for (int x = 0; x < k.width; ++x)
      out[static_cast<std::size_t>(y + oy) * w + x + ox] = k.at(x, y) - mean;
  return out;
}

}  // namespace

double zero_mean_cosine(const Kernel& a, const Kernel& b) {
  const int w = std::max(a.width, b.width), h = std::max(a.height, b.height);
  const std::vector<double> u = centred_zero_mean(a, w, h), v = centred_zero_mean(b, w, h);
  double dot = 0.0, uu = 0.0, vv = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    dot += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  if (uu < 1e-12 || vv < 1e-12) return 0.0;
  return dot / std::sqrt(uu * vv);
}

PresetMatch most_similar_preset(const Kernel& learned) {
  PresetMatch best;
  for (const Kernel& p : kernel_presets()) {
    const double c = zero_mean_cosine(learned, p);
    if (std::fabs(c) > std::fabs(best.cosine)) best = {p.name, c};
  }
  return best;
}

}  // namespace filterlens::cnn
