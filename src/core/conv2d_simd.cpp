// conv2d_bank_f32__wasmsimd: the fused filter bank in WebAssembly SIMD128 intrinsics, and
// conv2d_layer_accumulate (conv2d_layer.h), the multi-channel form, for the CNN.
//
// Schedule (the algorithm is conv2d.h's; only the order of work differs from the reference):
//  - Kernels are grouped by size; each group makes one pass over the output rows.
//  - Stride 1: taps read the input rows in place; the edge columns whose window leaves the image
//    read a small strip of padded values built per row, through the same SIMD code. Other strides:
//    a padded input row is prepared once (padding mode applied, split into s phase rows so every
//    tap becomes a contiguous vector load) and kept in a ring of (kh - 1) * dilation + 1 rows.
//    Either way every kernel of the group reads a row while it is in cache.
//  - Each kernel is reduced to its non-zero taps; small kernels get a row function with the tap
//    count fixed at compile time, so weights and row pointers stay in registers across the row.
//  - Threads: a group's output rows are cut in bands (a task each, on the optional pool). A band
//    only decides which rows a thread computes, never how: every pixel's arithmetic is the same
//    for any band split. With statistics asked for, a band runs their first stage (range and row
//    sums, stats.h) on every few rows it has just written, while they are in cache.
#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

#include "conv2d.h"
#include "conv2d_layer.h"
#include "simd128.h"
#include "stats.h"
#include "thread_pool.h"

namespace filterlens::detail {
namespace {

constexpr int kLanes = 4;
constexpr int kBlock = 2 * kLanes;  // output pixels per inner iteration

// Padded rows of the input, split into stride phases, in a ring that holds one kernel's height.
// Only strides above 1 come here: stride 1 reads input rows in place (run_group_direct).
class PaddedRows {
 public:
  PaddedRows(const Plane& in, const ConvParams& p, int span_rows, int max_offset)
      : in_(in), p_(p), padded_width_(in.width + 2 * p.padding) {
    phase_len_ = (padded_width_ + p.stride - 1) / p.stride;
    // Slack: the last block may read up to kBlock - 1 lanes past the row, at tap offsets up to
    // max_offset; those lanes are computed and discarded.
    row_floats_ = phase_len_ + max_offset + kBlock + kLanes;
    slots_ = span_rows;
    tags_.assign(static_cast<std::size_t>(slots_), -1);
    storage_.assign(static_cast<std::size_t>(slots_) * p.stride * row_floats_, 0.0f);
    scratch_.resize(static_cast<std::size_t>(padded_width_));
  }

  // Phase q of padded row r: element i is padded(r, q + stride * i).
  const float* phase(int r, int q) {
    const int slot = r % slots_;
    float* base = storage_.data() + static_cast<std::size_t>(slot) * p_.stride * row_floats_;
    if (tags_[static_cast<std::size_t>(slot)] != r) {
      prepare(r, base);
      tags_[static_cast<std::size_t>(slot)] = r;
    }
    return base + static_cast<std::size_t>(q) * row_floats_;
  }

 private:
  void prepare(int r, float* base) {
    float* dst = scratch_.data();
    const int iy = padded_index(r - p_.padding, in_.height, p_.padding_mode);
    if (iy < 0) {
      std::fill(dst, dst + padded_width_, 0.0f);
    } else {
      const float* src = in_.row(iy);
      const int pad = p_.padding;
      for (int j = 0; j < pad; ++j) {
        const int l = padded_index(j - pad, in_.width, p_.padding_mode);
        const int rr = padded_index(in_.width + j, in_.width, p_.padding_mode);
        dst[j] = l < 0 ? 0.0f : src[l];
        dst[pad + in_.width + j] = rr < 0 ? 0.0f : src[rr];
      }
      std::memcpy(dst + pad, src, sizeof(float) * static_cast<std::size_t>(in_.width));
    }
    for (int q = 0; q < p_.stride; ++q) {
      float* ph = base + static_cast<std::size_t>(q) * row_floats_;
      int i = 0;
      for (int j = q; j < padded_width_; j += p_.stride) ph[i++] = dst[j];
    }
  }

