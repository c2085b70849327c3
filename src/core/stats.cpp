// compute_stats_reference: the definition in plain loops. compute_stats: the same results with
// SIMD128 in two stages (range and row sums, then the histogram), each split in bands of rows.
#include "stats.h"

#include <algorithm>
#include <cmath>

#include "simd128.h"
#include "thread_pool.h"

namespace filterlens {

MapStats compute_stats_reference(const Plane& plane, int bins) {
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
    const double pos = (static_cast<double>(v) - lo) * scale;
    if (std::isnan(pos)) continue;  // NaN, or an infinity against an infinite range: no bin
    const int b = std::min(n - 1, static_cast<int>(pos));
    ++s.histogram[static_cast<std::size_t>(b)];
  }
  return s;
}

namespace detail {
namespace {

constexpr int kLanes = 4;
constexpr int kMinBandRows = 16;  // below this a band's bookkeeping outweighs its work

// The bins of rows' values into hist (kLanes interleaved copies of n + 1 counters, the last one
// of each catching NaN positions): lane l counts into copy l, so consecutive increments rarely
// hit the same counter and do not wait on each other.
void histogram_range(const float* p, std::size_t count, double lo, double scale, int n,
                     std::uint32_t* hist) {
  const int stride = n + 1;
  const v128_t lo2 = wasm_f64x2_splat(lo), scale2 = wasm_f64x2_splat(scale);
  const v128_t last = wasm_i32x4_splat(n - 1), nan_bin = wasm_i32x4_splat(n);
  std::size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    const v128_t v = wasm_v128_load(p + i);
    const v128_t d0 = wasm_f64x2_promote_low_f32x4(v);
    const v128_t d1 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    const v128_t pos0 = wasm_f64x2_mul(wasm_f64x2_sub(d0, lo2), scale2);
    const v128_t pos1 = wasm_f64x2_mul(wasm_f64x2_sub(d1, lo2), scale2);
    // Positions are in [0, n] (or NaN): truncation is the reference's int(), then the clamp.
    const v128_t b0 = wasm_i32x4_trunc_sat_f64x2_zero(pos0);
    const v128_t b1 = wasm_i32x4_trunc_sat_f64x2_zero(pos1);
    v128_t b = wasm_i32x4_min(wasm_i32x4_shuffle(b0, b1, 0, 1, 4, 5), last);
    const v128_t nan0 = wasm_f64x2_ne(pos0, pos0), nan1 = wasm_f64x2_ne(pos1, pos1);
    b = wasm_v128_bitselect(nan_bin, b, wasm_i32x4_shuffle(nan0, nan1, 0, 2, 4, 6));
    ++hist[wasm_i32x4_extract_lane(b, 0)];
    ++hist[stride + wasm_i32x4_extract_lane(b, 1)];
    ++hist[2 * stride + wasm_i32x4_extract_lane(b, 2)];
    ++hist[3 * stride + wasm_i32x4_extract_lane(b, 3)];
  }
  for (; i < count; ++i) {
    const double pos = (static_cast<double>(p[i]) - lo) * scale;
    ++hist[std::isnan(pos) ? n : std::min(n - 1, static_cast<int>(pos))];
  }
}

}  // namespace

void row_range_sum(const float* row, int width, float& min, float& max, double& sum) {
  // pmin(a, b) is b < a ? b : a and pmax(a, b) is a < b ? b : a: lane by lane exactly
  // std::min(a, b) and std::max(a, b), so a NaN value leaves the accumulator as it was.
  v128_t lo = wasm_f32x4_splat(INFINITY), hi = wasm_f32x4_splat(-INFINITY);
  v128_t s0 = wasm_f64x2_splat(0.0), s1 = s0;
  int x = 0;
  for (; x + kLanes <= width; x += kLanes) {
    const v128_t v = wasm_v128_load(row + x);
    lo = wasm_f32x4_pmin(lo, v);
    hi = wasm_f32x4_pmax(hi, v);
    s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(v));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
  }
  float mn = wasm_f32x4_extract_lane(lo, 0), mx = wasm_f32x4_extract_lane(hi, 0);
  mn = std::min(mn, wasm_f32x4_extract_lane(lo, 1));
  mn = std::min(mn, wasm_f32x4_extract_lane(lo, 2));
  mn = std::min(mn, wasm_f32x4_extract_lane(lo, 3));
  mx = std::max(mx, wasm_f32x4_extract_lane(hi, 1));
  mx = std::max(mx, wasm_f32x4_extract_lane(hi, 2));
  mx = std::max(mx, wasm_f32x4_extract_lane(hi, 3));
  double total = (wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1)) +
                 (wasm_f64x2_extract_lane(s1, 0) + wasm_f64x2_extract_lane(s1, 1));
  for (; x < width; ++x) {
    mn = std::min(mn, row[x]);
    mx = std::max(mx, row[x]);
    total += row[x];
  }
  min = mn;
  max = mx;
  sum = total;
}

