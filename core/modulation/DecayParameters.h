// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <vector>

namespace mscope {

class MambaModel;
struct ScanParameters;

/// A model's state-transition parameters in the log domain while modulations are applied:
/// A_log and a multiplier on Δ per layer, in double. Working on A_log rather than on A keeps an
/// applied and a baked modulation bit-identical: baking writes float(A_log') and the scan uses
/// -exp(float(A_log')) either way.
struct DecayParameters
{
    struct Layer
    {
        std::vector<double> aLog;        // [channels * stateSize], row-major like A_log
        std::vector<double> deltaScale;  // [channels], or empty for 1 everywhere
    };
    std::vector<Layer> layers;
    int channels = 0;   // rows of A_log: E (d_inner), or H (heads) in Mamba-2
    int stateSize = 0;  // N (d_state), or 1 in Mamba-2

    /// A_log of the model as loaded.
    static DecayParameters fromModel(const MambaModel &model);
    /// From scan parameters that may already be modulated. Layers still equal to the model's own
    /// take its A_log exactly; the others log(-A).
    static DecayParameters fromScan(const ScanParameters &scan, const MambaModel &model);
    /// A = -exp(float(A_log)), computed as ScanParameters::fromModel does.
    std::shared_ptr<ScanParameters> toScan() const;
    /// float(A_log) of one layer: what a baked checkpoint stores.
    std::vector<float> bakedALog(int layer) const;
    /// Whether any layer scales Δ (which A_log cannot express).
    bool scalesDelta() const;
};

}  // namespace mscope
