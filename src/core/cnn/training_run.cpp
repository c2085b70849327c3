// TrainingRun: the state machine around a Trainer, the curves and the time-budgeted stepping.
#include "cnn/training_run.h"

#include <algorithm>
#include <cmath>

namespace filterlens::cnn {

TrainingRun::TrainingRun() = default;
TrainingRun::~TrainingRun() = default;

Status TrainingRun::set_data(Dataset train, Dataset test) {
  if (train.count <= 0) return Status::fail("the training set holds no images");
  if (test.count <= 0) return Status::fail("the test set holds no images");
  reset();  // before the training set the Trainer refers to goes away
  train_ = std::move(train);
  test_ = std::move(test);
  return Status::ok();
}

Status TrainingRun::start(const Settings& settings) {
  if (!has_data()) return Status::fail("no training data is loaded");
  settings_ = settings;
  settings_.epochs = std::max(1, settings_.epochs);
  settings_.batch_size = std::max(1, settings_.batch_size);
  TrainOptions o;
  o.epochs = settings_.epochs;
  o.seed = settings_.seed;
  o.learning_rate = settings_.learning_rate;
  o.batch_size = settings_.batch_size;
  trainer_ = std::make_unique<Trainer>(train_, o);
  state_ = State::running;
  run_epochs_ = settings_.epochs;
  loss_curve_.clear();
  accuracy_curve_.clear();
  images_since_point_ = 0;
  test_accuracy_ = 0.0;
  ++generation_;
  return Status::ok();
}

void TrainingRun::pause() {
  if (state_ == State::running) state_ = State::paused;
}

void TrainingRun::resume() {
  if (state_ == State::paused) state_ = State::running;
}

void TrainingRun::reset() {
  trainer_.reset();
  state_ = State::idle;
  loss_curve_.clear();
  accuracy_curve_.clear();
  images_since_point_ = 0;
  test_accuracy_ = 0.0;
  ++generation_;
}

int TrainingRun::step_one_batch() {
  const int used = trainer_->run(settings_.batch_size);
  images_since_point_ += used;
  if (images_since_point_ >= kCurveEvery || trainer_->done()) {
    const Trainer::Progress p = trainer_->take_progress();
    loss_curve_.push_back(p.loss);
    accuracy_curve_.push_back(p.accuracy);
    images_since_point_ = 0;
  }
  ++generation_;
  if (trainer_->done()) {
    test_accuracy_ = evaluate(trainer_->network(), test_).accuracy();
    state_ = State::finished;
  }
  return used;
}

int TrainingRun::step_for(std::chrono::duration<double, std::milli> budget) {
  const auto start = std::chrono::steady_clock::now();
  int used = 0;
  while (running() && std::chrono::steady_clock::now() - start < budget) used += step_one_batch();
  return used;
}

int TrainingRun::step_batches(int batches) {
  int used = 0;
  for (int i = 0; i < batches && running(); ++i) used += step_one_batch();
  return used;
}

void TrainingRun::set_learning_rate(float rate) {
  if (!(rate > 0.0f) || !std::isfinite(rate)) return;  // NaN, infinite, zero or negative: kept
  settings_.learning_rate = rate;
  if (trainer_) trainer_->set_learning_rate(rate);
}

void TrainingRun::set_batch_size(int size) {
  settings_.batch_size = std::max(1, size);
  if (trainer_) trainer_->set_batch_size(settings_.batch_size);
}

void TrainingRun::set_epochs(int epochs) {
  settings_.epochs = std::max(1, epochs);
}

}  // namespace filterlens::cnn
