#!/usr/bin/env bash
# Installs everything FilterLens needs on a fresh Debian 12 machine, from Debian's packages and
# npm only, and fetches the Dear ImGui core sources (Debian's source package) into a cache
# outside git. Idempotent: when everything is present it only checks and returns.
#
#   scripts/setup.sh            build + test dependencies
#   FILTERLENS_IMGUI_CACHE=DIR  where the ImGui sources go (default ~/.cache/filterlens)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${FILTERLENS_IMGUI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/filterlens}"

# Each package is used: the build (compilers, CMake/Ninja, Emscripten, the header libraries,
# CLI11, googletest), the fuzzers (clang + libclang-rt-14-dev's libFuzzer), `apt-get source`
# (dpkg-dev), the browser and desktop tests (Chromium, Xvfb + xauth, Mesa), the oracle tests
# (PyTorch, PIL, NumPy, matplotlib), the training data, the UI font and jpegtran (the e2e
# test of a JPEG kind only the browser decodes) and python3-brotli (the web files' brotli copies).
packages=(
  build-essential cmake ninja-build clang-format dpkg-dev clang libclang-rt-14-dev
  emscripten nodejs npm
  libglfw3-dev libimgui-dev libstb-dev libsimde-dev
  libcli11-dev googletest libgtest-dev
  chromium xvfb xauth x11-xserver-utils libgl1-mesa-dri
  python3 python3-numpy python3-torch python3-pil
  python3-matplotlib dataset-fashion-mnist fonts-dejavu-core python3-fonttools
  libjpeg-turbo-progs python3-brotli
)

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node 20 from nodesource may already provide node+npm; don't fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do
    [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

apt_updated=0
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_ apt-get update -qq
  apt_updated=1
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Dear ImGui core sources (imgui.cpp etc.) ship in no binary package: use the source package.
imgui_dir="$cache/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  srcfile=/etc/apt/sources.list.d/filterlens-deb-src.sources
  if [ ! -f "$srcfile" ]; then
    # Reuse the URI of the machine's own Debian 'deb' entry rather than naming a host here.
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    if [ -z "$uri" ]; then
      uri=$(awk '$1=="deb" && $0 ~ /bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    fi
    [ -n "$uri" ] || { echo "setup: cannot find the Debian archive URI for a deb-src entry" >&2; exit 1; }
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" | sudo_ tee "$srcfile" >/dev/null
    apt_updated=0
  fi
  [ "$apt_updated" -eq 1 ] || sudo_ apt-get update -qq
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -qq --download-only imgui >/dev/null && dpkg-source -x --no-check ./*.dsc src >/dev/null)
  mkdir -p "$cache"
  rm -rf "$imgui_dir"
  mv "$tmp/src" "$imgui_dir"
  rm -rf "$tmp"
fi
echo "setup: ImGui sources in $imgui_dir"

# npm: playwright-core drives Debian's Chromium in the end-to-end tests (no browser download).
if [ -f "$here/tests/e2e/package.json" ] && [ ! -d "$here/tests/e2e/node_modules/playwright-core" ]; then
  (cd "$here/tests/e2e" && npm ci --no-audit --no-fund --silent)
fi
echo "setup: ok"
