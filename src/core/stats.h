// Feature-map statistics for the display: range, mean and a histogram over [min, max].
#pragma once

#include <cstdint>
#include <vector>

#include "image.h"

namespace filterlens {

struct MapStats {
  float min = 0.0f;
  float max = 0.0f;
  double mean = 0.0;
  // bins equal-width buckets over [min, max]; the maximum falls in the last one. When min == max
  // every value is in bin 0.
  std::vector<std::uint32_t> histogram;
};

MapStats compute_stats(const Plane& plane, int bins = 64);

}  // namespace filterlens
