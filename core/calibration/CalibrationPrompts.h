// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tasks/PasskeyTask.h"

#include <cstdint>
#include <vector>

namespace mscope {

class BpeTokenizer;

/// The passkey prompts a retrieval-calibrated objective scores (CalibrationOptions::objective
/// passkey or mixed), made from the calibration texts so that calibration never sees the
/// evaluation texts:
///
///   prompt i of `count`: key PasskeyTask::keys(seed, count)[i], depth (i + 0.5) / count,
///   filler the calibration text i mod (texts) from token k·length on, k = i div (texts) (from
///   token 0 where the text is too short for that), or the repeat filler when no calibration
///   text holds `length` tokens.
///
/// Every prompt has exactly `length` tokens (BOS included); the answer " {key}" follows it and
/// is what the objective scores.
class CalibrationPrompts
{
public:
    /// Throws Error (kind Input) when `length` is too short for the template or `count` < 1.
    static std::vector<PasskeyPrompt> passkey(const BpeTokenizer &tokenizer, int32_t bosTokenId,
                                              const std::vector<std::vector<int32_t>> &texts,
                                              int64_t length, int count, uint64_t seed);
};

}  // namespace mscope
