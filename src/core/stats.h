// Feature-map statistics for the display: range, mean and a histogram over [min, max].
//
// Two implementations of one definition:
//   compute_stats_reference  the plain loops (the definition): min and max folded in pixel order
//                            with std::min/std::max, the sum in double in pixel order, a value's
//                            bin = min(bins - 1, int((double(v) - min) * bins / (max - min))).
//   compute_stats            SIMD128 (natively through SIMDe), optionally over a ThreadPool:
//                            min and max identical (as numbers: a zero extreme may differ in
//                            sign), the histogram's counts identical (a float bin estimate,
//                            checked against a margin; the reference's double arithmetic for a
//                            value near a bin edge), the mean within 2.5e-7 * mean(|v|) of the
//                            reference: each row is summed in blocks of 32 values (a float tree
//                            per lane, 3 roundings deep), the block sums in double, and the row
//                            sums are added in double in row order, so the mean does not depend
//                            on the thread count. (A mean to 7 digits is what the display and the
//                            colour map's centre use; summing every value in double cost as much
//                            as the filter bank itself in wasm.)
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
  // every value is in bin 0. Empty when no histogram was asked for (bins = 0).
  std::vector<std::uint32_t> histogram;
};

// The fast one. `pool` (optional) splits the work in bands of rows; the result is bit for bit
// the same for any pool size. bins <= 0: no histogram (an empty vector), the range and the mean
// only, which is what a recompute needs while no histogram is shown.
MapStats compute_stats(const Plane& plane, int bins = 64, ThreadPool* pool = nullptr);

// The definition, for tests. bins <= 0 as for compute_stats.
MapStats compute_stats_reference(const Plane& plane, int bins = 64);

// The histograms alone, for statistics computed without them (compute_stats or BankRun with
// bins = 0): stats[i].histogram becomes maps[i]'s `bins`-bin histogram over [stats[i].min,
// stats[i].max], the counts identical to compute_stats_reference's (min, max and mean are left
// as they are). Bands of every map run as one job over `pool`; counts are merged in band order,
// identical for any thread count. If stats is not one entry per map, it is recomputed whole
// with compute_stats(map, bins, pool). As everywhere, `pool` must not be the pool running the
// caller (ThreadPool::run is not reentrant).
//
// How: bin indices 16 values at a time in SIMD (a float estimate checked against a margin, the
// reference's double arithmetic for values near a bin edge or NaN), staged as u16, then counted
// into four interleaved copies of the counters so consecutive increments do not wait on each
// other's stores.
void compute_histograms(const std::vector<Plane>& maps, std::vector<MapStats>& stats, int bins,
                        ThreadPool* pool = nullptr);

namespace detail {

// The statistics in two stages, so the filter bank can run the first on each band of rows while
// those rows are still in cache (conv2d_simd.cpp):
//   1. row_range_sum per row: min and max of the row's non-NaN values (+inf and -inf for none)
//      and the row's sum (a row holding a NaN or an infinity is redone value by value in double).
//      A band needs nothing from other bands, not even the map's first value.
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
// finish_stats without the histogram (an empty one).
MapStats finish_range(const Plane& plane, const RowStats& rows);
// compute_histograms over arrays: stats[i].min and max set; bins <= 0 clears the histograms.
void histograms(const Plane* maps, MapStats* stats, std::size_t count, int bins, ThreadPool* pool);

// How many bands a job of `rows` rows is split into for `pool` (1 without a pool). Depends only
// on the pool's size and the rows, never on timing.
int band_count(int rows, const ThreadPool* pool);

}  // namespace detail
}  // namespace filterlens
