// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/CalibrationPrompts.h"

#include "support/Error.h"

#include <QStringLiteral>

namespace mscope {

std::vector<PasskeyPrompt> CalibrationPrompts::passkey(
    const BpeTokenizer &tokenizer, int32_t bosTokenId,
    const std::vector<std::vector<int32_t>> &texts, int64_t length, int count, uint64_t seed)
{
    if (count < 1)
        throw Error(Error::Kind::Input, {},
                    QStringLiteral("at least one passkey prompt is needed (got %1)").arg(count));
    // Only texts that can fill a whole prompt are used as filler.
    std::vector<const std::vector<int32_t> *> fillers;
    for (const auto &t : texts)
        if (int64_t(t.size()) >= length)
            fillers.push_back(&t);
    const std::vector<int> keys = PasskeyTask::keys(seed, count);
    PasskeyTask task(tokenizer, bosTokenId);
    std::vector<PasskeyPrompt> prompts;
    for (int i = 0; i < count; ++i) {
        if (!fillers.empty()) {
            const auto &text = *fillers[size_t(i) % fillers.size()];
            const int64_t k = int64_t(size_t(i) / fillers.size());
            const int64_t from = (k + 1) * length <= int64_t(text.size()) ? k * length : 0;
            task.setTextFiller(std::vector<int32_t>(text.begin() + from, text.end()),
                               QStringLiteral("calibration text %1").arg(i % fillers.size()));
        }
        prompts.push_back(task.build(length, (double(i) + 0.5) / double(count), keys[size_t(i)]));
    }
    return prompts;
}

}  // namespace mscope
