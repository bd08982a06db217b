// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/SelectiveScan.h"

#include "kernels/FastExp.h"
#include "kernels/KernelIsa.h"

#include <immintrin.h>
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace mscope {

namespace {

// The scan is exp-bound (N exps per channel and token), so it runs W channels per vector with
// exp(Δ·A) = 2^(Δ·A·log2 e): A is scaled by log2 e once per block, and 2^x = 2^n · p(x - n) with
// n = round(x) and p a degree-5 fit of 2^f on [-1/2, 1/2] (relative error 9e-8, about 2e-7 with
// float rounding; p(0) = 1 exactly). Vectorizing over channels instead of over d_state needs no
// horizontal sum for y and works for any d_state.
using simd::exp2v;
using simd::kLog2e;
// The vector kernels keep a block's state and scaled A transposed, [N, W], in per-thread buffers.
constexpr int kMaxVectorState = 256;
// Tokens per tile: a thread runs all its channel blocks over one tile before the next, so that
// the tile's rows of Δ, x, z and y (read W channels at a time) stay in L2 and its prefetchers
// see consecutive lines, instead of striding E floats per token through memory for each block.
constexpr int kTileTokens = 64;

// The [W, N] rows of A (scaled by log2 e) and of the state of channels [e0, e0 + W), as [N, W]:
// one vector of W channels per state index.
void gatherBlock(const SelectiveScanArgs &a, int e0, int W, float *at, float *st)
{
    const int N = a.stateSize;
    for (int j = 0; j < W; ++j) {
        const float *negA = a.negA + size_t(e0 + j) * N;
        const float *s = a.state + size_t(e0 + j) * N;
        for (int n = 0; n < N; ++n) {
            at[n * W + j] = negA[n] * kLog2e;
            st[n * W + j] = s[n];
        }
    }
}

void scatterState(const SelectiveScanArgs &a, int e0, int W, const float *st)
{
    const int N = a.stateSize;
    for (int j = 0; j < W; ++j) {
        float *s = a.state + size_t(e0 + j) * N;
        for (int n = 0; n < N; ++n)
            s[n] = st[n * W + j];
    }
}

// ---- AVX-512: 16 channels per vector ----

// Tokens [t0, t1) of channels [e0, e0 + 16); `at` and `st` as gatherBlock makes them.
template <int N>
__attribute__((target("avx512f"))) void scanBlockAvx512(const SelectiveScanArgs &a, int e0, int t0,
                                                        int t1, const float *at, float *st)
{
    constexpr int W = 16;
    const int n = N > 0 ? N : a.stateSize;
    const size_t E = size_t(a.channels);
    const __m512 dv = _mm512_loadu_ps(a.d + e0);
    __m512 s[N > 0 ? N : 1];
    if constexpr (N > 0) {
        for (int k = 0; k < N; ++k)
            s[k] = _mm512_loadu_ps(st + k * W);
    }
    for (int t = t0; t < t1; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + n;
        const __m512 dt = _mm512_loadu_ps(a.delta + t * E + e0);
        const __m512 xv = _mm512_loadu_ps(a.x + t * E + e0);
        const __m512 dx = _mm512_mul_ps(dt, xv);
        __m512 y0 = _mm512_mul_ps(dv, xv), y1 = _mm512_setzero_ps();
        if constexpr (N > 0) {
#pragma GCC unroll 16
            for (int k = 0; k < N; k += 2) {
                const __m512 d0 = exp2v(_mm512_mul_ps(dt, _mm512_loadu_ps(at + k * W)));
                const __m512 d1 = exp2v(_mm512_mul_ps(dt, _mm512_loadu_ps(at + (k + 1) * W)));
                s[k] = _mm512_fmadd_ps(d0, s[k], _mm512_mul_ps(dx, _mm512_set1_ps(B[k])));
                s[k + 1] =
                    _mm512_fmadd_ps(d1, s[k + 1], _mm512_mul_ps(dx, _mm512_set1_ps(B[k + 1])));
                y0 = _mm512_fmadd_ps(s[k], _mm512_set1_ps(C[k]), y0);
                y1 = _mm512_fmadd_ps(s[k + 1], _mm512_set1_ps(C[k + 1]), y1);
            }
        } else {
            for (int k = 0; k < n; ++k) {
                const __m512 d0 = exp2v(_mm512_mul_ps(dt, _mm512_loadu_ps(at + k * W)));
                const __m512 sv = _mm512_fmadd_ps(d0, _mm512_loadu_ps(st + k * W),
                                                  _mm512_mul_ps(dx, _mm512_set1_ps(B[k])));
                _mm512_storeu_ps(st + k * W, sv);
                y0 = _mm512_fmadd_ps(sv, _mm512_set1_ps(C[k]), y0);
            }
        }
        __m512 y = _mm512_add_ps(y0, y1);
        if (a.z)
            y = _mm512_mul_ps(y, simd::siluv(_mm512_loadu_ps(a.z + size_t(t) * a.zStride + e0)));
        _mm512_storeu_ps(a.y + t * E + e0, y);
    }
    if constexpr (N > 0) {
        for (int k = 0; k < N; ++k)
            _mm512_storeu_ps(st + k * W, s[k]);
    }
}

// ---- AVX2: 8 channels per vector ----

__attribute__((target("avx2,fma"))) void scanBlockAvx2(const SelectiveScanArgs &a, int e0, int t0,
                                                       int t1, const float *at, float *st)
{
    constexpr int W = 8;
    const int N = a.stateSize;
    const size_t E = size_t(a.channels);
    const __m256 dv = _mm256_loadu_ps(a.d + e0);
    for (int t = t0; t < t1; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + N;
        const __m256 dt = _mm256_loadu_ps(a.delta + t * E + e0);
        const __m256 xv = _mm256_loadu_ps(a.x + t * E + e0);
        const __m256 dx = _mm256_mul_ps(dt, xv);
        __m256 y0 = _mm256_mul_ps(dv, xv), y1 = _mm256_setzero_ps();
        int k = 0;
        for (; k + 1 < N; k += 2) {
            const __m256 d0 = exp2v(_mm256_mul_ps(dt, _mm256_loadu_ps(at + k * W)));
            const __m256 d1 = exp2v(_mm256_mul_ps(dt, _mm256_loadu_ps(at + (k + 1) * W)));
            const __m256 s0 = _mm256_fmadd_ps(d0, _mm256_loadu_ps(st + k * W),
                                              _mm256_mul_ps(dx, _mm256_broadcast_ss(B + k)));
            const __m256 s1 = _mm256_fmadd_ps(d1, _mm256_loadu_ps(st + (k + 1) * W),
                                              _mm256_mul_ps(dx, _mm256_broadcast_ss(B + k + 1)));
            _mm256_storeu_ps(st + k * W, s0);
            _mm256_storeu_ps(st + (k + 1) * W, s1);
            y0 = _mm256_fmadd_ps(s0, _mm256_broadcast_ss(C + k), y0);
            y1 = _mm256_fmadd_ps(s1, _mm256_broadcast_ss(C + k + 1), y1);
        }
        if (k < N) {
            const __m256 d0 = exp2v(_mm256_mul_ps(dt, _mm256_loadu_ps(at + k * W)));
            const __m256 s0 = _mm256_fmadd_ps(d0, _mm256_loadu_ps(st + k * W),
                                              _mm256_mul_ps(dx, _mm256_broadcast_ss(B + k)));
            _mm256_storeu_ps(st + k * W, s0);
            y0 = _mm256_fmadd_ps(s0, _mm256_broadcast_ss(C + k), y0);
        }
        __m256 y = _mm256_add_ps(y0, y1);
        if (a.z)
            y = _mm256_mul_ps(y, simd::siluv(_mm256_loadu_ps(a.z + size_t(t) * a.zStride + e0)));
        _mm256_storeu_ps(a.y + t * E + e0, y);
    }
}

// ---- Any CPU, any d_state: one channel at a time ----

void scanChannelScalar(const SelectiveScanArgs &a, int e)
{
    const int E = a.channels, N = a.stateSize;
    float *s = a.state + size_t(e) * N;
    const float *negA = a.negA + size_t(e) * N;
    for (int t = 0; t < a.tokens; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + N;
        const float dt = a.delta[size_t(t) * E + e];
        const float xv = a.x[size_t(t) * E + e];
        const float dx = dt * xv;
        float acc = 0.0f;
        for (int k = 0; k < N; ++k) {
            const float v = fastExp(dt * negA[k]) * s[k] + dx * B[k];
            s[k] = v;
            acc += v * C[k];
        }
        float y = acc + a.d[e] * xv;
        if (a.z) {
            const float z = a.z[size_t(t) * a.zStride + e];
            y *= z / (1.0f + fastExp(-z));
        }
        a.y[size_t(t) * E + e] = y;
    }
}

Isa isa()
{
    return selectedIsa();
}

int vectorWidth(Isa i)
{
    return i == Isa::Avx512 ? 16 : i == Isa::Avx2 ? 8 : 1;
}

void scanBlock(Isa i, const SelectiveScanArgs &a, int e0, int t0, int t1, const float *at,
               float *st)
{
    if (i == Isa::Avx512) {
        switch (a.stateSize) {
            case 16:
                return scanBlockAvx512<16>(a, e0, t0, t1, at, st);
            case 8:
                return scanBlockAvx512<8>(a, e0, t0, t1, at, st);
            default:
                return scanBlockAvx512<0>(a, e0, t0, t1, at, st);
        }
    }
    scanBlockAvx2(a, e0, t0, t1, at, st);
}

}  // namespace

int selectiveScanChannelAlignment()
{
    return vectorWidth(isa());
}

void selectiveScanChannels(const SelectiveScanArgs &a, int firstChannel, int endChannel)
{
    Isa i = isa();
    if (a.stateSize > kMaxVectorState)
        i = Isa::Scalar;
    const int w = vectorWidth(i), N = a.stateSize;
    const int blocks = i == Isa::Scalar ? 0 : (endChannel - firstChannel) / w;
    if (blocks > 0) {
        // Per thread, reused from call to call: no allocation once warm.
        thread_local std::vector<float> at, st;
        const size_t perBlock = size_t(N) * w;
        at.resize(perBlock * blocks);
        st.resize(perBlock * blocks);
        for (int b = 0; b < blocks; ++b)
            gatherBlock(a, firstChannel + b * w, w, at.data() + b * perBlock,
                        st.data() + b * perBlock);
        for (int t0 = 0; t0 < a.tokens; t0 += kTileTokens) {
            const int t1 = std::min(a.tokens, t0 + kTileTokens);
            for (int b = 0; b < blocks; ++b)
                scanBlock(i, a, firstChannel + b * w, t0, t1, at.data() + b * perBlock,
                          st.data() + b * perBlock);
        }
        for (int b = 0; b < blocks; ++b)
            scatterState(a, firstChannel + b * w, w, st.data() + b * perBlock);
    }
    for (int e = firstChannel + blocks * w; e < endChannel; ++e)
        scanChannelScalar(a, e);
}

void selectiveScan(const SelectiveScanArgs &a)
{
    const int E = a.channels, w = selectiveScanChannelAlignment();
    const int blocks = (E + w - 1) / w;
#pragma omp parallel if (blocks > 1 && int64_t(a.tokens) * E * a.stateSize > 65536)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int b0 = int(int64_t(blocks) * t / nt), b1 = int(int64_t(blocks) * (t + 1) / nt);
        selectiveScanChannels(a, std::min(E, b0 * w), std::min(E, b1 * w));
    }
}

}  // namespace mscope
