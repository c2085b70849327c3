// learn_kernel: the learning run (see learn_kernel.h for the loss, the gradient and the basis).
#include "learn_kernel.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace filterlens {
namespace {

// Adam's usual constants; only the step size is the person's to choose.
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;

// SplitMix64 (Steele, Lea and Flood): a few integer operations, so the stream is the same on
// every platform, unlike std:: distributions, whose output is the standard library's choice.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi): 53 random bits scaled, exact in double.
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
  }

 private:
  std::uint64_t state_;
};

Kernel uniform_kernel(int size, std::uint64_t seed, double bound, const char* name,
                      const char* description) {
  SplitMix64 rng(seed);
  Kernel k;
  k.name = name;
  k.description = description;
  k.width = size;
  k.height = size;
  k.weights.resize(static_cast<std::size_t>(size) * size);
  for (float& w : k.weights) w = static_cast<float>(rng.uniform(-bound, bound));
  return k;
}

// Discrete orthonormal polynomials on the taps -(k-1)/2 .. (k-1)/2 (degree 0..k-1, rows of a
// k x k matrix), by Gram-Schmidt on 1, x, x^2, ...: only exact IEEE operations.
std::vector<double> polynomial_basis_1d(int k) {
  std::vector<double> rows(static_cast<std::size_t>(k) * k);
  for (int j = 0; j < k; ++j) {
    double* v = rows.data() + static_cast<std::size_t>(j) * k;
    for (int i = 0; i < k; ++i) {
      const double x = i - (k - 1) / 2.0;
      double p = 1.0;
      for (int e = 0; e < j; ++e) p *= x;
      v[i] = p;
    }
    for (int r = 0; r < j; ++r) {
      const double* u = rows.data() + static_cast<std::size_t>(r) * k;
      double dot = 0.0;
      for (int i = 0; i < k; ++i) dot += v[i] * u[i];
      for (int i = 0; i < k; ++i) v[i] -= dot * u[i];
    }
    double norm = 0.0;
    for (int i = 0; i < k; ++i) norm += v[i] * v[i];
    norm = std::sqrt(norm);
    for (int i = 0; i < k; ++i) v[i] /= norm;
  }
  return rows;
}

}  // namespace

Status validate_learn_settings(const LearnSettings& s) {
  if (s.size != 3 && s.size != 5)
    return Status::fail("size must be 3 or 5 (got " + std::to_string(s.size) + ")");
  if (s.steps < 1 || s.steps > kLearnMaxSteps)
    return Status::fail("steps must be from 1 to " + std::to_string(kLearnMaxSteps) + " (got " +
                        std::to_string(s.steps) + ")");
  if (!std::isfinite(s.lr) || s.lr <= 0.0 || s.lr > 10.0)
    return Status::fail("lr must be a number above 0 and at most 10 (got " + std::to_string(s.lr) +
                        ")");
  return Status::ok();
}

Kernel random_start_kernel(int size, std::uint32_t seed) {
  return uniform_kernel(size, seed, 1.0 / size, "learned",
                        "a kernel learned by gradient descent from random weights");
}

Kernel hidden_target_kernel(int size, std::uint32_t seed) {
  // A different stream from the start kernel's for the same seed.
  return uniform_kernel(size, (std::uint64_t{seed} << 32) ^ 0x5EC2E7ull, 1.0, "hidden",
                        "a random kernel kept hidden until the learning ends");
}

Plane learning_input(const Plane& gray) {
  if (gray.width <= kLearnMaxSide && gray.height <= kLearnMaxSide) return gray;
  const int w = std::min(gray.width, kLearnMaxSide), h = std::min(gray.height, kLearnMaxSide);
  const int x0 = (gray.width - w) / 2, y0 = (gray.height - h) / 2;
  Plane crop(w, h);
  for (int y = 0; y < h; ++y) std::copy_n(gray.row(y0 + y) + x0, w, crop.row(y));
  return crop;
}

