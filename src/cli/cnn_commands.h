// filterlens-cli train / eval: the CNN of src/core/cnn on Fashion-MNIST IDX files.
#pragma once

namespace filterlens::cli {

// argv[0] is the subcommand ("train" or "eval"). Returns the process exit code.
int run_train(int argc, char** argv);
int run_eval(int argc, char** argv);

}  // namespace filterlens::cli
