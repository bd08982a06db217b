// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/CacheLineVector.h"

#include <memory>
#include <vector>

namespace mscope {

class MambaModel;

/// The state-transition parameters the selective scan actually uses, per layer: A = -exp(A_log)
/// after any modulation, and a multiplier on Δ after the softplus. The model's weights stay
/// untouched; modulations produce a different ScanParameters for the same model.
struct ScanParameters
{
    struct Layer
    {
        CacheLineVector<float> negA;    // [E * N] (Mamba-2: [H]), row-major like A_log, < 0;
                                        // aligned: a channel's 16 states are one line
        std::vector<float> deltaScale;  // [E] (Mamba-2: [H]), or empty for 1 everywhere
    };
    std::vector<Layer> layers;

    /// A = -exp(A_log) of the model as loaded.
    static std::shared_ptr<ScanParameters> fromModel(const MambaModel &model);
};

}  // namespace mscope
