// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/ModulationFactors.h"

#include "model/MambaModel.h"
#include "support/Error.h"

#include <algorithm>
#include <cmath>

namespace mscope {

ModulationFactors::ModulationFactors(const MambaModel &model, ModulationSet base,
                                     ModulationFamily family, FactorGranularity granularity)
    : m_model(model), m_base(std::move(base)), m_family(family), m_granularity(granularity)
{
    const QString name = modulationFamilyName(family);
    if (family != ModulationFamily::Power && family != ModulationFamily::Linear &&
        family != ModulationFamily::Delta)
        throw Error({}, QStringLiteral("%1 has no gradient: its factor clips the spectrum; "
                                       "calibrate it with the 1-D search instead")
                            .arg(name));
    const bool mamba2 = model.config().architecture == Architecture::Mamba2;
    if (granularity == FactorGranularity::State && family == ModulationFamily::Delta)
        throw Error({}, QStringLiteral("delta has one factor per channel at most (Δ is one "
                                       "number per channel and token)"));
    if (granularity == FactorGranularity::State && mamba2)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("Mamba-2 has one A per head: its finest granularity is the "
                                   "head (channel)"));
    const int layers = model.config().nLayer;
    m_channels = model.decayChannels();
    m_states = family == ModulationFamily::Delta ? 1 : model.decayStateSize();
    m_base.validateFor(model, {});

    // The family's last step, or a new identity step at the end.
    bool found = false;
    for (size_t i = m_base.steps.size(); i-- > 0;) {
        if (m_base.steps[i].family == family) {
            m_step = i;
            found = true;
            break;
        }
    }
    if (!found) {
        m_base.steps.push_back(Modulation::uniform(family, 1.0, layers));
        m_step = m_base.steps.size() - 1;
    }
    const Modulation &step = m_base.steps[m_step];

    // What comes before the step is fixed; what comes after must be differentiable.
    m_before = DecayParameters::fromModel(model);
    for (size_t i = 0; i < m_step; ++i)
        m_base.steps[i].applyTo(m_before, model, m_base.deltaStatistics.get(),
                                m_base.trainingLength);
    const int N = model.decayStateSize();
    m_chain.assign(size_t(layers), std::vector<double>(size_t(m_channels) * size_t(N), 1.0));
    for (size_t i = m_step + 1; i < m_base.steps.size(); ++i) {
        const Modulation &later = m_base.steps[i];
        if (later.isIdentity())
            continue;
        if (later.family == ModulationFamily::Winsorize || later.family == ModulationFamily::TauCap)
            throw Error({}, QStringLiteral("a %1 step follows the %2 step: the gradient "
                                           "cannot pass through its clipping; put the %2 "
                                           "step last")
                                .arg(modulationFamilyName(later.family), name));
        if (later.family == ModulationFamily::Power)
            for (int l = 0; l < layers; ++l)
                for (int e = 0; e < m_channels; ++e)
                    for (int n = 0; n < N; ++n)
                        m_chain[size_t(l)][size_t(e) * N + n] *= later.factor(l, e, n, N);
    }

    // θ at the granularity.
    m_values = FactorTensor::filled(granularity, layers, m_channels, m_states, 1.0);
    for (int l = 0; l < layers; ++l) {
        for (int e = 0; e < m_values.channels; ++e) {
            for (int n = 0; n < m_values.states; ++n) {
                // The mean of the step's factors over the entries this θ stands for.
                const int e0 = granularity == FactorGranularity::Layer ? 0 : e;
                const int e1 = granularity == FactorGranularity::Layer ? m_channels : e + 1;
                const int n0 = granularity == FactorGranularity::State ? n : 0;
                const int n1 = granularity == FactorGranularity::State ? n + 1 : m_states;
                double sum = 0.0, first = step.factor(l, e0, n0, m_states);
                for (int ee = e0; ee < e1; ++ee)
                    for (int nn = n0; nn < n1; ++nn) {
                        const double f = step.factor(l, ee, nn, m_states);
                        sum += f;
                        if (f != first)
                            m_exact = false;
                    }
                m_values.at(l, e, n) = sum / double((e1 - e0) * (n1 - n0));
            }
        }
    }
}

ModulationSet ModulationFactors::modulation(const FactorTensor &theta) const
{
    ModulationSet set = m_base;
    Modulation &step = set.steps[m_step];
    step.layerFactors = theta.layerMeans();
    step.channelFactors.clear();
    step.stateFactors.clear();
    step.stateCount = 0;
    const int layers = theta.layers;
    if (m_granularity == FactorGranularity::Channel) {
        step.channelFactors.resize(size_t(layers));
        for (int l = 0; l < layers; ++l)
            for (int e = 0; e < theta.channels; ++e)
                step.channelFactors[size_t(l)].push_back(theta.at(l, e));
    } else if (m_granularity == FactorGranularity::State) {
        step.stateFactors.resize(size_t(layers));
        step.stateCount = theta.states;
        for (int l = 0; l < layers; ++l)
            for (int e = 0; e < theta.channels; ++e)
                for (int n = 0; n < theta.states; ++n)
                    step.stateFactors[size_t(l)].push_back(theta.at(l, e, n));
    }
    return set;
}

FactorTensor ModulationFactors::gradient(const FactorTensor &theta,
                                         const std::vector<LayerSensitivity> &sensitivity) const
{
    FactorTensor g = FactorTensor::filled(m_granularity, theta.layers, m_channels, m_states, 0.0);
    const int N = m_model.decayStateSize();
    const auto thetaAt = [&](int l, int e, int n) {
        return theta.at(l, m_granularity == FactorGranularity::Layer ? 0 : e,
                        m_granularity == FactorGranularity::State ? n : 0);
    };
    for (int l = 0; l < theta.layers; ++l) {
        const LayerSensitivity &s = sensitivity[size_t(l)];
        for (int e = 0; e < m_channels; ++e) {
            if (m_family == ModulationFamily::Delta) {
                g.at(l, m_granularity == FactorGranularity::Layer ? 0 : e) +=
                    s.logDeltaScale[size_t(e)] / thetaAt(l, e, 0);
                continue;
            }
            for (int n = 0; n < N; ++n) {
                const size_t i = size_t(e) * N + n;
                const double chain = s.aLog[i] * m_chain[size_t(l)][i];
                const double d = m_family == ModulationFamily::Power
                                     ? chain * m_before.layers[size_t(l)].aLog[i]
                                     : chain / thetaAt(l, e, n);
                g.at(l, m_granularity == FactorGranularity::Layer ? 0 : e,
                     m_granularity == FactorGranularity::State ? n : 0) += d;
            }
        }
    }
    return g;
}

std::pair<double, double> ModulationFactors::calibrationRange(ModulationFamily family)
{
    if (family == ModulationFamily::Linear)
        return {1.0, 100.0};
    return {0.01, 1.0};
}

}  // namespace mscope
