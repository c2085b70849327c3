// Small single-threaded matrix products for the CNN's dense layers, row-major, accumulating (C +=
// ...). The innermost loops run over contiguous memory, so the compiler vectorises them (SIMD128 in
// wasm, SSE natively).
#pragma once

namespace filterlens::cnn {

// C[M][N] += A[M][K] * B[K][N]
void gemm_nn(int m, int n, int k, const float* a, const float* b, float* c);
// C[M][N] += A[M][K] * B[N][K]^T
void gemm_nt(int m, int n, int k, const float* a, const float* b, float* c);

}  // namespace filterlens::cnn
