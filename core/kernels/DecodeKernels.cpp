// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/DecodeKernels.h"

#include "kernels/FastExp.h"
#include "kernels/KernelIsa.h"
#include "kernels/LaneReductions.h"

#include <immintrin.h>
#include <algorithm>
#include <array>
#include <utility>

namespace mscope::decodekernels {

namespace {

// ---- AVX-512 ----

using simd::sumLanes;
using simd::sumLanes8;

__attribute__((target("avx512f"))) void matVecAvx512(const float *W, int64_t ldw, int64_t rows,
                                                     int64_t cols, const float *x, float *y,
                                                     bool accumulate)
{
    const int64_t full = cols / 16 * 16;
    const __mmask16 tail = __mmask16((1u << (cols - full)) - 1u);
    int64_t r = 0;
    // Eight rows at a time: eight streams through the weights, one load of x per 16 columns.
    // The same columns of the eight rows after the next eight are prefetched meanwhile: short
    // rows (a kilobyte for d_model 256) end before the hardware prefetchers ramp up, and
    // streaming the weights at the memory's bandwidth is the whole game here (measured on a 14
    // MiB model: 33 GB/s without, 53 with the next eight rows; mamba-130m's shapes from memory,
    // sixteen rows ahead against eight: 1.045, 12 alternating rounds, 9 above 1).
    for (; r + 8 <= rows; r += 8) {
        const float *w = W + r * ldw;
        __m512 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = _mm512_setzero_ps();
        for (int64_t k = 0; k < full; k += 16) {
            const __m512 xv = _mm512_loadu_ps(x + k);
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i) {
                _mm_prefetch(reinterpret_cast<const char *>(w + (16 + i) * ldw + k), _MM_HINT_T0);
                acc[i] = _mm512_fmadd_ps(_mm512_loadu_ps(w + i * ldw + k), xv, acc[i]);
            }
        }
        if (tail) {
            const __m512 xv = _mm512_maskz_loadu_ps(tail, x + full);
            for (int i = 0; i < 8; ++i)
                acc[i] =
                    _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w + i * ldw + full), xv, acc[i]);
        }
        __m256 sums = sumLanes8(acc);
        if (accumulate)
            sums = _mm256_add_ps(sums, _mm256_loadu_ps(y + r));
        _mm256_storeu_ps(y + r, sums);
    }
    for (; r < rows; ++r) {
        const float *w = W + r * ldw;
        __m512 acc = _mm512_setzero_ps();
        for (int64_t k = 0; k < full; k += 16)
            acc = _mm512_fmadd_ps(_mm512_loadu_ps(w + k), _mm512_loadu_ps(x + k), acc);
        if (tail)
            acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w + full),
                                  _mm512_maskz_loadu_ps(tail, x + full), acc);
        const float sum = sumLanes(acc);
        y[r] = accumulate ? y[r] + sum : sum;
    }
}

// A panel of NV vectors a row. Narrow panels take U rows k at a time into U sets of
// accumulators (eight vectors in flight either way, for the FMAs' latency), added in order at
// the end. Prefetching 4 KiB ahead keeps the stream going across the panel's end into the next,
// which PackedMatrix lays out after it (measured on this machine's L3: 88 GB/s without, 107 with;
// decoding the demo model, 4 KiB ahead against 2: median ratio 1.05 over 8 alternating runs, 8
// KiB no better than 4).
template <int NV>
__attribute__((target("avx512f"))) void panelTimesAvx512(const float *panel, int64_t stride,
                                                         int64_t outputs, int64_t k0, int64_t k1,
                                                         const float *x, float *y)
{
    constexpr int U = NV >= 8 ? 1 : 8 / NV;
    constexpr int64_t kAhead = 1024;  // floats
    __m512 acc[U][NV];
    for (int u = 0; u < U; ++u)
        for (int i = 0; i < NV; ++i)
            acc[u][i] = _mm512_setzero_ps();
    const float *p = panel + k0 * stride;
    int64_t k = k0;
    for (; k + U <= k1; k += U, p += U * stride) {
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) {
            const __m512 xv = _mm512_set1_ps(x[k + u]);
#pragma GCC unroll 16
            for (int i = 0; i < NV; ++i) {
                const float *v = p + u * stride + i * 16;
                _mm_prefetch(reinterpret_cast<const char *>(v + kAhead), _MM_HINT_T0);
                acc[u][i] = _mm512_fmadd_ps(_mm512_loadu_ps(v), xv, acc[u][i]);
            }
        }
    }
    for (; k < k1; ++k, p += stride) {
        const __m512 xv = _mm512_set1_ps(x[k]);
        for (int i = 0; i < NV; ++i)
            acc[0][i] = _mm512_fmadd_ps(_mm512_loadu_ps(p + i * 16), xv, acc[0][i]);
    }
    for (int u = 1; u < U; ++u)
        for (int i = 0; i < NV; ++i)
            acc[0][i] = _mm512_add_ps(acc[0][i], acc[u][i]);
    for (int i = 0; i < NV; ++i) {
        const int64_t left = outputs - i * 16;
        if (left >= 16)
            _mm512_storeu_ps(y + i * 16, acc[0][i]);
        else if (left > 0)
            _mm512_mask_storeu_ps(y + i * 16, __mmask16((1u << left) - 1u), acc[0][i]);
    }
}

