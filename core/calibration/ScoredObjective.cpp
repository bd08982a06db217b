// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/ScoredObjective.h"

#include "gradient/GradientObjective.h"
#include "gradient/ModulationFactors.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

namespace {

// The family's per-layer factors of a preset (the mean over each layer's entries): what a
// CalibrationStep shows.
std::vector<double> layerMeansOf(const ModulationSet &set, ModulationFamily family,
                                 const MambaModel &model)
{
    const int layers = model.config().nLayer, channels = model.decayChannels(),
              states = model.decayStateSize();
    std::vector<double> out(size_t(layers), identityFactor(family));
    for (size_t i = set.steps.size(); i-- > 0;) {
        const Modulation &step = set.steps[i];
        if (step.family != family)
            continue;
        for (int l = 0; l < layers; ++l) {
            if (!step.hasChannelFactors() && !step.hasStateFactors()) {
                out[size_t(l)] = step.layerFactors[size_t(l)];
                continue;
            }
            double sum = 0.0;
            for (int e = 0; e < channels; ++e)
                for (int n = 0; n < states; ++n)
                    sum += step.factor(l, e, n, states);
            out[size_t(l)] = sum / (double(channels) * double(states));
        }
        break;
    }
    return out;
}

}  // namespace

int ScoredObjective::windowCount(const CalibrationOptions &options, int64_t available)
{
    int n = options.windowsPerEvaluation;
    if (n <= 0)
        n = options.budget / (1 + 3 * std::max(1, options.iterations));
    return int(std::clamp<int64_t>(n, 1, std::max<int64_t>(1, available)));
}

ScoredObjective::ScoredObjective(std::shared_ptr<const MambaModel> model,
                                 const CalibrationOptions &options, int evaluations,
                                 const JobControl *job,
                                 std::function<void(const CalibrationStep &)> onStep)
    : m_model(std::move(model)),
      m_spec(options.objective),
      m_family(options.family),
      m_job(job),
      m_onStep(std::move(onStep))
{
    if (options.targetLength < 2)
        throw Error({}, QStringLiteral("the target length must be at least 2 tokens (got %1)")
                            .arg(options.targetLength));
    const double pplWeight = m_spec.perplexityWeight(), keyWeight = m_spec.retrievalWeightOf();
    if (pplWeight > 0.0) {
        const int docTokens = options.prependBos ? options.targetLength - 1 : options.targetLength;
        const int64_t available =
            GradientObjective::availableWindows(options.calibrationDocs, docTokens);
        if (available == 0)
            throw Error(Error::Kind::File, {},
                        QStringLiteral("no calibration text has the %1 tokens one window of the "
                                       "target length needs")
                            .arg(docTokens));
        const auto windows = GradientObjective::documentWindows(options.calibrationDocs, docTokens,
                                                                windowCount(options, available));
        m_windows = GradientObjective::perplexity(
            windows, options.prependBos ? m_model->config().bosTokenId : -1, pplWeight);
    }
    if (keyWeight > 0.0) {
        if (options.retrievalPrompts.empty())
            throw Error({}, QStringLiteral("the %1 objective needs passkey prompts, and none "
                                           "were given")
                                .arg(m_spec.name()));
        std::vector<std::vector<int32_t>> windows;
        std::vector<int64_t> answerStart;
        for (const PasskeyPrompt &p : options.retrievalPrompts) {
            std::vector<int32_t> ids = p.ids;
            answerStart.push_back(int64_t(ids.size()));
            ids.insert(ids.end(), p.answer.begin(), p.answer.end());
            windows.push_back(std::move(ids));
        }
        for (ScoredWindow &w : GradientObjective::answers(windows, answerStart, keyWeight))
            m_windows.push_back(std::move(w));
    }
    m_budget = evaluations > 0 ? evaluations * windowsPerEvaluation() : options.budget;
    if (m_budget < windowsPerEvaluation())
        throw Error({}, QStringLiteral("a budget of %1 window passes is less than one "
                                       "evaluation of the objective (%2 windows)")
                            .arg(m_budget)
                            .arg(windowsPerEvaluation()));
    m_gradient = std::make_unique<ModulationGradient>(m_model, std::max(1, options.chunkTokens));
    // A calibration evaluates the gradient many times: keeping the last chunks' recordings
    // (BackwardPass::setRecordingBudget) pays for its buffers after the first.
    m_gradient->setRecordingBudget(-1);
}

ScoredObjective::~ScoredObjective() = default;

double ScoredObjective::shown(double j) const
{
    return m_spec.kind == ObjectiveSpec::Kind::Perplexity ? std::exp(j) : j;
}

QString ScoredObjective::objectiveName() const
{
    switch (m_spec.kind) {
        case ObjectiveSpec::Kind::Perplexity:
            return QStringLiteral("perplexity");
        case ObjectiveSpec::Kind::Retrieval:
            return QStringLiteral("passkey NLL");
        case ObjectiveSpec::Kind::Mixed:
            return QStringLiteral("mixed NLL");
    }
    return {};
}

double ScoredObjective::evaluate(const ModulationSet &set, int iteration, const QString &phase)
{
    if (!canEvaluate())
        throw Error(Error::Kind::Model, {}, QStringLiteral("calibration budget exhausted"));
    if (m_job)
        m_job->throwIfCancelled();
    const double j = m_gradient->objective(set, m_windows, m_job);
    m_passes += windowsPerEvaluation();
    record(set, j, iteration, phase, 0.0);
    return std::isfinite(j) ? j : std::numeric_limits<double>::infinity();
}

GradientResult ScoredObjective::gradient(const ModulationFactors &at, const FactorTensor &theta,
                                         int iteration, const QString &phase)
{
    if (!canEvaluate())
        throw Error(Error::Kind::Model, {}, QStringLiteral("calibration budget exhausted"));
    if (m_job)
        m_job->throwIfCancelled();
    GradientResult r = m_gradient->evaluate(at, theta, m_windows, m_job);
    m_passes += windowsPerEvaluation();
    double norm = 0.0;
    for (double g : r.gradient.values)
        norm += g * g;
    record(at.modulation(theta), r.objective, iteration, phase, std::sqrt(norm));
    return r;
}

void ScoredObjective::record(const ModulationSet &set, double j, int iteration,
                             const QString &phase, double gradientNorm)
{
    // A NaN objective (overflowing state) must never become the best point.
    if (std::isfinite(j) && (!m_hasBest || j < m_bestJ)) {
        m_hasBest = true;
        m_bestJ = j;
        m_best = std::make_shared<const ModulationSet>(set);
    }
    if (!m_onStep)
        return;
    CalibrationStep step;
    step.iteration = iteration;
    step.forwardPasses = m_passes;
    step.budget = m_budget;
    step.phase = phase;
    step.objective = shown(j);
    step.bestObjective = m_hasBest ? shown(m_bestJ) : step.objective;
    step.objectiveName = objectiveName();
    step.factors = layerMeansOf(set, m_family, *m_model);
    step.bestFactors = m_hasBest ? layerMeansOf(*m_best, m_family, *m_model) : step.factors;
    step.bestModulation = m_best;
    step.gradientNorm = gradientNorm;
    m_onStep(step);
}

}  // namespace mscope
