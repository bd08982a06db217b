// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/CalibrationObjective.h"

#include "eval/PerplexityEvaluator.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

CalibrationObjective::CalibrationObjective(std::shared_ptr<const MambaModel> model,
                                           const CalibrationOptions &options, const JobControl *job,
                                           std::function<void(const CalibrationStep &)> onStep)
    : m_model(std::move(model)),
      m_family(options.family),
      m_target(options.targetLength),
      m_bos(options.prependBos),
      m_job(job),
      m_onStep(std::move(onStep)),
      m_chunk(std::max(1, options.chunkTokens)),
      m_layers(m_model->config().nLayer),
      m_budget(options.budget)
{
    if (m_family != ModulationFamily::Power && m_family != ModulationFamily::Linear &&
        m_family != ModulationFamily::Delta)
        throw Error({}, QStringLiteral("calibration searches one factor per layer for power, "
                                       "linear or delta; %1 has a single data-driven factor "
                                       "(compare a few values with eval instead)")
                            .arg(modulationFamilyName(m_family)));
    if (m_target < 2)
        throw Error(
            {},
            QStringLiteral("the target length must be at least 2 tokens (got %1)").arg(m_target));
    const int docTokens = m_bos ? m_target - 1 : m_target;
    std::vector<std::vector<int32_t>> all;
    for (const auto &doc : options.calibrationDocs) {
        for (size_t b = 0; b + size_t(docTokens) <= doc.size(); b += size_t(docTokens))
            all.emplace_back(doc.begin() + int64_t(b), doc.begin() + int64_t(b) + docTokens);
    }
    if (all.empty())
        throw Error(Error::Kind::File, {},
                    QStringLiteral("no calibration text has the %1 tokens one window of the "
                                   "target length needs")
                        .arg(docTokens));
    int perEvaluation = options.windowsPerEvaluation;
    if (perEvaluation <= 0)
        perEvaluation = options.budget / (1 + 3 * std::max(1, options.iterations));
    perEvaluation = std::clamp(perEvaluation, 1, int(all.size()));
    // Spread the windows over all the texts rather than taking the first ones of the first text.
    for (int i = 0; i < perEvaluation; ++i) {
        const size_t idx = size_t((double(i) + 0.5) * double(all.size()) / perEvaluation);
        m_windows.push_back(std::move(all[std::min(idx, all.size() - 1)]));
    }
    if (m_budget < passesPerEvaluation())
        throw Error({}, QStringLiteral("a budget of %1 forward passes is less than one "
                                       "evaluation of the objective (%2 windows of %3 tokens)")
                            .arg(m_budget)
                            .arg(passesPerEvaluation())
                            .arg(m_target));
    m_hasStart = options.start.has_value();
    if (m_hasStart) {
        m_base = *options.start;
        m_base.validateFor(*m_model, QStringLiteral("the start preset"));
    }
    m_step = m_base.steps.size();
    for (size_t i = m_base.steps.size(); i-- > 0;)
        if (m_base.steps[i].family == m_family) {
            m_step = i;
            break;
        }
    if (m_step == m_base.steps.size())
        m_base.steps.push_back(Modulation::uniform(m_family, 1.0, m_layers));
    m_forward = std::make_unique<ForwardPass>(m_model);
}

std::vector<double> CalibrationObjective::startCoordinates() const
{
    const Modulation &step = m_base.steps[m_step];
    const int channels = m_model->decayChannels(), states = m_model->decayStateSize();
    std::vector<double> u(size_t(m_layers), kUpper);
    for (int l = 0; l < m_layers; ++l) {
        double sum = 0.0;  // the mean over the layer's entries, what its fader shows
        for (int e = 0; e < channels; ++e)
            for (int n = 0; n < states; ++n)
                sum += step.factor(l, e, n, states);
        // A layer factor alone is taken as it is (no rounding through the mean).
        const double s = step.hasChannelFactors() || step.hasStateFactors()
                             ? sum / (double(channels) * double(states))
                             : step.layerFactors[size_t(l)];
        const double v = m_family == ModulationFamily::Linear ? 1.0 / s : s;
        u[size_t(l)] = std::clamp(v, kLower, kUpper);
    }
    return u;
}

ModulationSet CalibrationObjective::modulationAt(const std::vector<double> &u) const
{
    ModulationSet set = m_base;
    Modulation &step = set.steps[m_step];
    step.layerFactors = factorsOf(u);
    step.channelFactors.clear();
    step.stateFactors.clear();
    step.stateCount = 0;
    return set;
}

bool CalibrationObjective::canEvaluate(int evaluations) const
{
    return m_passes + evaluations * passesPerEvaluation() <= m_budget;
}

std::vector<double> CalibrationObjective::factorsOf(const std::vector<double> &u) const
{
    std::vector<double> f(u.size());
    for (size_t i = 0; i < u.size(); ++i) {
        const double v = std::clamp(u[i], kLower, kUpper);
        f[i] = m_family == ModulationFamily::Linear ? 1.0 / v : v;
    }
    return f;
}

double CalibrationObjective::evaluate(const std::vector<double> &uIn, int iteration,
                                      const QString &phase)
{
    if (!canEvaluate())
        throw Error(Error::Kind::Model, {}, QStringLiteral("calibration budget exhausted"));
    if (m_job)
        m_job->throwIfCancelled();
    std::vector<double> u(uIn.size());
    for (size_t i = 0; i < u.size(); ++i)
        u[i] = std::clamp(uIn[i], kLower, kUpper);
    m_forward->setScanParameters(modulationAt(u).apply(*m_model));
    PerplexityEvaluator evaluator(*m_forward, m_chunk);
    const double ppl = evaluator.fixedWindows(m_windows, m_target, 0, m_bos, m_job).perplexity();
    m_passes += passesPerEvaluation();
    // A NaN objective (overflowing state) must never become the best point.
    if (std::isfinite(ppl) && (m_bestU.empty() || ppl < m_best)) {
        m_best = ppl;
        m_bestU = u;
        m_bestSet = std::make_shared<const ModulationSet>(modulationAt(u));
    }
    if (m_onStep) {
        CalibrationStep step;
        step.iteration = iteration;
        step.forwardPasses = m_passes;
        step.budget = m_budget;
        step.phase = phase;
        step.objective = ppl;
        step.bestObjective = m_best;
        step.factors = factorsOf(u);
        step.bestFactors = factorsOf(m_bestU);
        step.bestModulation = m_bestSet;
        m_onStep(step);
    }
    return std::isfinite(ppl) ? ppl : std::numeric_limits<double>::max();
}

}  // namespace mscope
