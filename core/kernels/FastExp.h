// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <immintrin.h>
#include <bit>
#include <cstdint>

namespace mscope {

/// exp(x) for the scan's decay factors, written so that GCC vectorizes it inside `omp simd` loops.
/// Cody-Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, and a degree-6 minimax-style Taylor
/// polynomial for e^r: relative error below 2e-7 (about 2 ulp) for x in [-87, 88], which is what
/// tst_forward checks against std::exp. Inputs below -87 return about 1.6e-38 instead of 0,
/// harmless for a decay factor multiplying a bounded state.
inline float fastExp(float x)
{
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    // rint rounds to nearest even in the default rounding mode, and GCC and Clang both inline it.
    const float n = __builtin_rintf(x * 1.44269504088896341f);
    float r = x - n * 0.693359375f;  // ln2 split: high part exact in float
    r = r - n * -2.12194440e-4f;     // low part
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int32_t bits = (int32_t(n) + 127) << 23;
    return p * std::bit_cast<float>(bits);
}

/// Vector forms for the kernels that dispatch at run time (the build targets AVX2; these carry
/// their own target attributes so that AVX-512 code exists whatever -march says).
namespace simd {

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2 = 0.693147180559945309f;
// 2^f on [-1/2, 1/2], degree 5, p(0) = 1 exactly: relative error 9e-8 (fitted for this file).
constexpr float kExp2P1 = 6.931469776e-01f, kExp2P2 = 2.402224207e-01f, kExp2P3 = 5.550733727e-02f,
                kExp2P4 = 9.671513425e-03f, kExp2P5 = 1.326473156e-03f;

/// 2^x = 2^n · p(x - n), n = round(x); about 2e-7 relative. scalef covers the whole range
/// (2^-1000 is 0, 2^1000 is inf).
__attribute__((target("avx512f"))) inline __m512 exp2v(__m512 x)
{
    // The masked forms with every lane set are the plain instructions; GCC 12 warns about the
    // unmasked ones (an "uninitialized" pass-through operand).
    constexpr __mmask16 all = 0xFFFF;
    const __m512 n =
        _mm512_mask_roundscale_ps(x, all, x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m512 f = _mm512_sub_ps(x, n);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(kExp2P5), f, _mm512_set1_ps(kExp2P4));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kExp2P3));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kExp2P2));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kExp2P1));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0f));
    return _mm512_mask_scalef_ps(p, all, p, n);
}

/// The same for AVX2, clamped to [-126, 126] so that n + 127 stays a normal exponent: 2^-126
/// instead of 0 is harmless for a decay factor, and a sigmoid's 2^126 still divides to 0.
__attribute__((target("avx2,fma"))) inline __m256 exp2v(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-126.0f)), _mm256_set1_ps(126.0f));
    const __m256 n = _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256 f = _mm256_sub_ps(x, n);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(kExp2P5), f, _mm256_set1_ps(kExp2P4));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2P3));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2P2));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2P1));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0f));
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/// e^x to about 2e-7 relative over the whole float range: n = round(x·log2 e), then
/// r = x - n·ln 2 in two steps (Cody-Waite: the high part of ln 2 has few bits, so n·ln2_hi is
/// exact) and e^r = 2^(r·log2 e) by the same polynomial. Unlike exp2v(x·log2 e), the rounding of
/// the product does not grow with |x|.
__attribute__((target("avx512f"))) inline __m512 expv(__m512 x)
{
    constexpr __mmask16 all = 0xFFFF;
    const __m512 xl = _mm512_mul_ps(x, _mm512_set1_ps(kLog2e));
    const __m512 n =
        _mm512_mask_roundscale_ps(xl, all, xl, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    const __m512 f = _mm512_mul_ps(r, _mm512_set1_ps(kLog2e));
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(kExp2P5), f, _mm512_set1_ps(kExp2P4));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kExp2P3));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kExp2P2));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kExp2P1));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0f));
    return _mm512_mask_scalef_ps(p, all, p, n);
}

