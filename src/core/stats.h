// Feature-map statistics for the display: range, mean and a histogram over [min, max].
//
// Two implementations of one definition:
//   compute_stats_reference  the plain loops (the definition): min and max folded in pixel order
//                            with std::min/std::max, the sum in double in pixel order, a value's
//                            bin = min(bins - 1, int((double(v) - min) * bins / (max - min))).
//   compute_stats            SIMD128 (natively through SIMDe), optionally over a ThreadPool:
//                            min and max identical (as numbers: a zero extreme may differ in
//                            sign), the histogram's counts identical (the bin is computed with the
//                            same double arithmetic, two lanes at a time), the mean within 1e-12
//                            relative of the reference: each row is summed in double (two f64x2
//                            accumulators, then the row's tail) and the row sums are added in
//                            row order, so the mean does not depend on the thread count.
// Non-finite values (a map only gets them from weights near the float limit): a NaN as the first
// value makes min and max NaN, later NaNs are skipped by min and max; the mean includes every
// value (so it is NaN or infinite); a value whose bin position is NaN (a NaN, or an infinity
// against an infinite range) is counted in no bin; with an infinite range every finite value
// falls in bin 0.
#pragma once

#include <cstdint>
#include <vector>

#include "image.h"

namespace filterlens {

class ThreadPool;

struct MapStats {
  float min = 0.0f;
  float max = 0.0f;
  double mean = 0.0;
  // bins equal-width buckets over [min, max]; the maximum falls in the last one. When min == max
  // every value is in bin 0.
  std::vector<std::uint32_t> histogram;
};

// The fast one. `pool` (optional) splits the work in bands of rows; the result is bit for bit
// the same for any pool size.
MapStats compute_stats(const Plane& plane, int bins = 64, ThreadPool* pool = nullptr);

// The definition, for tests.
MapStats compute_stats_reference(const Plane& plane, int bins = 64);

namespace detail {

// The statistics in two stages, so the filter bank can run the first on each band of rows while
// those rows are still in cache (conv2d_simd.cpp):
//   1. row_range_sum per row: min and max of the row's non-NaN values (+inf and -inf for none)
//      and the row's sum. A band needs nothing from other bands, not even the map's first value.
//   2. finish_stats: the per-row results merged in row order (the reference's NaN rule applied:
//      a NaN first value makes min and max NaN), then the histogram pass.
struct RowStats {
  std::vector<float> min, max;
  std::vector<double> sum;
  void resize(int rows) {
    min.resize(static_cast<std::size_t>(rows));
    max.resize(static_cast<std::size_t>(rows));
    sum.resize(static_cast<std::size_t>(rows));
  }
};

void row_range_sum(const float* row, int width, float& min, float& max, double& sum);

// Stage 1 for rows [y0, y1) of `plane` into `rows` (sized to the plane's height).
void range_sum_rows(const Plane& plane, int y0, int y1, RowStats& rows);

MapStats finish_stats(const Plane& plane, const RowStats& rows, int bins, ThreadPool* pool);

// How many bands a job of `rows` rows is split into for `pool` (1 without a pool). Depends only
// on the pool's size and the rows, never on timing.
int band_count(int rows, const ThreadPool* pool);

}  // namespace detail
}  // namespace filterlens