using PanelKernel = void (*)(const float *, int64_t, int64_t, int64_t, int64_t, const float *,
                             float *);

template <int... NV>
constexpr std::array<PanelKernel, sizeof...(NV)> panelKernels(std::integer_sequence<int, NV...>)
{
    return {&panelTimesAvx512<NV + 1>...};
}

// The state row of channel e advanced by one token (one or more vectors of 16), and the lanes of
// Σ_n C[n]·s[e,n] before their horizontal sum.
__attribute__((target("avx512f"), always_inline)) inline __m512 scanChannel(const ScanStepArgs &a,
                                                                            int64_t e)
{
    const int64_t N = a.stateSize;
    const __m512 log2e = _mm512_set1_ps(simd::kLog2e);
    const __m512 dt = _mm512_set1_ps(a.delta[e]);
    const __m512 dx = _mm512_set1_ps(a.delta[e] * a.x[e]);
    float *s = a.state + e * N;
    const float *negA = a.negA + e * N;
    __m512 acc = _mm512_setzero_ps();
    for (int64_t n = 0; n < N; n += 16) {
        const __m512 decay =
            simd::exp2v(_mm512_mul_ps(dt, _mm512_mul_ps(_mm512_loadu_ps(negA + n), log2e)));
        const __m512 sv = _mm512_fmadd_ps(decay, _mm512_loadu_ps(s + n),
                                          _mm512_mul_ps(dx, _mm512_loadu_ps(a.b + n)));
        _mm512_storeu_ps(s + n, sv);
        acc = _mm512_fmadd_ps(sv, _mm512_loadu_ps(a.c + n), acc);
    }
    return acc;
}

// The y of eight channels [e, e + 8) from their lanes of Σ_n C[n]·s[e,n]: + D·x, gated.
__attribute__((target("avx512f"), always_inline)) inline __m256 scanOutputs8(const float *x,
                                                                             const float *d,
                                                                             const float *z,
                                                                             const __m512 (&acc)[8])
{
    const __m256 y = _mm256_fmadd_ps(_mm256_loadu_ps(d), _mm256_loadu_ps(x), sumLanes8(acc));
    return z ? _mm256_mul_ps(y, simd::siluv(_mm256_loadu_ps(z))) : y;
}