/// The same for AVX2, clamped to [-87.3, 87.3] (2^±126).
__attribute__((target("avx2,fma"))) inline __m256 expv(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.33f)), _mm256_set1_ps(87.33f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    const __m256 f = _mm256_mul_ps(r, _mm256_set1_ps(kLog2e));
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(kExp2P5), f, _mm256_set1_ps(kExp2P4));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2P3));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2P2));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2P1));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0f));
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/// 1/d to about 1 ulp: the 14-bit estimate and one Newton step, far cheaper than a 512-bit
/// division on current cores.
__attribute__((target("avx512f"))) inline __m512 reciprocalv(__m512 d)
{
    const __m512 r = _mm512_mask_rcp14_ps(d, 0xFFFF, d);  // masked form: see exp2v
    return _mm512_fmadd_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(1.0f)), r);
}

/// x · sigmoid(x) = x / (1 + e^-x). e^-x is capped at about 2^126 so that the reciprocal of
/// 1 + e^-x stays finite (silu(x) for x < -87 comes out as about x·1e-38 instead of 0).
__attribute__((target("avx512f"))) inline __m512 siluv(__m512 x)
{
    const __m512 negX = _mm512_sub_ps(_mm512_setzero_ps(), x);
    const __m512 e = expv(_mm512_mask_min_ps(negX, 0xFFFF, negX, _mm512_set1_ps(87.33f)));
    return _mm512_mul_ps(x, reciprocalv(_mm512_add_ps(_mm512_set1_ps(1.0f), e)));
}

__attribute__((target("avx2,fma"))) inline __m256 siluv(__m256 x)
{
    const __m256 e = expv(_mm256_sub_ps(_mm256_setzero_ps(), x));  // capped there
    return _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

/// log(1 + t) for t in [0, 1], about 2 ulp, without ever forming 1 + t (which would lose t's low
/// bits): log(1 + t) = 2·atanh(s) with s = t / (2 + t) for t < 1/2, and
/// log(1 + t) = ln 2 + 2·atanh(s) with s = (t - 1) / (t + 3) above; |s| ≤ 0.2, series to s⁹.
__attribute__((target("avx512f"))) inline __m512 log1pUnitv(__m512 t)
{
    const __mmask16 high = _mm512_cmp_ps_mask(t, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __m512 num = _mm512_mask_sub_ps(t, high, t, _mm512_set1_ps(1.0f));
    const __m512 den =
        _mm512_add_ps(t, _mm512_mask_blend_ps(high, _mm512_set1_ps(2.0f), _mm512_set1_ps(3.0f)));
    const __m512 s = _mm512_mul_ps(num, reciprocalv(den));
    const __m512 s2 = _mm512_mul_ps(s, s);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(2.0f / 9.0f), s2, _mm512_set1_ps(2.0f / 7.0f));
    p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(2.0f / 5.0f));
    p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(2.0f / 3.0f));
    p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(2.0f));
    return _mm512_fmadd_ps(p, s, _mm512_maskz_mov_ps(high, _mm512_set1_ps(kLn2)));
}

__attribute__((target("avx2,fma"))) inline __m256 log1pUnitv(__m256 t)
{
    const __m256 high = _mm256_cmp_ps(t, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 num = _mm256_sub_ps(t, _mm256_and_ps(high, _mm256_set1_ps(1.0f)));
    const __m256 den =
        _mm256_add_ps(t, _mm256_blendv_ps(_mm256_set1_ps(2.0f), _mm256_set1_ps(3.0f), high));
    const __m256 s = _mm256_div_ps(num, den);
    const __m256 s2 = _mm256_mul_ps(s, s);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(2.0f / 9.0f), s2, _mm256_set1_ps(2.0f / 7.0f));
    p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(2.0f / 5.0f));
    p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(2.0f / 3.0f));
    p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(2.0f));
    return _mm256_fmadd_ps(p, s, _mm256_and_ps(high, _mm256_set1_ps(kLn2)));
}

}  // namespace simd

}  // namespace mscope
