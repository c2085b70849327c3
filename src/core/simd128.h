// One spelling of WebAssembly SIMD128 for every target: the real intrinsics when compiling to
// wasm with -msimd128, SIMDe's portable implementation of the same names everywhere else, so the
// native unit tests run the very code the browser runs.
#pragma once

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#define SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif
