// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/CausalConv.h"

#include "kernels/ElementwiseKernels.h"

#include <algorithm>

namespace mscope {

CausalConv::CausalConv(const float *weight, const float *bias, int64_t channels, int64_t kernel)
    : m_bias(bias), m_channels(channels), m_kernel(kernel)
{
    m_weightT.resize(size_t(kernel * channels));
    for (int64_t c = 0; c < channels; ++c)
        for (int64_t k = 0; k < kernel; ++k)
            m_weightT[size_t(k * channels + c)] = weight[c * kernel + k];
}

void CausalConv::convSilu(Input in, const float *carried, float *out, int64_t outStride, int64_t t0,
                          int64_t t1, int64_t c0, int64_t c1) const
{
    const int64_t C = m_channels, K = m_kernel;
    for (int64_t t = t0; t < t1; ++t) {
        float *o = out + t * outStride;
        if (m_bias)
            std::copy(m_bias + c0, m_bias + c1, o + c0);
        else
            std::fill(o + c0, o + c1, 0.0f);
        for (int64_t k = 0; k < K; ++k) {
            const int64_t src = t - (K - 1) + k;
            const float *x = src >= 0 ? in.data + src * in.stride : carried + (src + K - 1) * C;
            const float *wk = m_weightT.data() + k * C;
#pragma omp simd
            for (int64_t c = c0; c < c1; ++c)
                o[c] += wk[c] * x[c];
        }
        siluInPlace(o + c0, c1 - c0);
    }
}

void CausalConv::advanceState(float *carried, Input in, int64_t tokens) const
{
    const int64_t C = m_channels, keep = m_kernel - 1;
    if (keep <= 0)
        return;
    const int64_t fromState = std::max<int64_t>(0, keep - tokens);
    std::copy(carried + (keep - fromState) * C, carried + keep * C, carried);
    for (int64_t j = fromState; j < keep; ++j) {
        const float *x = in.data + (tokens - keep + j) * in.stride;
        std::copy(x, x + C, carried + j * C);
    }
}

}  // namespace mscope
