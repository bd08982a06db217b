// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <span>

namespace mscope {

/// What choosing a token needs from a block of logits, made by the thread that wrote the block
/// while it is still in that core's cache: a decoding step's caller then merges a few dozen of
/// these instead of reading the other threads' logits across the cores and making two passes
/// over the vocabulary (about 2 µs of a demo-model token, on the calling thread alone).
struct LogitBlockSummary
{
    float max = 0.0f;     // the largest value that is not NaN; -inf when there is none
    int32_t first = -1;   // the first id whose value is `max`; -1 when there is none
    double sumExp = 0.0;  // Σ exp(v - max) over the block (float exp, 2e-7); 0 when max is not
                          // finite; not meaningful where a value is NaN (as sumExpShifted)
};

/// The summary of a whole vector of logits, merged from its blocks in block order: the same
/// numbers whichever thread summarized which block.
struct LogitSummary
{
    float max = 0.0f;
    int32_t first = -1;
    double sumExp = 0.0;  // Σ exp(v - max) over all; meaningful when max is finite
    bool valid = false;   // false until a step with logits filled it

    /// log p(id) under softmax of the logits summarized: log-sum-exp from the summary (to about
    /// 2e-7 relative, as sumExpShifted); `valueOfId` is the id's logit. NaN when max is not finite
    /// (no finite logit: the caller then uses the logits themselves).
    double logProbability(float valueOfId) const;
};

/// The summary of v[0, n), whose first element is id `firstId`.
LogitBlockSummary summarizeLogits(const float *v, int64_t n, int32_t firstId);

/// The blocks' summaries merged in order.
LogitSummary mergeLogitSummaries(std::span<const LogitBlockSummary> blocks);

}  // namespace mscope
