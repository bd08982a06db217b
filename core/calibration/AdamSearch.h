// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/CalibrationOptions.h"

#include <memory>

namespace mscope {

class MambaModel;
class ScoredObjective;

/// Adam (AdamW) on the factors of one family at one granularity (method.md §9), the way the
/// paper calibrates its passkey runs: θ starts at CalibrationOptions::start's factors (the
/// identity when unset); each step evaluates J and dJ/dθ on every window (ModulationGradient),
/// then
///
///   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,  θ ← θ − lr·m̂/(√v̂ + ε) − lr·λ·(θ − θ_start)
///
/// (bias-corrected m̂, v̂; the decay λ pulls toward the start point, decoupled as in AdamW) and
/// projects θ onto ModulationFactors::calibrationRange. A step whose J or gradient is not
/// finite is undone and the learning rate halved. `steps` steps cost steps + 1 evaluations (the
/// last point's J by forward passes only); the best point of all is what Calibrator keeps.
/// Deterministic for a thread count (no random draws).
class AdamSearch
{
public:
    static void run(const MambaModel &model, ScoredObjective &objective,
                    const CalibrationOptions &options);
};

}  // namespace mscope
