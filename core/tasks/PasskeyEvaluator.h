// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tasks/PasskeyTask.h"

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace mscope {

class Decoder;
class ForwardPass;
class JobControl;

/// The cells to score: every length × depth, each over the same keys.
struct PasskeyGrid
{
    std::vector<int64_t> lengths;  // prompt tokens, BOS included
    std::vector<double> depths;    // in [0, 1]
    std::vector<int> keys;         // 10000..99999 (PasskeyTask::keys)
};

/// One key of one cell.
struct PasskeyAnswer
{
    int key = 0;
    std::vector<int32_t> expected;  // the answer's ids, " {key}"
    /// The greedy decoding of expected.size() tokens after the prompt.
    std::vector<int32_t> given;
    bool correct = false;  // given == expected
    /// Mean of -log p(answer token | prompt and the answer tokens before it), nats per token.
    double meanNll = 0.0;
    int64_t keyPosition = 0;  // where the key sentence starts in the prompt
};

/// One (length, depth) cell.
struct PasskeyCell
{
    int64_t length = 0;
    double depth = 0.0;
    std::vector<PasskeyAnswer> answers;  // in the grid's key order
    double accuracy() const;             // fraction of answers correct
    double meanKeyNll() const;           // mean over keys of PasskeyAnswer::meanNll
};

struct PasskeyResult
{
    std::vector<PasskeyCell> cells;  // length-major: cells[i * depths + j]
    int64_t tokensProcessed = 0;     // every token that went through the model
    double seconds = 0.0;
    /// The cell of a length and depth of the grid, or null.
    const PasskeyCell *cell(int64_t length, double depth) const;
};

/// -log p(target) under softmax(logits) (in double) and the most likely token (the first on a tie):
/// what one answer position contributes to PasskeyAnswer.
struct TokenScore
{
    double nll = 0.0;
    int32_t argmax = 0;
};
TokenScore scoreToken(std::span<const float> logits, int32_t target);

/// Scores passkey retrieval on a grid (method.md §8, docs/tasks.md): per cell and key, exact
/// match of the greedily decoded answer and the mean NLL of the answer's tokens by teacher forcing.
///
/// Prefix sharing: the prompts of a grid are [BOS] + instruction + filler[0:p] + key sentence +
/// filler[p:F] + question, and the filler is one token sequence for every length, depth and key.
/// So the common part, up to every key offset p, is run once (in increasing p, the state copied
/// at each p); from there each key runs its key sentence and the filler that follows once for all
/// the lengths that share (p, key) (copies at each length's end), then the question and the
/// answer. Only the answer positions go through the LM head. A grid costs one pass over the
/// longest filler plus the suffixes, not one pass per prompt; memory is four recurrent states.
///
/// One evaluator per job and thread (it decodes on its ForwardPass).
class PasskeyEvaluator
{
public:
    /// `forward` (its modulation applies) and `task` must outlive the evaluator.
    PasskeyEvaluator(ForwardPass &forward, const PasskeyTask &task, int chunkTokens = 512);

    /// Called on the evaluating thread once per cell, when its last key is scored (cells finish
    /// in the order of their key offsets, not in grid order).
    using CellCallback = std::function<void(const PasskeyCell &)>;

    /// Scores every cell of `grid`. Progress on `job` in tokens; cancellation throws Cancelled.
    /// Throws Error (kind Input) for an empty or invalid grid (a length below the template's
    /// minimum, a depth outside [0, 1], a bad key, a text filler too short).
    PasskeyResult run(const PasskeyGrid &grid, const JobControl *job = nullptr,
                      const CellCallback &onCell = {});

    /// One prompt on its own, from an empty state (the definition run() must agree with).
    PasskeyAnswer scoreAlone(const PasskeyPrompt &prompt);

private:
    // From a decoder positioned after all of the prompt but its last token: the answer scored by
    // teacher forcing, and the greedy decoding (a copy of the state where it leaves the answer).
    PasskeyAnswer scoreAnswer(Decoder &teacher, int32_t lastPromptToken,
                              const std::vector<int32_t> &expected);

    ForwardPass &m_forward;
    const PasskeyTask &m_task;
    int m_chunk;
    int64_t m_tokens = 0;  // processed by the current run
};

}  // namespace mscope
