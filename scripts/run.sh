#!/usr/bin/env bash
# Sets up the machine, builds FilterLens and runs it on the default image.
#   scripts/run.sh                 the web app: builds the wasm preset and serves it on
#                                  http://127.0.0.1:$PORT/ (PORT defaults to 8000)
#   scripts/run.sh --desktop [IMAGE]   the desktop app (GLFW + OpenGL 3.3)
#   scripts/run.sh --cli [ARGS]    filterlens-cli (default: the default image into out/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
mode=${1:-}
case "$mode" in
  --desktop)
    shift
    cmake --preset native >/dev/null
    cmake --build --preset native --target filterlens
    exec ./build/native/src/platform/filterlens "$@"
    ;;
  --cli)
    shift
    cmake --preset native >/dev/null
    cmake --build --preset native --target filterlens-cli
    [ "$#" -gt 0 ] || set -- assets/chelsea.png --out out
    exec ./build/native/src/cli/filterlens-cli "$@"
    ;;
  *)
    cmake --preset wasm >/dev/null
    cmake --build --preset wasm --target filterlens
    # The pthreads build beside it (filterlens-mt.js): the page runs it when isolated.
    cmake --preset wasm-threads >/dev/null
    cmake --build --preset wasm-threads
    exec /usr/bin/python3 scripts/serve.py --port "${PORT:-8000}"
    ;;
esac
