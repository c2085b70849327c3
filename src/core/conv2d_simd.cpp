// conv2d_bank_f32__wasmsimd: the fused filter bank in WebAssembly SIMD128 intrinsics.
//
// Schedule (the algorithm is conv2d.h's; only the order of work differs from the reference):
//  - Kernels are grouped by size; each group makes one pass over the output rows.
//  - A padded input row is prepared once (padding mode applied, and for stride s split into s
//    phase rows so that every tap becomes a contiguous vector load) and kept in a ring of
//    (kh - 1) * dilation + 1 rows; every kernel of the group reads it from there.
//  - For 8 output pixels at a time, each tap's input vectors are loaded once and multiplied into
//    the accumulators of up to 4 kernels (more kernels: several sweeps over the same cached rows).
#include <algorithm>
#include <cstring>

#include "conv2d.h"
#include "simd128.h"

namespace filterlens::detail {
namespace {

constexpr int kLanes = 4;
constexpr int kBlock = 2 * kLanes;  // output pixels per inner iteration
constexpr int kMaxFused = 4;        // kernels sharing one sweep's accumulators

// Padded rows of the input, split into stride phases, in a ring that holds one kernel's height.
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
    if (p.stride > 1) scratch_.resize(static_cast<std::size_t>(padded_width_));
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
    float* dst = p_.stride == 1 ? base : scratch_.data();
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
    if (p_.stride > 1) {
      for (int q = 0; q < p_.stride; ++q) {
        float* ph = base + static_cast<std::size_t>(q) * row_floats_;
        int i = 0;
        for (int j = q; j < padded_width_; j += p_.stride) ph[i++] = dst[j];
      }
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

// Output row for NF kernels (NF <= kMaxFused) with NT taps each (NT == 0: `taps` at run time).
// tap[t] points at the input for output pixel 0; weights + 4 * (t * NF + f) holds kernel f's
// weight t four times (a splat, stored as floats: std::vector<v128_t> drops the alignment).
template <int NF, int NT>
void row_f32__wasmsimd(const float* const* tap, int taps, const float* weights, float* const* out,
                       int width) {
  const int n = NT ? NT : taps;
  int x = 0;
  for (; x + kBlock <= width; x += kBlock) {
    v128_t a0[NF], a1[NF];
    for (int f = 0; f < NF; ++f) a0[f] = a1[f] = wasm_f32x4_splat(0.0f);
    for (int t = 0; t < n; ++t) {
      const v128_t v0 = wasm_v128_load(tap[t] + x);
      const v128_t v1 = wasm_v128_load(tap[t] + x + kLanes);
      for (int f = 0; f < NF; ++f) {
        const v128_t w = wasm_v128_load(weights + kLanes * (t * NF + f));
        a0[f] = wasm_f32x4_add(a0[f], wasm_f32x4_mul(v0, w));
        a1[f] = wasm_f32x4_add(a1[f], wasm_f32x4_mul(v1, w));
      }
    }
    for (int f = 0; f < NF; ++f) {
      wasm_v128_store(out[f] + x, a0[f]);
      wasm_v128_store(out[f] + x + kLanes, a1[f]);
    }
  }
  for (; x < width; x += kLanes) {  // tail: one vector at a time, partial stores at the end
    v128_t a[NF];
    for (int f = 0; f < NF; ++f) a[f] = wasm_f32x4_splat(0.0f);
    for (int t = 0; t < n; ++t) {
      const v128_t v = wasm_v128_load(tap[t] + x);
      for (int f = 0; f < NF; ++f) a[f] = wasm_f32x4_add(a[f],
                              wasm_f32x4_mul(v, wasm_v128_load(weights + kLanes * (t * NF + f))));
    }
    const int left = std::min(kLanes, width - x);
    for (int f = 0; f < NF; ++f) {
      if (left == kLanes) {
        wasm_v128_store(out[f] + x, a[f]);
      } else {
        float lanes[kLanes];
        wasm_v128_store(lanes, a[f]);
        std::memcpy(out[f] + x, lanes, sizeof(float) * static_cast<std::size_t>(left));
      }
    }
  }
}

using RowFn = void (*)(const float* const*, int, const float*, float* const*, int);

template <int NT>
RowFn pick_for_taps(int nf) {
  switch (nf) {
    case 1: return row_f32__wasmsimd<1, NT>;
    case 2: return row_f32__wasmsimd<2, NT>;
    case 3: return row_f32__wasmsimd<3, NT>;
    default: return row_f32__wasmsimd<4, NT>;
  }
}

RowFn pick_row_fn(int nf, int taps) {
  if (taps == 9) return pick_for_taps<9>(nf);
  if (taps == 25) return pick_for_taps<25>(nf);
  return pick_for_taps<0>(nf);
}

// One pass over the output rows for kernels of one size (indices `group` into bank/outputs).
void run_group(const Plane& in, const std::vector<Kernel>& bank, const ConvParams& p,
               const std::vector<std::size_t>& group, std::vector<Plane>& outputs) {
  const Kernel& k0 = bank[group[0]];
  const int kw = k0.width, kh = k0.height, taps = kw * kh;
  const int s = p.stride, d = p.dilation;
  const int out_w = outputs[group[0]].width, out_h = outputs[group[0]].height;

  PaddedRows rows(in, p, (kh - 1) * d + 1, ((kw - 1) * d) / s);
  std::vector<const float*> tap(static_cast<std::size_t>(taps));

  for (std::size_t g0 = 0; g0 < group.size(); g0 += kMaxFused) {
    const int nf = static_cast<int>(std::min<std::size_t>(kMaxFused, group.size() - g0));
    std::vector<float> weights;
    weights.reserve(static_cast<std::size_t>(taps) * nf * kLanes);
    for (int t = 0; t < taps; ++t)
      for (int f = 0; f < nf; ++f)
        weights.insert(weights.end(), kLanes, bank[group[g0 + f]].weights[static_cast<std::size_t>(t)]);
    const RowFn fn = pick_row_fn(nf, taps);
    float* out_rows[kMaxFused] = {};
    for (int y = 0; y < out_h; ++y) {
      for (int ky = 0; ky < kh; ++ky) {
        const int r = y * s + ky * d;
        for (int kx = 0; kx < kw; ++kx) {
          const int off = kx * d;
          tap[static_cast<std::size_t>(ky) * kw + kx] = rows.phase(r, off % s) + off / s;
        }
      }
      for (int f = 0; f < nf; ++f) out_rows[f] = outputs[group[g0 + f]].row(y);
      fn(tap.data(), taps, weights.data(), out_rows, out_w);
    }
  }
}

}  // namespace

void conv2d_bank_f32__wasmsimd(const Plane& in, const std::vector<Kernel>& bank,
                               const ConvParams& p, std::vector<Plane>& outputs) {
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
    run_group(in, bank, p, group, outputs);
  }
}

}  // namespace filterlens::detail
