// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/CalibrationOptions.h"
#include "gradient/ModulationGradient.h"
#include "modulation/Modulation.h"

#include <functional>
#include <memory>
#include <vector>

namespace mscope {

class JobControl;
class MambaModel;
class ModulationFactors;

/// The objective of the gradient and 1-D calibrations (method.md §9): J = perplexity weight ·
/// mean NLL of fixed windows of calibration text (the same windows CalibrationObjective takes) +
/// retrieval weight · mean NLL of the answers of CalibrationOptions::retrievalPrompts. Evaluates
/// J (forward only) or J and dJ/dθ at a preset, counts window passes against a budget, keeps the
/// best preset seen, and reports every evaluation as a CalibrationStep.
class ScoredObjective
{
public:
    /// Throws Error when the objective has nothing to score (no text window of the target
    /// length, no prompts for a retrieval objective). `budget`: window passes allowed.
    ScoredObjective(std::shared_ptr<const MambaModel> model, const CalibrationOptions &options,
                    int budget, const JobControl *job,
                    std::function<void(const CalibrationStep &)> onStep);
    ~ScoredObjective();

    int windowsPerEvaluation() const { return int(m_windows.size()); }
    /// How many windows CalibrationObjective's rule would take for `options` (at least 1).
    static int windowCount(const CalibrationOptions &options, int64_t available);
    bool canEvaluate() const { return m_passes + windowsPerEvaluation() <= m_budget; }
    int passesUsed() const { return m_passes; }
    int budget() const { return m_budget; }

    /// J at `set` (forward passes); +inf when not finite. Throws Cancelled.
    double evaluate(const ModulationSet &set, int iteration, const QString &phase);
    /// J and dJ/dθ at θ (backward passes). Throws Cancelled.
    GradientResult gradient(const ModulationFactors &at, const FactorTensor &theta, int iteration,
                            const QString &phase);

    bool hasBest() const { return m_hasBest; }
    double bestJ() const { return m_bestJ; }
    const ModulationSet &best() const { return *m_best; }
    /// What CalibrationStep::objective shows for J: exp(J) (perplexity) for the ppl objective,
    /// J itself (nats) otherwise.
    double shown(double j) const;
    QString objectiveName() const;

private:
    void record(const ModulationSet &set, double j, int iteration, const QString &phase,
                double gradientNorm);

    std::shared_ptr<const MambaModel> m_model;
    ObjectiveSpec m_spec;
    ModulationFamily m_family;
    const JobControl *m_job;
    std::function<void(const CalibrationStep &)> m_onStep;
    std::vector<ScoredWindow> m_windows;
    std::unique_ptr<ModulationGradient> m_gradient;
    int m_budget = 0;
    int m_passes = 0;
    bool m_hasBest = false;
    double m_bestJ = 0;
    std::shared_ptr<const ModulationSet> m_best;
};

}  // namespace mscope
