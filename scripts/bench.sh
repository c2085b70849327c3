#!/usr/bin/env bash
# Builds the native and wasm benchmarks and prints their tables: the convolution bank (median ms,
# Mpixel x filter / s), the CNN's training and inference throughput (images / s), and the peak
# heap of opening 2, 12 and 24 MP photos (native only: filterlens-bench-memory).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NODE_PATH=/usr/share/nodejs
for preset in native wasm; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" --target filterlens-bench filterlens-bench-train >/dev/null
done
cmake --build --preset native --target filterlens-bench-memory >/dev/null
./build/native/tests/filterlens-bench "$@"
echo
node --no-experimental-fetch build/wasm/tests/filterlens-bench.js "$@"
echo
./build/native/tests/filterlens-bench-train
node --no-experimental-fetch build/wasm/tests/filterlens-bench-train.js
echo
./build/native/tests/filterlens-bench-memory
