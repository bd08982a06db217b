// SPDX-License-Identifier: GPL-3.0-or-later
#include "modulation/DecayParameters.h"

#include "model/MambaModel.h"
#include "model/ScanParameters.h"

#include <algorithm>
#include <cmath>

namespace mscope {

DecayParameters DecayParameters::fromModel(const MambaModel &model)
{
    DecayParameters p;
    p.channels = model.decayChannels();
    p.stateSize = model.decayStateSize();
    p.layers.resize(model.layers().size());
    for (size_t l = 0; l < p.layers.size(); ++l) {
        const FloatTensor &aLog = model.layers()[l].aLog;
        p.layers[l].aLog.assign(aLog.data, aLog.data + aLog.elementCount());
    }
    return p;
}

DecayParameters DecayParameters::fromScan(const ScanParameters &scan, const MambaModel &model)
{
    DecayParameters p = fromModel(model);
    const size_t n = std::min(p.layers.size(), scan.layers.size());
    for (size_t l = 0; l < n; ++l) {
        const ScanParameters::Layer &s = scan.layers[l];
        Layer &out = p.layers[l];
        const float *aLog = model.layers()[l].aLog.data;
        // An untouched layer keeps the exact A_log; log(-A) would not give it back bit for bit.
        bool untouched = s.negA.size() == out.aLog.size();
        for (size_t i = 0; untouched && i < s.negA.size(); ++i)
            untouched = s.negA[i] == -std::exp(aLog[i]);
        if (!untouched) {
            out.aLog.resize(s.negA.size());
            for (size_t i = 0; i < s.negA.size(); ++i)
                out.aLog[i] = std::log(-double(s.negA[i]));
        }
        out.deltaScale.assign(s.deltaScale.begin(), s.deltaScale.end());
    }
    return p;
}

std::shared_ptr<ScanParameters> DecayParameters::toScan() const
{
    auto scan = std::make_shared<ScanParameters>();
    scan->layers.resize(layers.size());
    for (size_t l = 0; l < layers.size(); ++l) {
        const Layer &in = layers[l];
        ScanParameters::Layer &out = scan->layers[l];
        out.negA.resize(in.aLog.size());
        for (size_t i = 0; i < in.aLog.size(); ++i)
            out.negA[i] = -std::exp(float(in.aLog[i]));
        // An all-ones multiplier is left empty so the scan skips the multiplication.
        if (std::any_of(in.deltaScale.begin(), in.deltaScale.end(),
                        [](double v) { return v != 1.0; }))
            out.deltaScale.assign(in.deltaScale.begin(), in.deltaScale.end());
    }
    return scan;
}

std::vector<float> DecayParameters::bakedALog(int layer) const
{
    const auto &a = layers[size_t(layer)].aLog;
    return std::vector<float>(a.begin(), a.end());
}

bool DecayParameters::scalesDelta() const
{
    return std::any_of(layers.begin(), layers.end(), [](const Layer &l) {
        return std::any_of(l.deltaScale.begin(), l.deltaScale.end(),
                           [](double v) { return float(v) != 1.0f; });
    });
}

}  // namespace mscope