  const Plane& in_;
  const ConvParams& p_;
  int padded_width_;
  int phase_len_ = 0;
  int row_floats_ = 0;
  int slots_ = 0;
  std::vector<int> tags_;
  std::vector<float> storage_;
  std::vector<float> scratch_;
};

// Stores the first `count` (1..3) lanes of v. Lane by lane: a variable-length memcpy would be a
// function call in wasm, and the edge strips end every row with one of these.
inline void store_partial(float* out, v128_t v, int count) {
  out[0] = wasm_f32x4_extract_lane(v, 0);
  if (count > 1) out[1] = wasm_f32x4_extract_lane(v, 1);
  if (count > 2) out[2] = wasm_f32x4_extract_lane(v, 2);
}

// Loads the first `count` (< 4) floats at p, zeros in the other lanes.
// Lane by lane, like store_partial (no memcpy call in wasm).
inline v128_t load_partial(const float* p, int count) {
  return wasm_f32x4_make(p[0], count > 1 ? p[1] : 0.0f, count > 2 ? p[2] : 0.0f, 0.0f);
}

// One output row of one kernel from its taps: out[x] = sum over t of w[t] * tap[t][x], or with
// Acc, out[x] += that sum (the multi-channel layer). NT > 0 fixes the tap count at compile time,
// so weights and tap pointers live in registers for the whole row; NT == 0 reads them from
// memory (large kernels, where registers would not hold them anyway). Taps with zero weight have
// been dropped by the caller.
template <int NT, bool Acc = false>
void row_f32__wasmsimd(const float* const* tap, const float* w, int taps, float* out, int width) {
  constexpr int kCap = NT ? NT : 1;
  const int n = NT ? NT : taps;
  v128_t wv[kCap];
  const float* p[kCap];
  if (NT) {
    for (int t = 0; t < NT; ++t) {
      wv[t] = wasm_f32x4_splat(w[t]);
      p[t] = tap[t];
    }
  }
  auto weight = [&](int t) { return NT ? wv[t] : wasm_f32x4_splat(w[t]); };
  auto src = [&](int t) { return NT ? p[t] : tap[t]; };

  int x = 0;
  for (; x + kBlock <= width; x += kBlock) {
    v128_t a0 = Acc ? wasm_v128_load(out + x) : wasm_f32x4_splat(0.0f);
    v128_t a1 = Acc ? wasm_v128_load(out + x + kLanes) : wasm_f32x4_splat(0.0f);
    for (int t = 0; t < n; ++t) {
      const v128_t wt = weight(t);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(src(t) + x), wt));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(src(t) + x + kLanes), wt));
    }
    wasm_v128_store(out + x, a0);
    wasm_v128_store(out + x + kLanes, a1);
  }
  for (; x < width; x += kLanes) {  // tail: one vector at a time, a partial store at the end
    const int lanes = std::min(kLanes, width - x);
    v128_t a = !Acc              ? wasm_f32x4_splat(0.0f)
               : lanes == kLanes ? wasm_v128_load(out + x)
                                 : load_partial(out + x, lanes);
    for (int t = 0; t < n; ++t)
      a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(src(t) + x), weight(t)));
    if (lanes == kLanes) {
      wasm_v128_store(out + x, a);
    } else {
      store_partial(out + x, a, lanes);
    }
  }
}

