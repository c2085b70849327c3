// Forward and backward passes of the CNN in network.h.
#include "network.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "conv2d_layer.h"
#include "gemm.h"

namespace filterlens::cnn {

const char* const kClassNames[kClasses] = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                           "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                           "Bag",         "Ankle boot"};

namespace {

constexpr int kTaps = kKernel * kKernel;
constexpr int kPad = kKernel / 2;

// z = b + conv(in), "same" size: in is the layer's input already padded by kPad (PaddedPlanes).
void conv_forward(const std::vector<float>& w, const std::vector<float>& b, int out_channels,
                  const PlaneStack& in, int size, std::vector<float>& z, ConvLayerWorkspace& ws) {
  const int hw = size * size;
  z.resize(static_cast<std::size_t>(out_channels) * hw);
  for (int o = 0; o < out_channels; ++o)
    std::fill(z.begin() + static_cast<long>(o) * hw, z.begin() + static_cast<long>(o + 1) * hw,
              b[static_cast<std::size_t>(o)]);
  conv2d_layer_accumulate(in, w.data(), kKernel, kKernel, {z.data(), out_channels, size, size, hw},
                          ws);
}

// d(loss)/d(weights) of a "same" conv layer, added onto dw ([out][in][5][5]):
// dw[o][c](kx, ky) = sum over (x, y) of dz[o](x, y) * in[c](x + kx, y + ky), in padded. That is a
// valid correlation of each input channel with the output gradient as the kernel.
void conv_weight_grad(const PlaneStack& in, const std::vector<float>& dz, int out_channels,
                      int size, float* dw, ConvLayerWorkspace& ws) {
  for (int c = 0; c < in.channels; ++c) {
    const PlaneStack channel{in.data + c * in.channel_stride, 1, in.height, in.width,
                             in.channel_stride};
    conv2d_layer_accumulate(channel, dz.data(), size, size,
                            {dw + c * kTaps, out_channels, kKernel, kKernel, in.channels * kTaps},
                            ws);
  }
}

// 2x2 max-pool of ReLU(z): ReLU and max commute, so pool z and clamp at 0 afterwards.
void relu_pool(const std::vector<float>& z, int channels, int size, std::vector<float>& p,
               std::vector<int>& arg) {
  const int half = size / 2;
  p.assign(static_cast<std::size_t>(channels) * half * half, 0.0f);
  arg.assign(p.size(), -1);
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < half; ++y)
      for (int x = 0; x < half; ++x) {
        int best = (c * size + 2 * y) * size + 2 * x;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx) {
            const int i = (c * size + 2 * y + dy) * size + 2 * x + dx;
            if (z[static_cast<std::size_t>(i)] > z[static_cast<std::size_t>(best)]) best = i;
          }
        const std::size_t o = static_cast<std::size_t>((c * half + y) * half + x);
        const float v = z[static_cast<std::size_t>(best)];
        p[o] = v > 0.0f ? v : 0.0f;
        arg[o] = v > 0.0f ? best : -1;  // -1: ReLU was off, no gradient flows
      }
}

// Backward of relu_pool: each pooled gradient goes to the position that won the max (none when
// ReLU was off). Each channel's sum is also its conv bias's gradient, added to bias_grad.
std::vector<float> unpool_relu(const std::vector<float>& dpooled, const std::vector<int>& arg,
                               int channels, int hw, std::vector<float>& bias_grad) {
  std::vector<float> dz(static_cast<std::size_t>(channels) * hw, 0.0f);
  for (std::size_t i = 0; i < dpooled.size(); ++i)
    if (arg[i] >= 0) dz[static_cast<std::size_t>(arg[i])] += dpooled[i];
  for (int c = 0; c < channels; ++c)
    for (int i = 0; i < hw; ++i)
      bias_grad[static_cast<std::size_t>(c)] += dz[static_cast<std::size_t>(c * hw + i)];
  return dz;
}

