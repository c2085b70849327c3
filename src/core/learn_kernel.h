// learn_kernel: "watch a kernel being learned". A k x k kernel (k = 3 or 5) starts from random
// weights and is fitted by gradient descent to a target kernel's feature map on one gray image:
//
//   loss(w) = mean over output pixels of (conv2d(image, w) - conv2d(image, target))^2
//
// with the caller's ConvParams (padding, mode, stride, dilation, flip) for both maps. The gradient
// is the engine's own work: d loss / d w(kx, ky) = 2/N * sum of error(x, y) * the input value that
// weight touches, i.e. the padded input correlated with the error map, which is one
// conv2d_layer_accumulate call (the error map is the "kernel", as in the CNN's weight gradient).
//
// The optimiser is Adam, with its per-coordinate step sizes taken in a fixed orthonormal basis of
// the kernel (products of the discrete orthonormal polynomials on k taps: level, slope,
// curvature, ... along x times the same along y) instead of weight by weight. Why: neighbouring
// pixels of a photo are strongly correlated, so the loss is a long, thin valley (on the default
// image its Hessian's condition number is about 15,000, almost all of it the kernel's sum versus
// its fine detail). In 300 steps there, plain descent and weight-wise Adam stay below cosine 0.9
// to edge, sharpen and blur, and even momentum tuned to the Hessian misses blur. The polynomial
// basis nearly diagonalises that Hessian, so Adam's diagonal scaling becomes a good
// preconditioner. It is still gradient descent on the same loss (an orthonormal
// change of coordinates: the weights are B^T c, the gradient in c is B g).
//
// Everything is deterministic per seed on every platform: the start weights come from the
// module's own generator (SplitMix64), the basis from +, *, / and sqrt only (IEEE-exact), the maps
// from the engine. No GL, ImGui or Emscripten.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv2d_layer.h"
#include "image.h"
#include "kernel.h"
#include "result.h"
#include "status.h"

namespace filterlens {

// Learning runs on at most this many pixels per side: a larger image is cropped to its centre
// (a step then stays a few milliseconds: one frame).
constexpr int kLearnMaxSide = 512;
constexpr int kLearnMaxSteps = 10000;

struct LearnSettings {
  int size = 3;            // the learned kernel is size x size; 3 or 5
  int steps = 300;         // 1..kLearnMaxSteps
  double lr = 0.1;         // Adam's step size, in (0, 10]
  std::uint32_t seed = 1;  // start weights (and a hidden target's weights)
};

// Checks the settings' ranges; the message names the setting and its allowed values.
Status validate_learn_settings(const LearnSettings& settings);

// Start weights: uniform in [-1/size, 1/size] (PyTorch's default Conv2d bound, 1/sqrt(fan_in)),
// from SplitMix64 seeded with `seed`: the same floats on every platform.
Kernel random_start_kernel(int size, std::uint32_t seed);

// The "hidden random kernel" target: weights uniform in [-1, 1], from a stream of its own (so it
// is not the start kernel scaled), named "hidden".
Kernel hidden_target_kernel(int size, std::uint32_t seed);

// The part of `gray` learning uses: the image, or its centre kLearnMaxSide x kLearnMaxSide crop.
Plane learning_input(const Plane& gray);

// The orthonormal basis Adam steps in: row r of the size^2 x size^2 matrix is basis kernel r.
std::vector<double> learning_basis(int size);

// One learning run. Create it with start(); step() does one gradient step. After i steps,
// losses()[i] is the loss of kernel() (losses()[0] is the random start's), and map() is
// kernel()'s map, so the weights, the map and the loss shown together always belong together.
class KernelLearner {
 public:
  // `target` must be square and at most settings.size a side (a smaller one, e.g. a 3x3 preset
  // learned as 5x5, sits centred in a zero border). Refused with a message when the settings,
  // the target or the parameters (for this image and kernel size) are not usable.
  static Result<KernelLearner> start(const Plane& gray, const Kernel& target,
                                     const ConvParams& params, const LearnSettings& settings);

  void step();  // one Adam step; nothing once done()
  void run();   // the remaining steps
  bool done() const { return steps_done_ >= settings_.steps; }
  int steps_done() const { return steps_done_; }
  const LearnSettings& settings() const { return settings_; }
  const ConvParams& params() const { return params_; }

  const Kernel& kernel() const { return kernel_; }  // the weights learned so far
  const Kernel& target() const { return target_; }  // size x size (zero-bordered if smaller)
  const std::vector<double>& losses() const { return losses_; }
  double loss() const { return losses_.back(); }
  // Cosine between kernel() and target() as vectors of weights (1: same shape of kernel).
  double cosine() const;
  const Plane& input() const { return input_; }  // learning_input() of the image
  const Plane& map() const { return map_; }
  const Plane& target_map() const { return target_map_; }
  // d loss / d weight at kernel(), row-major like its weights (what the next step uses).
  const std::vector<double>& gradient() const { return gradient_; }

 private:
  KernelLearner() = default;
  Status compute_map_and_gradient();  // map_, loss, gradient_ for kernel_

  LearnSettings settings_;
  ConvParams params_;
  Plane input_;
  Kernel target_, kernel_;
  Plane target_map_, map_;
  std::vector<double> losses_, gradient_;
  int steps_done_ = 0;

  std::vector<double> basis_;                     // size^2 x size^2, rows orthonormal
  std::vector<double> coeffs_;                    // kernel_ = basis_^T coeffs_
  std::vector<double> m_, v_;                     // Adam's moments, per coefficient
  double beta1_power_ = 1.0, beta2_power_ = 1.0;  // beta^t, by products (no pow: exact)
  std::vector<float> padded_;  // input_ with the padding applied, plus kConvLayerSlack
  int padded_w_ = 0, padded_h_ = 0;
  std::vector<float> error_;  // map - target, spread to the stride's grid
  int error_w_ = 0, error_h_ = 0;
  std::vector<float> correlation_;  // padded input correlated with the error
  int corr_w_ = 0, corr_h_ = 0;
  std::vector<Plane> outputs_;  // conv2d_bank's output storage, reused
  ConvLayerWorkspace workspace_;
};

}  // namespace filterlens
