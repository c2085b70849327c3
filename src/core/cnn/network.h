// A small CNN for 28 x 28 gray images, with forward and backward passes written here:
//
//   input 1x28x28 -> conv 5x5, 8 filters, pad 2 -> ReLU -> max-pool 2 -> 8x14x14
//                 -> conv 5x5, 16 filters, pad 2 -> ReLU -> max-pool 2 -> 16x7x7
//                 -> dense 784 -> 128 -> ReLU -> dense 128 -> 10 -> softmax cross-entropy
//
// The convolutions, forward and backward, run on the convolution engine's multi-channel form
// (conv2d_layer.h: SIMD128 code beside conv2d_bank, which runs the trained first-layer filters on
// the user's full-size image); the dense layers are matrix products (gemm.h).
// Weights are float32, row-major:
//   conv1.weight [8][1][5][5], conv1.bias [8], conv2.weight [16][8][5][5], conv2.bias [16],
//   fc1.weight [128][784] (input index c*49 + y*7 + x), fc1.bias [128], fc2.weight [10][128],
//   fc2.bias [10].
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "conv2d_layer.h"

namespace filterlens::cnn {

constexpr int kInput = 28;
constexpr int kKernel = 5;
constexpr int kC1 = 8;
constexpr int kC2 = 16;
constexpr int kClasses = 10;
constexpr int kPool1 = kInput / 2;            // 14
constexpr int kPool2 = kPool1 / 2;            // 7
constexpr int kFlat = kC2 * kPool2 * kPool2;  // 784
constexpr int kHidden = 128;

extern const char* const kClassNames[kClasses];  // Fashion-MNIST's ten classes

struct Tensor {
  std::string name;
  std::vector<int> shape;
  std::vector<float> data;
};

// The parameters, and (same layout) their gradients.
struct Network {
  std::vector<float> w1, b1, w2, b2, w3, b3, w4, b4;

  static Network zeros();
  static Network random(std::uint32_t seed);  // He-normal weights, zero biases
  std::vector<Tensor> tensors() const;        // named, shaped, in file order
  std::vector<std::vector<float>*> parameters();
};

// Everything the backward pass needs from the forward pass of one image.
struct Activations {
  PaddedPlanes x, p1_padded;  // the conv layers' inputs, zero-padded by 2
  std::vector<float> z1, p1, z2, p2, hidden, logits, probs;
  std::vector<int> arg1, arg2;  // which input each max-pool output came from
  // Scratch of the backward pass and the engine, kept to avoid reallocating per image.
  PaddedPlanes dz2_padded;
  std::vector<float> w2_rotated;
  ConvLayerWorkspace workspace;
};

// Forward pass of one image (kInput * kInput floats in [0, 1]); fills `a`, returns the class.
int forward(const Network& net, const float* image, Activations& a);

// Cross-entropy loss of the last forward pass against `label`; adds d(loss)/d(parameters) to
// `grad` (which must have Network's shapes).
float backward(const Network& net, Activations& a, int label, Network& grad);

}  // namespace filterlens::cnn
