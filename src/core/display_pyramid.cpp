// The display levels' reductions (display_pyramid.h): halve() in plain loops (the definition),
// display_levels() with SIMD128 over bands of rows, the same arithmetic in the same order per
// pixel (so the same bits), with the plain loops for the odd edge column and row.
#include "display_pyramid.h"

#include <algorithm>
#include <cmath>

#include "simd128.h"
#include "thread_pool.h"

namespace filterlens {

const char* reduction_name(Reduction r) {
  return r == Reduction::mean ? "mean" : "extreme";
}

Plane halve(const Plane& plane, Reduction reduction, float centre) {
  if (plane.empty()) return Plane();
  const int w = (plane.width + 1) / 2, h = (plane.height + 1) / 2;
  Plane out(w, h);
  for (int y = 0; y < h; ++y) {
    const int y0 = 2 * y, y1 = std::min(plane.height, y0 + 2);
    float* o = out.row(y);
    for (int x = 0; x < w; ++x) {
      const int x0 = 2 * x, x1 = std::min(plane.width, x0 + 2);
      if (reduction == Reduction::mean) {
        float sum = 0.0f;
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx) sum += plane.at(xx, yy);
        o[x] = sum / static_cast<float>((y1 - y0) * (x1 - x0));
      } else {
        float best = plane.at(x0, y0);
        float best_distance = std::fabs(best - centre);
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx) {
            const float v = plane.at(xx, yy);
            const float distance = std::fabs(v - centre);
            // `>` is false for NaN on either side: a NaN never displaces a number; a number
            // displaces a NaN first found.
            if (distance > best_distance || (std::isnan(best_distance) && !std::isnan(distance))) {
              best = v;
              best_distance = distance;
            }
          }
        o[x] = best;
      }
    }
  }
  return out;
}

Image halve(const Image& image) {
  if (image.empty()) return Image();
  const int c = image.channels;
  Image out{(image.width + 1) / 2, (image.height + 1) / 2, c, {}};
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * c);
  for (int y = 0; y < out.height; ++y) {
    const int y0 = 2 * y, y1 = std::min(image.height, y0 + 2);
    for (int x = 0; x < out.width; ++x) {
      const int x0 = 2 * x, x1 = std::min(image.width, x0 + 2);
      const int n = (y1 - y0) * (x1 - x0);
      for (int k = 0; k < c; ++k) {
        int sum = 0;
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx)
            sum += image.pixels[(static_cast<std::size_t>(yy) * image.width + xx) * c + k];
        out.pixels[(static_cast<std::size_t>(y) * out.width + x) * c + k] =
            static_cast<std::uint8_t>((2 * sum + n) / (2 * n));
      }
    }
  }
  return out;
}

int display_level(double image_width, double screen_width) {
  if (!(image_width > 0.0) || !(screen_width >= 1.0)) return 0;
  int level = 0;
  while (level < 30 && image_width / std::ldexp(1.0, level + 1) >= screen_width) ++level;
  return level;
}

namespace {

constexpr int kLanes = 4;
constexpr int kMinBandRows = 16;  // output rows: below this a band's bookkeeping outweighs it

// halve()'s per-pixel arithmetic for output pixel x of rows r0 and r1 (r1 null at the bottom of an
// odd height), `width` values each: the edges the SIMD loops leave.
float row_block(const float* r0, const float* r1, int width, int x, Reduction reduction,
                float centre) {
  const int x0 = 2 * x, x1 = std::min(width, x0 + 2);
  const float* rows[2] = {r0, r1};
  const int n_rows = r1 != nullptr ? 2 : 1;
  if (reduction == Reduction::mean) {
    float sum = 0.0f;
    for (int r = 0; r < n_rows; ++r)
      for (int xx = x0; xx < x1; ++xx) sum += rows[r][xx];
    return sum / static_cast<float>(n_rows * (x1 - x0));
  }
  float best = r0[x0];
  float best_distance = std::fabs(best - centre);
  for (int r = 0; r < n_rows; ++r)
    for (int xx = x0; xx < x1; ++xx) {
      const float v = rows[r][xx];
      const float distance = std::fabs(v - centre);
      if (distance > best_distance || (std::isnan(best_distance) && !std::isnan(distance))) {
        best = v;
        best_distance = distance;
      }
    }
  return best;
}

// Even and odd columns of 8 consecutive floats: the left and right pixels of 4 blocks.
inline void split_pairs(const float* p, v128_t& even, v128_t& odd) {
  const v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + kLanes);
  even = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
  odd = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
}

