// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/SpectrumDensity.h"

#include <QString>

namespace mscope {

/// The translated axis name of a spectrum quantity: "memory τ (tokens)", "decay rate α", ...
QString spectrumQuantityName(SpectrumQuantity quantity);

}  // namespace mscope
