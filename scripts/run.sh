#!/usr/bin/env bash
# Sets up the machine, builds natively and runs filterlens-cli on the default image, writing the
# notebook's feature maps and figure to out/. Pass other CLI arguments to override, e.g.
#   scripts/run.sh photo.jpg --out out/photo --filters sobel_x,sobel_y
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cmake --preset native >/dev/null
cmake --build --preset native
if [ "$#" -eq 0 ]; then
  set -- assets/chelsea.png --out out
fi
./build/native/src/cli/filterlens-cli "$@"
