#!/usr/bin/env bash
# The web app's own figures in headless Chromium (issue 11's benchmark), next to OpenCV.js 4.12
# measured in the same page and the same run: recompute of the notebook's bank at 1080p, 12 MP
# and 24 MP, drop-to-maps, edit-to-drawn, bytes and time before the first maps at 10 Mbit/s, and
# the idle main thread. Medians; prints a table. Not a test (nothing here passes or fails).
#
#   scripts/bench-web.sh [--runs N] [--sizes 0|1|2|3]   (needs the wasm build: cmake --build --preset wasm)
#   --sizes: only the first 0, 1 or 2 of 1080p, 12 MP, 24 MP (a loaded machine takes minutes at 24 MP)
#
# OpenCV.js comes from npm (@techstark/opencv-js 4.12.0-release.1), installed into
# build/bench-web by this script; the page is served from a copy of build/wasm/web with
# opencv.js next to it (scripts/serve.py serves one folder only).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
web=${FILTERLENS_WEB:-$root/build/wasm/web}
bench=$root/build/bench-web
[ -f "$web/filterlens.wasm" ] || { echo "no wasm build in $web: run cmake --build --preset wasm" >&2; exit 1; }
[ -d tests/e2e/node_modules/playwright-core ] || (cd tests/e2e && npm ci --no-audit --no-fund --silent)
mkdir -p "$bench"
if [ ! -f "$bench/node_modules/@techstark/opencv-js/dist/opencv.js" ]; then
  [ -f "$bench/package.json" ] || echo '{"private": true}' >"$bench/package.json"
  (cd "$bench" && npm install --no-audit --no-fund --silent @techstark/opencv-js@4.12.0-release.1)
fi
rm -rf "$bench/site"
cp -r "$web" "$bench/site"
cp "$bench/node_modules/@techstark/opencv-js/dist/opencv.js" "$bench/site/opencv.js"
FILTERLENS_BENCH_SITE="$bench/site" exec /usr/bin/node "$root/scripts/bench-web.mjs" "$@"
