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
  s.histogram.assign(static_cast<std::size_t>(std::max(bins, 0)), 0);
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
  if (bins <= 0) return s;  // no histogram asked for
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
constexpr std::size_t kMinBandValues = 16 * 1024;  // the same for the histogram's bands

// The reference's bin of v over [lo, lo + n / scale] (NaN position: n, counted nowhere).
inline int exact_bin(float v, double lo, double scale, int n) {
  const double pos = (static_cast<double>(v) - lo) * scale;
  return std::isnan(pos) ? n : std::min(n - 1, static_cast<int>(pos));
}

// The bin estimate, in float four at a time, with a margin. The float position pos =
// (v - lo) * float(scale) is within 3 roundings (3 * 2^-24 relative, so n * 2^-22 absolute) of
// the reference's double P; with delta = n * 2^-19, eight times that, floor(pos) is the
// reference's bin whenever pos lies at least delta inside its unit interval (or in bin 0 below
// 1 - delta: P >= 0 always, as v >= lo). Positions clamped to just under n land in the last bin,
// which is where the reference's min(n - 1, ...) puts them. Anything else (a value within delta
// of a bin edge, a NaN, a subnormal position) takes the reference's double arithmetic. The
// bound needs no overflow and normal floats: fast_histogram_ok() checks the range first, and
// the margin stays small against a bin only up to kMaxFastBins bins.
bool fast_histogram_ok(float lo, float hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return false;
  const double range = static_cast<double>(hi) - lo;
  return range == 0.0 || (range >= 1e-30 && range <= 1e30);
}

// Bin indices are staged as u16; with more bins than this the margin (n * 2^-19 of a bin) would
// send too many values to the exact path, and every value takes it.
constexpr int kMaxFastBins = 4096;
// Values whose bins are staged before they are counted: the staging buffer stays in L1.
constexpr std::size_t kStage = 512;
// Interleaved copies of the counters: consecutive increments go to different copies, so an
// increment rarely waits on the store of the one before (the same bin, when a map is smooth).
constexpr std::size_t kCopies = 8;

// Counts the values p[0 .. count) into hist: kCopies interleaved copies of n + 1 counters, the
// last of each catching NaN positions (counted nowhere). Two steps per kStage values: SIMD bin
// indices (16 a time, narrowed to u16 and stored), then plain increments from the stage.
void histogram_range(const float* p, std::size_t count, float lo, double scale, int n,
                     std::uint32_t* hist) {
  const std::size_t stride = static_cast<std::size_t>(n) + 1;
  const v128_t lo4 = wasm_f32x4_splat(lo);
  const v128_t scale4 = wasm_f32x4_splat(static_cast<float>(scale));
  const float delta = static_cast<float>(n) * 0x1p-19f;
  const v128_t delta4 = wasm_f32x4_splat(delta), under_one = wasm_f32x4_splat(1.0f - delta);
  // Just under n: floor gives n - 1, and the fraction passes the upper check.
  const v128_t top = wasm_f32x4_splat(static_cast<float>(n) - 2.0f * delta);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  // floor(pos) + 2^23 holds the integer in its low mantissa bits (pos < 2^23).
  const v128_t magic = wasm_f32x4_splat(0x1p23f);
  alignas(16) std::uint16_t stage[kStage];
  // Bins of 4 values, and whether each is sure: all-ones lanes where it is.
  auto bins4 = [&](const float* q, v128_t& bin, v128_t& sure) {
    const v128_t v = wasm_v128_load(q);
    const v128_t pos =
        wasm_f32x4_pmin(wasm_f32x4_mul(wasm_f32x4_sub(v, lo4), scale4), top);  // NaN stays NaN
    const v128_t f = wasm_f32x4_floor(pos);
    const v128_t frac = wasm_f32x4_sub(pos, f);
    bin = wasm_i32x4_sub(wasm_f32x4_add(f, magic), magic);
    sure = wasm_v128_and(wasm_v128_or(wasm_f32x4_ge(frac, delta4), wasm_f32x4_eq(f, zero)),
                         wasm_f32x4_lt(frac, under_one));
  };
  for (std::size_t base = 0; base < count; base += kStage) {
    const std::size_t m = std::min(kStage, count - base);
    const float* q = p + base;
    std::size_t i = 0;
    for (; i + 16 <= m; i += 16) {
      v128_t b0, b1, b2, b3, s0, s1, s2, s3;
      bins4(q + i, b0, s0);
      bins4(q + i + 4, b1, s1);
      bins4(q + i + 8, b2, s2);
      bins4(q + i + 12, b3, s3);
      // Bins are in [0, n - 1] here, so the saturating narrow keeps them as they are.
      wasm_v128_store(stage + i, wasm_u16x8_narrow_i32x4(b0, b1));
      wasm_v128_store(stage + i + 8, wasm_u16x8_narrow_i32x4(b2, b3));
      const v128_t all = wasm_v128_and(wasm_v128_and(s0, s1), wasm_v128_and(s2, s3));
      if (!wasm_i32x4_all_true(all)) {
        for (std::size_t l = 0; l < 16; ++l)
          stage[i + l] = static_cast<std::uint16_t>(exact_bin(q[i + l], lo, scale, n));
      }
    }
    for (; i < m; ++i) stage[i] = static_cast<std::uint16_t>(exact_bin(q[i], lo, scale, n));
    std::size_t j = 0;
    for (; j + kCopies <= m; j += kCopies) {
      for (std::size_t c = 0; c < kCopies; ++c) ++hist[c * stride + stage[j + c]];
    }
    for (; j < m; ++j) ++hist[stage[j]];
  }
}

