// filterlens-cli train / eval: the CNN of src/core/cnn on Fashion-MNIST IDX files. Each adds
// its subcommand (options, checks, help) to the CLI11 app; main runs the one that was chosen.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace filterlens::cli {

struct TrainArgs {
  std::string data, out;
  int epochs = 3, limit = 0, test_limit = 0, batch = 32;
  std::uint32_t seed = 1;
  float lr = 1e-3f;
};

struct EvalArgs {
  std::string data, weights;
  int test_limit = 0;
};

CLI::App* add_train_command(CLI::App& app, TrainArgs& args);
CLI::App* add_eval_command(CLI::App& app, EvalArgs& args);

// Return the process exit code (see cli_support.h); throw UsageError for a missing option.
int run_train(const TrainArgs& args);
int run_eval(const EvalArgs& args);

}  // namespace filterlens::cli
