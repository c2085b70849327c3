#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), then builds every preset and runs its tests through
# ctest (labels in README "Tests"):
#   native         format check, unit tests, SIMD sweeps, PyTorch oracle tests, CLI tests, the
#                  desktop app under Xvfb, the local server (Release)
#   native-asan    the same under AddressSanitizer + UndefinedBehaviorSanitizer (Debug)
#   wasm           unit tests and SIMD sweeps compiled to WebAssembly under node, then the web
#                  app in Debian's Chromium via playwright-core (label e2e)
#   fuzz           each libFuzzer target (clang, ASan + UBSan): saved crashes replayed, then the
#                  fixed run (seed 1, a set number of executions: the same inputs on every machine)
# Ends with one summary line: "summary: N passed, M failed" (steps; ctest prints each test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs   # Debian's emcc needs acorn from here (TOOLCHAIN.md quirk 1)

passed=0
failed=0
failures=()

step() {  # step NAME COMMAND...: runs a step, counts it, keeps going on failure
  local name=$1
  shift
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

ctest_preset() {
  local preset=$1
  if [ "$preset" = wasm ]; then
    # The app's pthreads build (filterlens-mt.js) next to the page, for the e2e build-pick test.
    cmake --preset wasm-threads >/dev/null && cmake --build --preset wasm-threads || return 1
  fi
  cmake --preset "$preset" >/dev/null &&
    cmake --build --preset "$preset" &&
    ctest --preset "$preset"
}

(cd tests/e2e && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent)
for preset in native native-asan wasm fuzz; do
  step "build + ctest ($preset)" ctest_preset "$preset"
done

echo
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
