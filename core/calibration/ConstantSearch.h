// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/CalibrationOptions.h"

#include <utility>

namespace mscope {

class MambaModel;
class ScoredObjective;

/// The 1-D search of the one constant of tau-cap (c: τ ≤ c·L_train) or winsorize (q: λ clipped to
/// its [q, 1 − q] quantiles), in log space: the start preset as given first, then a log-spaced
/// grid over the whole range (about half the evaluations, at least 3 points), then golden-section
/// search in the grid interval around the best grid point with the evaluations left. Every point
/// is a uniform step of the family in place of the start preset's last one of it (appended when
/// it has none); the best point of all is what Calibrator keeps. Deterministic.
class ConstantSearch
{
public:
    /// The searched range of the constant: tau-cap [1/16, max(16, 4·target/L_train)], winsorize
    /// [1e-4, 0.25].
    static std::pair<double, double> range(ModulationFamily family, int targetLength,
                                           int trainingLength);
    /// Throws Error when a tau-cap start preset has no Δ statistics or training length.
    static void run(const MambaModel &model, ScoredObjective &objective,
                    const CalibrationOptions &options);
    /// The start preset with the family's last step (or a new one) set to `constant` everywhere.
    static ModulationSet at(const ModulationSet &start, ModulationFamily family, double constant,
                            int layers);
};

}  // namespace mscope