// One output row of at most NV vectors, accumulated: out[x] += sum over t of w[t] * base[off[t] +
// x]. The whole row stays in NV registers for one pass over the taps (row_f32 makes a pass per
// block and rebuilds its tap pointers per row), which suits the CNN's short rows and long tap lists
// (conv2d_layer_accumulate). Lanes past `width` read up to 3 floats past the row, which the
// layer's inputs allow (kConvLayerSlack); they are not stored.
template <int NV>
void row_whole_accumulate_f32__wasmsimd(const float* base, const std::ptrdiff_t* off,
                                        const float* w, int taps, float* out, int width) {
  const int last = width - (NV - 1) * kLanes;  // lanes in the last vector, 1..4
  v128_t acc[NV];
  for (int v = 0; v + 1 < NV; ++v) acc[v] = wasm_v128_load(out + v * kLanes);
  acc[NV - 1] = last == kLanes ? wasm_v128_load(out + (NV - 1) * kLanes)
                               : load_partial(out + (NV - 1) * kLanes, last);
  for (int t = 0; t < taps; ++t) {
    const float* p = base + off[t];
    const v128_t wt = wasm_f32x4_splat(w[t]);
    for (int v = 0; v < NV; ++v)
      acc[v] = wasm_f32x4_add(acc[v], wasm_f32x4_mul(wasm_v128_load(p + v * kLanes), wt));
  }
  for (int v = 0; v + 1 < NV; ++v) wasm_v128_store(out + v * kLanes, acc[v]);
  if (last == kLanes) {
    wasm_v128_store(out + (NV - 1) * kLanes, acc[NV - 1]);
  } else {
    store_partial(out + (NV - 1) * kLanes, acc[NV - 1], last);
  }
}

using WholeRowFn = void (*)(const float*, const std::ptrdiff_t*, const float*, int, float*, int);
constexpr int kMaxWholeRowVectors = 8;  // rows up to 32 floats (the CNN's are 28, 14 and 5)

WholeRowFn pick_whole_row_fn(int width) {
  static const WholeRowFn fns[kMaxWholeRowVectors] = {
      row_whole_accumulate_f32__wasmsimd<1>, row_whole_accumulate_f32__wasmsimd<2>,
      row_whole_accumulate_f32__wasmsimd<3>, row_whole_accumulate_f32__wasmsimd<4>,
      row_whole_accumulate_f32__wasmsimd<5>, row_whole_accumulate_f32__wasmsimd<6>,
      row_whole_accumulate_f32__wasmsimd<7>, row_whole_accumulate_f32__wasmsimd<8>};
  const int nv = (width + kLanes - 1) / kLanes;
  return nv >= 1 && nv <= kMaxWholeRowVectors ? fns[nv - 1] : nullptr;
}

// 3x3 kernels with the square's symmetry, [a b a; b c b; a b a], are a 3-parameter family: the
// output is a * (sum of corners) + b * (sum of edge neighbours) + c * centre. Edge, sharpen, blur,
// Laplacian-4, Gaussian-3 and identity all have this form, so a bank of them shares the nine loads
// and both sums, and each kernel costs 3 multiplies and 2 adds per vector instead of 9 and 8.
// row[0..2] are the window's top, middle and bottom rows, each row's three taps contiguous
// (stride 1, dilation 1), so one address serves a row's three loads through constant offsets.
// coef[3 * f + {0,1,2}] = (a, b, c) of kernel f.
constexpr int kMaxSymmetricFused = 4;  // kernels sharing one sweep of window sums

template <int NF>
void row_3x3_symmetric_f32__wasmsimd(const float* const* row, const float* coef, float* const* out,
                                     int width) {
  // One vector per iteration keeps the 3 * NF splatted coefficients, the three sums and a
  // temporary within 16 registers; two vectors per iteration made V8 spill (measured slower).
  // Output pointers are copied into locals: the compiler cannot keep out[f] in a register
  // across the stores otherwise (they might alias) and would reload it every iteration.
  v128_t ca[NF], cb[NF], cc[NF];
  float* o[NF];
  for (int f = 0; f < NF; ++f) {
    o[f] = out[f];
    ca[f] = wasm_f32x4_splat(coef[3 * f]);
    cb[f] = wasm_f32x4_splat(coef[3 * f + 1]);
    cc[f] = wasm_f32x4_splat(coef[3 * f + 2]);
  }
  const float *top = row[0], *mid = row[1], *bot = row[2];
  auto window_sums = [&](int x, v128_t& corners, v128_t& edges, v128_t& centre) {
    const float *t = top + x, *m = mid + x, *b = bot + x;
    corners = wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(t), wasm_v128_load(t + 2)),
                             wasm_f32x4_add(wasm_v128_load(b), wasm_v128_load(b + 2)));
    edges = wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(t + 1), wasm_v128_load(m)),
                           wasm_f32x4_add(wasm_v128_load(m + 2), wasm_v128_load(b + 1)));
    centre = wasm_v128_load(m + 1);
  };
  auto combine = [&](int f, v128_t corners, v128_t edges, v128_t centre) {
    return wasm_f32x4_add(
        wasm_f32x4_add(wasm_f32x4_mul(corners, ca[f]), wasm_f32x4_mul(edges, cb[f])),
        wasm_f32x4_mul(centre, cc[f]));
  };
  int x = 0;
  for (; x + kLanes <= width; x += kLanes) {
    v128_t c, e, m;
    window_sums(x, c, e, m);
    for (int f = 0; f < NF; ++f) wasm_v128_store(o[f] + x, combine(f, c, e, m));
  }
  if (x < width) {
    v128_t c, e, m;
    window_sums(x, c, e, m);
    for (int f = 0; f < NF; ++f) store_partial(o[f] + x, combine(f, c, e, m), width - x);
  }
}