// State size 16 (every Mamba-1 checkpoint we know): scanChannel's arithmetic, the same bits, with
// B and C loaded once and the eight channels' exp chains unrolled side by side, which the core
// overlaps (the loop over a runtime size ran them one after another: 256 channels in L1 took
// 0.82-0.85 µs against 1.25-1.30 on this VM).
__attribute__((target("avx512f"))) void scanStepOf16Avx512(const ScanStepArgs &a, int64_t e0,
                                                           int64_t e1)
{
    const float *__restrict delta = a.delta, *__restrict x = a.x, *__restrict negA = a.negA;
    const float *__restrict d = a.d, *__restrict z = a.z;
    float *__restrict state = a.state, *__restrict y = a.y;
    const __m512 log2e = _mm512_set1_ps(simd::kLog2e);
    const __m512 b = _mm512_loadu_ps(a.b), c = _mm512_loadu_ps(a.c);
    for (int64_t e = e0; e < e1; e += 8) {
        __m512 acc[8];
#pragma GCC unroll 8
        for (int i = 0; i < 8; ++i) {
            const __m512 dx = _mm512_set1_ps(delta[e + i] * x[e + i]);
            const __m512 decay = simd::exp2v(
                _mm512_mul_ps(_mm512_set1_ps(delta[e + i]),
                              _mm512_mul_ps(_mm512_loadu_ps(negA + (e + i) * 16), log2e)));
            float *s = state + (e + i) * 16;
            const __m512 sv = _mm512_fmadd_ps(decay, _mm512_loadu_ps(s), _mm512_mul_ps(dx, b));
            _mm512_storeu_ps(s, sv);
            acc[i] = _mm512_fmadd_ps(sv, c, _mm512_setzero_ps());
        }
        _mm256_storeu_ps(y + e, scanOutputs8(x + e, d + e, z ? z + e : nullptr, acc));
    }
}

// Channels of a state size that is a multiple of 16, eight channels at a time (their sums over n
// reduced together).
__attribute__((target("avx512f"))) void scanStepAvx512(const ScanStepArgs &a, int64_t e0,
                                                       int64_t e1)
{
    int64_t e = e0;
    if (a.stateSize == 16) {
        e = e0 + (e1 - e0) / 8 * 8;
        scanStepOf16Avx512(a, e0, e);
    }
    for (; e + 8 <= e1; e += 8) {
        __m512 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = scanChannel(a, e + i);
        _mm256_storeu_ps(a.y + e, scanOutputs8(a.x + e, a.d + e, a.z ? a.z + e : nullptr, acc));
    }
    for (; e < e1; ++e) {
        float y = sumLanes(scanChannel(a, e)) + a.d[e] * a.x[e];
        if (a.z)
            y *= a.z[e] / (1.0f + fastExp(-a.z[e]));
        a.y[e] = y;
    }
}

// Position p of a Mamba-2 head advanced by one token; the lanes of Σ_n C[n]·s[p,n].
__attribute__((target("avx512f"), always_inline)) inline __m512 headPosition(const HeadStepArgs &a,
                                                                             int64_t p)
{
    const int64_t N = a.stateSize;
    const __m512 decay = _mm512_set1_ps(a.decay);
    const __m512 dx = _mm512_set1_ps(a.delta * a.x[p]);
    float *s = a.state + p * N;
    __m512 acc = _mm512_setzero_ps();
    for (int64_t n = 0; n < N; n += 16) {
        const __m512 sv = _mm512_fmadd_ps(decay, _mm512_loadu_ps(s + n),
                                          _mm512_mul_ps(dx, _mm512_loadu_ps(a.b + n)));
        _mm512_storeu_ps(s + n, sv);
        acc = _mm512_fmadd_ps(sv, _mm512_loadu_ps(a.c + n), acc);
    }
    return acc;
}

__attribute__((target("avx512f"))) void headStepAvx512(const HeadStepArgs &a)
{
    const int64_t P = a.positions;
    int64_t p = 0;
    for (; p + 8 <= P; p += 8) {
        __m512 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = headPosition(a, p + i);
        const __m256 y =
            _mm256_fmadd_ps(_mm256_set1_ps(a.skip), _mm256_loadu_ps(a.x + p), sumLanes8(acc));
        _mm256_storeu_ps(a.y + p, y);
    }
    for (; p < P; ++p)
        a.y[p] = sumLanes(headPosition(a, p)) + a.skip * a.x[p];
}

// ---- AVX2 (16 registers of 8 floats) ----

