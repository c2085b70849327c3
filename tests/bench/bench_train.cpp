// filterlens-bench-train: training and inference throughput of the CNN (src/core/cnn), one
// thread, batch 32, on random 28 x 28 images (the arithmetic does not depend on the pixels).
// Prints medians of 5 runs and the implied time for one 60,000-image Fashion-MNIST epoch.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "cnn/trainer.h"

using namespace filterlens::cnn;

int main() {
#if defined(__wasm__)
  const char* target = "wasm";
#else
  const char* target = "native";
#endif
  constexpr int kImages = 1024;
  Dataset data;
  data.count = kImages;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  data.images.resize(static_cast<std::size_t>(kImages) * kInput * kInput);
  for (float& v : data.images) v = u(rng);
  for (int i = 0; i < kImages; ++i) data.labels.push_back(static_cast<std::uint8_t>(i % kClasses));

  std::vector<double> train_rates, infer_rates;
  for (int run = 0; run < 5; ++run) {
    TrainOptions o;
    o.epochs = 1;
    o.seed = static_cast<std::uint32_t>(run + 1);
    Trainer trainer(data, o);
    auto t0 = std::chrono::steady_clock::now();
    trainer.run(kImages);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    train_rates.push_back(kImages / s);
    t0 = std::chrono::steady_clock::now();
    const Evaluation e = evaluate(trainer.network(), data);
    s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    infer_rates.push_back(e.count / s);
  }
  std::sort(train_rates.begin(), train_rates.end());
  std::sort(infer_rates.begin(), infer_rates.end());
  const double train = train_rates[2], infer = infer_rates[2];
  std::printf(
      "filterlens-bench-train (%s): training %.0f images/s (one 60,000-image epoch: %.1f s), "
      "inference %.0f images/s\n",
      target, train, 60000.0 / train, infer);
  return 0;
}