using SymmetricRowFn = void (*)(const float* const*, const float*, float* const*, int);

SymmetricRowFn pick_symmetric_row_fn(int nf) {
  switch (nf) {
    case 1:
      return row_3x3_symmetric_f32__wasmsimd<1>;
    case 2:
      return row_3x3_symmetric_f32__wasmsimd<2>;
    case 3:
      return row_3x3_symmetric_f32__wasmsimd<3>;
    default:
      return row_3x3_symmetric_f32__wasmsimd<4>;
  }
}

bool is_3x3_symmetric(const Kernel& k) {
  if (k.width != 3 || k.height != 3) return false;
  const std::vector<float>& w = k.weights;
  return w[0] == w[2] && w[0] == w[6] && w[0] == w[8] && w[1] == w[3] && w[1] == w[5] &&
         w[1] == w[7];
}

using RowFn = void (*)(const float* const*, const float*, int, float*, int);

template <int... N>
RowFn pick_row_fn(int taps, std::integer_sequence<int, N...>) {
  RowFn fn = row_f32__wasmsimd<0>;
  ((taps == N + 1 ? (fn = row_f32__wasmsimd<N + 1>, 0) : 0), ...);
  return fn;
}

// Specialised tap counts: every kernel up to 3x3 and 5x1/1x5 shapes after zero-dropping.
RowFn pick_row_fn(int taps) {
  return pick_row_fn(taps, std::make_integer_sequence<int, 12>{});
}

// A kernel reduced to its non-zero taps: (row ky, offset kx * dilation) and weight.
struct SparseKernel {
  std::vector<int> ky, kx_offset;
  std::vector<float> w;
  RowFn fn = nullptr;
};

SparseKernel sparse(const Kernel& k, int dilation) {
  SparseKernel s;
  for (int ky = 0; ky < k.height; ++ky)
    for (int kx = 0; kx < k.width; ++kx)
      if (k.at(kx, ky) != 0.0f) {
        s.ky.push_back(ky);
        s.kx_offset.push_back(kx * dilation);
        s.w.push_back(k.at(kx, ky));
      }
  s.fn = pick_row_fn(static_cast<int>(s.w.size()));
  return s;
}

// The kernels of one size, split into the fused symmetric 3x3 set and the rest, able to compute
// a span of one output row from tap pointers. The symmetric set needs each window row's taps to
// be contiguous in memory, which holds for stride 1 and dilation 1 (the notebook's case).
class KernelSet {
 public:
  KernelSet(const std::vector<Kernel>& bank, const std::vector<std::size_t>& group,
            const ConvParams& p) {
    const bool contiguous_rows = p.stride == 1 && p.dilation == 1;
    for (std::size_t g : group) {
      const Kernel& k = bank[g];
      if (contiguous_rows && is_3x3_symmetric(k)) {
        symmetric_.push_back(g);
        symmetric_coef_.insert(symmetric_coef_.end(), {k.weights[0], k.weights[1], k.weights[4]});
      } else {
        general_.push_back(g);
        sparse_.push_back(sparse(k, p.dilation));
      }
    }
  }

