// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/CalibrationOptions.h"
#include "model/ForwardPass.h"

#include <functional>
#include <memory>
#include <vector>

namespace mscope {

class JobControl;
class MambaModel;

/// The calibration objective as a function of one search coordinate per layer: fixed-window
/// perplexity at the target length on a fixed set of calibration windows. Counts forward passes
/// against the budget, remembers the best point, and reports every evaluation.
class CalibrationObjective
{
public:
    static constexpr double kLower = 0.01;  // search coordinate range, as the paper clips s
    static constexpr double kUpper = 1.0;

    CalibrationObjective(std::shared_ptr<const MambaModel> model, const CalibrationOptions &options,
                         const JobControl *job,
                         std::function<void(const CalibrationStep &)> onStep);

    int layers() const { return m_layers; }
    int passesPerEvaluation() const { return int(m_windows.size()); }
    int passesUsed() const { return m_passes; }
    int budget() const { return m_budget; }
    /// Whether the budget still covers `evaluations` more evaluations.
    bool canEvaluate(int evaluations = 1) const;
    /// Perplexity at the coordinates `u` (clipped to the range). Throws Cancelled.
    double evaluate(const std::vector<double> &u, int iteration, const QString &phase);

    bool hasBest() const { return !m_bestU.empty(); }
    double bestObjective() const { return m_best; }
    const std::vector<double> &bestCoordinates() const { return m_bestU; }
    /// Family factors of coordinates (power, delta: s = u; linear: s = 1/u).
    std::vector<double> factorsOf(const std::vector<double> &u) const;
    /// Whether CalibrationOptions::start was given, and its coordinates: per layer the mean of
    /// the family step's factors, mapped to u and clipped to the range (1 where it has no step).
    bool hasStart() const { return m_hasStart; }
    std::vector<double> startCoordinates() const;
    /// The preset the coordinates stand for: the start preset with the family's step (the last
    /// one, or one appended) set to factorsOf(u) per layer.
    ModulationSet modulationAt(const std::vector<double> &u) const;

private:
    std::shared_ptr<const MambaModel> m_model;
    ModulationFamily m_family;
    int m_target;
    bool m_bos;
    const JobControl *m_job;
    std::function<void(const CalibrationStep &)> m_onStep;
    ModulationSet m_base;  // the start preset, with a step of the family at m_step
    size_t m_step = 0;
    bool m_hasStart = false;
    std::unique_ptr<ForwardPass> m_forward;
    int m_chunk;
    std::vector<std::vector<int32_t>> m_windows;  // each exactly targetLength tokens
    int m_layers = 0;
    int m_budget = 0;
    int m_passes = 0;
    double m_best = 0;
    std::vector<double> m_bestU;
    std::shared_ptr<const ModulationSet> m_bestSet;
};

}  // namespace mscope
