// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/StateTrace.h"

#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace mscope {

std::vector<int64_t> StateTrace::logSpacedPositions(int64_t length, int perOctave)
{
    std::vector<int64_t> out;
    if (length < 1)
        return out;
    perOctave = std::max(1, perOctave);
    for (int k = 0;; ++k) {
        const int64_t p = int64_t(std::llround(std::exp2(double(k) / perOctave)));
        if (p >= length)
            break;
        if (out.empty() || p > out.back())
            out.push_back(p);
    }
    out.push_back(length);
    return out;
}

std::vector<StateTracePoint> StateTrace::run(
    ForwardPass &forward, const std::vector<int32_t> &ids, const std::vector<int64_t> &positions,
    const JobControl *job, const std::function<void(const StateTracePoint &)> &onPoint)
{
    const int64_t n = int64_t(ids.size());
    std::vector<int64_t> wanted;
    for (int64_t p : positions) {
        if (p >= 1 && p <= n)
            wanted.push_back(p);
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    if (wanted.empty())
        throw Error({},
                    QStringLiteral("no trace position lies within the text's %1 tokens").arg(n));

    constexpr int64_t kChunk = 512;
    const MambaModel &model = forward.model();
    RecurrentState state(model.config());
    ForwardPass::Hidden hidden;
    std::vector<StateTracePoint> points;
    int64_t done = 0;
    for (const int64_t target : wanted) {
        while (done < target) {
            if (job)
                job->throwIfCancelled();
            const int64_t len = std::min(kChunk, target - done);
            forward.embed(std::span(ids).subspan(size_t(done), size_t(len)), hidden);
            forward.runLayers(hidden, state);
            done += len;
            if (job)
                job->report(double(done) / double(wanted.back()),
                            QStringLiteral("%1 of %2 tokens").arg(done).arg(wanted.back()));
        }
        StateTracePoint point;
        point.position = target;
        for (int l = 0; l < state.layerCount(); ++l) {
            const LayerStateNorm norms = state.ssmChannelNorms(l);
            point.maxChannelNorm.push_back(norms.maxChannel);
            point.meanChannelNorm.push_back(norms.meanChannel);
        }
        if (onPoint)
            onPoint(point);
        points.push_back(std::move(point));
    }
    return points;
}

QJsonObject StateTrace::toJson(const std::vector<StateTracePoint> &points)
{
    QJsonArray positions, maxNorm, meanNorm;
    for (const StateTracePoint &p : points) {
        positions.append(double(p.position));
        QJsonArray mx, mn;
        for (double v : p.maxChannelNorm)
            mx.append(v);
        for (double v : p.meanChannelNorm)
            mn.append(v);
        maxNorm.append(mx);
        meanNorm.append(mn);
    }
    return {{QStringLiteral("positions"), positions},
            {QStringLiteral("max_channel_norm"), maxNorm},
            {QStringLiteral("mean_channel_norm"), meanNorm}};
}

}  // namespace mscope
