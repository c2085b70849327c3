// KernelLearning: the learning run's state and rules (see kernel_learning.h).
#include "kernel_learning.h"

#include <utility>

namespace filterlens {

KernelLearning::KernelLearning() = default;
KernelLearning::~KernelLearning() = default;

std::vector<std::string> KernelLearning::target_names() {
  std::vector<std::string> names;
  for (const Kernel& k : kernel_presets()) names.push_back(k.name);
  names.push_back(kHiddenTarget);
  return names;
}

Result<Kernel> KernelLearning::target_kernel(const LearningSetup& setup) {
  if (setup.target == kHiddenTarget) {
    if (Status s = validate_learn_settings(setup.settings); !s)
      return Result<Kernel>::fail(s.error());
    return Result<Kernel>::ok(hidden_target_kernel(setup.settings.size, setup.settings.seed));
  }
  for (const Kernel& k : kernel_presets())
    if (k.name == setup.target) return Result<Kernel>::ok(k);
  std::string known;
  for (const std::string& n : target_names()) known += (known.empty() ? "" : ", ") + n;
  return Result<Kernel>::fail("unknown target '" + setup.target + "' (known: " + known + ")");
}

Result<std::unique_ptr<KernelLearner>> KernelLearning::learn(const Plane& gray,
                                                             const ConvParams& params,
                                                             const LearningSetup& setup) {
  using R = Result<std::unique_ptr<KernelLearner>>;
  Result<Kernel> target = target_kernel(setup);
  if (!target) return R::fail(target.error());
  Result<KernelLearner> run = KernelLearner::start(gray, target.value(), params, setup.settings);
  if (!run) return R::fail(run.error());
  auto learner = std::make_unique<KernelLearner>(std::move(run).value());
  learner->run();
  return R::ok(std::move(learner));
}

Status KernelLearning::start(const Plane& gray, std::uint64_t image_generation,
                             const ConvParams& params) {
  Result<Kernel> target = target_kernel(setup_);
  if (!target) return Status::fail("Could not start learning: " + target.error());
  Result<KernelLearner> run = KernelLearner::start(gray, target.value(), params, setup_.settings);
  if (!run) return Status::fail("Could not start learning: " + run.error());
  run_ = std::make_unique<KernelLearner>(std::move(run).value());
  run_target_ = setup_.target;
  run_image_ = image_generation;
  running_ = true;
  note_.clear();
  ++generation_;
  return Status::ok();
}

void KernelLearning::reset() {
  run_.reset();
  run_target_.clear();
  running_ = false;
  note_.clear();
  ++generation_;
}

void KernelLearning::advance() {
  if (!running_ || !run_) return;
  run_->step();
  if (run_->done()) running_ = false;
  ++generation_;
}

void KernelLearning::fit_to_image(std::uint64_t image_generation) {
  if (!run_ || run_image_ == image_generation) return;
  reset();
  note_ =
      "A new image arrived, so the learning run was reset (its maps belonged to the old "
      "image). Press Start to learn on this one.";
}

bool KernelLearning::target_revealed() const {
  return run_ && (run_target_ != kHiddenTarget || run_->done());
}

}  // namespace filterlens
