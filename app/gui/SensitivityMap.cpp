// SPDX-License-Identifier: GPL-3.0-or-later
#include "SensitivityMap.h"

#include "gradient/GradientObjective.h"
#include "gradient/ModulationGradient.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"
#include "support/Error.h"

#include <QCoreApplication>

namespace mscope {

SensitivityMap SensitivityMap::fromResult(const GradientResult &result, bool heads)
{
    SensitivityMap map;
    map.heads = heads;
    map.layers = int(result.sensitivity.size());
    map.channels = map.layers > 0 ? int(result.sensitivity.front().logDeltaScale.size()) : 0;
    map.decay.assign(size_t(map.layers) * size_t(map.channels), 0.0);
    map.deltaScale.assign(map.decay.size(), 0.0);
    for (int l = 0; l < map.layers; ++l) {
        const LayerSensitivity &s = result.sensitivity[size_t(l)];
        const size_t states = map.channels > 0 ? s.aLog.size() / size_t(map.channels) : 0;
        for (int c = 0; c < map.channels; ++c) {
            double sum = 0.0;
            for (size_t n = 0; n < states; ++n)
                sum += s.aLog[size_t(c) * states + n];
            map.decay[size_t(l) * size_t(map.channels) + size_t(c)] = sum;
            map.deltaScale[size_t(l) * size_t(map.channels) + size_t(c)] =
                s.logDeltaScale[size_t(c)];
        }
    }
    map.objective = result.objective;
    map.windows = result.windows;
    map.tokens = result.tokens;
    map.seconds = result.seconds;
    map.workingBytes = result.workingBytes;
    return map;
}

SensitivityMap SensitivityMap::compute(std::shared_ptr<const MambaModel> model,
                                       const ModulationSet &modulation,
                                       const std::vector<int32_t> &document,
                                       const QString &textName, int windowLength, int windows,
                                       int chunkTokens, const JobControl *job)
{
    const auto pieces = GradientObjective::documentWindows({document}, windowLength, windows);
    if (pieces.empty())
        throw Error(textName, QCoreApplication::translate("mscope::SensitivityMap",
                                                          "fewer than %1 tokens for a window")
                                  .arg(windowLength));
    const auto scored = GradientObjective::perplexity(pieces, -1);
    ModulationGradient gradient(model, chunkTokens);
    const bool heads = model->config().architecture == Architecture::Mamba2;
    SensitivityMap map = fromResult(gradient.sensitivity(modulation, scored, job), heads);
    map.windowLength = windowLength;
    map.text = textName;
    return map;
}

}  // namespace mscope
