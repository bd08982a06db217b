// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eval/IncrementalEvaluator.h"

#include <QList>
#include <QPointF>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace mscope {

/// Per-layer SSM state norms against the number of tokens seen, as a pass reports them chunk by
/// chunk. With several windows (fixed-window protocol) the norms at the same position in the
/// window are averaged.
class StateNormHistory
{
public:
    enum class Statistic { MaxOverChannels, MeanOverChannels };

    void clear() { m_points.clear(); }
    bool isEmpty() const { return m_points.empty(); }
    /// The norms of every layer after `tokensSeen` tokens.
    void add(int64_t tokensSeen, std::span<const LayerStateNorm> norms);
    int layerCount() const { return m_layers; }
    std::vector<int64_t> positions() const;
    /// (tokens seen, norm) for one layer, in order of position.
    QList<QPointF> points(int layer, Statistic statistic) const;
    double value(int64_t position, int layer, Statistic statistic) const;

private:
    struct Sum
    {
        std::vector<double> max;
        std::vector<double> mean;
        int count = 0;
    };
    std::map<int64_t, Sum> m_points;
    int m_layers = 0;
};

}  // namespace mscope