void range_sum_rows(const Plane& plane, int y0, int y1, RowStats& rows) {
  for (int y = y0; y < y1; ++y) {
    const std::size_t i = static_cast<std::size_t>(y);
    row_range_sum(plane.row(y), plane.width, rows.min[i], rows.max[i], rows.sum[i]);
  }
}

int band_count(int rows, const ThreadPool* pool) {
  if (pool == nullptr || pool->size() == 1) return 1;
  // A few bands per thread: another session's load on a core then delays one small band, not
  // half of the job.
  return std::max(1, std::min(4 * pool->size(), rows / kMinBandRows));
}

MapStats finish_stats(const Plane& plane, const RowStats& rows, int bins, ThreadPool* pool) {
  MapStats s;
  const int n = std::max(bins, 1);
  s.histogram.assign(static_cast<std::size_t>(n), 0);
  if (plane.data.empty()) return s;
  float lo = rows.min[0], hi = rows.max[0];
  double sum = 0.0;
  for (int y = 0; y < plane.height; ++y) {
    const std::size_t i = static_cast<std::size_t>(y);
    lo = std::min(lo, rows.min[i]);
    hi = std::max(hi, rows.max[i]);
    sum += rows.sum[i];
  }
  // The reference folds from the first value: a NaN there is its min and max (a NaN anywhere
  // else is skipped, as here).
  if (std::isnan(plane.data[0])) lo = hi = plane.data[0];
  s.min = lo;
  s.max = hi;
  s.mean = sum / static_cast<double>(plane.data.size());
  const double scale = hi > lo ? n / (static_cast<double>(hi) - lo) : 0.0;

  const int bands = band_count(plane.height, pool);
  const std::size_t copy = static_cast<std::size_t>(n) + 1;
  std::vector<std::uint32_t> hist(static_cast<std::size_t>(bands) * kLanes * copy, 0);
  auto band = [&](int b) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(plane.height) * b / bands);
    const int y1 = static_cast<int>(static_cast<std::int64_t>(plane.height) * (b + 1) / bands);
    histogram_range(plane.row(y0), static_cast<std::size_t>(y1 - y0) * plane.width, lo, scale, n,
                    hist.data() + static_cast<std::size_t>(b) * kLanes * copy);
  };
  if (bands == 1) {
    band(0);
  } else {
    pool->run(bands, band);
  }
  for (std::size_t c = 0; c < static_cast<std::size_t>(bands) * kLanes; ++c)
    for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k)
      s.histogram[k] += hist[c * copy + k];
  return s;
}

}  // namespace detail

MapStats compute_stats(const Plane& plane, int bins, ThreadPool* pool) {
  if (plane.data.empty() ||
      plane.data.size() != static_cast<std::size_t>(plane.width) * plane.height) {
    // Not a well-formed plane: only the reference's loops make no assumption about its shape.
    return compute_stats_reference(plane, bins);
  }
  detail::RowStats rows;
  rows.resize(plane.height);
  const int bands = detail::band_count(plane.height, pool);
  auto band = [&](int b) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(plane.height) * b / bands);
    const int y1 = static_cast<int>(static_cast<std::int64_t>(plane.height) * (b + 1) / bands);
    detail::range_sum_rows(plane, y0, y1, rows);
  };
  if (bands == 1) {
    band(0);
  } else {
    pool->run(bands, band);
  }
  return detail::finish_stats(plane, rows, bins, pool);
}

}  // namespace filterlens
