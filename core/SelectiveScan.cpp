// SPDX-License-Identifier: GPL-3.0-or-later
#include "SelectiveScan.h"

#include "FastExp.h"

#include <algorithm>
#include <cmath>
#include <omp.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace mscope {

namespace {

#if defined(__AVX2__) && defined(__FMA__)
// Eight lanes of fastExp (same reduction and polynomial, same error bound).
inline __m256 fastExp8(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

inline float horizontalSum(__m256 v)
{
    const __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    __m128 s = _mm_add_ps(lo, hi);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// d_state a multiple of 8: the state row of a channel lives in N/8 AVX registers.
template<int Vecs>
void scanBlockAvx2(const SelectiveScanArgs &a, int e0, int e1)
{
    constexpr int N = Vecs * 8;
    const int E = a.channels;
    for (int t = 0; t < a.tokens; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + N;
        __m256 b[Vecs], c[Vecs];
        for (int v = 0; v < Vecs; ++v) {
            b[v] = _mm256_loadu_ps(B + 8 * v);
            c[v] = _mm256_loadu_ps(C + 8 * v);
        }
        const float *dt = a.delta + size_t(t) * E;
        const float *x = a.x + size_t(t) * E;
        float *y = a.y + size_t(t) * E;
        for (int e = e0; e < e1; ++e) {
            const __m256 dtv = _mm256_set1_ps(dt[e]);
            const __m256 dx = _mm256_set1_ps(dt[e] * x[e]);
            float *s = a.state + size_t(e) * N;
            const float *negA = a.negA + size_t(e) * N;
            __m256 acc = _mm256_setzero_ps();
            for (int v = 0; v < Vecs; ++v) {
                const __m256 decay = fastExp8(_mm256_mul_ps(dtv, _mm256_loadu_ps(negA + 8 * v)));
                const __m256 sv = _mm256_fmadd_ps(decay, _mm256_loadu_ps(s + 8 * v),
                                                  _mm256_mul_ps(dx, b[v]));
                _mm256_storeu_ps(s + 8 * v, sv);
                acc = _mm256_fmadd_ps(sv, c[v], acc);
            }
            y[e] = horizontalSum(acc) + a.d[e] * x[e];
        }
    }
}
#endif

// Any d_state: plain loops (the compiler may or may not vectorize them).
void scanBlockGeneric(const SelectiveScanArgs &a, int e0, int e1)
{
    const int E = a.channels, N = a.stateSize;
    for (int t = 0; t < a.tokens; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + N;
        const float *dt = a.delta + size_t(t) * E;
        const float *x = a.x + size_t(t) * E;
        float *y = a.y + size_t(t) * E;
        for (int e = e0; e < e1; ++e) {
            const float dtv = dt[e];
            const float dx = dtv * x[e];
            float *s = a.state + size_t(e) * N;
            const float *negA = a.negA + size_t(e) * N;
            float acc = 0.0f;
            for (int k = 0; k < N; ++k) {
                const float v = fastExp(dtv * negA[k]) * s[k] + dx * B[k];
                s[k] = v;
                acc += v * C[k];
            }
            y[e] = acc + a.d[e] * x[e];
        }
    }
}

void scanBlock(const SelectiveScanArgs &a, int e0, int e1)
{
#if defined(__AVX2__) && defined(__FMA__)
    switch (a.stateSize) {
    case 8: return scanBlockAvx2<1>(a, e0, e1);
    case 16: return scanBlockAvx2<2>(a, e0, e1);
    case 32: return scanBlockAvx2<4>(a, e0, e1);
    case 64: return scanBlockAvx2<8>(a, e0, e1);
    case 128: return scanBlockAvx2<16>(a, e0, e1);
    default: break;
    }
#endif
    scanBlockGeneric(a, e0, e1);
}

}  // namespace

void selectiveScan(const SelectiveScanArgs &a)
{
    const int E = a.channels;
    // Blocks of channels small enough that their state rows stay in L1 across the token loop.
    const int block = std::max(8, std::min(64, 4096 / std::max(1, a.stateSize)));
    const int blocks = (E + block - 1) / block;
#pragma omp parallel for schedule(static) if (blocks > 1 && a.tokens * E > 4096)
    for (int b = 0; b < blocks; ++b)
        scanBlock(a, b * block, std::min(E, b * block + block));
}

void selectiveScanReference(const SelectiveScanArgs &a)
{
    const int E = a.channels, N = a.stateSize;
    for (int t = 0; t < a.tokens; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + N;
        for (int e = 0; e < E; ++e) {
            const double dt = a.delta[size_t(t) * E + e];
            const double xv = a.x[size_t(t) * E + e];
            double acc = 0.0;
            for (int k = 0; k < N; ++k) {
                float &s = a.state[size_t(e) * N + k];
                const double v = std::exp(dt * a.negA[size_t(e) * N + k]) * s + dt * B[k] * xv;
                s = float(v);
                acc += v * C[k];
            }
            a.y[size_t(t) * E + e] = float(acc + a.d[e] * xv);
        }
    }
}

}  // namespace mscope
