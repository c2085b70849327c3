// gemm_nn / gemm_nt: loop orders chosen so the inner loop is a contiguous axpy or dot.
#include "gemm.h"

namespace filterlens::cnn {

void gemm_nn(int m, int n, int k, const float* a, const float* b, float* c) {
  for (int i = 0; i < m; ++i) {
    float* ci = c + static_cast<long>(i) * n;
    for (int p = 0; p < k; ++p) {
      const float aip = a[static_cast<long>(i) * k + p];
      if (aip == 0.0f) continue;
      const float* bp = b + static_cast<long>(p) * n;
      for (int j = 0; j < n; ++j) ci[j] += aip * bp[j];
    }
  }
}

void gemm_nt(int m, int n, int k, const float* a, const float* b, float* c) {
  for (int i = 0; i < m; ++i) {
    const float* ai = a + static_cast<long>(i) * k;
    for (int j = 0; j < n; ++j) {
      const float* bj = b + static_cast<long>(j) * k;
      // Four partial sums let the compiler vectorise the reduction without reassociating.
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += ai[p] * bj[p];
        s1 += ai[p + 1] * bj[p + 1];
        s2 += ai[p + 2] * bj[p + 2];
        s3 += ai[p + 3] * bj[p + 3];
      }
      for (; p < k; ++p) s0 += ai[p] * bj[p];
      c[static_cast<long>(i) * n + j] += (s0 + s1) + (s2 + s3);
    }
  }
}

}  // namespace filterlens::cnn
