// conv2d_layer: the engine's multi-channel form, for the CNN's forward and backward passes.
//
// A convolution layer sums over input channels, so it is one call rather than a bank per channel:
//
//   out[o](x, y) += sum over c, ky, kx of w[o][c](kx, ky) * in[c](x + kx, y + ky)
//
// for 0 <= x < in.width - kw + 1, 0 <= y < in.height - kh + 1: valid cross-correlation, stride 1,
// dilation 1, accumulated into `out` (which the caller initialises, e.g. with the biases). Padding
// is the caller's: pad the input with zeros once (PaddedPlanes) and every tap reads it in place.
// This is torch's F.conv2d(in, w, padding=0) added onto out.
//
// It is SIMD128 code next to conv2d_bank's (conv2d_simd.cpp): the non-zero weights of one output
// channel, across all input channels, become one tap list, and each output row is one pass over
// it with the row's sums in registers (rows up to 32 floats; wider ones go through conv2d_bank's
// row kernel in blocks). Zero weights cost nothing, which the CNN's weight gradient uses: there
// the "kernel" is the output gradient, and max-pooling leaves at least three quarters of it at
// zero.
#pragma once

#include <cstddef>
#include <vector>

namespace filterlens {

// `channels` planes of height x width floats, row-major, `channel_stride` floats apart.
struct PlaneStack {
  const float* data = nullptr;
  int channels = 0, height = 0, width = 0;
  std::ptrdiff_t channel_stride = 0;
};

struct MutablePlaneStack {
  float* data = nullptr;
  int channels = 0, height = 0, width = 0;
  std::ptrdiff_t channel_stride = 0;
};

// The SIMD kernels read whole vectors: an input's storage must stay readable for this many floats
// after its last plane's last row (the extra lanes are computed and discarded).
constexpr int kConvLayerSlack = 3;

// Scratch reused between calls so a layer allocates nothing once warmed up.
struct ConvLayerWorkspace {
  std::vector<const float*> taps;
  std::vector<std::ptrdiff_t> offsets;
  std::vector<float> weights;
};

// Adds the layer's output onto `out`. w is [out.channels][in.channels][kh][kw]; out must be
// (in.height - kh + 1) x (in.width - kw + 1) per channel. Sizes are the caller's contract
// (checked with assertions only: this runs thousands of times per training batch).
void conv2d_layer_accumulate(const PlaneStack& in, const float* w, int kh, int kw,
                             const MutablePlaneStack& out, ConvLayerWorkspace& ws);

// Planes copied into zero-bordered storage with the slack above: the input of a "same" layer.
struct PaddedPlanes {
  std::vector<float> data;
  PlaneStack view;
};

// Pads `channels` planes of size x size (packed) by `pad` zeros on every side into `out`.
void pad_planes(const float* planes, int channels, int size, int pad, PaddedPlanes& out);

}  // namespace filterlens
