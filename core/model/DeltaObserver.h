// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

namespace mscope {

/// Called with Δ of every layer and chunk, after the softplus, any time-step clamp and the
/// modulation's scale: [tokens, channels] token-major (Mamba-2: one Δ per head). The spectrum
/// analysis measures the mean Δ per channel on a calibration text through it.
using DeltaObserver = std::function<void(int layer, const float *delta, int tokens, int channels)>;

}  // namespace mscope