  // Output row y, pixels [x, x + count): tap_ptr(ky, kx * dilation) must return the input that
  // tap reads for output pixel x.
  template <class TapPtr>
  void run(TapPtr tap_ptr, std::vector<Plane>& outputs, int y, int x, int count) {
    if (!symmetric_.empty()) {
      const float* window[3] = {tap_ptr(0, 0), tap_ptr(1, 0), tap_ptr(2, 0)};
      float* out_rows[kMaxSymmetricFused] = {};
      for (std::size_t f0 = 0; f0 < symmetric_.size(); f0 += kMaxSymmetricFused) {
        const int nf =
            static_cast<int>(std::min<std::size_t>(kMaxSymmetricFused, symmetric_.size() - f0));
        for (int f = 0; f < nf; ++f)
          out_rows[f] = outputs[symmetric_[f0 + static_cast<std::size_t>(f)]].row(y) + x;
        pick_symmetric_row_fn(nf)(window, symmetric_coef_.data() + 3 * f0, out_rows, count);
      }
    }
    for (std::size_t f = 0; f < general_.size(); ++f) {
      const SparseKernel& k = sparse_[f];
      float* out = outputs[general_[f]].row(y) + x;
      if (k.w.empty()) {  // all-zero kernel
        std::fill(out, out + count, 0.0f);
        continue;
      }
      tap_.resize(k.w.size());
      for (std::size_t t = 0; t < k.w.size(); ++t) tap_[t] = tap_ptr(k.ky[t], k.kx_offset[t]);
      k.fn(tap_.data(), k.w.data(), static_cast<int>(k.w.size()), out, count);
    }
  }

 private:
  std::vector<std::size_t> symmetric_;
  std::vector<float> symmetric_coef_;  // (corner, edge, centre) per kernel
  std::vector<std::size_t> general_;
  std::vector<SparseKernel> sparse_;
  std::vector<const float*> tap_;
};

// Output rows a band hands to its after-rows step (the statistics) at a time: small enough that
// they are still in cache for every map of the group.
constexpr int kChunkRows = 8;

// Stride 1: input rows are read in place (above and below the image: the row the padding mode
// names, or a row of zeros) for the columns whose window lies inside the image, in whole vectors.
// The few columns left at either edge read a small strip of padded values instead, built per
// output row, so they run through the same SIMD kernels. Computes output rows [y0, y1), calling
// after_rows(a, b) for every kChunkRows rows written.
template <class AfterRows>
void run_group_direct(const Plane& in, const ConvParams& p, KernelSet& kernels, int kh, int kw,
                      std::vector<Plane>& outputs, int out_w, int y0, int y1,
                      AfterRows after_rows) {
  const int d = p.dilation, pad = p.padding;
  const int x0 = std::min(pad, out_w);
  const int x_end = std::max(x0, std::min(out_w, in.width + pad - (kw - 1) * d));
  const int x1 = x0 + (x_end - x0) / kLanes * kLanes;  // whole vectors only: no reads past rows
  const std::vector<float> zero_row(static_cast<std::size_t>(in.width), 0.0f);
  std::vector<const float*> rows(static_cast<std::size_t>(kh));
  std::vector<int> row_index(static_cast<std::size_t>(kh));
  // An edge strip covers output columns [a, b): per kernel row, the padded input at columns
  // a - pad .. b - 1 - pad + (kw - 1) * d, plus slack for the last vector's discarded lanes.
  const int strip_cap = std::max(x0, out_w - x1) + (kw - 1) * d + kLanes;
  std::vector<float> strip(static_cast<std::size_t>(kh) * strip_cap, 0.0f);
  auto run_strip = [&](int y, int a, int b) {
    if (a >= b) return;
    const int span = b - a + (kw - 1) * d;
    for (int ky = 0; ky < kh; ++ky) {
      float* s = strip.data() + static_cast<std::size_t>(ky) * strip_cap;
      const int iy = row_index[static_cast<std::size_t>(ky)];
      if (iy < 0) {
        std::fill(s, s + span, 0.0f);
        continue;
      }
      const float* src = in.row(iy);
      for (int j = 0, ix = a - pad; j < span; ++j, ++ix) {
        const int i = ix >= 0 && ix < in.width ? ix : padded_index(ix, in.width, p.padding_mode);
        s[j] = i < 0 ? 0.0f : src[i];
      }
    }
    kernels.run(
        [&](int ky, int kx_offset) {
          return strip.data() + static_cast<std::size_t>(ky) * strip_cap + kx_offset;
        },
        outputs, y, a, b - a);
  };
  for (int y = y0; y < y1; ++y) {
    for (int ky = 0; ky < kh; ++ky) {
      const int iy = padded_index(y + ky * d - pad, in.height, p.padding_mode);
      row_index[static_cast<std::size_t>(ky)] = iy;
      rows[static_cast<std::size_t>(ky)] = iy < 0 ? zero_row.data() : in.row(iy);
    }
    if (x1 > x0) {
      kernels.run(
          [&](int ky, int kx_offset) {
            return rows[static_cast<std::size_t>(ky)] + x0 + kx_offset - pad;
          },
          outputs, y, x0, x1 - x0);
    }
    run_strip(y, 0, x0);
    run_strip(y, x1, out_w);
    if ((y + 1 - y0) % kChunkRows == 0 || y + 1 == y1) after_rows(y - (y - y0) % kChunkRows, y + 1);
  }
}

