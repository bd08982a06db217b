// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/LogitSummary.h"

#include "kernels/ElementwiseKernels.h"
#include "kernels/FastExp.h"
#include "kernels/KernelIsa.h"
#include "kernels/LaneReductions.h"

#include <immintrin.h>
#include <cmath>

namespace mscope {

namespace {

// One block of whole vectors, in the core's L1 after the LM head wrote it: three short passes
// (the largest, its first id, the exponentials) and two reductions across the lanes, instead
// of the general functions' calls and reductions per 64 values (five times as long for the LM
// head's 128-row blocks).
__attribute__((target("avx512f"))) LogitBlockSummary summarizeAvx512(const float *v, int64_t n,
                                                                     int32_t firstId)
{
    constexpr __mmask16 all = 0xFFFF;
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (int64_t i = 0; i < n; i += 16)
        m = _mm512_mask_max_ps(m, all, _mm512_loadu_ps(v + i), m);  // a NaN lane keeps m
    LogitBlockSummary s;
    s.max = simd::maxLanes(m);
    const __m512 top = _mm512_set1_ps(s.max);
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 hit = _mm512_cmp_ps_mask(_mm512_loadu_ps(v + i), top, _CMP_EQ_OQ);
        if (hit) {
            s.first = firstId + int32_t(i) + int32_t(__builtin_ctz(unsigned(hit)));
            break;
        }
    }
    if (!std::isfinite(s.max))
        return s;
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < n; i += 16)
        acc = _mm512_add_ps(acc, simd::expv(_mm512_sub_ps(_mm512_loadu_ps(v + i), top)));
    s.sumExp = double(simd::sumLanes(acc));
    return s;
}

// The same with 8-float vectors.
__attribute__((target("avx2,fma"))) LogitBlockSummary summarizeAvx2(const float *v, int64_t n,
                                                                    int32_t firstId)
{
    __m256 m = _mm256_set1_ps(-INFINITY);
    for (int64_t i = 0; i < n; i += 8)
        m = _mm256_max_ps(_mm256_loadu_ps(v + i), m);  // NaN in the first operand loses
    LogitBlockSummary s;
    s.max = simd::maxLanes(m);
    m = _mm256_set1_ps(s.max);
    for (int64_t i = 0; i < n; i += 8) {
        const int hit = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(v + i), m, _CMP_EQ_OQ));
        if (hit) {
            s.first = firstId + int32_t(i) + int32_t(__builtin_ctz(unsigned(hit)));
            break;
        }
    }
    if (!std::isfinite(s.max))
        return s;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 8)
        acc = _mm256_add_ps(acc, simd::expv(_mm256_sub_ps(_mm256_loadu_ps(v + i), m)));
    s.sumExp = double(simd::sumLanes(acc));
    return s;
}

}  // namespace

double LogitSummary::logProbability(float valueOfId) const
{
    if (!std::isfinite(max))
        return std::nan("");
    return double(valueOfId) - double(max) - std::log(sumExp);
}

LogitBlockSummary summarizeLogits(const float *v, int64_t n, int32_t firstId)
{
    static const Isa kIsa = selectedIsa();
    if (kIsa == Isa::Avx512 && n % 16 == 0 && n <= 1024)
        return summarizeAvx512(v, n, firstId);
    if (kIsa == Isa::Avx2 && n % 8 == 0 && n <= 1024)
        return summarizeAvx2(v, n, firstId);
    LogitBlockSummary s;
    s.max = maxNotNaN(v, n);
    const int64_t first = firstIndexOf(v, n, s.max);
    s.first = first < n ? firstId + int32_t(first) : -1;
    s.sumExp = std::isfinite(s.max) ? sumExpShifted(v, n, s.max) : 0.0;
    return s;
}

LogitSummary mergeLogitSummaries(std::span<const LogitBlockSummary> blocks)
{
    LogitSummary m;
    m.valid = true;
    m.max = -INFINITY;
    for (const LogitBlockSummary &b : blocks)
        if (b.max > m.max)
            m.max = b.max;
    for (const LogitBlockSummary &b : blocks)
        if (b.first >= 0 && b.max == m.max) {
            m.first = b.first;
            break;
        }
    if (std::isfinite(m.max))
        for (const LogitBlockSummary &b : blocks)
            if (std::isfinite(b.max))
                m.sumExp += b.sumExp * std::exp(double(b.max) - double(m.max));
    return m;
}

}  // namespace mscope
