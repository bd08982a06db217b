// SPDX-License-Identifier: GPL-3.0-or-later
#include "SpectrumQuantityName.h"

#include <QCoreApplication>

namespace mscope {

QString spectrumQuantityName(SpectrumQuantity quantity)
{
    // The context is the one these strings had when SpectrumDensity lived here: the translations
    // keep their entries.
    switch (quantity) {
        case SpectrumQuantity::Tau:
            return QCoreApplication::translate("mscope::SpectrumDensity", "memory τ (tokens)");
        case SpectrumQuantity::Alpha:
            return QCoreApplication::translate("mscope::SpectrumDensity", "decay rate α");
        case SpectrumQuantity::Lambda:
            return QCoreApplication::translate("mscope::SpectrumDensity", "eigenvalue λ = exp(−α)");
    }
    return {};
}

}  // namespace mscope
