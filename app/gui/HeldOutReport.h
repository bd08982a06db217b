// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QStringList>
#include <cstdint>

namespace mscope {

/// What a calibration did on texts it never saw (WorkbenchSession::startHeldOutEvaluation):
/// fixed-window perplexity at the target length on the texts not used for calibration, and
/// passkey retrieval on prompts of the target length whose filler comes from those texts
/// (CalibrationPrompts::passkey), before (the start point) and after (the result).
struct HeldOutReport
{
    QStringList texts;  // names of the held-out texts
    int length = 0;     // window and prompt length (tokens)
    int64_t windows = 0;
    double perplexityBefore = 0.0;
    double perplexityAfter = 0.0;
    int prompts = 0;
    double accuracyBefore = 0.0;  // fraction of keys given exactly (greedy)
    double accuracyAfter = 0.0;
    double keyNllBefore = 0.0;  // mean NLL of the keys' tokens, nats
    double keyNllAfter = 0.0;
    double seconds = 0.0;
};

}  // namespace mscope

Q_DECLARE_METATYPE(mscope::HeldOutReport)