std::vector<double> learning_basis(int size) {
  const std::vector<double> p = polynomial_basis_1d(size);
  const int n = size * size;
  std::vector<double> basis(static_cast<std::size_t>(n) * n);
  for (int jy = 0; jy < size; ++jy)
    for (int jx = 0; jx < size; ++jx) {
      double* row = basis.data() + static_cast<std::size_t>(jy * size + jx) * n;
      for (int ky = 0; ky < size; ++ky)
        for (int kx = 0; kx < size; ++kx)
          row[ky * size + kx] = p[static_cast<std::size_t>(jy) * size + ky] *
                                p[static_cast<std::size_t>(jx) * size + kx];
    }
  return basis;
}

Result<KernelLearner> KernelLearner::start(const Plane& gray, const Kernel& target,
                                           const ConvParams& params,
                                           const LearnSettings& settings) {
  using R = Result<KernelLearner>;
  if (Status s = validate_learn_settings(settings); !s) return R::fail(s.error());
  if (gray.empty()) return R::fail("there is no image to learn on");
  const int k = settings.size;
  if (target.width != target.height)
    return R::fail("the target '" + target.name + "' is " + std::to_string(target.width) + "x" +
                   std::to_string(target.height) + ": learning needs a square target");
  if (target.width > k || (k - target.width) % 2 != 0)
    return R::fail("the target '" + target.name + "' is " + std::to_string(target.width) + "x" +
                   std::to_string(target.height) + ": learn it with size " +
                   std::to_string(target.width) + " (or larger by 2)");
  if (target.weights.size() != static_cast<std::size_t>(target.width) * target.height)
    return R::fail("the target '" + target.name + "' has the wrong number of weights");
  for (float w : target.weights)
    if (!std::isfinite(w))
      return R::fail("the target '" + target.name + "' has a weight that is not finite");

  KernelLearner l;
  l.settings_ = settings;
  l.params_ = params;
  l.input_ = learning_input(gray);
  Result<OutputSize> out = conv2d_output_size(l.input_.width, l.input_.height, k, k, params);
  if (!out) return R::fail(out.error());

  // The target inside a zero border when it is smaller than the learned kernel.
  l.target_ = resized_centred(target, k, k);
  if (Status s = conv2d_bank(l.input_, {l.target_}, params, ConvImpl::simd, l.outputs_); !s)
    return R::fail(s.error());
  std::swap(l.target_map_, l.outputs_[0]);

  l.kernel_ = random_start_kernel(k, settings.seed);
  l.basis_ = learning_basis(k);
  const int n = k * k;
  l.coeffs_.assign(static_cast<std::size_t>(n), 0.0);
  for (int r = 0; r < n; ++r)
    for (int i = 0; i < n; ++i)
      l.coeffs_[r] += l.basis_[static_cast<std::size_t>(r) * n + i] * l.kernel_.weights[i];
  l.m_.assign(static_cast<std::size_t>(n), 0.0);
  l.v_.assign(static_cast<std::size_t>(n), 0.0);

  // The padded input, once: every weight's gradient reads it in place. Sizes are bounded by
  // kLearnMaxSide and conv2d_output_size's padding limit.
  const int p = params.padding;
  l.padded_w_ = l.input_.width + 2 * p;
  l.padded_h_ = l.input_.height + 2 * p;
  l.padded_.assign(static_cast<std::size_t>(l.padded_w_) * l.padded_h_ + kConvLayerSlack, 0.0f);
  for (int y = 0; y < l.padded_h_; ++y)
    for (int x = 0; x < l.padded_w_; ++x)
      l.padded_[static_cast<std::size_t>(y) * l.padded_w_ + x] =
          padded_value(l.input_, x - p, y - p, params.padding_mode);
  // The error lands on every stride-th input position; the zeros between cost nothing (the
  // layer skips zero taps).
  const int s = params.stride;
  l.error_w_ = (out.value().width - 1) * s + 1;
  l.error_h_ = (out.value().height - 1) * s + 1;
  l.error_.assign(static_cast<std::size_t>(l.error_w_) * l.error_h_, 0.0f);
  l.corr_w_ = l.padded_w_ - l.error_w_ + 1;
  l.corr_h_ = l.padded_h_ - l.error_h_ + 1;
  l.correlation_.assign(static_cast<std::size_t>(l.corr_w_) * l.corr_h_, 0.0f);

  if (Status st = l.compute_map_and_gradient(); !st) return R::fail(st.error());
  return R::ok(std::move(l));
}

