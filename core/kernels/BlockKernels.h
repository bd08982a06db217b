// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <utility>

// What the Mamba-1 and Mamba-2 blocks share: how a chunk is split across threads and the dense
// steps (products with PyTorch-layout weights, RMSNorm over columns).
namespace mscope::blockkernels {

/// Below this many tokens per thread a chunk runs in the calling thread alone; above, every thread
/// takes a share of the tokens (the scan: of the channels or heads) and calls single-threaded
/// sgemm, with one parallel region for all the layers.
constexpr int64_t kMinTokensPerThread = 16;

/// [begin, end) of part `i` of `n` of [0, count), in multiples of `align`.
inline std::pair<int64_t, int64_t> share(int64_t count, int i, int n, int64_t align = 1)
{
    const int64_t units = (count + align - 1) / align;
    return {std::min(count, units * i / n * align), std::min(count, units * (i + 1) / n * align)};
}

/// C[M, n] (column-major, leading dimension ldc) = A[M, K] (row-major: a PyTorch weight) ·
/// B[K, n] (column-major, leading dimension ldb) + beta · C. OpenBLAS runs single-threaded inside
/// an OpenMP parallel region and threads itself outside one.
void gemm(int64_t M, int64_t n, int64_t K, const float *A, const float *B, int64_t ldb, float *C,
          int64_t ldc, float beta = 0.0f);

/// out[:, t] = in[:, t] / sqrt(mean(in[:, t]²) + eps) · weight for t in [t0, t1).
void rmsNorm(const Eigen::MatrixXf &in, const float *weight, double eps, Eigen::MatrixXf &out,
             int64_t t0, int64_t t1);

}  // namespace mscope::blockkernels
