// train: Adam on the training set, progress per epoch (with test accuracy), weights written
// atomically. eval: test accuracy of a weights file. Exit codes as the CLI's: 2 bad usage,
// 3 unreadable data or weights, 4 output not writable.
#include "cnn_commands.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "atomic_write.h"
#include "cli_support.h"
#include "cnn/dataset.h"
#include "cnn/trainer.h"
#include "cnn/weights_file.h"
#include "file_bytes.h"

namespace filterlens::cli {
namespace {

using namespace filterlens::cnn;

// Bounds: wide enough for any real run, narrow enough that nothing wraps or runs for years.
constexpr std::int64_t kMaxEpochs = 1000, kMaxBatch = 60000, kMaxImages = 10'000'000;

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

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
    print_error(dir + " has no " + stem + "-images-idx3-ubyte[.gz] and " + stem +
                "-labels-idx1-ubyte[.gz]");
    return false;
  }
  auto images = read_file_bytes(images_path);
  if (!images) {
    print_error("cannot read " + quoted(images_path) + ": " + images.error());
    return false;
  }
  auto labels = read_file_bytes(labels_path);
  if (!labels) {
    print_error("cannot read " + quoted(labels_path) + ": " + labels.error());
    return false;
  }
  auto data = load_idx_dataset({images.value().data(), images.value().size(), quoted(images_path)},
                               {labels.value().data(), labels.value().size(), quoted(labels_path)});
  if (!data) {
    print_error("cannot read " + data.error());
    return false;
  }
  out = std::move(data).value();
  return true;
}

}  // namespace

CLI::App* add_train_command(CLI::App& app, TrainArgs& a) {
  CLI::App* cmd =
      app.add_subcommand("train",
                         "Train the CNN (2 conv + 2 dense layers, Adam) from scratch on\n"
                         "Fashion-MNIST IDX files and write its weights; prints loss and\n"
                         "accuracy per epoch.");
  cmd->add_option("--data", a.data, "folder holding train-* and t10k-*-idx?-ubyte[.gz] (required)")
      ->type_name("DIR");
  cmd->add_option("--out", a.out, "weights file to write, replaced atomically (required)")
      ->type_name("WEIGHTS");
  cmd->add_option("--epochs", a.epochs, "passes over the training set, 1-1000 (default 3)")
      ->type_name("N")
      ->check(whole_number(1, kMaxEpochs));
  cmd->add_option("--seed", a.seed,
                  "seed of the initial weights and the shuffling, 0-4294967295 (default 1)")
      ->type_name("S")
      ->check(whole_number(0, 4294967295LL));
  cmd->add_option("--lr", a.lr, "Adam's learning rate, above 0 and at most 1 (default 0.001)")
      ->type_name("X")
      ->check(positive_number(1.0));
  cmd->add_option("--batch", a.batch, "images per Adam step, 1-60000 (default 32)")
      ->type_name("N")
      ->check(whole_number(1, kMaxBatch));
  cmd->add_option("--limit", a.limit, "train on the first N images only (default 0: all)")
      ->type_name("N")
      ->check(whole_number(0, kMaxImages));
  cmd->add_option("--test-limit", a.test_limit,
                  "report accuracy on the first N test images only (default 0: all)")
      ->type_name("N")
      ->check(whole_number(0, kMaxImages));
  return cmd;
}

CLI::App* add_eval_command(CLI::App& app, EvalArgs& a) {
  CLI::App* cmd = app.add_subcommand(
      "eval", "Print the test accuracy and mean loss of a weights file on\nFashion-MNIST.");
  cmd->add_option("--weights", a.weights, "weights file, as written by train (required)")
      ->type_name("WEIGHTS");
  cmd->add_option("--data", a.data, "folder holding t10k-*-idx?-ubyte[.gz] (required)")
      ->type_name("DIR");
  cmd->add_option("--test-limit", a.test_limit, "the first N test images only (default 0: all)")
      ->type_name("N")
      ->check(whole_number(0, kMaxImages));
  return cmd;
}

// Checked here rather than with CLI11's required(), which would report a missing option before
// an unknown one, when the unknown one is usually the typo that caused it.
int run_train(const TrainArgs& a) {
  if (a.data.empty()) throw UsageError{"--data DIR is required"};
  if (a.out.empty()) throw UsageError{"--out WEIGHTS is required"};
  Dataset train, test;
  if (!load_split(a.data, "train", train) || !load_split(a.data, "t10k", test))
    return kExitUnreadable;
  train = head(train, a.limit);
  test = head(test, a.test_limit);
  // load_idx_dataset refuses empty sets; this keeps the loop below finite whatever changes.
  if (train.count == 0) {
    print_error("the training set is empty: nothing to train on");
    return kExitUnreadable;
  }
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
  const Status written = write_file_atomic(a.out, bytes);
  if (!written) {
    print_error(written.error());
    return kExitUnwritable;
  }
  std::printf("wrote %s (%zu bytes)\n", printable(a.out).c_str(), bytes.size());
  return kExitOk;
}

int run_eval(const EvalArgs& a) {
  if (a.weights.empty()) throw UsageError{"--weights WEIGHTS is required"};
  if (a.data.empty()) throw UsageError{"--data DIR is required"};
  auto bytes = read_file_bytes(a.weights);
  if (!bytes) {
    print_error("cannot read " + quoted(a.weights) + ": " + bytes.error());
    return kExitUnreadable;
  }
  Result<Network> net = decode_weights(bytes.value().data(), bytes.value().size());
  if (!net) {
    print_error("cannot read " + quoted(a.weights) + ": " + net.error());
    return kExitUnreadable;
  }
  Dataset test;
  if (!load_split(a.data, "t10k", test)) return kExitUnreadable;
  test = head(test, a.test_limit);
  const auto t0 = std::chrono::steady_clock::now();
  const Evaluation e = evaluate(net.value(), test);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("test accuracy %.2f%% (%d of %d), mean loss %.4f, %.1f s\n", 100.0 * e.accuracy(),
              e.correct, e.count, e.mean_loss, s);
  return kExitOk;
}

}  // namespace filterlens::cli