// Lanes [0, n) of a vector set, for the masked loads and stores of a tail (0 ≤ n ≤ 8).
__attribute__((target("avx2,fma"), always_inline)) inline __m256i firstLanes(int64_t n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// matVecAvx512 with 8-float vectors: eight rows at a time, the next eight rows prefetched a
// cache line at a time.
__attribute__((target("avx2,fma"))) void matVecAvx2(const float *W, int64_t ldw, int64_t rows,
                                                    int64_t cols, const float *x, float *y,
                                                    bool accumulate)
{
    const int64_t full = cols / 8 * 8;
    const __m256i tail = firstLanes(cols - full);
    int64_t r = 0;
    for (; r + 8 <= rows; r += 8) {
        const float *w = W + r * ldw;
        __m256 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = _mm256_setzero_ps();
        for (int64_t k = 0; k < full; k += 8) {
            const __m256 xv = _mm256_loadu_ps(x + k);
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i) {
                if (k % 16 == 0)
                    _mm_prefetch(reinterpret_cast<const char *>(w + (8 + i) * ldw + k),
                                 _MM_HINT_T0);
                acc[i] = _mm256_fmadd_ps(_mm256_loadu_ps(w + i * ldw + k), xv, acc[i]);
            }
        }
        if (full < cols) {
            const __m256 xv = _mm256_maskload_ps(x + full, tail);
            for (int i = 0; i < 8; ++i)
                acc[i] = _mm256_fmadd_ps(_mm256_maskload_ps(w + i * ldw + full, tail), xv, acc[i]);
        }
        __m256 sums = sumLanes8(acc);
        if (accumulate)
            sums = _mm256_add_ps(sums, _mm256_loadu_ps(y + r));
        _mm256_storeu_ps(y + r, sums);
    }
    for (; r < rows; ++r) {
        const float *w = W + r * ldw;
        __m256 acc = _mm256_setzero_ps();
        for (int64_t k = 0; k < full; k += 8)
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(w + k), _mm256_loadu_ps(x + k), acc);
        if (full < cols)
            acc = _mm256_fmadd_ps(_mm256_maskload_ps(w + full, tail),
                                  _mm256_maskload_ps(x + full, tail), acc);
        const float sum = sumLanes(acc);
        y[r] = accumulate ? y[r] + sum : sum;
    }
}

// panelTimesAvx512 with 8-float vectors: NV vectors a row, U = 8 / NV rows at a time into U sets
// of accumulators (8 of the 16 registers). Used for panels of at most 32 outputs (panelWidth()).
template <int NV>
__attribute__((target("avx2,fma"))) void panelTimesAvx2(const float *panel, int64_t stride,
                                                        int64_t outputs, int64_t k0, int64_t k1,
                                                        const float *x, float *y)
{
    static_assert(NV >= 1 && NV <= 8 && 8 % NV == 0);
    constexpr int U = 8 / NV;
    constexpr int64_t kAhead = 1024;  // floats, as for AVX-512
    __m256 acc[U][NV];
    for (int u = 0; u < U; ++u)
        for (int i = 0; i < NV; ++i)
            acc[u][i] = _mm256_setzero_ps();
    const float *p = panel + k0 * stride;
    int64_t k = k0;
    for (; k + U <= k1; k += U, p += U * stride) {
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) {
            const __m256 xv = _mm256_broadcast_ss(x + k + u);
#pragma GCC unroll 8
            for (int i = 0; i < NV; ++i) {
                const float *v = p + u * stride + i * 8;
                if (i % 2 == 0)  // one prefetch a cache line (rows start on lines)
                    _mm_prefetch(reinterpret_cast<const char *>(v + kAhead), _MM_HINT_T0);
                acc[u][i] = _mm256_fmadd_ps(_mm256_loadu_ps(v), xv, acc[u][i]);
            }
        }
    }
    for (; k < k1; ++k, p += stride) {
        const __m256 xv = _mm256_broadcast_ss(x + k);
        for (int i = 0; i < NV; ++i)
            acc[0][i] = _mm256_fmadd_ps(_mm256_loadu_ps(p + i * 8), xv, acc[0][i]);
    }
    for (int u = 1; u < U; ++u)
        for (int i = 0; i < NV; ++i)
            acc[0][i] = _mm256_add_ps(acc[0][i], acc[u][i]);
    for (int i = 0; i < NV; ++i) {
        const int64_t left = outputs - i * 8;
        if (left >= 8)
            _mm256_storeu_ps(y + i * 8, acc[0][i]);
        else if (left > 0)
            _mm256_maskstore_ps(y + i * 8, firstLanes(left), acc[0][i]);
    }
}