// halve()'s extreme step for 4 lanes: v replaces best where it is farther from the centre, or
// where best's distance is NaN and v's is not.
inline void extreme_step(v128_t v, v128_t centre, v128_t& best, v128_t& best_distance) {
  const v128_t d = wasm_f32x4_abs(wasm_f32x4_sub(v, centre));
  const v128_t take =
      wasm_v128_or(wasm_f32x4_gt(d, best_distance),
                   wasm_v128_and(wasm_f32x4_ne(best_distance, best_distance), wasm_f32x4_eq(d, d)));
  best = wasm_v128_bitselect(v, best, take);
  best_distance = wasm_v128_bitselect(d, best_distance, take);
}

}  // namespace

namespace {

// halve()'s arithmetic for one output row: input rows r0 and r1 (r1 null at the bottom edge of an
// odd height), `width` values each, into out[0 .. ceil(width / 2)).
void halve_row(const float* r0, const float* r1, int width, Reduction reduction, float centre,
               float* out) {
  const int full_x = width / 2;  // blocks two columns wide
  const int simd_x = full_x / kLanes * kLanes;
  const v128_t zero = wasm_f32x4_splat(0.0f), c4 = wasm_f32x4_splat(centre);
  for (int x = 0; x < simd_x; x += kLanes) {
    v128_t a0, a1, b0, b1;
    split_pairs(r0 + 2 * x, a0, a1);
    v128_t result;
    if (reduction == Reduction::mean) {
      // halve() adds in raster order from 0 (so a -0 block gives +0), then divides; x / 4 and
      // x * 0.25 are the same correctly rounded number.
      v128_t sum = wasm_f32x4_add(wasm_f32x4_add(zero, a0), a1);
      if (r1 != nullptr) {
        split_pairs(r1 + 2 * x, b0, b1);
        sum = wasm_f32x4_add(wasm_f32x4_add(sum, b0), b1);
        result = wasm_f32x4_mul(sum, wasm_f32x4_splat(0.25f));
      } else {
        result = wasm_f32x4_mul(sum, wasm_f32x4_splat(0.5f));
      }
    } else {
      v128_t best = a0, best_distance = wasm_f32x4_abs(wasm_f32x4_sub(a0, c4));
      extreme_step(a1, c4, best, best_distance);
      if (r1 != nullptr) {
        split_pairs(r1 + 2 * x, b0, b1);
        extreme_step(b0, c4, best, best_distance);
        extreme_step(b1, c4, best, best_distance);
      }
      result = best;
    }
    wasm_v128_store(out + x, result);
  }
  const int out_width = (width + 1) / 2;
  for (int x = simd_x; x < out_width; ++x) out[x] = row_block(r0, r1, width, x, reduction, centre);
}

int level_side(int side, int level) {
  for (int k = 0; k < level; ++k) side = (side + 1) / 2;
  return side;
}

// Level `k` row j of `level0`, from its 2^k rows of level 0 through two rows of each level in
// between (scratch[d]: two rows of level d + 1), by the same halve_row calls k halvings make.
void level_row(const Plane& level0, int k, int j, Reduction reduction, float centre, float* out,
               std::vector<std::vector<float>>& scratch) {
  if (k == 1) {
    const float* r1 = 2 * j + 1 < level0.height ? level0.row(2 * j + 1) : nullptr;
    halve_row(level0.row(2 * j), r1, level0.width, reduction, centre, out);
    return;
  }
  const int width = level_side(level0.width, k - 1), height = level_side(level0.height, k - 1);
  std::vector<float>& rows = scratch[static_cast<std::size_t>(k - 2)];
  rows.resize(2 * static_cast<std::size_t>(width));
  float* a = rows.data();
  float* b = a + width;
  level_row(level0, k - 1, 2 * j, reduction, centre, a, scratch);
  const bool two = 2 * j + 1 < height;
  if (two) level_row(level0, k - 1, 2 * j + 1, reduction, centre, b, scratch);
  halve_row(a, two ? b : nullptr, width, reduction, centre, out);
}

}  // namespace