std::vector<float> he_normal(std::mt19937& rng, std::size_t count, int fan_in) {
  std::normal_distribution<float> dist(0.0f, std::sqrt(2.0f / static_cast<float>(fan_in)));
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace

Network Network::zeros() {
  Network n;
  n.w1.assign(kC1 * kTaps, 0.0f);
  n.b1.assign(kC1, 0.0f);
  n.w2.assign(static_cast<std::size_t>(kC2) * kC1 * kTaps, 0.0f);
  n.b2.assign(kC2, 0.0f);
  n.w3.assign(static_cast<std::size_t>(kHidden) * kFlat, 0.0f);
  n.b3.assign(kHidden, 0.0f);
  n.w4.assign(static_cast<std::size_t>(kClasses) * kHidden, 0.0f);
  n.b4.assign(kClasses, 0.0f);
  return n;
}

Network Network::random(std::uint32_t seed) {
  std::mt19937 rng(seed);
  Network n = zeros();
  n.w1 = he_normal(rng, n.w1.size(), kTaps);
  n.w2 = he_normal(rng, n.w2.size(), kC1 * kTaps);
  n.w3 = he_normal(rng, n.w3.size(), kFlat);
  n.w4 = he_normal(rng, n.w4.size(), kHidden);
  return n;
}

std::vector<Tensor> Network::tensors() const {
  return {{"conv1.weight", {kC1, 1, kKernel, kKernel}, w1},
          {"conv1.bias", {kC1}, b1},
          {"conv2.weight", {kC2, kC1, kKernel, kKernel}, w2},
          {"conv2.bias", {kC2}, b2},
          {"fc1.weight", {kHidden, kFlat}, w3},
          {"fc1.bias", {kHidden}, b3},
          {"fc2.weight", {kClasses, kHidden}, w4},
          {"fc2.bias", {kClasses}, b4}};
}

std::vector<std::vector<float>*> Network::parameters() {
  return {&w1, &b1, &w2, &b2, &w3, &b3, &w4, &b4};
}

int forward(const Network& net, const float* image, Activations& a) {
  pad_planes(image, 1, kInput, kPad, a.x);
  conv_forward(net.w1, net.b1, kC1, a.x.view, kInput, a.z1, a.workspace);
  relu_pool(a.z1, kC1, kInput, a.p1, a.arg1);
  pad_planes(a.p1.data(), kC1, kPool1, kPad, a.p1_padded);
  conv_forward(net.w2, net.b2, kC2, a.p1_padded.view, kPool1, a.z2, a.workspace);
  relu_pool(a.z2, kC2, kPool1, a.p2, a.arg2);
  a.hidden.assign(net.b3.begin(), net.b3.end());
  gemm_nt(1, kHidden, kFlat, a.p2.data(), net.w3.data(), a.hidden.data());
  for (float& h : a.hidden) h = h > 0.0f ? h : 0.0f;  // ReLU
  a.logits.assign(net.b4.begin(), net.b4.end());
  gemm_nt(1, kClasses, kHidden, a.hidden.data(), net.w4.data(), a.logits.data());
  const float top = *std::max_element(a.logits.begin(), a.logits.end());
  a.probs.resize(kClasses);
  double total = 0.0;
  for (int k = 0; k < kClasses; ++k) total += a.probs[k] = std::exp(a.logits[k] - top);
  for (float& p : a.probs) p = static_cast<float>(p / total);
  return static_cast<int>(std::max_element(a.logits.begin(), a.logits.end()) - a.logits.begin());
}

float backward(const Network& net, Activations& a, int label, Network& g) {
  // Softmax + cross-entropy: d(loss)/d(logits) = probs - one_hot(label).
  std::vector<float> dlogits = a.probs;
  dlogits[static_cast<std::size_t>(label)] -= 1.0f;
  const float loss = -std::log(std::max(a.probs[static_cast<std::size_t>(label)], 1e-30f));

  // Dense 2, ReLU, dense 1 (the hidden activations were stored after their ReLU).
  for (int k = 0; k < kClasses; ++k)
    g.b4[static_cast<std::size_t>(k)] += dlogits[static_cast<std::size_t>(k)];
  gemm_nn(kClasses, kHidden, 1, dlogits.data(), a.hidden.data(), g.w4.data());  // outer product
  std::vector<float> dhidden(kHidden, 0.0f);
  gemm_nn(1, kHidden, kClasses, dlogits.data(), net.w4.data(), dhidden.data());
  for (int h = 0; h < kHidden; ++h) {
    if (a.hidden[static_cast<std::size_t>(h)] <= 0.0f) dhidden[static_cast<std::size_t>(h)] = 0.0f;
    g.b3[static_cast<std::size_t>(h)] += dhidden[static_cast<std::size_t>(h)];
  }
  gemm_nn(kHidden, kFlat, 1, dhidden.data(), a.p2.data(), g.w3.data());
  std::vector<float> dp2(kFlat, 0.0f);
  gemm_nn(1, kFlat, kHidden, dhidden.data(), net.w3.data(), dp2.data());

  // Pool + ReLU 2, then conv 2: weights, and the input's gradient, which is the output gradient
  // (padded) correlated with each kernel rotated by 180 degrees, channels swapped.
  const int hw2 = kPool1 * kPool1;
  const std::vector<float> dz2 = unpool_relu(dp2, a.arg2, kC2, hw2, g.b2);
  conv_weight_grad(a.p1_padded.view, dz2, kC2, kPool1, g.w2.data(), a.workspace);
  a.w2_rotated.resize(net.w2.size());
  for (int o = 0; o < kC2; ++o)
    for (int c = 0; c < kC1; ++c)
      for (int t = 0; t < kTaps; ++t)
        a.w2_rotated[static_cast<std::size_t>((c * kC2 + o) * kTaps + t)] =
            net.w2[static_cast<std::size_t>((o * kC1 + c) * kTaps + kTaps - 1 - t)];
  pad_planes(dz2.data(), kC2, kPool1, kPad, a.dz2_padded);
  std::vector<float> dp1(static_cast<std::size_t>(kC1) * hw2, 0.0f);
  conv2d_layer_accumulate(a.dz2_padded.view, a.w2_rotated.data(), kKernel, kKernel,
                          {dp1.data(), kC1, kPool1, kPool1, hw2}, a.workspace);

  // Pool + ReLU 1, then conv 1's weights (no gradient for the input).
  const int hw1 = kInput * kInput;
  const std::vector<float> dz1 = unpool_relu(dp1, a.arg1, kC1, hw1, g.b1);
  conv_weight_grad(a.x.view, dz1, kC1, kInput, g.w1.data(), a.workspace);
  return loss;
}

}  // namespace filterlens::cnn
