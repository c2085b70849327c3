// Training and evaluation of the CNN in network.h: mini-batch Adam on softmax cross-entropy,
// deterministic for a given seed (shuffling and initialisation both come from it). Work can be
// done in slices (Trainer::run) so a UI can train a little every frame.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "cnn/idx.h"
#include "cnn/network.h"
#include "result.h"

namespace filterlens::cnn {

struct Dataset {
  int count = 0;
  std::vector<float> images;  // count * 28 * 28, in [0, 1] (pixel / 255)
  std::vector<std::uint8_t> labels;
};

// Pairs images with labels; both must describe the same number of 28 x 28 items.
Result<Dataset> make_dataset(const IdxImages& images, const std::vector<std::uint8_t>& labels);

// The first `count` items (all when count <= 0 or larger).
Dataset head(const Dataset& data, int count);

struct TrainOptions {
  int epochs = 3;
  std::uint32_t seed = 1;
  float learning_rate = 1e-3f;
  float learning_rate_decay = 0.75f;  // the rate is multiplied by this after every epoch
  int batch_size = 32;
};

class Trainer {
 public:
  Trainer(const Dataset& train, const TrainOptions& options);

  // Trains on up to `max_images` more images (whole batches); returns how many it used.
  int run(int max_images);
  bool done() const { return epoch_ >= options_.epochs || data_.count == 0; }
  int epoch() const { return epoch_; }
  int position() const { return position_; }  // images done in this epoch
  const Network& network() const { return net_; }
  // Mean training loss and accuracy over the images since the last call (zeros when none).
  struct Progress {
    float loss = 0.0f, accuracy = 0.0f;
    int images = 0;
  };
  Progress take_progress();
  void set_learning_rate(float lr) { options_.learning_rate = lr; }
  void set_batch_size(int size) { options_.batch_size = size < 1 ? 1 : size; }

 private:
  void start_epoch();
  void apply_batch(int batch);

  const Dataset& data_;
  TrainOptions options_;
  Network net_, grad_, m_, v_;
  Activations act_;
  std::vector<int> order_;
  std::mt19937 rng_;
  int epoch_ = 0, position_ = 0;
  long steps_ = 0;
  double loss_sum_ = 0.0;
  int correct_ = 0, seen_ = 0;
};

struct Evaluation {
  int correct = 0;
  int count = 0;
  double mean_loss = 0.0;
  double accuracy() const { return count ? double(correct) / count : 0.0; }
};

Evaluation evaluate(const Network& net, const Dataset& data);

}  // namespace filterlens::cnn