void halve_rows(const Plane& in, Reduction reduction, float centre, Plane& out, int oy0, int oy1) {
  for (int y = oy0; y < oy1; ++y) {
    const float* r1 = 2 * y + 1 < in.height ? in.row(2 * y + 1) : nullptr;
    halve_row(in.row(2 * y), r1, in.width, reduction, centre, out.row(y));
  }
}

void level_rows(const Plane& level0, int level, Reduction reduction, float centre, Plane& out,
                int j0, int j1) {
  if (level <= 0) return;
  std::vector<std::vector<float>> scratch(static_cast<std::size_t>(level - 1));
  for (int j = j0; j < j1; ++j) level_row(level0, level, j, reduction, centre, out.row(j), scratch);
}

// halve(const Image&) for one output pixel's channels.
namespace {

void image_block(const Image& in, int x, int y, Image& out) {
  const int c = in.channels;
  const int x0 = 2 * x, x1 = std::min(in.width, x0 + 2);
  const int y0 = 2 * y, y1 = std::min(in.height, y0 + 2);
  const int n = (y1 - y0) * (x1 - x0);
  for (int k = 0; k < c; ++k) {
    int sum = 0;
    for (int yy = y0; yy < y1; ++yy)
      for (int xx = x0; xx < x1; ++xx)
        sum += in.pixels[(static_cast<std::size_t>(yy) * in.width + xx) * c + k];
    out.pixels[(static_cast<std::size_t>(y) * out.width + x) * c + k] =
        static_cast<std::uint8_t>((2 * sum + n) / (2 * n));
  }
}

// Output rows [oy0, oy1) of halve(in). Full 2 x 2 blocks: (2 * sum + 4) / 8 = (sum + 2) >> 2,
// 16 bytes of each input row at a time widened to u16; the two pixels of a block are adjacent
// groups of c u16 lanes, split apart by one shuffle for c = 1, 2 and 4. Three channels, the odd
// edge column and the odd last row go through image_block.
void halve_image_rows(const Image& in, Image& out, int oy0, int oy1) {
  const int c = in.channels;
  const int full_x = in.width / 2;
  // Output pixels per step: 16 input bytes per row make 8 / c output pixels.
  const int step = (c == 1 || c == 2 || c == 4) ? 8 / c : 0;
  const int simd_x = step > 0 ? full_x / step * step : 0;
  const std::size_t in_row = static_cast<std::size_t>(in.width) * c;
  const std::size_t out_row = static_cast<std::size_t>(out.width) * c;
  const v128_t two = wasm_i16x8_splat(2);
  for (int y = oy0; y < oy1; ++y) {
    const bool two_rows = 2 * y + 1 < in.height;
    if (two_rows) {
      const std::uint8_t* r0 = in.pixels.data() + static_cast<std::size_t>(2 * y) * in_row;
      const std::uint8_t* r1 = r0 + in_row;
      std::uint8_t* o = out.pixels.data() + static_cast<std::size_t>(y) * out_row;
      for (int x = 0; x < simd_x; x += step) {
        const std::size_t i = static_cast<std::size_t>(2 * x) * c;  // 16 input bytes per row
        const v128_t a = wasm_v128_load(r0 + i), b = wasm_v128_load(r1 + i);
        const v128_t lo =
            wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(a), wasm_u16x8_extend_low_u8x16(b));
        const v128_t hi =
            wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(a), wasm_u16x8_extend_high_u8x16(b));
        v128_t left, right;
        if (c == 1) {
          left = wasm_i16x8_shuffle(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
          right = wasm_i16x8_shuffle(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
        } else if (c == 2) {
          left = wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
          right = wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7);
        } else {
          left = wasm_i64x2_shuffle(lo, hi, 0, 2);
          right = wasm_i64x2_shuffle(lo, hi, 1, 3);
        }
        const v128_t mean = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(left, right), two), 2);
        // 8 output bytes: the low half of the narrowed vector.
        const v128_t bytes = wasm_u8x16_narrow_i16x8(mean, mean);
        wasm_v128_store64_lane(o + static_cast<std::size_t>(x) * c, bytes, 0);
      }
    }
    for (int x = two_rows ? simd_x : 0; x < out.width; ++x) image_block(in, x, y, out);
  }
}

