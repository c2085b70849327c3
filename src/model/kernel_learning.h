// KernelLearning: the model's side of "watch a kernel being learned". What the person set up
// (target, size, steps, lr, seed), the run (core KernelLearner) stepped once per frame while it
// runs, and its rules:
//   - A run learns on the image and the convolution parameters it started with. When a new image
//     arrives the run is dropped (its maps belong to the old image) and note() says so; Start
//     learns on the new one.
//   - A failed start (unknown target, bad settings, parameters the image cannot take) keeps the
//     run that was there.
//   - A hidden target's weights are not revealed until the run has taken all its steps.
// No ImGui or GL: the panel (src/ui/learn_panel.cpp) reads and commands it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conv2d.h"
#include "image.h"
#include "kernel.h"
#include "learn_kernel.h"
#include "result.h"
#include "status.h"

namespace filterlens {

struct LearningSetup {
  std::string target = "edge";  // a preset's name, or KernelLearning::kHiddenTarget
  LearnSettings settings;
};

class KernelLearning {
 public:
  static constexpr const char* kHiddenTarget = "hidden";

  KernelLearning();
  ~KernelLearning();
  KernelLearning(const KernelLearning&) = delete;
  KernelLearning& operator=(const KernelLearning&) = delete;

  // Every preset's name, then kHiddenTarget.
  static std::vector<std::string> target_names();
  // The kernel a setup names (a hidden one drawn from the setup's size and seed), or an error
  // listing the names.
  static Result<Kernel> target_kernel(const LearningSetup& setup);
  // A whole run, start to end, on `gray`: what the page's learnKernel() returns. Touches nothing.
  static Result<std::unique_ptr<KernelLearner>> learn(const Plane& gray, const ConvParams& params,
                                                      const LearningSetup& setup);

  // The setup as the panel edits it; used by the next start().
  LearningSetup& setup() { return setup_; }
  const LearningSetup& setup() const { return setup_; }

  // A new run from setup() on `gray` (image `image_generation`), running. On failure the run that
  // was there stays and the message is returned.
  Status start(const Plane& gray, std::uint64_t image_generation, const ConvParams& params);
  void stop() { running_ = false; }  // pauses; resume() continues
  void resume() { running_ = run_ && !run_->done(); }
  void reset();  // forgets the run
  // One step of a running run (the app calls it once per frame); stops at the end.
  void advance();
  // The rule for new images: a run on another image than `image_generation` is dropped.
  void fit_to_image(std::uint64_t image_generation);

  bool running() const { return running_; }
  const KernelLearner* run() const { return run_.get(); }
  // The run's target as shown: false for a hidden target until the run is done.
  bool target_revealed() const;
  const std::string& target_name() const { return run_target_; }
  // Changes whenever the run's weights or maps do (so views re-upload only then).
  std::uint64_t generation() const { return generation_; }
  const std::string& note() const { return note_; }

 private:
  LearningSetup setup_;
  std::unique_ptr<KernelLearner> run_;
  std::string run_target_;
  std::uint64_t run_image_ = 0;
  bool running_ = false;
  std::uint64_t generation_ = 0;
  std::string note_;
};

}  // namespace filterlens
