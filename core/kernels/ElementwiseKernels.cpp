// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/ElementwiseKernels.h"

#include "kernels/FastExp.h"
#include "kernels/KernelIsa.h"

#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

using simd::kLog2e;

Isa isa()
{
    return selectedIsa();
}

// ---- scalar (also the tails of the vector loops) ----

float siluScalar(float v)
{
    return v / (1.0f + std::exp(-v));
}

float softplusScalar(float x)
{
    return std::max(x, 0.0f) + std::log1p(std::exp(-std::abs(x)));
}

// maxNotNaN's rule from element `from` on, after `best` for those before: a comparison with NaN
// is false, so NaN never wins.
float maxNotNaNFrom(const float *v, int64_t from, int64_t n, float best)
{
    for (int64_t i = from; i < n; ++i)
        best = v[i] > best ? v[i] : best;
    return best;
}

// expShifted's rule for one value: 0 for NaN and below the normal range.
float expShiftedScalar(float v, float shift)
{
    const float x = v - shift;
    return x >= -87.33f ? std::exp(x) : 0.0f;
}

// ---- AVX-512 ----

// GCC 12 warns about an "uninitialized" pass-through operand inside the unmasked forms of these;
// the masked forms with every lane set are the same instructions.
constexpr __mmask16 kAll = 0xFFFF;

__attribute__((target("avx512f"))) inline __m512 max512(__m512 a, __m512 b)
{
    return _mm512_mask_max_ps(a, kAll, a, b);
}

__attribute__((target("avx512f"))) inline __m512 min512(__m512 a, __m512 b)
{
    return _mm512_mask_min_ps(a, kAll, a, b);
}

__attribute__((target("avx512f"))) inline double sumLanes(__m512 v)
{
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    double sum = 0.0;
    for (float l : lanes)
        sum += double(l);
    return sum;
}

__attribute__((target("avx512f"))) void siluAvx512(float *v, int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm512_storeu_ps(v + i, simd::siluv(_mm512_loadu_ps(v + i)));
    }
    for (; i < n; ++i)
        v[i] = siluScalar(v[i]);
}

__attribute__((target("avx512f"))) void softplusAvx512(float *v, const float *bias,
                                                       const float *scale, int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 x = _mm512_add_ps(_mm512_loadu_ps(v + i), _mm512_loadu_ps(bias + i));
        const __m512 negAbs = min512(x, _mm512_sub_ps(_mm512_setzero_ps(), x));
        const __m512 t = simd::expv(negAbs);
        __m512 r = _mm512_add_ps(max512(x, _mm512_setzero_ps()), simd::log1pUnitv(t));
        if (scale)
            r = _mm512_mul_ps(r, _mm512_loadu_ps(scale + i));
        _mm512_storeu_ps(v + i, r);
    }
    for (; i < n; ++i)
        v[i] = softplusScalar(v[i] + bias[i]) * (scale ? scale[i] : 1.0f);
}

// Float lanes sum at most kFlush / 64 terms each before they go into a double.
constexpr int64_t kFlush = 4096;

__attribute__((target("avx512f"))) double sumExpAvx512(const float *v, int64_t n, float shift)
{
    const __m512 offset = _mm512_set1_ps(-shift);
    double sum = 0.0;
    int64_t i = 0;
    while (i + 64 <= n) {
        // Four accumulators: shorter dependency chains, fewer terms per lane.
        __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                         _mm512_setzero_ps()};
        const int64_t end = std::min(n, i + kFlush);
        for (; i + 64 <= end; i += 64) {
            for (int k = 0; k < 4; ++k) {
                const __m512 x = _mm512_add_ps(_mm512_loadu_ps(v + i + 16 * k), offset);
                acc[k] = _mm512_add_ps(acc[k], simd::expv(x));
            }
        }
        for (int k = 0; k < 4; ++k)
            sum += sumLanes(acc[k]);
    }
    for (; i < n; ++i)
        sum += std::exp(double(v[i]) - double(shift));
    return sum;
}

// NaN lanes lose: max_ps returns its second operand when either is NaN.
__attribute__((target("avx512f"))) float maxNotNaNAvx512(const float *v, int64_t n)
{
    __m512 m = _mm512_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        m = max512(_mm512_loadu_ps(v + i), m);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, m);
    return maxNotNaNFrom(v, i, n, *std::max_element(lanes, lanes + 16));
}

// exp(x) where x ≥ -87.3, else 0; the ordered comparison is false for NaN.
__attribute__((target("avx512f"))) inline __m512 expOrZero(__m512 x)
{
    const __mmask16 inRange = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.33f), _CMP_GE_OQ);
    return _mm512_maskz_mov_ps(inRange, simd::expv(x));
}

__attribute__((target("avx512f"))) void expShiftedAvx512(const float *v, int64_t n, float shift,
                                                         float *out)
{
    const __m512 offset = _mm512_set1_ps(-shift);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i, expOrZero(_mm512_add_ps(_mm512_loadu_ps(v + i), offset)));
    if (i < n) {
        const __mmask16 tail = __mmask16((1u << (n - i)) - 1u);
        const __m512 x = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, v + i), offset);
        _mm512_mask_storeu_ps(out + i, tail, expOrZero(x));
    }
}

// ---- AVX2 ----

__attribute__((target("avx2,fma"))) void siluAvx2(float *v, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(v + i, simd::siluv(_mm256_loadu_ps(v + i)));
    }
    for (; i < n; ++i)
        v[i] = siluScalar(v[i]);
}