Status KernelLearner::compute_map_and_gradient() {
  if (Status s = conv2d_bank(input_, {kernel_}, params_, ConvImpl::simd, outputs_); !s) return s;
  std::swap(map_, outputs_[0]);
  const int s = params_.stride, d = params_.dilation, k = settings_.size;
  double sum = 0.0;
  for (int y = 0; y < map_.height; ++y) {
    const float* m = map_.row(y);
    const float* t = target_map_.row(y);
    float* e = error_.data() + static_cast<std::size_t>(y) * s * error_w_;
    for (int x = 0; x < map_.width; ++x) {
      const float diff = m[x] - t[x];
      e[static_cast<std::size_t>(x) * s] = diff;
      sum += static_cast<double>(diff) * diff;
    }
  }
  const double count = static_cast<double>(map_.width) * map_.height;
  losses_.push_back(sum / count);

  // correlation(u, v) = sum over outputs of error(x, y) * padded(u + x*s, v + y*s); the weight
  // (kx, ky) of the kernel as applied touches padded(x*s + kx*d, y*s + ky*d).
  std::fill(correlation_.begin(), correlation_.end(), 0.0f);
  const std::ptrdiff_t padded_plane = static_cast<std::ptrdiff_t>(padded_w_) * padded_h_;
  const PlaneStack in{padded_.data(), 1, padded_h_, padded_w_, padded_plane};
  const MutablePlaneStack corr{correlation_.data(), 1, corr_h_, corr_w_,
                               static_cast<std::ptrdiff_t>(corr_w_) * corr_h_};
  conv2d_layer_accumulate(in, error_.data(), error_h_, error_w_, corr, workspace_);
  gradient_.assign(static_cast<std::size_t>(k) * k, 0.0);
  for (int ky = 0; ky < k; ++ky)
    for (int kx = 0; kx < k; ++kx) {
      const double g =
          2.0 / count * correlation_[static_cast<std::size_t>(ky * d) * corr_w_ + kx * d];
      // With flip the engine applies the kernel rotated by 180 degrees.
      const int wx = params_.flip ? k - 1 - kx : kx, wy = params_.flip ? k - 1 - ky : ky;
      gradient_[static_cast<std::size_t>(wy) * k + wx] = g;
    }
  return Status::ok();
}

void KernelLearner::step() {
  if (done()) return;
  const int n = settings_.size * settings_.size;
  ++steps_done_;
  beta1_power_ *= kBeta1;
  beta2_power_ *= kBeta2;
  for (int r = 0; r < n; ++r) {
    double g = 0.0;
    for (int i = 0; i < n; ++i) g += basis_[static_cast<std::size_t>(r) * n + i] * gradient_[i];
    m_[r] = kBeta1 * m_[r] + (1.0 - kBeta1) * g;
    v_[r] = kBeta2 * v_[r] + (1.0 - kBeta2) * g * g;
    const double m_hat = m_[r] / (1.0 - beta1_power_), v_hat = v_[r] / (1.0 - beta2_power_);
    coeffs_[r] -= settings_.lr * m_hat / (std::sqrt(v_hat) + kEpsilon);
  }
  for (int i = 0; i < n; ++i) {
    double w = 0.0;
    for (int r = 0; r < n; ++r) w += basis_[static_cast<std::size_t>(r) * n + i] * coeffs_[r];
    kernel_.weights[i] = static_cast<float>(w);
  }
  // The parameters were checked in start() for this image and size, so this cannot fail.
  const Status s = compute_map_and_gradient();
  assert(s);
  (void)s;
}

void KernelLearner::run() {
  while (!done()) step();
}

double KernelLearner::cosine() const {
  double dot = 0.0, a = 0.0, b = 0.0;
  for (std::size_t i = 0; i < kernel_.weights.size(); ++i) {
    dot += static_cast<double>(kernel_.weights[i]) * target_.weights[i];
    a += static_cast<double>(kernel_.weights[i]) * kernel_.weights[i];
    b += static_cast<double>(target_.weights[i]) * target_.weights[i];
  }
  return a > 0.0 && b > 0.0 ? dot / std::sqrt(a * b) : 0.0;
}

}  // namespace filterlens
