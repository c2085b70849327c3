// compute_stats: one pass for the range and mean, one for the histogram.
#include "stats.h"

#include <algorithm>

namespace filterlens {

MapStats compute_stats(const Plane& plane, int bins) {
  MapStats s;
  s.histogram.assign(static_cast<std::size_t>(std::max(bins, 1)), 0);
  if (plane.data.empty()) return s;
  float lo = plane.data[0], hi = plane.data[0];
  double sum = 0.0;
  for (float v : plane.data) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  s.min = lo;
  s.max = hi;
  s.mean = sum / static_cast<double>(plane.data.size());
  const int n = static_cast<int>(s.histogram.size());
  const double scale = hi > lo ? n / (static_cast<double>(hi) - lo) : 0.0;
  for (float v : plane.data) {
    const int b = std::min(n - 1, static_cast<int>((static_cast<double>(v) - lo) * scale));
    ++s.histogram[static_cast<std::size_t>(b)];
  }
  return s;
}

}  // namespace filterlens
