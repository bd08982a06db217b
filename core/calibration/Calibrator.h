// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/CalibrationOptions.h"
#include "modulation/Modulation.h"

#include <functional>
#include <memory>
#include <optional>

namespace mscope {

class JobControl;
class MambaModel;

/// Chooses modulation factors that minimize an objective at the target length on calibration
/// texts: per-layer perplexity by SPSA as in the paper's code or per-layer golden-section search,
/// on the same budget of forward passes; Adam on the gradient (AdamSearch) at any granularity and
/// objective; the one constant of tau-cap or winsorize by a 1-D search (ConstantSearch).
/// Deterministic for a given seed and thread count; the preset returned starts from
/// CalibrationOptions::start (its other steps kept).
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
    /// "spsa", "coordinate", "adam".
    static QString methodName(CalibrationOptions::Method method);
    static std::optional<CalibrationOptions::Method> methodFromName(const QString &name);
};

}  // namespace mscope