// The reference's arithmetic per value, for a range fast_histogram_ok() refuses or many bins.
void histogram_range_exact(const float* p, std::size_t count, double lo, double scale, int n,
                           std::uint32_t* hist) {
  for (std::size_t i = 0; i < count; ++i) ++hist[exact_bin(p[i], lo, scale, n)];
}

}  // namespace

void row_range_sum(const float* row, int width, float& min, float& max, double& sum) {
  // Blocks of 8 vectors reduced as trees: 7 adds, 7 pmin and 7 pmax for 32 values, all
  // independent within the block, then one block's min, max and float sum into the row's
  // accumulators (the float sum promoted to double: the row's sum is in double across blocks).
  // A block's float sum has 3 roundings per lane (the tree's depth): within 3 * 2^-24 of the sum
  // of the block's |v|, which bounds the mean's error (stats.h).
  // pmin(a, b) is b < a ? b : a and pmax(a, b) is a < b ? b : a: lane by lane exactly
  // std::min(a, b) and std::max(a, b).
  v128_t lo = wasm_f32x4_splat(INFINITY), hi = wasm_f32x4_splat(-INFINITY);
  v128_t s0 = wasm_f64x2_splat(0.0), s1 = s0;
  constexpr int kBlockValues = 8 * kLanes;
  int x = 0;
  for (; x + kBlockValues <= width; x += kBlockValues) {
    v128_t v[8];
    for (int i = 0; i < 8; ++i) v[i] = wasm_v128_load(row + x + i * kLanes);
    const v128_t t01 = wasm_f32x4_add(v[0], v[1]), t23 = wasm_f32x4_add(v[2], v[3]);
    const v128_t t45 = wasm_f32x4_add(v[4], v[5]), t67 = wasm_f32x4_add(v[6], v[7]);
    const v128_t t = wasm_f32x4_add(wasm_f32x4_add(t01, t23), wasm_f32x4_add(t45, t67));
    s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(t));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(t, t, 2, 3, 0, 1)));
    // Trees with no regard for NaN (a NaN first operand wins): a NaN anywhere in the row makes
    // the float sums, hence the row's total, NaN, and the row is redone value by value below.
    const v128_t m =
        wasm_f32x4_pmin(wasm_f32x4_pmin(wasm_f32x4_pmin(v[0], v[1]), wasm_f32x4_pmin(v[2], v[3])),
                        wasm_f32x4_pmin(wasm_f32x4_pmin(v[4], v[5]), wasm_f32x4_pmin(v[6], v[7])));
    const v128_t n =
        wasm_f32x4_pmax(wasm_f32x4_pmax(wasm_f32x4_pmax(v[0], v[1]), wasm_f32x4_pmax(v[2], v[3])),
                        wasm_f32x4_pmax(wasm_f32x4_pmax(v[4], v[5]), wasm_f32x4_pmax(v[6], v[7])));
    lo = wasm_f32x4_pmin(lo, m);
    hi = wasm_f32x4_pmax(hi, n);
  }
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
  if (!std::isfinite(total)) {
    // A NaN or an infinity in the row, or a block's float sum overflowing where the double sum
    // does not (values near the float limit): the row again value by value, in the reference's
    // arithmetic (std::min / std::max skip a NaN after the first value; the sum in double).
    mn = INFINITY;
    mx = -INFINITY;
    total = 0.0;
    for (int i = 0; i < width; ++i) {
      mn = std::min(mn, row[i]);
      mx = std::max(mx, row[i]);
      total += row[i];
    }
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

MapStats finish_range(const Plane& plane, const RowStats& rows) {
  MapStats s;
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
  return s;
}

MapStats finish_stats(const Plane& plane, const RowStats& rows, int bins, ThreadPool* pool) {
  std::vector<MapStats> s{finish_range(plane, rows)};
  histograms(&plane, s.data(), 1, bins, pool);
  return std::move(s[0]);
}

void histograms(const Plane* maps, MapStats* stats, std::size_t count, int bins, ThreadPool* pool) {
  if (bins <= 0) {
    for (std::size_t i = 0; i < count; ++i) stats[i].histogram.clear();
    return;
  }
  const int n = bins;
  const std::size_t copy = static_cast<std::size_t>(n) + 1;
  // Every map is cut in bands of whole values (the counts do not depend on where the cuts fall),
  // all maps' bands one job on the pool.
  struct Band {
    std::size_t map;
    std::size_t begin, end;
  };
  std::vector<Band> bands;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t values = maps[i].data.size();
    std::size_t k = 1;
    if (pool != nullptr && pool->size() > 1)
      k = std::max<std::size_t>(1, std::min<std::size_t>(4 * static_cast<std::size_t>(pool->size()),
                                                         values / kMinBandValues));
    for (std::size_t b = 0; b < k; ++b) bands.push_back({i, values * b / k, values * (b + 1) / k});
  }
  // The exact path (many bins) counts into one copy: no room for copies it would not use.
  const std::size_t copies = n <= kMaxFastBins ? kCopies : 1;
  std::vector<std::uint32_t> hist(bands.size() * copies * copy, 0);
  auto run_band = [&](int bi) {
    const Band& b = bands[static_cast<std::size_t>(bi)];
    const MapStats& s = stats[b.map];
    const float lo = s.min, hi = s.max;
    const double scale = hi > lo ? n / (static_cast<double>(hi) - lo) : 0.0;
    const float* p = maps[b.map].data.data() + b.begin;
    std::uint32_t* h = hist.data() + static_cast<std::size_t>(bi) * copies * copy;
    if (fast_histogram_ok(lo, hi) && n <= kMaxFastBins) {
      histogram_range(p, b.end - b.begin, lo, scale, n, h);
    } else {
      histogram_range_exact(p, b.end - b.begin, lo, scale, n, h);
    }
  };
  if (pool != nullptr && bands.size() > 1) {
    pool->run(static_cast<int>(bands.size()), run_band);
  } else {
    for (std::size_t b = 0; b < bands.size(); ++b) run_band(static_cast<int>(b));
  }
  for (std::size_t i = 0; i < count; ++i) stats[i].histogram.assign(copy - 1, 0);
  // Merged in band order (integer counts: the same for any order, and any thread count).
  for (std::size_t b = 0; b < bands.size(); ++b) {
    std::vector<std::uint32_t>& out = stats[bands[b].map].histogram;
    for (std::size_t c = 0; c < copies; ++c) {
      const std::uint32_t* h = hist.data() + (b * copies + c) * copy;
      for (std::size_t k = 0; k + 1 < copy; ++k) out[k] += h[k];
    }
  }
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

void compute_histograms(const std::vector<Plane>& maps, std::vector<MapStats>& stats, int bins,
                        ThreadPool* pool) {
  if (stats.size() != maps.size()) {
    // No ranges to count against: the statistics from scratch.
    stats.clear();
    for (const Plane& m : maps) stats.push_back(compute_stats(m, bins, pool));
    return;
  }
  detail::histograms(maps.data(), stats.data(), maps.size(), bins, pool);
}

}  // namespace filterlens