// Runs rows(y0, y1) over the output rows of a level, in bands over the pool.
template <class Rows>
void in_bands(int height, ThreadPool* pool, Rows rows) {
  int bands = 1;
  if (pool != nullptr && pool->size() > 1)
    bands = std::max(1, std::min(4 * pool->size(), height / kMinBandRows));
  if (bands == 1) {
    rows(0, height);
    return;
  }
  pool->run(bands, [&](int b) {
    rows(static_cast<int>(static_cast<std::int64_t>(height) * b / bands),
         static_cast<int>(static_cast<std::int64_t>(height) * (b + 1) / bands));
  });
}

}  // namespace

// While half the longer side is still min_side.
bool has_next_level(int width, int height, int min_side) {
  return std::max(width, height) / 2 >= std::max(1, min_side);
}

std::vector<std::pair<int, int>> display_level_sizes(int width, int height, int min_side) {
  std::vector<std::pair<int, int>> sizes;
  if (width <= 0 || height <= 0) return sizes;
  while (has_next_level(width, height, min_side)) {
    width = (width + 1) / 2;
    height = (height + 1) / 2;
    sizes.emplace_back(width, height);
  }
  return sizes;
}

std::vector<Plane> display_levels(const Plane& level0, Reduction reduction, float centre,
                                  int min_side, ThreadPool* pool) {
  std::vector<Plane> levels;
  display_levels(level0, reduction, centre, min_side, pool, levels);
  return levels;
}

int first_level_made(int width, int height, int min_side, int first) {
  const int count = static_cast<int>(display_level_sizes(width, height, min_side).size());
  return count == 0 ? 0 : std::clamp(first, 1, count);
}

int first_level_for(int width, double shown_width) {
  return std::max(1, display_level(width, shown_width));
}

void display_levels(const Plane& level0, Reduction reduction, float centre, int min_side,
                    ThreadPool* pool, std::vector<Plane>& levels, LevelRange range) {
  if (level0.empty() ||
      level0.data.size() != static_cast<std::size_t>(level0.width) * level0.height) {
    levels.clear();
    return;
  }
  const std::vector<std::pair<int, int>> sizes =
      display_level_sizes(level0.width, level0.height, min_side);
  levels.resize(sizes.size());
  if (sizes.empty()) return;
  const int first = first_level_made(level0.width, level0.height, min_side, range.first);
  for (int k = 1; k <= static_cast<int>(sizes.size()); ++k) {
    const auto [width, height] = sizes[static_cast<std::size_t>(k - 1)];
    Plane& level = levels[static_cast<std::size_t>(k - 1)];
    if (k < first) {
      level = Plane();  // not shown: its memory goes
      continue;
    }
    if (level.width != width || level.height != height) level = Plane(width, height);
    if (k == first) {
      if (range.first_made) continue;
      in_bands(height, pool,
               [&](int y0, int y1) { level_rows(level0, k, reduction, centre, level, y0, y1); });
    } else {
      const Plane& prev = levels[static_cast<std::size_t>(k - 2)];
      in_bands(height, pool,
               [&](int y0, int y1) { halve_rows(prev, reduction, centre, level, y0, y1); });
    }
  }
}

