// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/BlockKernels.h"

#include <cblas.h>
#include <cmath>

namespace mscope::blockkernels {

void gemm(int64_t M, int64_t n, int64_t K, const float *A, const float *B, int64_t ldb, float *C,
          int64_t ldc, float beta)
{
    if (M <= 0 || n <= 0)
        return;
    cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, blasint(M), blasint(n), blasint(K), 1.0f,
                A, blasint(K), B, blasint(ldb), beta, C, blasint(ldc));
}

void rmsNorm(const Eigen::MatrixXf &in, const float *weight, double eps, Eigen::MatrixXf &out,
             int64_t t0, int64_t t1)
{
    const int64_t D = in.rows();
    for (int64_t t = t0; t < t1; ++t) {
        const float *x = in.data() + t * D;
        float *y = out.data() + t * D;
        float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
        for (int64_t i = 0; i < D; ++i)
            sum += x[i] * x[i];
        const float scale = 1.0f / std::sqrt(sum / float(D) + float(eps));
#pragma omp simd
        for (int64_t i = 0; i < D; ++i)
            y[i] = x[i] * scale * weight[i];
    }
}

}  // namespace mscope::blockkernels
