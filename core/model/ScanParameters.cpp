// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/ScanParameters.h"

#include "model/MambaModel.h"

#include <cmath>

namespace mscope {

std::shared_ptr<ScanParameters> ScanParameters::fromModel(const MambaModel &model)
{
    auto p = std::make_shared<ScanParameters>();
    p->layers.resize(model.layers().size());
    for (size_t l = 0; l < model.layers().size(); ++l) {
        const FloatTensor &aLog = model.layers()[l].aLog;
        const FloatTensor &stored = model.layers()[l].negA;  // a GGUF's A, when kept
        auto &negA = p->layers[l].negA;
        negA.resize(size_t(aLog.elementCount()));
        for (size_t i = 0; i < negA.size(); ++i)
            negA[i] = stored.data ? stored.data[i] : -std::exp(aLog.data[i]);
    }
    return p;
}

}  // namespace mscope
