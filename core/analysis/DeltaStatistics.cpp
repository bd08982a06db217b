// SPDX-License-Identifier: GPL-3.0-or-later
#include "analysis/DeltaStatistics.h"

#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

DeltaStatistics DeltaStatistics::measure(const MambaModel &model,
                                         const std::vector<int32_t> &tokens, int windowLength,
                                         int maxWindows, const JobControl *job,
                                         const ScanParameters *scan)
{
    if (windowLength < 1)
        throw Error({}, QStringLiteral("the Δ statistics window must be at least one token"));
    int64_t windows = int64_t(tokens.size()) / windowLength;
    if (maxWindows > 0)
        windows = std::min<int64_t>(windows, maxWindows);
    if (windows < 1)
        throw Error(Error::Kind::File, {},
                    QStringLiteral("the calibration text has %1 tokens; measuring Δ needs "
                                   "at least one window of %2")
                        .arg(tokens.size())
                        .arg(windowLength));

    // The caller keeps the model and the scan parameters alive for the whole call, so
    // non-owning shared_ptrs are enough to hand them to a ForwardPass.
    const std::shared_ptr<const MambaModel> modelRef(std::shared_ptr<const MambaModel>(), &model);
    const std::shared_ptr<const ScanParameters> scanRef(
        scan ? std::shared_ptr<const ScanParameters>(std::shared_ptr<const ScanParameters>(), scan)
             : nullptr);
    ForwardPass forward(modelRef, scanRef);

    const int layers = model.config().nLayer, E = model.decayChannels();
    std::vector<std::vector<double>> sums(size_t(layers), std::vector<double>(size_t(E), 0.0));
    // The observer sees Δ after the modulation's multiplier; the statistics keep the unscaled
    // softplus output so that τ = 1/(α·Δ̄·deltaScale) never counts a multiplier twice.
    forward.setDeltaObserver([&](int layer, const float *delta, int count, int channels) {
        const auto &scale = forward.scanParameters().layers[size_t(layer)].deltaScale;
        auto &sum = sums[size_t(layer)];
        for (int t = 0; t < count; ++t) {
            const float *row = delta + int64_t(t) * channels;
            if (scale.empty()) {
                for (int e = 0; e < channels; ++e)
                    sum[size_t(e)] += row[e];
            } else {
                for (int e = 0; e < channels; ++e)
                    sum[size_t(e)] += double(row[e]) / double(scale[size_t(e)]);
            }
        }
    });

    RecurrentState state(model.config());
    ForwardPass::Hidden hidden;
    constexpr int kChunk = 512;
    for (int64_t w = 0; w < windows; ++w) {
        state.reset();
        for (int t0 = 0; t0 < windowLength; t0 += kChunk) {
            if (job)
                job->throwIfCancelled();
            const int n = std::min(kChunk, windowLength - t0);
            forward.embed(std::span(tokens).subspan(size_t(w * windowLength + t0), size_t(n)),
                          hidden);
            forward.runLayers(hidden, state);
        }
        if (job)
            job->report(double(w + 1) / double(windows),
                        QStringLiteral("Δ statistics: window %1 of %2").arg(w + 1).arg(windows));
    }

    DeltaStatistics stats;
    stats.windowLength = windowLength;
    stats.tokens = windows * windowLength;
    stats.meanDelta.resize(size_t(layers));
    for (int l = 0; l < layers; ++l) {
        auto &out = stats.meanDelta[size_t(l)];
        out.resize(size_t(E));
        for (int e = 0; e < E; ++e)
            out[size_t(e)] = float(sums[size_t(l)][size_t(e)] / double(stats.tokens));
    }
    return stats;
}

DeltaStatistics DeltaStatistics::measureOnText(const MambaModel &model,
                                               const BpeTokenizer &tokenizer,
                                               const QString &textPath, int windowLength,
                                               const JobControl *job, const ScanParameters *scan)
{
    const std::vector<int32_t> ids =
        tokenizer.encodeFile(textPath, int64_t(std::max(1, windowLength)) * kTextWindows);
    return measure(model, ids, windowLength, kTextWindows, job, scan);
}

QJsonObject DeltaStatistics::toJson() const
{
    QJsonArray layers;
    for (const auto &l : meanDelta) {
        QJsonArray a;
        for (float v : l)
            a.append(double(v));
        layers.append(a);
    }
    return {{QStringLiteral("window_length"), windowLength},
            {QStringLiteral("tokens"), double(tokens)},
            {QStringLiteral("mean_delta"), layers}};
}

DeltaStatistics DeltaStatistics::fromJson(const QJsonObject &json, const QString &source)
{
    DeltaStatistics stats;
    const double window = json.value(QStringLiteral("window_length")).toDouble(-1.0);
    if (window < 1 || window != std::floor(window) || window > 1e9)
        throw Error(source, QStringLiteral("delta_statistics.window_length must be a positive "
                                           "integer"));
    stats.windowLength = int(window);
    const double tokens = json.value(QStringLiteral("tokens")).toDouble(0.0);
    // Informative only; clamped, as converting a double beyond int64 is undefined.
    stats.tokens = tokens > 0 ? int64_t(std::min(tokens, 1e18)) : 0;
    const QJsonValue mean = json.value(QStringLiteral("mean_delta"));
    if (!mean.isArray() || mean.toArray().isEmpty())
        throw Error(source, QStringLiteral("delta_statistics.mean_delta must be an array with "
                                           "one array of channel values per layer"));
    qsizetype channels = -1;
    for (const QJsonValue &layer : mean.toArray()) {
        if (!layer.isArray())
            throw Error(source, QStringLiteral("delta_statistics.mean_delta[%1] must be an "
                                               "array")
                                    .arg(stats.meanDelta.size()));
        const QJsonArray a = layer.toArray();
        if (channels >= 0 && a.size() != channels)
            throw Error(source, QStringLiteral("delta_statistics.mean_delta layers differ in "
                                               "length (%1 and %2)")
                                    .arg(channels)
                                    .arg(a.size()));
        channels = a.size();
        std::vector<float> values;
        values.reserve(size_t(a.size()));
        for (const QJsonValue &v : a) {
            // Checked as stored: 1e-308 is a positive double but a float zero, which the
            // preset would then write back and refuse.
            const double d = v.toDouble(-1.0);
            if (!v.isDouble() || !(float(d) > 0.0f) || !(d <= std::numeric_limits<float>::max()))
                throw Error(source, QStringLiteral("delta_statistics.mean_delta[%1] has a "
                                                   "value that is not a positive number")
                                        .arg(stats.meanDelta.size()));
            values.push_back(float(d));
        }
        stats.meanDelta.push_back(std::move(values));
    }
    return stats;
}

}  // namespace mscope
