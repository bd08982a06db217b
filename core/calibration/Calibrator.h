// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/CalibrationOptions.h"
#include "modulation/Modulation.h"

#include <functional>
#include <memory>

namespace mscope {

class JobControl;
class MambaModel;

/// Chooses per-layer modulation factors that minimize fixed-window perplexity at the target
/// length on calibration texts: SPSA as in the paper's code, or per-layer golden-section search,
/// on the same budget of forward passes. Deterministic for a given seed and thread count.
class Calibrator
{
public:
    /// Throws Error on unusable options (no window of targetLength tokens, a budget below
    /// one evaluation, a family that cannot be searched) and Cancelled when `job` is cancelled
    /// (checked before every chunk of every window). `job`'s progress reports come from each
    /// evaluation's windows; overall progress is CalibrationStep::forwardPasses / budget.
    static ModulationSet run(std::shared_ptr<const MambaModel> model,
                             const CalibrationOptions &options, const JobControl *job,
                             const std::function<void(const CalibrationStep &)> &onStep);
    static QString methodName(CalibrationOptions::Method method);  // "spsa", "coordinate"
};

}  // namespace mscope