// Any stride: each padded row is prepared once in the PaddedRows ring (split into stride phases),
// and the kernels read every tap as a contiguous vector from there. Rows [y0, y1), after_rows as
// in run_group_direct.
template <class AfterRows>
void run_group_phased(const Plane& in, const ConvParams& p, KernelSet& kernels, int kh, int kw,
                      std::vector<Plane>& outputs, int out_w, int y0, int y1,
                      AfterRows after_rows) {
  const int s = p.stride, d = p.dilation;
  PaddedRows rows(in, p, (kh - 1) * d + 1, ((kw - 1) * d) / s);
  std::vector<const float*> row_ptr(static_cast<std::size_t>(kh) * s);
  for (int y = y0; y < y1; ++y) {
    for (int ky = 0; ky < kh; ++ky)
      for (int q = 0; q < s; ++q)
        row_ptr[static_cast<std::size_t>(ky) * s + q] = rows.phase(y * s + ky * d, q);
    kernels.run(
        [&](int ky, int kx_offset) {
          return row_ptr[static_cast<std::size_t>(ky) * s + kx_offset % s] + kx_offset / s;
        },
        outputs, y, 0, out_w);
    if ((y + 1 - y0) % kChunkRows == 0 || y + 1 == y1) after_rows(y - (y - y0) % kChunkRows, y + 1);
  }
}

// Output rows [y0, y1) for the kernels of one size (indices `group` into bank/outputs): the input
// rows a window needs are visited once per output row, and every kernel of the group reads them
// while they are in cache. With row_stats, each map's first statistics stage follows every chunk.
void run_group_band(const Plane& in, const std::vector<Kernel>& bank, const ConvParams& p,
                    const std::vector<std::size_t>& group, std::vector<Plane>& outputs, int y0,
                    int y1, std::vector<RowStats>* row_stats, const BankRun::RowsDone* rows_done) {
  const Kernel& k0 = bank[group[0]];
  const Plane& out0 = outputs[group[0]];
  KernelSet kernels(bank, group, p);
  auto after_rows = [&](int a, int b) {
    if (row_stats != nullptr)
      for (std::size_t g : group) range_sum_rows(outputs[g], a, b, (*row_stats)[g]);
    if (rows_done != nullptr)
      for (std::size_t g : group) (*rows_done)(g, y0, a, b);
  };
  if (p.stride == 1) {
    run_group_direct(in, p, kernels, k0.height, k0.width, outputs, out0.width, y0, y1, after_rows);
  } else {
    run_group_phased(in, p, kernels, k0.height, k0.width, outputs, out0.width, y0, y1, after_rows);
  }
}

}  // namespace

