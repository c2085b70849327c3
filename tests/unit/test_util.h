// Shared helpers for the unit tests: deterministic random planes and kernels.
#pragma once

#include <cstdint>
#include <random>

#include "image.h"
#include "kernel.h"

namespace filterlens::test {

inline Plane random_plane(int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  Plane p(w, h);
  for (float& v : p.data) v = dist(rng);
  return p;
}

inline Kernel random_kernel(int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Kernel k{"k" + std::to_string(seed), "random", w, h, {}};
  for (int i = 0; i < w * h; ++i) k.weights.push_back(dist(rng));
  return k;
}

// Kernel with a single 1 at (kx, ky): picks one input sample per output pixel.
inline Kernel delta_kernel(int w, int h, int kx, int ky) {
  Kernel k{"delta", "delta", w, h, std::vector<float>(static_cast<std::size_t>(w) * h, 0.0f)};
  k.weights[static_cast<std::size_t>(ky) * w + kx] = 1.0f;
  return k;
}

}  // namespace filterlens::test
