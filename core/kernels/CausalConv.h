// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

namespace mscope {

/// The causal depthwise convolution of a Mamba block over one chunk (method.md §1 step 3, §2):
/// per channel c, out_t = bias + Σ_k w[k]·in_{t-K+1+k}, then silu, where inputs before the chunk
/// come from the carried state (the K-1 latest inputs). Mamba-1 convolves x, Mamba-2 x | B | C.
class CausalConv
{
public:
    /// Where a chunk's inputs are: token t's channels at data + t * stride.
    struct Input
    {
        const float *data = nullptr;
        int64_t stride = 0;
    };

    CausalConv() = default;
    /// `weight` [channels, 1, K] in PyTorch's layout; `bias` [channels] or null.
    CausalConv(const float *weight, const float *bias, int64_t channels, int64_t kernel);

    int64_t channels() const { return m_channels; }
    int64_t kernel() const { return m_kernel; }

    /// out + t * outStride ← silu(conv) for tokens [t0, t1) and channels [c0, c1); `carried` is
    /// the state, [K-1, channels] token-major.
    void convSilu(Input in, const float *carried, float *out, int64_t outStride, int64_t t0,
                  int64_t t1, int64_t c0, int64_t c1) const;
    /// The carried state becomes the last K-1 inputs of [state | chunk of `tokens` tokens].
    void advanceState(float *carried, Input in, int64_t tokens) const;

private:
    std::vector<float> m_weightT;  // [K, channels]: the loops vectorize over channels
    const float *m_bias = nullptr;
    int64_t m_channels = 0;
    int64_t m_kernel = 0;
};

}  // namespace mscope