// scanChannel with 8-float vectors (a state size that is a multiple of 8).
__attribute__((target("avx2,fma"), always_inline)) inline __m256 scanChannelAvx2(
    const ScanStepArgs &a, int64_t e)
{
    const int64_t N = a.stateSize;
    const __m256 log2e = _mm256_set1_ps(simd::kLog2e);
    const __m256 dt = _mm256_set1_ps(a.delta[e]);
    const __m256 dx = _mm256_set1_ps(a.delta[e] * a.x[e]);
    float *s = a.state + e * N;
    const float *negA = a.negA + e * N;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t n = 0; n < N; n += 8) {
        const __m256 decay =
            simd::exp2v(_mm256_mul_ps(dt, _mm256_mul_ps(_mm256_loadu_ps(negA + n), log2e)));
        const __m256 sv = _mm256_fmadd_ps(decay, _mm256_loadu_ps(s + n),
                                          _mm256_mul_ps(dx, _mm256_loadu_ps(a.b + n)));
        _mm256_storeu_ps(s + n, sv);
        acc = _mm256_fmadd_ps(sv, _mm256_loadu_ps(a.c + n), acc);
    }
    return acc;
}

__attribute__((target("avx2,fma"))) void scanStepAvx2(const ScanStepArgs &a, int64_t e0, int64_t e1)
{
    int64_t e = e0;
    for (; e + 8 <= e1; e += 8) {
        __m256 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = scanChannelAvx2(a, e + i);
        __m256 y =
            _mm256_fmadd_ps(_mm256_loadu_ps(a.d + e), _mm256_loadu_ps(a.x + e), sumLanes8(acc));
        if (a.z)
            y = _mm256_mul_ps(y, simd::siluv(_mm256_loadu_ps(a.z + e)));
        _mm256_storeu_ps(a.y + e, y);
    }
    for (; e < e1; ++e) {
        float y = sumLanes(scanChannelAvx2(a, e)) + a.d[e] * a.x[e];
        if (a.z)
            y *= a.z[e] / (1.0f + fastExp(-a.z[e]));
        a.y[e] = y;
    }
}

// headPosition with 8-float vectors.
__attribute__((target("avx2,fma"), always_inline)) inline __m256 headPositionAvx2(
    const HeadStepArgs &a, int64_t p)
{
    const int64_t N = a.stateSize;
    const __m256 decay = _mm256_set1_ps(a.decay);
    const __m256 dx = _mm256_set1_ps(a.delta * a.x[p]);
    float *s = a.state + p * N;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t n = 0; n < N; n += 8) {
        const __m256 sv = _mm256_fmadd_ps(decay, _mm256_loadu_ps(s + n),
                                          _mm256_mul_ps(dx, _mm256_loadu_ps(a.b + n)));
        _mm256_storeu_ps(s + n, sv);
        acc = _mm256_fmadd_ps(sv, _mm256_loadu_ps(a.c + n), acc);
    }
    return acc;
}

__attribute__((target("avx2,fma"))) void headStepAvx2(const HeadStepArgs &a)
{
    const int64_t P = a.positions;
    int64_t p = 0;
    for (; p + 8 <= P; p += 8) {
        __m256 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = headPositionAvx2(a, p + i);
        const __m256 y =
            _mm256_fmadd_ps(_mm256_set1_ps(a.skip), _mm256_loadu_ps(a.x + p), sumLanes8(acc));
        _mm256_storeu_ps(a.y + p, y);
    }
    for (; p < P; ++p)
        a.y[p] = sumLanes(headPositionAvx2(a, p)) + a.skip * a.x[p];
}

// ---- Any CPU, any sizes (vectorized by the compiler for the build's target) ----

void matVecDefault(const float *W, int64_t ldw, int64_t rows, int64_t cols, const float *x,
                   float *y, bool accumulate)
{
    for (int64_t r = 0; r < rows; ++r) {
        const float *w = W + r * ldw;
        float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
        for (int64_t k = 0; k < cols; ++k)
            sum += w[k] * x[k];
        y[r] = accumulate ? y[r] + sum : sum;
    }
}

