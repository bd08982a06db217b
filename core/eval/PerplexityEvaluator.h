// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eval/PositionBuckets.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mscope {

class ForwardPass;
class JobControl;

/// Fixed-window protocol (method.md §6): each document cut into consecutive windows of W tokens,
/// a fresh state per window, every position of every window scored.
struct FixedWindowResult
{
    int window = 0;
    int64_t windows = 0;
    int64_t tokensScored = 0;
    double nllSum = 0.0;
    std::vector<double> positionNllSum;  // [W-1]: summed over windows, per position in the window
    std::vector<double> finalSsmNorm;    // per layer, mean over windows of the final state's L2
    double meanNll() const;
    double perplexity() const;  // exp(mean NLL over every predicted token)
    PositionBuckets buckets(int bucketsPerOctave = 1) const;
};

/// Streaming protocol: one pass over one long text with the state carried across chunks;
/// NLL of every position (n-1 values for n tokens).
struct StreamResult
{
    std::vector<float> nll;
    std::vector<double> finalSsmNorm;  // per layer
    double meanNll() const;
    double perplexity() const;
    PositionBuckets buckets(int bucketsPerOctave = 1) const;
};

/// Chunked protocol of llama.cpp's perplexity tool (method.md §6), for comparing with numbers
/// llama.cpp users report: the token stream (BOS in front when `bos`) cut into chunks of C tokens,
/// the tail dropped; a fresh state per chunk; with `bos` the chunk's first token is overwritten by
/// BOS; the logits at positions C/2 .. C-2 scored (C/2 - 1 predictions per chunk).
struct ChunkedResult
{
    int context = 0;
    int64_t chunks = 0;
    int64_t tokensScored = 0;
    double nllSum = 0.0;
    double nllSquaredSum = 0.0;
    /// After each chunk, the perplexity of all chunks so far: llama.cpp's "[k]" numbers.
    std::vector<double> runningPerplexity;
    double meanNll() const;
    double perplexity() const;
    /// llama.cpp's "+/-": the perplexity times the standard error of the mean NLL.
    double perplexityError() const;
};

/// Runs the evaluation protocols on a ForwardPass, chunk by chunk so memory stays constant in
/// the context length. Progress and cancellation go through JobControl.
class PerplexityEvaluator
{
public:
    explicit PerplexityEvaluator(ForwardPass &forward, int chunkTokens = 512);

    /// `firstTokens` > 0 truncates every document to that many tokens first. `prependBos` makes
    /// each window [BOS, W-1 document tokens] (the paper's protocol); by default windows are W
    /// document tokens (the demo model's reference protocol).
    FixedWindowResult fixedWindows(const std::vector<std::vector<int32_t>> &documents, int window,
                                   int64_t firstTokens = 0, bool prependBos = false,
                                   const JobControl *job = nullptr);

    /// The chunked protocol over the tokens of one text (without BOS; `bos` adds it as llama.cpp
    /// does). Throws Error when the text has fewer than 2·context tokens (as llama.cpp refuses).
    /// Results of several texts add up with `into` (chunks, sums and running perplexities).
    void chunked(const std::vector<int32_t> &textTokens, int context, bool bos, ChunkedResult &into,
                 const JobControl *job = nullptr);

    /// Called after each chunk with the positions done so far and the NLL of the new positions.
    using ChunkCallback =
        std::function<void(int64_t firstPosition, const float *nll, int64_t count)>;
    StreamResult stream(const std::vector<int32_t> &ids, const JobControl *job = nullptr,
                        const ChunkCallback &onChunk = {});

private:
    ForwardPass &m_forward;
    int m_chunk;
};

}  // namespace mscope