std::vector<Image> display_levels(const Image& level0, int min_side, ThreadPool* pool) {
  std::vector<Image> levels;
  display_levels(level0, min_side, pool, levels);
  return levels;
}

namespace {

// Level k row j of an 8-bit image into `dst` (level k's width x channels bytes): level k - 1's
// two rows (one at the bottom of an odd height) gathered into a small image, halved by the same
// halve_image_rows, so every level between is rounded as k halvings round it. scratch[2 (k - 1)]
// and [2 (k - 1) + 1] hold level k's pair of input rows and its output row (reused across rows).
void image_level_row(const Image& level0, int k, int j, std::uint8_t* dst,
                     std::vector<Image>& scratch) {
  const int c = level0.channels;
  const int width = level_side(level0.width, k - 1), height = level_side(level0.height, k - 1);
  const std::size_t row = static_cast<std::size_t>(width) * c;
  if (scratch.size() < 2 * static_cast<std::size_t>(k))
    scratch.resize(2 * static_cast<std::size_t>(k));
  Image& pair = scratch[2 * static_cast<std::size_t>(k - 1)];
  Image& one = scratch[2 * static_cast<std::size_t>(k - 1) + 1];
  pair.width = width;
  pair.height = 2 * j + 1 < height ? 2 : 1;
  pair.channels = c;
  pair.pixels.resize(row * static_cast<std::size_t>(pair.height));
  for (int r = 0; r < pair.height; ++r) {
    std::uint8_t* to = pair.pixels.data() + row * static_cast<std::size_t>(r);
    if (k == 1)
      std::copy_n(level0.pixels.data() + row * static_cast<std::size_t>(2 * j + r), row, to);
    else
      image_level_row(level0, k - 1, 2 * j + r, to, scratch);
  }
  one.width = (width + 1) / 2;
  one.height = 1;
  one.channels = c;
  one.pixels.resize(static_cast<std::size_t>(one.width) * c);
  halve_image_rows(pair, one, 0, 1);
  std::copy(one.pixels.begin(), one.pixels.end(), dst);
}

}  // namespace

void display_levels(const Image& level0, int min_side, ThreadPool* pool, std::vector<Image>& levels,
                    int first) {
  if (level0.empty() || level0.channels < 1 || level0.channels > 4 ||
      level0.pixels.size() !=
          static_cast<std::size_t>(level0.width) * level0.height * level0.channels) {
    levels.clear();
    return;
  }
  const std::vector<std::pair<int, int>> sizes =
      display_level_sizes(level0.width, level0.height, min_side);
  levels.resize(sizes.size());
  if (sizes.empty()) return;
  first = first_level_made(level0.width, level0.height, min_side, first);
  const int c = level0.channels;
  for (int k = 1; k <= static_cast<int>(sizes.size()); ++k) {
    const auto [width, height] = sizes[static_cast<std::size_t>(k - 1)];
    Image& next = levels[static_cast<std::size_t>(k - 1)];
    if (k < first) {
      next = Image();  // not shown: its memory goes
      continue;
    }
    if (next.width != width || next.height != height || next.channels != c)
      next = Image{width, height, c, {}};  // not a larger block kept for less
    next.pixels.resize(static_cast<std::size_t>(width) * height * c);
    if (k == first && k > 1) {
      const std::size_t row = static_cast<std::size_t>(width) * c;
      in_bands(height, pool, [&](int y0, int y1) {
        std::vector<Image> scratch;
        for (int j = y0; j < y1; ++j)
          image_level_row(level0, k, j, next.pixels.data() + row * static_cast<std::size_t>(j),
                          scratch);
      });
    } else {
      const Image& prev = k == 1 ? level0 : levels[static_cast<std::size_t>(k - 2)];
      in_bands(height, pool, [&](int y0, int y1) { halve_image_rows(prev, next, y0, y1); });
    }
  }
}

}  // namespace filterlens
