// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecurrentState.h"

#include "ModelConfig.h"

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

static double channelNorm(const std::vector<float> &ssm, int e, int n)
{
    double sum = 0.0;
    for (int k = 0; k < n; ++k) {
        const double v = ssm[size_t(e) * n + k];
        sum += v * v;
    }
    return std::sqrt(sum);
}

double RecurrentState::ssmChannelNormMax(int l) const
{
    double best = 0.0;
    for (int e = 0; e < m_channels; ++e)
        best = std::max(best, channelNorm(m_layers[size_t(l)].ssm, e, m_stateSize));
    return best;
}

double RecurrentState::ssmChannelNormMean(int l) const
{
    double sum = 0.0;
    for (int e = 0; e < m_channels; ++e)
        sum += channelNorm(m_layers[size_t(l)].ssm, e, m_stateSize);
    return m_channels > 0 ? sum / m_channels : 0.0;
}

double RecurrentState::convNorm(int l) const
{
    double sum = 0.0;
    for (float v : m_layers[size_t(l)].conv)
        sum += double(v) * v;
    return std::sqrt(sum);
}

}  // namespace mscope
