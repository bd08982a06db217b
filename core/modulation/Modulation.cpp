// SPDX-License-Identifier: GPL-3.0-or-later
#include "modulation/Modulation.h"

#include "analysis/DeltaStatistics.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/DecayParameters.h"
#include "support/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

namespace {

struct FamilyName
{
    ModulationFamily family;
    const char *name;
};

constexpr FamilyName kFamilies[] = {
    {ModulationFamily::Power, "power"},    {ModulationFamily::Linear, "linear"},
    {ModulationFamily::Delta, "delta"},    {ModulationFamily::Winsorize, "winsorize"},
    {ModulationFamily::TauCap, "tau-cap"},
};

// Linear interpolation between order statistics, as numpy.quantile's default: the paper's
// tooling is numpy, and the winsorized values should match what users compute there.
double quantileOfSorted(const std::vector<double> &sorted, double q)
{
    const double h = (double(sorted.size()) - 1.0) * q;
    const size_t lo = size_t(std::floor(h));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

// Clips λ = exp(-α) of one layer to its own [q, 1-q] quantiles. Only the clipped entries are
// rewritten, so a mode inside the band keeps its A_log bit for bit.
void winsorizeLayer(std::vector<double> &aLog, double q)
{
    if (q <= 0.0 || aLog.empty())
        return;
    std::vector<double> lambda(aLog.size());
    for (size_t i = 0; i < aLog.size(); ++i)
        lambda[i] = std::exp(-std::exp(aLog[i]));
    std::vector<double> sorted = lambda;
    std::sort(sorted.begin(), sorted.end());
    const double low = quantileOfSorted(sorted, q);
    const double high = quantileOfSorted(sorted, 1.0 - q);
    for (size_t i = 0; i < aLog.size(); ++i) {
        // α = -log λ; a bound of 0 or 1 would mean α = inf or 0, which the clip never produces
        // for an entry outside it, so those cases need no guard beyond the comparisons.
        if (lambda[i] < low && low > 0.0)
            aLog[i] = std::log(-std::log(low));
        else if (lambda[i] > high && high < 1.0)
            aLog[i] = std::log(-std::log(high));
    }
}

void requireStatsFor(const DeltaStatistics *stats, int layers, int channels)
{
    if (!stats)
        throw Error({}, QStringLiteral("the tau-cap modulation needs Δ statistics from a "
                                       "calibration pass (mean Δ per channel)"));
    if (int(stats->meanDelta.size()) != layers)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("the Δ statistics have %1 layers, the model %2")
                        .arg(stats->meanDelta.size())
                        .arg(layers));
    for (const auto &layer : stats->meanDelta) {
        if (int(layer.size()) != channels)
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("the Δ statistics have %1 channels per layer, the "
                                       "model %2")
                            .arg(layer.size())
                            .arg(channels));
    }
}

}  // namespace

QString modulationFamilyName(ModulationFamily f)
{
    for (const FamilyName &n : kFamilies) {
        if (n.family == f)
            return QString::fromLatin1(n.name);
    }
    return {};
}

std::optional<ModulationFamily> modulationFamilyFromName(const QString &name)
{
    const QString key = name.trimmed().toLower();
    for (const FamilyName &n : kFamilies) {
        if (key == QLatin1String(n.name))
            return n.family;
    }
    // Spellings users type: "taucap", "tau_cap", "A" for the linear map is too ambiguous to guess.
    if (key == QLatin1String("taucap") || key == QLatin1String("tau_cap"))
        return ModulationFamily::TauCap;
    return std::nullopt;
}

double identityFactor(ModulationFamily f)
{
    switch (f) {
        case ModulationFamily::Power:
        case ModulationFamily::Linear:
        case ModulationFamily::Delta:
            return 1.0;
        case ModulationFamily::Winsorize:
            return 0.0;
        case ModulationFamily::TauCap:
            return std::numeric_limits<double>::infinity();
    }
    return 1.0;
}

bool isBakeable(ModulationFamily f)
{
    return f != ModulationFamily::Delta;
}

Modulation Modulation::uniform(ModulationFamily family, double factor, int layers)
{
    Modulation m;
    m.family = family;
    m.layerFactors.assign(size_t(std::max(0, layers)), factor);
    return m;
}

bool Modulation::isIdentity() const
{
    const double id = identityFactor(family);
    const auto same = [id](double v) { return v == id; };
    if (!std::all_of(layerFactors.begin(), layerFactors.end(), same))
        return false;
    for (const auto &c : channelFactors) {
        if (!std::all_of(c.begin(), c.end(), same))
            return false;
    }
    for (const auto &c : stateFactors) {
        if (!std::all_of(c.begin(), c.end(), same))
            return false;
    }
    return true;
}

