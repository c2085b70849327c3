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

// The reference's bin of v over [lo, lo + n / scale] (NaN position: n, counted nowhere).
inline int exact_bin(float v, double lo, double scale, int n) {
  const double pos = (static_cast<double>(v) - lo) * scale;
  return std::isnan(pos) ? n : std::min(n - 1, static_cast<int>(pos));
}

// Counts the values p[0 .. count) into hist: kLanes interleaved copies of n + 1 counters, the
// last of each catching NaN positions. Lane l counts into copy l, so consecutive increments rarely
// hit the same counter and do not wait on each other.
//
// The bin is estimated in float, four at a time, with a margin: the float position is within
// 4 ulps (4 * 2^-24 relative) of the reference's double one, so when pos * (1 - 2^-20) and
// pos * (1 + 2^-20) truncate to the same bin, that is the reference's bin. Only a value within
// ~1e-6 relative of a bin edge (or a NaN) takes the reference's double arithmetic. The bound
// needs normal floats and no overflow: fast_histogram_ok() checks the range first.
bool fast_histogram_ok(float lo, float hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return false;
  const double range = static_cast<double>(hi) - lo;
  return range == 0.0 || (range >= 1e-30 && range <= 1e30);
}

void histogram_range(const float* p, std::size_t count, float lo, double scale, int n,
                     std::uint32_t* hist) {
  const std::size_t stride = static_cast<std::size_t>(n) + 1;
  const v128_t lo4 = wasm_f32x4_splat(lo);
  const v128_t scale4 = wasm_f32x4_splat(static_cast<float>(scale));
  const v128_t below = wasm_f32x4_splat(1.0f - 0x1p-20f), above = wasm_f32x4_splat(1.0f + 0x1p-20f);
  const v128_t top = wasm_f32x4_splat(static_cast<float>(n - 1));
  std::size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    const v128_t v = wasm_v128_load(p + i);
    const v128_t pos = wasm_f32x4_mul(wasm_f32x4_sub(v, lo4), scale4);
    const v128_t b0 = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_pmin(wasm_f32x4_mul(pos, below), top));
    const v128_t b1 = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_pmin(wasm_f32x4_mul(pos, above), top));
    const v128_t sure = wasm_v128_and(wasm_i32x4_eq(b0, b1), wasm_f32x4_eq(v, v));
    if (wasm_i32x4_all_true(sure)) {
      ++hist[static_cast<std::size_t>(wasm_i32x4_extract_lane(b0, 0))];
      ++hist[stride + static_cast<std::size_t>(wasm_i32x4_extract_lane(b0, 1))];
      ++hist[2 * stride + static_cast<std::size_t>(wasm_i32x4_extract_lane(b0, 2))];
      ++hist[3 * stride + static_cast<std::size_t>(wasm_i32x4_extract_lane(b0, 3))];
    } else {
      for (std::size_t l = 0; l < kLanes; ++l)
        ++hist[l * stride + static_cast<std::size_t>(exact_bin(p[i + l], lo, scale, n))];
    }
  }
  for (; i < count; ++i) ++hist[static_cast<std::size_t>(exact_bin(p[i], lo, scale, n))];
}

// The reference's arithmetic per value, for a range fast_histogram_ok() refuses.
void histogram_range_exact(const float* p, std::size_t count, double lo, double scale, int n,
                           std::uint32_t* hist) {
  for (std::size_t i = 0; i < count; ++i) ++hist[exact_bin(p[i], lo, scale, n)];
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

  const bool fast = fast_histogram_ok(lo, hi);

  const int bands = band_count(plane.height, pool);
  const std::size_t copy = static_cast<std::size_t>(n) + 1;
  std::vector<std::uint32_t> hist(static_cast<std::size_t>(bands) * kLanes * copy, 0);
  auto band = [&](int b) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(plane.height) * b / bands);
    const int y1 = static_cast<int>(static_cast<std::int64_t>(plane.height) * (b + 1) / bands);
    const float* p = plane.row(y0);
    const std::size_t count = static_cast<std::size_t>(y1 - y0) * plane.width;
    std::uint32_t* h = hist.data() + static_cast<std::size_t>(b) * kLanes * copy;
    if (fast) {
      histogram_range(p, count, lo, scale, n, h);
    } else {
      histogram_range_exact(p, count, lo, scale, n, h);
    }
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
