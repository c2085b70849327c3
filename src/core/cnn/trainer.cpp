// Trainer: shuffled mini-batches, gradients averaged over the batch, Adam updates.
#include "cnn/trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace filterlens::cnn {

Result<Dataset> make_dataset(const IdxImages& images, const std::vector<std::uint8_t>& labels) {
  using R = Result<Dataset>;
  if (images.rows != kInput || images.cols != kInput)
    return R::fail("the images are " + std::to_string(images.rows) + " x " +
                   std::to_string(images.cols) + "; the network takes 28 x 28");
  if (images.count != static_cast<int>(labels.size()))
    return R::fail(std::to_string(images.count) + " images but " + std::to_string(labels.size()) +
                   " labels");
  if (images.count == 0) return R::fail("the data set holds no images");
  Dataset d;
  d.count = images.count;
  d.images.resize(images.pixels.size());
  for (std::size_t i = 0; i < images.pixels.size(); ++i) d.images[i] = images.pixels[i] / 255.0f;
  d.labels = labels;
  return R::ok(std::move(d));
}

Dataset head(const Dataset& data, int count) {
  if (count <= 0 || count >= data.count) return data;
  Dataset d;
  d.count = count;
  d.images.assign(data.images.begin(),
                  data.images.begin() + static_cast<long>(count) * kInput * kInput);
  d.labels.assign(data.labels.begin(), data.labels.begin() + count);
  return d;
}

Trainer::Trainer(const Dataset& train, const TrainOptions& options)
    : data_(train),
      options_(options),
      net_(Network::random(options.seed)),
      grad_(Network::zeros()),
      m_(Network::zeros()),
      v_(Network::zeros()),
      rng_(options.seed ^ 0x9e3779b9u) {
  start_epoch();
}

void Trainer::start_epoch() {
  order_.resize(static_cast<std::size_t>(data_.count));
  std::iota(order_.begin(), order_.end(), 0);
  std::shuffle(order_.begin(), order_.end(), rng_);
  position_ = 0;
}

int Trainer::run(int max_images) {
  int used = 0;
  while (!done() && used < max_images && data_.count > 0) {
    const int batch = std::min(options_.batch_size, data_.count - position_);
    for (int b = 0; b < batch; ++b) {
      const int i = order_[static_cast<std::size_t>(position_ + b)];
      const int label = data_.labels[static_cast<std::size_t>(i)];
      const int predicted =
          forward(net_, data_.images.data() + static_cast<long>(i) * kInput * kInput, act_);
      loss_sum_ += backward(net_, act_, label, grad_);
      correct_ += predicted == label;
      ++seen_;
    }
    apply_batch(batch);
    position_ += batch;
    used += batch;
    if (position_ >= data_.count) {
      ++epoch_;
      options_.learning_rate *= options_.learning_rate_decay;
      if (!done()) start_epoch();
    }
  }
  return used;
}

void Trainer::apply_batch(int batch) {
  constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEps = 1e-8f;
  ++steps_;
  const float c1 = 1.0f - std::pow(kBeta1, static_cast<float>(steps_));
  const float c2 = 1.0f - std::pow(kBeta2, static_cast<float>(steps_));
  const float step = options_.learning_rate * std::sqrt(c2) / c1;
  const auto params = net_.parameters(), grads = grad_.parameters(), ms = m_.parameters(),
             vs = v_.parameters();
  for (std::size_t t = 0; t < params.size(); ++t) {
    std::vector<float>& p = *params[t];
    std::vector<float>& g = *grads[t];
    std::vector<float>& m = *ms[t];
    std::vector<float>& v = *vs[t];
    for (std::size_t i = 0; i < p.size(); ++i) {
      const float gi = g[i] / static_cast<float>(batch);
      m[i] = kBeta1 * m[i] + (1.0f - kBeta1) * gi;
      v[i] = kBeta2 * v[i] + (1.0f - kBeta2) * gi * gi;
      p[i] -= step * m[i] / (std::sqrt(v[i]) + kEps);
      g[i] = 0.0f;
    }
  }
}

Trainer::Progress Trainer::take_progress() {
  Progress p;
  if (seen_) {
    p.loss = static_cast<float>(loss_sum_ / seen_);
    p.accuracy = static_cast<float>(correct_) / static_cast<float>(seen_);
    p.images = seen_;
  }
  loss_sum_ = 0.0;
  correct_ = seen_ = 0;
  return p;
}

Evaluation evaluate(const Network& net, const Dataset& data) {
  Evaluation e;
  Activations act;
  double loss = 0.0;
  for (int i = 0; i < data.count; ++i) {
    const int label = data.labels[static_cast<std::size_t>(i)];
    e.correct +=
        forward(net, data.images.data() + static_cast<long>(i) * kInput * kInput, act) == label;
    loss -= std::log(std::max(act.probs[static_cast<std::size_t>(label)], 1e-30f));
  }
  e.count = data.count;
  e.mean_loss = data.count ? loss / data.count : 0.0;
  return e;
}

}  // namespace filterlens::cnn