bool Modulation::isIdentityAt(int layer) const
{
    const double id = identityFactor(family);
    if (size_t(layer) < layerFactors.size() && layerFactors[size_t(layer)] != id)
        return false;
    const auto same = [id](double v) { return v == id; };
    if (size_t(layer) < channelFactors.size()) {
        const auto &c = channelFactors[size_t(layer)];
        if (!std::all_of(c.begin(), c.end(), same))
            return false;
    }
    if (size_t(layer) < stateFactors.size()) {
        const auto &c = stateFactors[size_t(layer)];
        if (!std::all_of(c.begin(), c.end(), same))
            return false;
    }
    return true;
}

double Modulation::factor(int layer, int channel) const
{
    if (size_t(layer) < channelFactors.size() &&
        size_t(channel) < channelFactors[size_t(layer)].size())
        return channelFactors[size_t(layer)][size_t(channel)];
    return layerFactors.at(size_t(layer));
}

double Modulation::factor(int layer, int channel, int state, int states) const
{
    if (size_t(layer) < stateFactors.size()) {
        const auto &row = stateFactors[size_t(layer)];
        const size_t i = size_t(channel) * size_t(states) + size_t(state);
        if (i < row.size())
            return row[i];
    }
    return factor(layer, channel);
}

bool Modulation::hasChannelFactors() const
{
    return std::any_of(channelFactors.begin(), channelFactors.end(),
                       [](const auto &row) { return !row.empty(); });
}

bool Modulation::hasStateFactors() const
{
    return std::any_of(stateFactors.begin(), stateFactors.end(),
                       [](const auto &row) { return !row.empty(); });
}

void Modulation::validate(int layers, int channels, const QString &source, int states) const
{
    const QString name = modulationFamilyName(family);
    if (int(layerFactors.size()) != layers)
        throw Error(source, QStringLiteral("the %1 step has %2 layer factors, the model has %3 "
                                           "layers")
                                .arg(name)
                                .arg(layerFactors.size())
                                .arg(layers));
    if (!channelFactors.empty()) {
        if (family != ModulationFamily::Power && family != ModulationFamily::Linear &&
            family != ModulationFamily::Delta)
            throw Error(source, QStringLiteral("per-channel factors are only defined for the "
                                               "power, linear and delta families, not for %1")
                                    .arg(name));
        if (int(channelFactors.size()) != layers)
            throw Error(source, QStringLiteral("the %1 step has channel factors for %2 "
                                               "layers, the model has %3 layers")
                                    .arg(name)
                                    .arg(channelFactors.size())
                                    .arg(layers));
        for (size_t l = 0; l < channelFactors.size(); ++l) {
            const size_t n = channelFactors[l].size();
            if (n != 0 && channels >= 0 && int(n) != channels)
                throw Error(source, QStringLiteral("layer %1 has %2 channel factors, the model "
                                                   "has %3 channels (rows of A_log)")
                                        .arg(l)
                                        .arg(n)
                                        .arg(channels));
        }
    }
    if (!stateFactors.empty()) {
        if (family != ModulationFamily::Power && family != ModulationFamily::Linear)
            throw Error(source, QStringLiteral("per-state factors are only defined for the "
                                               "power and linear families, not for %1")
                                    .arg(name));
        if (int(stateFactors.size()) != layers)
            throw Error(source, QStringLiteral("the %1 step has state factors for %2 layers, "
                                               "the model has %3 layers")
                                    .arg(name)
                                    .arg(stateFactors.size())
                                    .arg(layers));
        if (states >= 0 && stateCount > 0 && stateCount != states)
            throw Error(source, QStringLiteral("the %1 step's state factors have %2 states per "
                                               "channel, the model %3")
                                    .arg(name)
                                    .arg(stateCount)
                                    .arg(states));
        for (size_t l = 0; l < stateFactors.size(); ++l) {
            const size_t n = stateFactors[l].size();
            if (n != 0 && channels >= 0 && states >= 0 && int64_t(n) != int64_t(channels) * states)
                throw Error(source, QStringLiteral("layer %1 has %2 state factors, the model "
                                                   "has %3 × %4 entries of A_log")
                                        .arg(l)
                                        .arg(n)
                                        .arg(channels)
                                        .arg(states));
        }
    }
    const auto check = [&](double v, int layer) {
        bool ok = false;
        QString range;
        switch (family) {
            // The scan computes in float: a factor a float cannot hold (1e39) would turn A_log
            // or Δ into an infinity and every result into NaN.
            case ModulationFamily::Power:
                ok = v >= 0.0 && v <= double(std::numeric_limits<float>::max());
                range = QStringLiteral("a number >= 0 that a float holds (at most 3.4e38)");
                break;
            case ModulationFamily::Linear:
            case ModulationFamily::Delta:
                ok = v > 0.0 && v <= double(std::numeric_limits<float>::max());
                range = QStringLiteral("a number > 0 that a float holds (at most 3.4e38)");
                break;
            case ModulationFamily::Winsorize:
                ok = v >= 0.0 && v < 0.5;
                range = QStringLiteral("a quantile q in [0, 0.5)");
                break;
            case ModulationFamily::TauCap:
                ok = v > 0.0;  // +inf (no cap) allowed; NaN fails the comparison
                range = QStringLiteral("c > 0 (or inf for no cap)");
                break;
        }
        if (!ok)
            throw Error(source, QStringLiteral("%1 factor %2 in layer %3 is out of range: "
                                               "expected %4")
                                    .arg(name)
                                    .arg(v)
                                    .arg(layer)
                                    .arg(range));
    };
    for (size_t l = 0; l < layerFactors.size(); ++l)
        check(layerFactors[l], int(l));
    for (size_t l = 0; l < channelFactors.size(); ++l) {
        for (double v : channelFactors[l])
            check(v, int(l));
    }
    for (size_t l = 0; l < stateFactors.size(); ++l) {
        for (double v : stateFactors[l])
            check(v, int(l));
    }
    if (trainingLength < 0)
        throw Error(source, QStringLiteral("training length must not be negative"));
}

