// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/BackwardKernels.h"

#include "kernels/FastExp.h"

#include <cblas.h>
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <vector>

namespace mscope::backwardkernels {

void gemmTransposedWeight(int64_t K, int64_t n, int64_t M, const float *W, const float *G,
                          int64_t ldg, float *out, int64_t ldo, float beta)
{
    if (K <= 0 || n <= 0)
        return;
    // W row-major [M, K] is Wᵀ column-major [K, M] with leading dimension K.
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(K), blasint(n), blasint(M), 1.0f,
                W, blasint(K), G, blasint(ldg), beta, out, blasint(ldo));
}

void rmsNormBackward(const float *h, const float *weight, double eps, const float *gu, float *gh,
                     int64_t D, int64_t T)
{
#pragma omp parallel for schedule(static)
    for (int64_t t = 0; t < T; ++t) {
        const float *x = h + t * D;
        const float *g = gu + t * D;
        float *out = gh + t * D;
        // r as the forward computes it (float sum of squares, blockkernels::rmsNorm).
        float sum = 0.0f;
        for (int64_t i = 0; i < D; ++i)
            sum += x[i] * x[i];
        const double r = double(1.0f / std::sqrt(sum / float(D) + float(eps)));
        double dot = 0.0;
        for (int64_t i = 0; i < D; ++i)
            dot += double(weight[i]) * double(g[i]) * double(x[i]);
        const float a = float(r), b = float(r * r * r * dot / double(D));
#pragma omp simd
        for (int64_t i = 0; i < D; ++i)
            out[i] += a * weight[i] * g[i] - b * x[i];
    }
}

void convSiluBackward(const float *pre, int64_t preStride, const float *carried,
                      const float *weight, const float *bias, int64_t C, int64_t K, int64_t T,
                      const float *gOut, float *gPre, int64_t gPreStride, float *gCarried,
                      float *scratch)
{
    // The inputs as one sequence: ext[j] = carried[j] for j < K-1, the chunk's token j-(K-1)
    // after; conv output t reads ext[t .. t+K-1]. Then dJ/d ext[j] = Σ_k w[k]·gA[j-k], plus the
    // gradient that arrives for the last K-1 entries (the next chunk's carried state). Every
    // loop runs over a block of channels, contiguous in memory, so that it vectorizes: the taps
    // transposed to [K, C] and the rows of ext found once per token.
    const int64_t keep = K - 1;
    std::vector<float> taps(size_t(K * C));
    for (int64_t c = 0; c < C; ++c)
        for (int64_t k = 0; k < K; ++k)
            taps[size_t(k * C + c)] = weight[c * K + k];
    const float *wT = taps.data();
    const auto extRow = [&](int64_t j) {
        return j < keep ? carried + j * C : pre + (j - keep) * preStride;
    };
    // Channel loops flat and contiguous, the taps outside them (an inner loop over taps inside
    // an `omp simd` loop left GCC with scalar code).
    constexpr int64_t kBlock = 64;
#pragma omp parallel for schedule(static)
    for (int64_t c0 = 0; c0 < C; c0 += kBlock) {
        const int64_t width = std::min(C, c0 + kBlock) - c0;
        // gA = gOut ⊙ silu'(a), a = bias + Σ_k w[k]·ext[t + k] recomputed in float in the
        // forward's order.
        float a[kBlock];
        for (int64_t t = 0; t < T; ++t) {
            if (bias)
                std::copy_n(bias + c0, width, a);
            else
                std::fill_n(a, width, 0.0f);
            for (int64_t k = 0; k < K; ++k) {
                const float *w = wT + k * C + c0, *x = extRow(t + k) + c0;
#pragma omp simd
                for (int64_t i = 0; i < width; ++i)
                    a[i] += w[i] * x[i];
            }
            const float *g = gOut + t * C + c0;
            float *out = scratch + t * C + c0;
#pragma omp simd
            for (int64_t i = 0; i < width; ++i) {
                const float sig = 1.0f / (1.0f + fastExp(-a[i]));
                out[i] = g[i] * siluDerivative(a[i], sig);
            }
        }
        float incoming[16 * kBlock];
        for (int64_t j = 0; j < keep; ++j)
            std::copy_n(gCarried + j * C + c0, width, incoming + j * kBlock);
        float sum[kBlock];
        for (int64_t j = 0; j < T + keep; ++j) {
            // Taps k with t = j - k inside the chunk, in increasing k as before.
            const int64_t k0 = std::max<int64_t>(0, j - (T - 1)), k1 = std::min(K - 1, j);
            if (j >= T)
                std::copy_n(incoming + (j - T) * kBlock, width, sum);
            else
                std::fill_n(sum, width, 0.0f);
            for (int64_t k = k0; k <= k1; ++k) {
                const float *w = wT + k * C + c0, *s = scratch + (j - k) * C + c0;
#pragma omp simd
                for (int64_t i = 0; i < width; ++i)
                    sum[i] += w[i] * s[i];
            }
            float *dst = (j >= keep ? gPre + (j - keep) * gPreStride : gCarried + j * C) + c0;
            std::copy_n(sum, width, dst);
        }
    }
}

}  // namespace mscope::backwardkernels
