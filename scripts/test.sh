#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), then builds and runs every test:
#   format check   clang-format on src/ and tests/
#   native         unit tests, SIMD sweeps, PyTorch oracle tests, CLI tests, the desktop app
#                  under Xvfb (Release)
#   native-asan    the same under AddressSanitizer + UndefinedBehaviorSanitizer (Debug)
#   wasm           unit tests and SIMD sweeps compiled to WebAssembly, run under node
#   e2e            the web app in Debian's Chromium via playwright-core (node's test runner)
# Ends with one summary line: "summary: N passed, M failed".
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

format_check() {
  local files
  files=$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files
}

ctest_preset() {
  local preset=$1
  cmake --preset "$preset" >/dev/null &&
    cmake --build --preset "$preset" &&
    ctest --preset "$preset"
}

e2e() {
  (cd tests/e2e && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent)
  FILTERLENS_ARTIFACTS="$PWD/build/test-artifacts" node --test tests/e2e/
}

step "clang-format" format_check
for preset in native native-asan wasm; do
  step "build + ctest ($preset)" ctest_preset "$preset"
done
step "e2e (chromium)" e2e

echo
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
