// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QString>
#include <optional>
#include <vector>

namespace mscope {

/// How finely a family's factors vary (method.md §9): one per layer, one per channel (a row of
/// A_log: d_inner channels in Mamba-1, heads in Mamba-2), or one per (channel, state) entry of
/// A_log (Mamba-1 power and linear; Mamba-2's A has one entry per head).
enum class FactorGranularity { Layer, Channel, State };

/// "layer", "channel", "state".
QString factorGranularityName(FactorGranularity g);
/// Also accepts "head" for Channel (Mamba-2's channel of A is a head).
std::optional<FactorGranularity> factorGranularityFromName(const QString &name);

/// Factors (or their gradients) of one family at one granularity, for every layer: a plain
/// row-major array [layers][channels][states] with channels = states = 1 for Layer and states =
/// 1 for Channel. The workbench's heat map and the CLI read it the same way.
struct FactorTensor
{
    FactorGranularity granularity = FactorGranularity::Layer;
    int layers = 0;
    int channels = 1;  // 1 at Layer granularity
    int states = 1;    // 1 at Layer and Channel granularity
    std::vector<double> values;

    static FactorTensor filled(FactorGranularity g, int layers, int channels, int states,
                               double value);
    int64_t size() const { return int64_t(values.size()); }
    double &at(int l, int e = 0, int n = 0) { return values[index(l, e, n)]; }
    double at(int l, int e = 0, int n = 0) const { return values[index(l, e, n)]; }
    size_t index(int l, int e, int n) const { return (size_t(l) * channels + e) * states + n; }
    /// Per layer: the mean of its entries (what a layer fader shows).
    std::vector<double> layerMeans() const;
    double maxAbs() const;
    /// [per layer: a number | [per channel] | [[per state] per channel]], as `gradient --json`
    /// prints it and as presets store channel and state factors.
    QJsonArray toJson() const;
};

}  // namespace mscope
