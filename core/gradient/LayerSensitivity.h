// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <vector>

namespace mscope {

/// How an objective J responds to what a modulation changes in one layer, at the scan
/// parameters the engine ran with: the raw material of every factor gradient (ModulationFactors
/// applies the chain rule of a family and granularity) and of the workbench's sensitivity map.
struct LayerSensitivity
{
    /// dJ/dA_log' per entry of A_log ([channels, states] row-major: [E, N]; Mamba-2 [H]), where
    /// A_log' is the log-decay the scan used (A = -exp(A_log')): dJ/d log α. Negative: the
    /// objective wants that mode to decay faster.
    std::vector<double> aLog;
    /// dJ/d log s per channel (Mamba-2: head) for a multiplier s on Δ after the softplus, at s
    /// as run: Σ_t dJ/dΔ_t · Δ_t.
    std::vector<double> logDeltaScale;

    void resize(size_t decayEntries, size_t channels)
    {
        aLog.assign(decayEntries, 0.0);
        logDeltaScale.assign(channels, 0.0);
    }
};

}  // namespace mscope