__attribute__((target("avx2,fma"))) void softplusAvx2(float *v, const float *bias,
                                                      const float *scale, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_add_ps(_mm256_loadu_ps(v + i), _mm256_loadu_ps(bias + i));
        const __m256 negAbs = _mm256_min_ps(x, _mm256_sub_ps(_mm256_setzero_ps(), x));
        const __m256 t = simd::expv(negAbs);
        __m256 r = _mm256_add_ps(_mm256_max_ps(x, _mm256_setzero_ps()), simd::log1pUnitv(t));
        if (scale)
            r = _mm256_mul_ps(r, _mm256_loadu_ps(scale + i));
        _mm256_storeu_ps(v + i, r);
    }
    for (; i < n; ++i)
        v[i] = softplusScalar(v[i] + bias[i]) * (scale ? scale[i] : 1.0f);
}

__attribute__((target("avx2,fma"))) double sumExpAvx2(const float *v, int64_t n, float shift)
{
    const __m256 offset = _mm256_set1_ps(-shift);
    double sum = 0.0;
    int64_t i = 0;
    alignas(32) float lanes[8];
    while (i + 32 <= n) {
        __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                         _mm256_setzero_ps()};
        const int64_t end = std::min(n, i + kFlush);
        for (; i + 32 <= end; i += 32) {
            for (int k = 0; k < 4; ++k) {
                const __m256 x = _mm256_add_ps(_mm256_loadu_ps(v + i + 8 * k), offset);
                acc[k] = _mm256_add_ps(acc[k], simd::expv(x));
            }
        }
        for (int k = 0; k < 4; ++k) {
            _mm256_store_ps(lanes, acc[k]);
            for (float l : lanes)
                sum += double(l);
        }
    }
    for (; i < n; ++i)
        sum += std::exp(double(v[i]) - double(shift));
    return sum;
}

__attribute__((target("avx2,fma"))) float maxNotNaNAvx2(const float *v, int64_t n)
{
    __m256 m = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        m = _mm256_max_ps(_mm256_loadu_ps(v + i), m);  // NaN in the first operand loses
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    return maxNotNaNFrom(v, i, n, *std::max_element(lanes, lanes + 8));
}

__attribute__((target("avx2,fma"))) void expShiftedAvx2(const float *v, int64_t n, float shift,
                                                        float *out)
{
    const __m256 offset = _mm256_set1_ps(-shift), low = _mm256_set1_ps(-87.33f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_add_ps(_mm256_loadu_ps(v + i), offset);
        // expv clamps below -87.33 (and turns NaN into a number): the mask puts 0 there.
        _mm256_storeu_ps(out + i, _mm256_and_ps(_mm256_cmp_ps(x, low, _CMP_GE_OQ), simd::expv(x)));
    }
    for (; i < n; ++i)
        out[i] = expShiftedScalar(v[i], shift);
}

}  // namespace

void siluInPlace(float *v, int64_t n)
{
    switch (isa()) {
        case Isa::Avx512:
            return siluAvx512(v, n);
        case Isa::Avx2:
            return siluAvx2(v, n);
        case Isa::Scalar:
            break;
    }
    for (int64_t i = 0; i < n; ++i)
        v[i] = siluScalar(v[i]);
}

void softplusInPlace(float *v, const float *bias, const float *scale, int64_t n)
{
    switch (isa()) {
        case Isa::Avx512:
            return softplusAvx512(v, bias, scale, n);
        case Isa::Avx2:
            return softplusAvx2(v, bias, scale, n);
        case Isa::Scalar:
            break;
    }
    for (int64_t i = 0; i < n; ++i)
        v[i] = softplusScalar(v[i] + bias[i]) * (scale ? scale[i] : 1.0f);
}

void rmsNormalizeInPlace(float *v, int64_t n, float eps)
{
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i)
        sum += double(v[i]) * double(v[i]);
    const float scale = float(1.0 / std::sqrt(sum / double(n) + double(eps)));
#pragma omp simd
    for (int64_t i = 0; i < n; ++i)
        v[i] *= scale;
}

double sumExpShifted(const float *v, int64_t n, float shift)
{
    switch (isa()) {
        case Isa::Avx512:
            return sumExpAvx512(v, n, shift);
        case Isa::Avx2:
            return sumExpAvx2(v, n, shift);
        case Isa::Scalar:
            break;
    }
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i)
        sum += std::exp(double(v[i]) - double(shift));
    return sum;
}

float maxNotNaN(const float *v, int64_t n)
{
    switch (isa()) {
        case Isa::Avx512:
            return maxNotNaNAvx512(v, n);
        case Isa::Avx2:
            return maxNotNaNAvx2(v, n);
        case Isa::Scalar:
            break;
    }
    return maxNotNaNFrom(v, 0, n, -INFINITY);
}

int64_t firstIndexOf(const float *v, int64_t n, float value)
{
    // Runs of 64 compared in vectors (the compiler's, for the build's target), then the run that
    // holds it one by one: a vocabulary's logits are thousands of floats, std::find compares one
    // at a time.
    constexpr int64_t kRun = 64;
    int64_t i = 0;
    for (; i + kRun <= n; i += kRun) {
        int found = 0;
#pragma omp simd reduction(| : found)
        for (int64_t k = 0; k < kRun; ++k)
            found |= v[i + k] == value;
        if (found)
            break;
    }
    for (; i < n; ++i)
        if (v[i] == value)
            return i;
    return n;
}

void expShifted(const float *v, int64_t n, float shift, float *out)
{
    switch (isa()) {
        case Isa::Avx512:
            return expShiftedAvx512(v, n, shift, out);
        case Isa::Avx2:
            return expShiftedAvx2(v, n, shift, out);
        case Isa::Scalar:
            break;
    }
    for (int64_t i = 0; i < n; ++i)
        out[i] = expShiftedScalar(v[i], shift);
}

}  // namespace mscope
