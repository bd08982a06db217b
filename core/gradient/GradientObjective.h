// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/ScoredWindow.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace mscope {

/// Which objective a calibration minimizes (method.md §9): perplexity (mean NLL over fixed
/// windows of calibration text, fresh state per window), retrieval (mean NLL of the key's tokens
/// over passkey prompts), or mixed: J = (1 − W)·J_perplexity + W·J_retrieval.
struct ObjectiveSpec
{
    enum class Kind { Perplexity, Retrieval, Mixed };
    Kind kind = Kind::Perplexity;
    double retrievalWeight = 0.0;  // W, in [0, 1]

    /// "ppl" (or "perplexity"), "passkey" (or "retrieval"), "mixed:W". Throws Error.
    static ObjectiveSpec parse(const QString &text);
    /// "ppl", "passkey", "mixed:0.3".
    QString name() const;
    double perplexityWeight() const;
    double retrievalWeightOf() const;
    bool needsText() const { return kind != Kind::Retrieval; }
    bool needsPrompts() const { return kind != Kind::Perplexity; }
};

/// The scored windows of an objective, made the same way for every calibration method.
class GradientObjective
{
public:
    /// `count` windows of `length` tokens (consecutive, non-overlapping pieces of the documents),
    /// spread evenly over all the pieces the documents hold rather than the first ones of the
    /// first document; `count` <= 0 or above the number of pieces takes them all. Empty when no
    /// document holds `length` tokens.
    static std::vector<std::vector<int32_t>> documentWindows(
        const std::vector<std::vector<int32_t>> &documents, int length, int count);
    /// How many pieces of `length` tokens the documents hold.
    static int64_t availableWindows(const std::vector<std::vector<int32_t>> &documents, int length);
    /// Perplexity windows: BOS in front when `bosId` >= 0, every predicted position weighed
    /// `weight` / (predicted positions of all windows), so that J is `weight` times the mean NLL.
    static std::vector<ScoredWindow> perplexity(const std::vector<std::vector<int32_t>> &windows,
                                                int32_t bosId, double weight = 1.0);
    /// Windows whose scored positions are given: answerStart[i] is the index in windows[i] of the
    /// first answer token; the answer runs to the end. Each answer token weighed `weight` / (answer
    /// tokens of all windows): J is `weight` times the mean NLL of the answers' tokens.
    static std::vector<ScoredWindow> answers(const std::vector<std::vector<int32_t>> &windows,
                                             const std::vector<int64_t> &answerStart,
                                             double weight = 1.0);
};

}  // namespace mscope
