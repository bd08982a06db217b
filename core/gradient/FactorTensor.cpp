// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/FactorTensor.h"

#include <algorithm>
#include <cmath>

namespace mscope {

QString factorGranularityName(FactorGranularity g)
{
    switch (g) {
        case FactorGranularity::Layer:
            return QStringLiteral("layer");
        case FactorGranularity::Channel:
            return QStringLiteral("channel");
        case FactorGranularity::State:
            return QStringLiteral("state");
    }
    return {};
}

std::optional<FactorGranularity> factorGranularityFromName(const QString &name)
{
    const QString key = name.trimmed().toLower();
    if (key == QLatin1String("layer"))
        return FactorGranularity::Layer;
    if (key == QLatin1String("channel") || key == QLatin1String("head"))
        return FactorGranularity::Channel;
    if (key == QLatin1String("state"))
        return FactorGranularity::State;
    return std::nullopt;
}

FactorTensor FactorTensor::filled(FactorGranularity g, int layers, int channels, int states,
                                  double value)
{
    FactorTensor t;
    t.granularity = g;
    t.layers = layers;
    t.channels = g == FactorGranularity::Layer ? 1 : channels;
    t.states = g == FactorGranularity::State ? states : 1;
    t.values.assign(size_t(t.layers) * t.channels * t.states, value);
    return t;
}

std::vector<double> FactorTensor::layerMeans() const
{
    std::vector<double> out(size_t(layers), 0.0);
    const size_t per = size_t(channels) * states;
    for (int l = 0; l < layers; ++l) {
        double sum = 0.0;
        for (size_t i = 0; i < per; ++i)
            sum += values[size_t(l) * per + i];
        out[size_t(l)] = per ? sum / double(per) : 0.0;
    }
    return out;
}

double FactorTensor::maxAbs() const
{
    double m = 0.0;
    for (double v : values)
        m = std::max(m, std::abs(v));
    return m;
}

QJsonArray FactorTensor::toJson() const
{
    QJsonArray out;
    for (int l = 0; l < layers; ++l) {
        if (granularity == FactorGranularity::Layer) {
            out.append(at(l));
            continue;
        }
        QJsonArray perChannel;
        for (int e = 0; e < channels; ++e) {
            if (granularity == FactorGranularity::Channel) {
                perChannel.append(at(l, e));
                continue;
            }
            QJsonArray perState;
            for (int n = 0; n < states; ++n)
                perState.append(at(l, e, n));
            perChannel.append(perState);
        }
        out.append(perChannel);
    }
    return out;
}

}  // namespace mscope
