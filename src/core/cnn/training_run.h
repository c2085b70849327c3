// TrainingRun: training the CNN a little at a time, as an interactive front end does it. It owns
// the training and test sets, the Trainer of the current run, its loss and accuracy curves and the
// final test accuracy; a caller (the app's "Train a CNN" tab, once per frame) drives it with
// step_for() or step_batches() and reads the state back. Idle -> running <-> paused -> finished;
// reset() returns to idle. The work done depends only on the seed, the settings and the number of
// batches run, never on how the batches were split between calls, so a run is reproducible.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "cnn/network.h"
#include "cnn/trainer.h"
#include "status.h"

namespace filterlens::cnn {

class TrainingRun {
 public:
  struct Settings {
    int epochs = 2;
    int batch_size = 32;
    float learning_rate = 1e-3f;
    std::uint32_t seed = 1;
  };
  enum class State { idle, running, paused, finished };
  // One point on the curves per this many training images (and one at the end of the run).
  static constexpr int kCurveEvery = 512;

  TrainingRun();
  ~TrainingRun();
  // The Trainer holds a reference to the training set this object owns: it stays put.
  TrainingRun(const TrainingRun&) = delete;
  TrainingRun& operator=(const TrainingRun&) = delete;

  // Replaces the data sets; a run in progress is reset (it trained on the old ones). Both sets
  // must hold at least one image.
  Status set_data(Dataset train, Dataset test);
  bool has_data() const { return train_.count > 0; }
  const Dataset& train_data() const { return train_; }
  const Dataset& test_data() const { return test_; }

  // A new run from scratch with these settings (epochs and batch size at least 1), running.
  Status start(const Settings& settings);
  void pause();   // running -> paused
  void resume();  // paused -> running
  void reset();   // any -> idle: the network and the curves are gone

  // Trains whole batches until `budget` of wall-clock time is spent or the run ends; returns the
  // images used (0 unless running). For a UI frame: the budget keeps the frame rate up.
  int step_for(std::chrono::duration<double, std::milli> budget);
  // Trains exactly `batches` batches (fewer when the run ends first); returns the images used.
  int step_batches(int batches);

  State state() const { return state_; }
  bool running() const { return state_ == State::running; }
  bool finished() const { return state_ == State::finished; }
  // The network of this run, or nullptr when idle.
  const Network* network() const { return trainer_ ? &trainer_->network() : nullptr; }
  // Increases whenever network() changes (a batch, a new run, a reset): redraw what shows it.
  std::uint64_t network_generation() const { return generation_; }
  // For the next run (learning rate and batch size also for this one).
  const Settings& settings() const { return settings_; }
  int run_epochs() const { return run_epochs_; }  // the epochs of the current run
  int epoch() const { return trainer_ ? trainer_->epoch() : 0; }
  int position() const { return trainer_ ? trainer_->position() : 0; }
  // Mean training loss and accuracy per kCurveEvery images, in order.
  const std::vector<float>& loss_curve() const { return loss_curve_; }
  const std::vector<float>& accuracy_curve() const { return accuracy_curve_; }
  // Accuracy on the test set, once finished (0 before).
  double test_accuracy() const { return test_accuracy_; }

  // Take effect from the next batch of the current run, and for the next run.
  void set_learning_rate(float rate);
  void set_batch_size(int size);
  void set_epochs(int epochs);
  void set_seed(std::uint32_t seed) { settings_.seed = seed; }

 private:
  int step_one_batch();

  Dataset train_, test_;
  Settings settings_;
  std::unique_ptr<Trainer> trainer_;
  State state_ = State::idle;
  int run_epochs_ = 0;
  std::uint64_t generation_ = 0;
  int images_since_point_ = 0;
  std::vector<float> loss_curve_, accuracy_curve_;
  double test_accuracy_ = 0.0;
};

}  // namespace filterlens::cnn
