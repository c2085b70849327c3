#!/usr/bin/env bash
# The format check (ctest label `format`): clang-format, with the repository's .clang-format,
# over every tracked C++ file under src/ and tests/. Prints the offending lines; exits non-zero
# if any file is not formatted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files formatted"
