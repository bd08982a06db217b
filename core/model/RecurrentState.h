// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/CacheLineVector.h"

#include <cstddef>
#include <vector>

namespace mscope {

struct ModelConfig;

/// What a Mamba model carries from one chunk of tokens to the next: per layer the last K-1
/// conv inputs (Mamba-2: of the x | B | C channels) and the SSM state s[E, N] (Mamba-2:
/// [H, P, N], the same size). Its size is independent of the sequence length, which is what
/// keeps streaming evaluation in constant memory.
/// The SSM state norms of one layer (method.md §3): per channel L2 over the state dimension, then
/// the max and the mean over channels.
struct LayerStateNorm
{
    double maxChannel = 0.0;
    double meanChannel = 0.0;
};

class RecurrentState
{
public:
    explicit RecurrentState(const ModelConfig &config);

    struct Layer
    {
        // Cache-line aligned: the one-token step's threads write their channels' rows side by
        // side, and each channel's 16 states are one line.
        CacheLineVector<float> conv;  // [(K-1), conv channels] token-major: the K-1 latest inputs
        CacheLineVector<float> ssm;   // [E, N]; Mamba-2 [H, P, N]
    };

    void reset();
    int layerCount() const { return int(m_layers.size()); }
    Layer &layer(int l) { return m_layers[size_t(l)]; }
    const Layer &layer(int l) const { return m_layers[size_t(l)]; }

    /// L2 norm of the whole SSM state of a layer (what transformers' cache reports).
    double ssmNorm(int l) const;
    /// Per channel L2 over d_state, then the max and the mean over channels (method.md §3).
    /// Both in one pass over the state.
    LayerStateNorm ssmChannelNorms(int l) const;
    double ssmChannelNormMax(int l) const { return ssmChannelNorms(l).maxChannel; }
    double ssmChannelNormMean(int l) const { return ssmChannelNorms(l).meanChannel; }
    /// L2 norm of the conv state of a layer.
    double convNorm(int l) const;

private:
    int m_channels = 0;
    int m_stateSize = 0;
    std::vector<Layer> m_layers;
};

}  // namespace mscope
