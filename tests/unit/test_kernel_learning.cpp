// The learning state's rules (src/model/kernel_learning.h) through the Model: a step per frame
// while running, stop and resume, the end stops it, a new image resets the run (and says so), a
// failed start keeps the run that was there, a hidden target stays hidden until the end.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model.h"

#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

void append_bytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<std::uint8_t*>(data),
              static_cast<std::uint8_t*>(data) + size);
}

// A w x h gray PNG with texture (so every kernel has something to learn from).
void load_image(Model& model, int w, int h, int seed) {
  std::vector<std::uint8_t> gray(static_cast<std::size_t>(w) * h);
  std::uint32_t state = 12345u + static_cast<std::uint32_t>(seed);
  for (auto& v : gray) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<std::uint8_t>(state >> 24);
  }
  std::vector<std::uint8_t> png;
  stbi_write_png_to_func(append_bytes, &png, w, h, 1, gray.data(), w);
  const Status s = model.load(png.data(), png.size(), "noise.png");
  ASSERT_TRUE(s) << s.error();
}

TEST(KernelLearning, StepsOncePerFrameWhileRunningAndStopsAtTheEnd) {
  Model model;
  load_image(model, 40, 30, 1);
  KernelLearning& learning = model.kernel_learning();
  learning.setup().settings.steps = 4;
  ASSERT_TRUE(model.start_kernel_learning());
  ASSERT_NE(learning.run(), nullptr);
  EXPECT_TRUE(learning.running());
  EXPECT_EQ(learning.run()->steps_done(), 0);
  learning.advance();
  EXPECT_EQ(learning.run()->steps_done(), 1);
  learning.stop();
  learning.advance();
  EXPECT_EQ(learning.run()->steps_done(), 1);  // stopped: no step
  learning.resume();
  for (int i = 0; i < 10; ++i) learning.advance();
  EXPECT_EQ(learning.run()->steps_done(), 4);
  EXPECT_FALSE(learning.running());
  learning.resume();  // nothing left to do
  EXPECT_FALSE(learning.running());
  learning.reset();
  EXPECT_EQ(learning.run(), nullptr);
}

TEST(KernelLearning, UsesTheParametersTheMapsWereComputedWith) {
  Model model;
  load_image(model, 40, 30, 1);
  ConvParams p;
  p.padding = 0;
  p.stride = 2;
  ASSERT_TRUE(model.set_bank(model.bank(), p));
  ASSERT_TRUE(model.start_kernel_learning());
  const KernelLearner* run = model.kernel_learning().run();
  EXPECT_EQ(run->params().stride, 2);
  EXPECT_EQ(run->map().width, model.maps()[0].width);
  EXPECT_EQ(run->map().height, model.maps()[0].height);
}

TEST(KernelLearning, ANewImageResetsTheRunAndSaysSo) {
  Model model;
  load_image(model, 40, 30, 1);
  ASSERT_TRUE(model.start_kernel_learning());
  model.kernel_learning().advance();
  load_image(model, 36, 28, 2);
  KernelLearning& learning = model.kernel_learning();
  EXPECT_EQ(learning.run(), nullptr);
  EXPECT_FALSE(learning.running());
  EXPECT_NE(learning.note().find("new image"), std::string::npos) << learning.note();
  // A failed load is not a new image: the next run survives one.
  ASSERT_TRUE(model.start_kernel_learning());
  EXPECT_TRUE(learning.note().empty());
  const std::uint8_t junk[] = {1, 2, 3, 4};
  EXPECT_FALSE(model.load(junk, sizeof junk, "junk.png"));
  EXPECT_NE(model.kernel_learning().run(), nullptr);
  EXPECT_EQ(model.kernel_learning().run()->input().width, 36);
}

TEST(KernelLearning, AFailedStartKeepsTheRunThatWasThere) {
  Model model;
  KernelLearning& learning = model.kernel_learning();
  EXPECT_FALSE(model.start_kernel_learning());  // no image yet
  load_image(model, 40, 30, 1);
  ASSERT_TRUE(model.start_kernel_learning());
  learning.advance();
  const std::vector<float> weights = learning.run()->kernel().weights;
  learning.setup().target = "no_such_filter";
  Status s = model.start_kernel_learning();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("unknown target 'no_such_filter'"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("hidden"), std::string::npos) << s.error();  // listed as a choice
  learning.setup().target = "outline";                                  // 5x5, with size 3
  s = model.start_kernel_learning();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("size 5"), std::string::npos) << s.error();
  ASSERT_NE(learning.run(), nullptr);
  EXPECT_EQ(learning.run()->kernel().weights, weights);
  EXPECT_EQ(learning.target_name(), "edge");
}

TEST(KernelLearning, AHiddenTargetIsRevealedOnlyAtTheEnd) {
  Model model;
  load_image(model, 40, 30, 1);
  KernelLearning& learning = model.kernel_learning();
  learning.setup().target = KernelLearning::kHiddenTarget;
  learning.setup().settings.steps = 3;
  ASSERT_TRUE(model.start_kernel_learning());
  EXPECT_FALSE(learning.target_revealed());
  learning.advance();
  learning.advance();
  EXPECT_FALSE(learning.target_revealed());
  learning.advance();
  EXPECT_TRUE(learning.target_revealed());
  learning.setup().target = "edge";
  ASSERT_TRUE(model.start_kernel_learning());
  EXPECT_TRUE(learning.target_revealed());  // a preset is known from the start
}

TEST(KernelLearning, LearnRunsToTheEndWithoutTouchingTheState) {
  Model model;
  load_image(model, 60, 40, 3);
  LearningSetup setup;
  setup.target = "sharpen";
  setup.settings.steps = 200;
  auto run = KernelLearning::learn(model.gray(), model.map_params(), setup);
  ASSERT_TRUE(run) << run.error();
  EXPECT_EQ(run.value()->steps_done(), 200);
  EXPECT_GE(run.value()->cosine(), 0.99);
  EXPECT_EQ(model.kernel_learning().run(), nullptr);
  EXPECT_EQ(KernelLearning::target_names().back(), "hidden");
  EXPECT_EQ(KernelLearning::target_names().front(), "edge");
}

}  // namespace
}  // namespace filterlens
