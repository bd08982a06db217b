// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/FactorTensor.h"
#include "gradient/LayerSensitivity.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"

#include <memory>
#include <vector>

namespace mscope {

class MambaModel;

/// The factors θ of one modulation family at one granularity, inside a preset (method.md §9):
/// θ are the factors of the preset's last step of that family (an identity step is appended
/// when it has none); the other steps stay as they are. Maps θ to the preset it stands for and
/// the BackwardPass's sensitivities to dJ/dθ by the chain rule:
///   power   A_log' = θ ⊙ A_log:        dJ/dθ = dJ/dA_log'' · c · A_log
///   linear  A_log' = A_log + log θ:     dJ/dθ = dJ/dA_log'' · c / θ
///   delta   Δ' = θ ⊙ Δ:                 dJ/dθ = dJ/d log s_Δ / θ
/// where A_log is the log-decay before the step, A_log'' the one the scan uses and c the product
/// of the power factors of later steps; coarser granularities sum the finer derivatives (the
/// derivative along moving all of a layer's or channel's factors together).
class ModulationFactors
{
public:
    /// Throws Error when the family has no gradient (winsorize, tau-cap: use their 1-D search),
    /// when the granularity does not exist for it (state: power and linear of Mamba-1 only; Δ is
    /// one per channel, Mamba-2's A one per head), or when a winsorize or tau-cap step follows
    /// the family's step (the chain rule through their clipping is not defined).
    ModulationFactors(const MambaModel &model, ModulationSet base, ModulationFamily family,
                      FactorGranularity granularity);

    ModulationFamily family() const { return m_family; }
    FactorGranularity granularity() const { return m_granularity; }
    /// θ of the preset as given. Where the step has finer factors than the granularity, their
    /// mean (exact() is then false).
    const FactorTensor &values() const { return m_values; }
    bool exact() const { return m_exact; }
    /// The preset with the step's factors replaced by θ (same shape as values()).
    ModulationSet modulation(const FactorTensor &theta) const;
    /// dJ/dθ at `theta`, from the sensitivities measured at modulation(theta).
    FactorTensor gradient(const FactorTensor &theta,
                          const std::vector<LayerSensitivity> &sensitivity) const;

    /// The range a calibration keeps θ in, as the other searches do (method.md §5): power and
    /// delta [0.01, 1], linear [1, 100] (α up to 100 times faster).
    static std::pair<double, double> calibrationRange(ModulationFamily family);

private:
    const MambaModel &m_model;
    ModulationSet m_base;
    ModulationFamily m_family;
    FactorGranularity m_granularity;
    size_t m_step = 0;  // index of the family's step in m_base
    int m_channels = 0, m_states = 0;
    FactorTensor m_values;
    bool m_exact = true;
    DecayParameters m_before;                  // A_log before the step
    std::vector<std::vector<double>> m_chain;  // per layer [channels · states]: later power factors
};

}  // namespace mscope
