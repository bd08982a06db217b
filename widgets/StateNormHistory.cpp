// SPDX-License-Identifier: GPL-3.0-or-later
#include "StateNormHistory.h"

#include <cmath>

namespace mscope {

void StateNormHistory::add(int64_t tokensSeen, std::span<const LayerStateNorm> norms)
{
    m_layers = std::max(m_layers, int(norms.size()));
    Sum &s = m_points[tokensSeen];
    s.max.resize(norms.size(), 0.0);
    s.mean.resize(norms.size(), 0.0);
    for (size_t l = 0; l < norms.size(); ++l) {
        s.max[l] += norms[l].maxChannel;
        s.mean[l] += norms[l].meanChannel;
    }
    ++s.count;
}

std::vector<int64_t> StateNormHistory::positions() const
{
    std::vector<int64_t> out;
    out.reserve(m_points.size());
    for (const auto &[position, sum] : m_points)
        out.push_back(position);
    return out;
}

QList<QPointF> StateNormHistory::points(int layer, Statistic statistic) const
{
    QList<QPointF> out;
    out.reserve(qsizetype(m_points.size()));
    for (const auto &[position, sum] : m_points) {
        const auto &v = statistic == Statistic::MaxOverChannels ? sum.max : sum.mean;
        if (layer < int(v.size()) && sum.count > 0)
            out.append(QPointF(double(position), v[size_t(layer)] / sum.count));
    }
    return out;
}

double StateNormHistory::value(int64_t position, int layer, Statistic statistic) const
{
    const auto it = m_points.find(position);
    if (it == m_points.end() || it->second.count == 0)
        return std::nan("");
    const auto &v = statistic == Statistic::MaxOverChannels ? it->second.max : it->second.mean;
    return layer < int(v.size()) ? v[size_t(layer)] / it->second.count : std::nan("");
}

}  // namespace mscope
