// train: Adam on the training set, progress per epoch (with test accuracy), weights written
// atomically. eval: test accuracy of a weights file. Exit codes as the CLI's: 2 bad usage,
// 3 unreadable data or weights, 4 output not writable.
#include "cnn_commands.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cnn/idx.h"
#include "cnn/trainer.h"
#include "cnn/weights_file.h"
#include "file_bytes.h"

namespace filterlens::cli {
namespace {

using namespace filterlens::cnn;

constexpr int kUsage = 2, kUnreadable = 3, kUnwritable = 4;

// Reads DIR/<stem>-idx?-ubyte(.gz); prints the error and returns false on failure.
bool load_split(const std::string& dir, const std::string& stem, Dataset& out) {
  auto find = [&](const char* kind) {
    for (const char* ext : {".gz", ""}) {
      const std::string p = dir + "/" + stem + "-" + kind + "-ubyte" + ext;
      if (std::filesystem::exists(p)) return p;
    }
    return std::string();
  };
  const std::string images_path = find("images-idx3"), labels_path = find("labels-idx1");
  if (images_path.empty() || labels_path.empty()) {
    std::fprintf(
        stderr,
        "filterlens-cli: %s has no %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte[.gz]\n",
        dir.c_str(), stem.c_str(), stem.c_str());
    return false;
  }
  auto raw = read_file_bytes(images_path);
  if (!raw) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", images_path.c_str(),
                 raw.error().c_str());
    return false;
  }
  auto images_bytes = gunzip_if_needed(raw.value().data(), raw.value().size());
  if (!images_bytes) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", images_path.c_str(),
                 images_bytes.error().c_str());
    return false;
  }
  auto images = parse_idx_images(images_bytes.value().data(), images_bytes.value().size());
  if (!images) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", images_path.c_str(),
                 images.error().c_str());
    return false;
  }
  raw = read_file_bytes(labels_path);
  if (!raw) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", labels_path.c_str(),
                 raw.error().c_str());
    return false;
  }
  auto labels_bytes = gunzip_if_needed(raw.value().data(), raw.value().size());
  auto labels = labels_bytes
                    ? parse_idx_labels(labels_bytes.value().data(), labels_bytes.value().size())
                    : Result<std::vector<std::uint8_t>>::fail(labels_bytes.error());
  if (!labels) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", labels_path.c_str(),
                 labels.error().c_str());
    return false;
  }
  auto data = make_dataset(images.value(), labels.value());
  if (!data) {
    std::fprintf(stderr, "filterlens-cli: %s: %s\n", dir.c_str(), data.error().c_str());
    return false;
  }
  out = std::move(data).value();
  return true;
}

struct Args {
  std::string data, out, weights;
  int epochs = 3, limit = 0, test_limit = 0, batch = 32;
  std::uint32_t seed = 1;
  float lr = 1e-3f;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "filterlens-cli %s: %s needs a value\n", argv[0], k.c_str());
      return false;
    }
    const char* v = argv[++i];
    char* end = nullptr;
    if (k == "--data")
      a.data = v;
    else if (k == "--out")
      a.out = v;
    else if (k == "--weights")
      a.weights = v;
    else if (k == "--epochs")
      a.epochs = static_cast<int>(std::strtol(v, &end, 10));
    else if (k == "--limit")
      a.limit = static_cast<int>(std::strtol(v, &end, 10));
    else if (k == "--test-limit")
      a.test_limit = static_cast<int>(std::strtol(v, &end, 10));
    else if (k == "--batch")
      a.batch = static_cast<int>(std::strtol(v, &end, 10));
    else if (k == "--seed")
      a.seed = static_cast<std::uint32_t>(std::strtoul(v, &end, 10));
    else if (k == "--lr")
      a.lr = std::strtof(v, &end);
    else {
      std::fprintf(stderr, "filterlens-cli %s: unknown option '%s'\n", argv[0], k.c_str());
      return false;
    }
    if (end && *end) {
      std::fprintf(stderr, "filterlens-cli %s: %s needs a number (got '%s')\n", argv[0], k.c_str(),
                   v);
      return false;
    }
  }
  if (a.epochs < 1 || a.batch < 1 || !(a.lr > 0)) {
    std::fprintf(stderr,
                 "filterlens-cli %s: --epochs and --batch must be 1 or more, --lr above 0\n",
                 argv[0]);
    return false;
  }
  return true;
}

}  // namespace

int run_train(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) return kUsage;
  if (a.data.empty() || a.out.empty()) {
    std::fprintf(stderr,
                 "usage: filterlens-cli train --data DIR --out FILE [--epochs N] [--seed S] "
                 "[--lr X] [--batch N] [--limit N] [--test-limit N]\n");
    return kUsage;
  }
  Dataset train, test;
  if (!load_split(a.data, "train", train) || !load_split(a.data, "t10k", test)) return kUnreadable;
  train = head(train, a.limit);
  test = head(test, a.test_limit);
  TrainOptions options;
  options.epochs = a.epochs;
  options.seed = a.seed;
  options.learning_rate = a.lr;
  options.batch_size = a.batch;
  Trainer trainer(train, options);
  while (!trainer.done()) {
    const int epoch = trainer.epoch();
    const auto t0 = std::chrono::steady_clock::now();
    trainer.run(train.count);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Trainer::Progress p = trainer.take_progress();
    const Evaluation e = evaluate(trainer.network(), test);
    std::printf(
        "epoch %d/%d: train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%% (%d images), "
        "%.1f s (%.0f images/s)\n",
        epoch + 1, a.epochs, p.loss, 100.0 * p.accuracy, 100.0 * e.accuracy(), e.count, s,
        train.count / s);
    std::fflush(stdout);
  }
  const std::vector<std::uint8_t> bytes = encode_weights(trainer.network());
  const std::string tmp = a.out + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out || !out.write(reinterpret_cast<const char*>(bytes.data()),
                           static_cast<std::streamsize>(bytes.size()))) {
      std::fprintf(stderr, "filterlens-cli: cannot write '%s': %s\n", tmp.c_str(),
                   std::strerror(errno));
      std::remove(tmp.c_str());
      return kUnwritable;
    }
  }
  if (std::rename(tmp.c_str(), a.out.c_str()) != 0) {
    std::fprintf(stderr, "filterlens-cli: cannot write '%s': %s\n", a.out.c_str(),
                 std::strerror(errno));
    std::remove(tmp.c_str());
    return kUnwritable;
  }
  std::printf("wrote %s (%zu bytes)\n", a.out.c_str(), bytes.size());
  return 0;
}

int run_eval(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) return kUsage;
  if (a.data.empty() || a.weights.empty()) {
    std::fprintf(stderr, "usage: filterlens-cli eval --weights FILE --data DIR [--test-limit N]\n");
    return kUsage;
  }
  auto bytes = read_file_bytes(a.weights);
  if (!bytes) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", a.weights.c_str(),
                 bytes.error().c_str());
    return kUnreadable;
  }
  Result<Network> net = decode_weights(bytes.value().data(), bytes.value().size());
  if (!net) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", a.weights.c_str(),
                 net.error().c_str());
    return kUnreadable;
  }
  Dataset test;
  if (!load_split(a.data, "t10k", test)) return kUnreadable;
  test = head(test, a.test_limit);
  const auto t0 = std::chrono::steady_clock::now();
  const Evaluation e = evaluate(net.value(), test);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("test accuracy %.2f%% (%d of %d), mean loss %.4f, %.1f s\n", 100.0 * e.accuracy(),
              e.correct, e.count, e.mean_loss, s);
  return 0;
}

}  // namespace filterlens::cli
