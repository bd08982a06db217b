// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <immintrin.h>

/// Reductions across a vector's lanes for the kernels that dispatch at run time (DecodeKernels,
/// LogitSummary): each carries its own target attribute, as FastExp.h's vector forms do. The sums
/// pair the lanes in one fixed order (i + i+8, i + i+4, k + k+2, 0 + 1), the order
/// _mm512_reduce_add_ps uses, so that every kernel gets the same bits from the same lanes.
namespace mscope::simd {

/// The two 256-bit halves of a vector added (lane i with lane i+8), or taken the larger of. The
/// masked extract with every lane set is the plain instruction; GCC 12 warns about the unmasked
/// one's undefined pass-through operand, also inside _mm512_reduce_*_ps.
__attribute__((target("avx512f"), always_inline)) inline void halvesOf(__m512 a, __m256 &low,
                                                                       __m256 &high)
{
    const __m512d v = _mm512_castps_pd(a);
    low = _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xFF, v, 0));
    high = _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xFF, v, 1));
}

__attribute__((target("avx512f"), always_inline)) inline __m256 foldHalves(__m512 a)
{
    __m256 low, high;
    halvesOf(a, low, high);
    return _mm256_add_ps(low, high);
}

/// The sum of the lanes of one vector.
__attribute__((target("avx2,fma"), always_inline)) inline float sumLanes(__m256 a)
{
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

__attribute__((target("avx512f"), always_inline)) inline float sumLanes(__m512 a)
{
    return sumLanes(foldHalves(a));
}

/// The largest of the lanes of one vector (none of them NaN).
__attribute__((target("avx2,fma"), always_inline)) inline float maxLanes(__m256 m)
{
    m = _mm256_max_ps(m, _mm256_permute2f128_ps(m, m, 1));
    m = _mm256_max_ps(m, _mm256_shuffle_ps(m, m, _MM_SHUFFLE(1, 0, 3, 2)));
    m = _mm256_max_ps(m, _mm256_shuffle_ps(m, m, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm256_cvtss_f32(m);
}

__attribute__((target("avx512f"), always_inline)) inline float maxLanes(__m512 m)
{
    __m256 low, high;
    halvesOf(m, low, high);
    return maxLanes(_mm256_max_ps(low, high));
}

/// The sums of eight vectors' lanes, as one vector of eight: three levels of pairwise
/// horizontal adds and one of halves, so a row costs about three instructions instead of a full
/// horizontal reduction each.
__attribute__((target("avx2,fma"), always_inline)) inline __m256 sumLanes8(const __m256 (&h)[8])
{
    const __m256 h01 = _mm256_hadd_ps(h[0], h[1]), h23 = _mm256_hadd_ps(h[2], h[3]);
    const __m256 h45 = _mm256_hadd_ps(h[4], h[5]), h67 = _mm256_hadd_ps(h[6], h[7]);
    const __m256 h0123 = _mm256_hadd_ps(h01, h23), h4567 = _mm256_hadd_ps(h45, h67);
    return _mm256_add_ps(_mm256_permute2f128_ps(h0123, h4567, 0x20),
                         _mm256_permute2f128_ps(h0123, h4567, 0x31));
}

__attribute__((target("avx512f"), always_inline)) inline __m256 sumLanes8(const __m512 (&a)[8])
{
    __m256 h[8];
    for (int i = 0; i < 8; ++i)
        h[i] = foldHalves(a[i]);
    return sumLanes8(h);
}

}  // namespace mscope::simd
