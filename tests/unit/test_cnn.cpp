// The CNN: gradients against finite differences for every layer, learning on a small task,
// determinism, and every malformed weights / IDX input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "cnn/idx.h"
#include "cnn/network.h"
#include "cnn/similarity.h"
#include "cnn/trainer.h"
#include "cnn/weights_file.h"

namespace filterlens::cnn {
namespace {

std::vector<float> random_image(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> x(kInput * kInput);
  for (float& v : x) v = u(rng);
  return x;
}

float loss_of(const Network& net, const std::vector<float>& x, int label) {
  Activations a;
  forward(net, x.data(), a);
  return -std::log(a.probs[static_cast<std::size_t>(label)]);
}

TEST(CnnGradients, MatchFiniteDifferencesInEveryLayer) {
  Network net = Network::random(3);
  std::mt19937 rng(5);
  // Small random biases too, so their gradients are exercised away from zero.
  for (auto* b : {&net.b1, &net.b2, &net.b3, &net.b4})
    for (float& v : *b) v = std::uniform_real_distribution<float>(-0.1f, 0.1f)(rng);
  const std::vector<float> x = random_image(7);
  const int label = 4;
  Activations a;
  forward(net, x.data(), a);
  Network grad = Network::zeros();
  backward(net, a, label, grad);

  const auto params = net.parameters();
  const auto grads = grad.parameters();
  const char* names[] = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                         "fc1.weight",   "fc1.bias",   "fc2.weight",   "fc2.bias"};
  for (std::size_t t = 0; t < params.size(); ++t) {
    std::vector<float>& p = *params[t];
    int checked = 0, agreed = 0;
    for (int trial = 0; trial < 12; ++trial) {
      const std::size_t i = std::uniform_int_distribution<std::size_t>(0, p.size() - 1)(rng);
      const float keep = p[i], h = 1e-3f;
      p[i] = keep + h;
      const float up = loss_of(net, x, label);
      p[i] = keep - h;
      const float down = loss_of(net, x, label);
      p[i] = keep;
      const double numeric = (double(up) - down) / (2.0 * h);
      const double analytic = (*grads[t])[i];
      ++checked;
      // A step can cross a ReLU or max-pool switch; those few may differ, the rest must agree.
      if (std::fabs(numeric - analytic) <= 2e-3 + 2e-2 * std::fabs(analytic))
        ++agreed;
      else
        std::printf("%s[%zu]: numeric %g analytic %g\n", names[t], i, numeric, analytic);
    }
    EXPECT_GE(agreed, checked - 1) << names[t];
  }
}

// Ten classes: class k is a bright horizontal bar at rows 2k+3..2k+4, on noise.
Dataset bars(int count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(0.0f, 0.3f);
  Dataset d;
  d.count = count;
  for (int n = 0; n < count; ++n) {
    const int label = n % kClasses;
    for (int y = 0; y < kInput; ++y)
      for (int x = 0; x < kInput; ++x) d.images.push_back(y / 2 == label + 1 ? 1.0f : noise(rng));
    d.labels.push_back(static_cast<std::uint8_t>(label));
  }
  return d;
}

TEST(CnnTraining, LearnsASmallTaskFarAboveChance) {
  const Dataset train = bars(600, 1), test = bars(200, 2);
  TrainOptions o;
  o.epochs = 1;
  o.seed = 11;
  Trainer trainer(train, o);
  EXPECT_LT(evaluate(trainer.network(), test).accuracy(), 0.5);
  trainer.run(train.count);
  EXPECT_TRUE(trainer.done());
  EXPECT_GT(evaluate(trainer.network(), test).accuracy(), 0.9);  // chance is 0.1
}

TEST(CnnTraining, DeterministicForASeed) {
  const Dataset train = bars(96, 3);
  TrainOptions o;
  o.epochs = 1;
  o.seed = 42;
  Trainer a(train, o), b(train, o);
  a.run(96);
  b.run(50);  // slices do not change the result
  b.run(46);
  EXPECT_EQ(a.network().w2, b.network().w2);
  EXPECT_EQ(a.network().b4, b.network().b4);
  o.seed = 43;
  Trainer c(train, o);
  c.run(96);
  EXPECT_NE(a.network().w1, c.network().w1);
}

TEST(CnnWeights, RoundTripAndEveryKindOfDamage) {
  const Network net = Network::random(9);
  std::vector<std::uint8_t> good = encode_weights(net);
  auto back = decode_weights(good.data(), good.size());
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back.value().w2, net.w2);

