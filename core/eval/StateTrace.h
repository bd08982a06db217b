// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <cstdint>
#include <functional>
#include <vector>

namespace mscope {

class ForwardPass;
class JobControl;

/// The SSM state norms of every layer after `position` tokens (method.md §3): per channel the L2
/// norm over d_state, then the max and the mean over channels.
struct StateTracePoint
{
    int64_t position = 0;
    std::vector<double> maxChannelNorm;   // per layer
    std::vector<double> meanChannelNorm;  // per layer
};

/// Follows the state of one long text through a forward pass, recording the norms at chosen
/// positions: the observable that grows past the training length in the layers that fail.
class StateTrace
{
public:
    /// 1, 2, 3, ... up to `length`, about `perOctave` positions per doubling, always ending at
    /// `length` itself; strictly increasing.
    static std::vector<int64_t> logSpacedPositions(int64_t length, int perOctave = 4);
    /// Runs `ids` from a fresh state in chunks whose boundaries fall on the requested positions,
    /// so every norm is the state after exactly that many tokens. Positions beyond the text and
    /// duplicates are dropped; `onPoint` sees each point as soon as it is known. Throws Cancelled.
    static std::vector<StateTracePoint> run(
        ForwardPass &forward, const std::vector<int32_t> &ids,
        const std::vector<int64_t> &positions, const JobControl *job = nullptr,
        const std::function<void(const StateTracePoint &)> &onPoint = {});
    /// {"positions": [...], "max_channel_norm": [[per layer] per position], "mean_...": ...}.
    static QJsonObject toJson(const std::vector<StateTracePoint> &points);
};

}  // namespace mscope