void Modulation::applyTo(ScanParameters &params, const MambaModel &model,
                         const DeltaStatistics *stats) const
{
    DecayParameters decay = DecayParameters::fromScan(params, model);
    const DecayParameters before = decay;
    applyTo(decay, model, stats);
    const auto scan = decay.toScan();
    // Only layers this step changed are written back: re-deriving A from log(-A) elsewhere could
    // move an untouched value by an ulp.
    for (size_t l = 0; l < decay.layers.size() && l < params.layers.size(); ++l) {
        if (decay.layers[l].aLog != before.layers[l].aLog)
            params.layers[l].negA = scan->layers[l].negA;
        if (decay.layers[l].deltaScale != before.layers[l].deltaScale)
            params.layers[l].deltaScale = scan->layers[l].deltaScale;
    }
}

void Modulation::applyTo(DecayParameters &params, const MambaModel &model,
                         const DeltaStatistics *stats, int fallbackTrainingLength) const
{
    const int layers = int(params.layers.size());
    const int E = params.channels, N = params.stateSize;
    if (layers != model.config().nLayer)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("decay parameters for %1 layers applied to a model with "
                                   "%2 layers")
                        .arg(layers)
                        .arg(model.config().nLayer));
    validate(layers, E, {}, N);
    if (isIdentity())
        return;
    for (int l = 0; l < layers; ++l) {
        DecayParameters::Layer &p = params.layers[size_t(l)];
        switch (family) {
            case ModulationFamily::Power:
                // A_log' = s·A_log, i.e. α' = α^s.
                for (int e = 0; e < E; ++e)
                    for (int n = 0; n < N; ++n)
                        p.aLog[size_t(e) * N + n] *= factor(l, e, n, N);
                break;
            case ModulationFamily::Linear:
                // α' = s·α, i.e. A_log' = A_log + log s.
                for (int e = 0; e < E; ++e)
                    for (int n = 0; n < N; ++n)
                        p.aLog[size_t(e) * N + n] += std::log(factor(l, e, n, N));
                break;
            case ModulationFamily::Delta:
                if (p.deltaScale.empty())
                    p.deltaScale.assign(size_t(E), 1.0);
                for (int e = 0; e < E; ++e)
                    p.deltaScale[size_t(e)] *= factor(l, e);
                break;
            case ModulationFamily::Winsorize:
                winsorizeLayer(p.aLog, layerFactors[size_t(l)]);
                break;
            case ModulationFamily::TauCap: {
                requireStatsFor(stats, layers, E);
                const double c = layerFactors[size_t(l)];
                if (std::isinf(c))
                    break;
                const int L = trainingLength > 0           ? trainingLength
                              : fallbackTrainingLength > 0 ? fallbackTrainingLength
                                                           : stats->windowLength;
                if (L <= 0)
                    throw Error({}, QStringLiteral("the tau-cap modulation needs the training "
                                                   "length L_train"));
                // τ = 1/(α·Δ̄) <= c·L  <=>  α >= 1/(c·L·Δ̄): raise α to that floor where below it.
                for (int e = 0; e < E; ++e) {
                    const double scale = p.deltaScale.empty() ? 1.0 : p.deltaScale[size_t(e)];
                    const double meanDelta = double(stats->meanDelta[size_t(l)][size_t(e)]) * scale;
                    if (!(meanDelta > 0.0))
                        continue;
                    const double floorLog = -std::log(c * double(L) * meanDelta);
                    for (int n = 0; n < N; ++n) {
                        double &v = p.aLog[size_t(e) * N + n];
                        if (v < floorLog)
                            v = floorLog;
                    }
                }
                break;
            }
        }
    }
}

}  // namespace mscope
