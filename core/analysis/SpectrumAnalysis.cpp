// SPDX-License-Identifier: GPL-3.0-or-later
#include "analysis/SpectrumAnalysis.h"

#include "analysis/DeltaStatistics.h"
#include "analysis/SpectrumDensity.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/Error.h"

#include <algorithm>
#include <cmath>

namespace mscope {

QJsonObject SpectrumQuantiles::toJson() const
{
    return {{QStringLiteral("min"), min},       {QStringLiteral("q01"), q01},
            {QStringLiteral("q10"), q10},       {QStringLiteral("q25"), q25},
            {QStringLiteral("median"), median}, {QStringLiteral("q75"), q75},
            {QStringLiteral("q90"), q90},       {QStringLiteral("q99"), q99},
            {QStringLiteral("max"), max}};
}

QJsonObject SpectrumSummary::toJson() const
{
    QJsonObject o{{QStringLiteral("modes"), modes},
                  {QStringLiteral("alpha"), alpha.toJson()},
                  {QStringLiteral("lambda"), lambda.toJson()}};
    if (hasTau) {
        o.insert(QStringLiteral("tau"), tau.toJson());
        o.insert(QStringLiteral("mean_delta"), meanDelta);
        o.insert(QStringLiteral("training_length"), trainingLength);
        o.insert(QStringLiteral("target_length"), targetLength);
        o.insert(QStringLiteral("share_tau_beyond_training"), shareBeyondTraining);
        o.insert(QStringLiteral("share_tau_beyond_target"), shareBeyondTarget);
        o.insert(QStringLiteral("channel_share_tau_beyond_training"), channelShareBeyondTraining);
        o.insert(QStringLiteral("channel_share_tau_beyond_target"), channelShareBeyondTarget);
    }
    return o;
}

SpectrumQuantiles SpectrumAnalysis::quantiles(std::vector<float> values)
{
    SpectrumQuantiles q;
    if (values.empty())
        return q;
    std::sort(values.begin(), values.end());
    const auto at = [&](double p) {
        const double h = (double(values.size()) - 1.0) * p;
        const size_t lo = size_t(std::floor(h));
        const size_t hi = std::min(lo + 1, values.size() - 1);
        return double(values[lo]) + (h - double(lo)) * (double(values[hi]) - double(values[lo]));
    };
    q.min = values.front();
    q.q01 = at(0.01);
    q.q10 = at(0.10);
    q.q25 = at(0.25);
    q.median = at(0.5);
    q.q75 = at(0.75);
    q.q90 = at(0.90);
    q.q99 = at(0.99);
    q.max = values.back();
    return q;
}

std::vector<LayerSpectrum> SpectrumAnalysis::compute(const MambaModel &model,
                                                     const ScanParameters &scan,
                                                     const DeltaStatistics *stats)
{
    const int layers = model.config().nLayer;
    const int E = model.decayChannels(), N = model.decayStateSize();
    if (int(scan.layers.size()) != layers)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("scan parameters for %1 layers, the model has %2")
                        .arg(scan.layers.size())
                        .arg(layers));
    if (stats) {
        bool fits = int(stats->meanDelta.size()) == layers;
        for (size_t l = 0; fits && l < stats->meanDelta.size(); ++l)
            fits = int(stats->meanDelta[l].size()) == E;
        if (!fits)
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("the Δ statistics do not fit the model (%1 layers × "
                                       "%2 channels expected)")
                            .arg(layers)
                            .arg(E));
    }
    std::vector<LayerSpectrum> out(static_cast<size_t>(layers));
    for (int l = 0; l < layers; ++l) {
        const ScanParameters::Layer &p = scan.layers[size_t(l)];
        LayerSpectrum &s = out[size_t(l)];
        s.channels = E;
        s.stateSize = N;
        SpectrumDensity::layerValues(scan, stats, l, SpectrumQuantity::Alpha, s.alpha);
        SpectrumDensity::layerValues(scan, stats, l, SpectrumQuantity::Lambda, s.lambda);
        if (!stats)
            continue;
        SpectrumDensity::layerValues(scan, stats, l, SpectrumQuantity::Tau, s.tau);
        s.meanDelta.resize(size_t(E));
        s.pole.resize(p.negA.size());
        for (int e = 0; e < E; ++e) {
            s.meanDelta[size_t(e)] = SpectrumDensity::meanStep(scan, *stats, l, e);
            for (int n = 0; n < N; ++n) {
                const size_t i = size_t(e) * N + n;
                s.pole[i] = std::exp(-s.alpha[i] * s.meanDelta[size_t(e)]);
            }
        }
    }
    return out;
}

SpectrumSummary SpectrumAnalysis::summarize(const LayerSpectrum &layer, int trainingLength,
                                            int targetLength)
{
    SpectrumSummary s;
    s.modes = int(layer.alpha.size());
    s.alpha = quantiles(layer.alpha);
    s.lambda = quantiles(layer.lambda);
    s.trainingLength = trainingLength;
    s.targetLength = targetLength;
    if (layer.tau.empty())
        return s;
    s.hasTau = true;
    s.tau = quantiles(layer.tau);
    int64_t beyondTraining = 0, beyondTarget = 0, channelsBeyondTraining = 0,
            channelsBeyondTarget = 0;
    const int N = std::max(1, layer.stateSize);
    const int channels = int(layer.tau.size()) / N;
    for (int e = 0; e < channels; ++e) {
        float slowest = 0.0f;
        for (int n = 0; n < N; ++n) {
            const float t = layer.tau[size_t(e) * N + n];
            slowest = std::max(slowest, t);
            beyondTraining += SpectrumDensity::beyond(t, trainingLength);
            beyondTarget += SpectrumDensity::beyond(t, targetLength);
        }
        channelsBeyondTraining += SpectrumDensity::beyond(slowest, trainingLength);
        channelsBeyondTarget += SpectrumDensity::beyond(slowest, targetLength);
    }
    const double modes = double(layer.tau.size());
    s.shareBeyondTraining = double(beyondTraining) / modes;
    s.shareBeyondTarget = double(beyondTarget) / modes;
    s.channelShareBeyondTraining = double(channelsBeyondTraining) / std::max(1, channels);
    s.channelShareBeyondTarget = double(channelsBeyondTarget) / std::max(1, channels);
    double sum = 0.0;
    for (float d : layer.meanDelta)
        sum += d;
    s.meanDelta = layer.meanDelta.empty() ? 0.0 : sum / double(layer.meanDelta.size());
    return s;
}

}  // namespace mscope