  auto fails_with = [](std::vector<std::uint8_t> bytes, const std::string& needle) {
    auto r = decode_weights(bytes.data(), bytes.size());
    ASSERT_FALSE(r) << "accepted: " << needle;
    EXPECT_NE(r.error().find(needle), std::string::npos) << r.error();
  };
  auto reseal = [](std::vector<std::uint8_t> b) {  // fix the checksum after an edit
    const std::uint32_t c = crc32(b.data(), b.size() - 4);
    for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<std::uint8_t>(c >> (8 * i));
    return b;
  };
  fails_with({}, "not a FilterLens weights file");
  fails_with(std::vector<std::uint8_t>(good.begin(), good.begin() + 100), "damaged or truncated");
  std::vector<std::uint8_t> flipped = good;
  flipped[500] ^= 0x40;
  fails_with(flipped, "checksum");
  std::vector<std::uint8_t> v2 = good;
  v2[8] = 2;
  fails_with(reseal(v2), "version 2");
  std::vector<std::uint8_t> shape = good;
  // conv1.weight's first dimension (8) sits after magic, version, count, name length, name, rank.
  const std::size_t dim0 = 8 + 4 + 4 + 4 + 12 + 4;
  shape[dim0] = 9;
  fails_with(reseal(shape), "conv1.weight has shape 9x1x5x5");
  std::vector<std::uint8_t> nan = good;
  const std::size_t first_value = dim0 + 16;
  nan[first_value + 2] = 0xC0;
  nan[first_value + 3] = 0x7F;
  fails_with(reseal(nan), "not a finite number");
  std::vector<std::uint8_t> extra = good;
  extra.insert(extra.end() - 4, {1, 2, 3});
  fails_with(reseal(extra), "extra bytes");
}

TEST(CnnIdx, ParsesAndRefusesMalformedFiles) {
  std::vector<std::uint8_t> images = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28};
  images.resize(16 + 2 * 28 * 28, 7);
  auto ok = parse_idx_images(images.data(), images.size());
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok.value().count, 2);
  EXPECT_NE(parse_idx_images(images.data(), images.size() - 1).error().find("truncated"),
            std::string::npos);
  images[3] = 1;
  EXPECT_NE(parse_idx_images(images.data(), images.size()).error().find("not an IDX image file"),
            std::string::npos);
  std::vector<std::uint8_t> labels = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3};
  ASSERT_TRUE(parse_idx_labels(labels.data(), labels.size()));
  labels[10] = 12;
  EXPECT_NE(parse_idx_labels(labels.data(), labels.size()).error().find("label 12"),
            std::string::npos);
  const std::vector<std::uint8_t> bad_gzip = {0x1f, 0x8b, 8,    0, 0, 0, 0, 0, 0, 3, 0xff,
                                              0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(gunzip_if_needed(bad_gzip.data(), bad_gzip.size()));
  IdxImages im;
  im.count = 2;
  im.rows = im.cols = 28;
  im.pixels.resize(2 * 28 * 28);
  EXPECT_NE(make_dataset(im, {1, 2, 3}).error().find("2 images but 3 labels"), std::string::npos);
}

}  // namespace
}  // namespace filterlens::cnn

namespace filterlens::cnn {
namespace {

TEST(CnnSimilarity, FindsThePresetAndItsSign) {
  const Kernel sobel = find_preset("sobel_x").value();
  EXPECT_NEAR(zero_mean_cosine(sobel, sobel), 1.0, 1e-12);
  // A 5x5 kernel holding Sobel-x in its centre (plus a constant, which zero-mean removes).
  Kernel big{"learned", "", 5, 5, std::vector<float>(25, 0.3f)};
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x)
      big.weights[static_cast<std::size_t>(y + 1) * 5 + x + 1] += 2 * sobel.at(x, y);
  const PresetMatch m = most_similar_preset(big);
  EXPECT_TRUE(m.preset == "sobel_x" || m.preset == "scharr_x" || m.preset == "prewitt_x")
      << m.preset;
  EXPECT_GT(m.cosine, 0.9);
  for (float& w : big.weights) w = -w;  // inverted: same preset, negative score
  EXPECT_LT(most_similar_preset(big).cosine, -0.9);
  EXPECT_EQ(zero_mean_cosine(find_preset("blur").value(), sobel), 0.0);  // no zero-mean part
}

}  // namespace
}  // namespace filterlens::cnn