void conv2d_bank_f32__wasmsimd(const Plane& in, const std::vector<Kernel>& bank,
                               const ConvParams& p, std::vector<Plane>& outputs, ThreadPool* pool,
                               std::vector<RowStats>* row_stats,
                               const BankRun::RowsDone* rows_done) {
  std::vector<std::vector<std::size_t>> groups;
  std::vector<bool> done(bank.size(), false);
  for (std::size_t i = 0; i < bank.size(); ++i) {
    if (done[i]) continue;
    std::vector<std::size_t> group;
    for (std::size_t j = i; j < bank.size(); ++j) {
      if (!done[j] && bank[j].width == bank[i].width && bank[j].height == bank[i].height) {
        group.push_back(j);
        done[j] = true;
      }
    }
    groups.push_back(std::move(group));
  }
  if (row_stats != nullptr) {
    row_stats->resize(outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i) (*row_stats)[i].resize(outputs[i].height);
  }
  struct Band {
    std::size_t group;
    int y0, y1;
  };
  std::vector<Band> bands;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const int h = outputs[groups[g][0]].height;
    const int n = band_count(h, pool);
    for (int b = 0; b < n; ++b)
      bands.push_back({g, static_cast<int>(static_cast<std::int64_t>(h) * b / n),
                       static_cast<int>(static_cast<std::int64_t>(h) * (b + 1) / n)});
  }
  auto run_band = [&](int i) {
    const Band& b = bands[static_cast<std::size_t>(i)];
    run_group_band(in, bank, p, groups[b.group], outputs, b.y0, b.y1, row_stats, rows_done);
  };
  if (pool != nullptr && bands.size() > 1) {
    pool->run(static_cast<int>(bands.size()), run_band);
  } else {
    for (std::size_t i = 0; i < bands.size(); ++i) run_band(static_cast<int>(i));
  }
}

}  // namespace filterlens::detail

namespace filterlens {

void conv2d_layer_accumulate(const PlaneStack& in, const float* w, int kh, int kw,
                             const MutablePlaneStack& out, ConvLayerWorkspace& ws) {
  assert(out.width == in.width - kw + 1 && out.height == in.height - kh + 1);
  const int taps_per_output = in.channels * kh * kw;
  for (int o = 0; o < out.channels; ++o) {
    // This output channel's non-zero weights, as offsets from the top-left of the window.
    const float* wo = w + static_cast<std::ptrdiff_t>(o) * taps_per_output;
    ws.offsets.clear();
    ws.weights.clear();
    for (int c = 0; c < in.channels; ++c)
      for (int ky = 0; ky < kh; ++ky)
        for (int kx = 0; kx < kw; ++kx) {
          const float v = wo[(c * kh + ky) * kw + kx];
          if (v == 0.0f) continue;
          ws.offsets.push_back(c * in.channel_stride + static_cast<std::ptrdiff_t>(ky) * in.width +
                               kx);
          ws.weights.push_back(v);
        }
    const int n = static_cast<int>(ws.weights.size());
    if (n == 0) continue;
    float* out_plane = out.data + o * out.channel_stride;
    const detail::WholeRowFn whole = detail::pick_whole_row_fn(out.width);
    if (!whole) ws.taps.resize(ws.offsets.size());
    for (int y = 0; y < out.height; ++y) {
      const float* window = in.data + static_cast<std::ptrdiff_t>(y) * in.width;
      float* out_row = out_plane + static_cast<std::ptrdiff_t>(y) * out.width;
      if (whole) {
        whole(window, ws.offsets.data(), ws.weights.data(), n, out_row, out.width);
        continue;
      }
      for (int t = 0; t < n; ++t)
        ws.taps[static_cast<std::size_t>(t)] = window + ws.offsets[static_cast<std::size_t>(t)];
      detail::row_f32__wasmsimd<0, true>(ws.taps.data(), ws.weights.data(), n, out_row, out.width);
    }
  }
}

void pad_planes(const float* planes, int channels, int size, int pad, PaddedPlanes& out) {
  const int padded = size + 2 * pad;
  const std::size_t plane = static_cast<std::size_t>(padded) * padded;
  out.data.assign(plane * channels + kConvLayerSlack, 0.0f);
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < size; ++y)
      std::memcpy(out.data.data() + c * plane + static_cast<std::size_t>(y + pad) * padded + pad,
                  planes + (static_cast<std::size_t>(c) * size + y) * size,
                  sizeof(float) * static_cast<std::size_t>(size));
  out.view = {out.data.data(), channels, padded, padded, static_cast<std::ptrdiff_t>(plane)};
}

}  // namespace filterlens
