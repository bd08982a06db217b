// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/RecurrentState.h"

#include "io/ModelConfig.h"

#include <algorithm>
#include <cmath>

namespace mscope {

RecurrentState::RecurrentState(const ModelConfig &config)
    : m_channels(config.dInner), m_stateSize(config.dState), m_layers(size_t(config.nLayer))
{
    for (Layer &l : m_layers) {
        l.conv.assign(size_t(std::max(0, config.convKernel - 1)) * size_t(config.convChannels()),
                      0.0f);
        // Mamba-2's [H, P, N] is [E, N] too (E = H·P): a channel is one (head, position) pair.
        l.ssm.assign(size_t(config.dInner) * size_t(config.dState), 0.0f);
    }
}

void RecurrentState::reset()
{
    for (Layer &l : m_layers) {
        std::fill(l.conv.begin(), l.conv.end(), 0.0f);
        std::fill(l.ssm.begin(), l.ssm.end(), 0.0f);
    }
}

double RecurrentState::ssmNorm(int l) const
{
    double sum = 0.0;
    for (float v : m_layers[size_t(l)].ssm)
        sum += double(v) * v;
    return std::sqrt(sum);
}

LayerStateNorm RecurrentState::ssmChannelNorms(int l) const
{
    const CacheLineVector<float> &ssm = m_layers[size_t(l)].ssm;
    LayerStateNorm n;
    double sum = 0.0;
    for (int e = 0; e < m_channels; ++e) {
        const float *s = ssm.data() + size_t(e) * size_t(m_stateSize);
        double sq = 0.0;
        for (int k = 0; k < m_stateSize; ++k)
            sq += double(s[k]) * s[k];
        const double norm = std::sqrt(sq);
        n.maxChannel = std::max(n.maxChannel, norm);
        sum += norm;
    }
    n.meanChannel = m_channels > 0 ? sum / m_channels : 0.0;
    return n;
}

double RecurrentState::convNorm(int l) const
{
    double sum = 0.0;
    for (float v : m_layers[size_t(l)].conv)
        sum += double(v) * v;
    return std::sqrt(sum);
}

}  // namespace mscope