void scanStepDefault(const ScanStepArgs &a, int64_t e0, int64_t e1)
{
    const int64_t N = a.stateSize;
    for (int64_t e = e0; e < e1; ++e) {
        const float dt = a.delta[e], dx = dt * a.x[e];
        float *s = a.state + e * N;
        const float *negA = a.negA + e * N;
        float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
        for (int64_t n = 0; n < N; ++n) {
            const float v = fastExp(dt * negA[n]) * s[n] + dx * a.b[n];
            s[n] = v;
            acc += v * a.c[n];
        }
        float y = acc + a.d[e] * a.x[e];
        if (a.z)
            y *= a.z[e] / (1.0f + fastExp(-a.z[e]));
        a.y[e] = y;
    }
}

void panelTimesDefault(const float *panel, int64_t stride, int64_t outputs, int64_t k0, int64_t k1,
                       const float *x, float *y)
{
    std::fill_n(y, outputs, 0.0f);
    for (int64_t k = k0; k < k1; ++k) {
        const float *p = panel + k * stride;
        const float xk = x[k];
#pragma omp simd
        for (int64_t j = 0; j < outputs; ++j)
            y[j] += p[j] * xk;
    }
}

void headStepDefault(const HeadStepArgs &a)
{
    const int64_t N = a.stateSize;
    for (int64_t p = 0; p < a.positions; ++p) {
        const float dx = a.delta * a.x[p];
        float *s = a.state + p * N;
        float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
        for (int64_t n = 0; n < N; ++n) {
            const float v = a.decay * s[n] + dx * a.b[n];
            s[n] = v;
            acc += v * a.c[n];
        }
        a.y[p] = acc + a.skip * a.x[p];
    }
}

// Kept here, not asked of KernelIsa at every call: the step makes about 150 calls a token.
Isa isa()
{
    static const Isa chosen = selectedIsa();
    return chosen;
}

// panelWidth() with AVX2: the widest panel the AVX2 kernel table below covers.
constexpr int64_t kAvx2PanelWidth = 32;

}  // namespace

int64_t panelWidth()
{
    return isa() == Isa::Avx2 ? kAvx2PanelWidth : kWidestPanel;
}

void matVec(const float *W, int64_t ldw, int64_t rows, int64_t cols, const float *x, float *y,
            bool accumulate)
{
    if (rows <= 0)
        return;
    switch (isa()) {
        case Isa::Avx512:
            return matVecAvx512(W, ldw, rows, cols, x, y, accumulate);
        case Isa::Avx2:
            return matVecAvx2(W, ldw, rows, cols, x, y, accumulate);
        case Isa::Scalar:
            break;
    }
    matVecDefault(W, ldw, rows, cols, x, y, accumulate);
}

void panelTimes(const float *panel, int64_t stride, int64_t outputs, int64_t k0, int64_t k1,
                const float *x, float *y)
{
    if (outputs <= 0)
        return;
    if (isa() == Isa::Avx512) {
        static constexpr auto kernels =
            panelKernels(std::make_integer_sequence<int, kWidestPanel / 16>());
        kernels[size_t(stride / 16 - 1)](panel, stride, outputs, k0, k1, x, y);
    } else if (isa() == Isa::Avx2 && stride <= kAvx2PanelWidth) {
        static constexpr PanelKernel kernels[] = {&panelTimesAvx2<2>, &panelTimesAvx2<4>};
        static_assert(std::size(kernels) == kAvx2PanelWidth / 16);
        kernels[size_t(stride / 16 - 1)](panel, stride, outputs, k0, k1, x, y);
    } else {
        panelTimesDefault(panel, stride, outputs, k0, k1, x, y);
    }
}

void selectiveScanStep(const ScanStepArgs &a, int64_t e0, int64_t e1)
{
    if (isa() == Isa::Avx512 && a.stateSize % 16 == 0)
        scanStepAvx512(a, e0, e1);
    else if (isa() != Isa::Scalar && a.stateSize % 8 == 0)
        scanStepAvx2(a, e0, e1);
    else
        scanStepDefault(a, e0, e1);
}

void headScanStep(const HeadStepArgs &a)
{
    if (isa() == Isa::Avx512 && a.stateSize % 16 == 0)
        headStepAvx512(a);
    else if (isa() != Isa::Scalar && a.stateSize % 8 == 0)
        headStepAvx2(a);
    else
        headStepDefault(a);
}

}  // namespace mscope::decodekernels
