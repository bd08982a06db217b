// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tasks/Decoder.h"
#include "tasks/Sampler.h"

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace mscope {

class ForwardPass;
class JobControl;

/// What to generate after a prompt.
struct GenerationOptions
{
    int maxNewTokens = 64;
    SamplingOptions sampling;
    /// Stop after the end-of-text token (it is part of the result); off makes exactly
    /// maxNewTokens tokens, as transformers' references with EOS disabled.
    bool stopAtEos = true;
    int32_t eosTokenId = -1;  // -1: the model's config.json eos_token_id
};

/// One token as it is made (the workbench tints it by `probability`).
struct GeneratedToken
{
    int index = 0;  // 0 for the first new token
    int32_t id = 0;
    /// p(id) under the model's own distribution (softmax of the raw logits, before the sampling
    /// options reshape it), and its log.
    double probability = 0.0;
    double logProbability = 0.0;
};

struct GenerationResult
{
    enum class Stop { Budget, EndOfText, Cancelled };
    int64_t promptTokens = 0;
    std::vector<int32_t> ids;           // the new tokens
    std::vector<double> probabilities;  // GeneratedToken::probability of each
    Stop stop = Stop::Budget;
    double prefillSeconds = 0.0;  // the prompt, up to the first new token's logits
    double decodeSeconds = 0.0;   // from there to the last new token
    /// New tokens per second of decoding (after the prefill): the step's speed, plus sampling.
    double tokensPerSecond() const;
};

/// A prompt in, new tokens out, one at a time (method.md §8): the prompt is prefilled in chunks,
/// then each token is chosen by the Sampler and fed back by the one-token step. Runs on the
/// calling thread; a GUI runs it in a background job and gets each token through the callback.
class Generator
{
public:
    /// Called on the generating thread right after each token is chosen.
    using TokenCallback = std::function<void(const GeneratedToken &)>;

    /// `forward` (its modulation applies) must outlive the generator.
    explicit Generator(ForwardPass &forward, int chunkTokens = 512);

    /// Prefills `prompt` (at least one token), then makes up to options.maxNewTokens tokens.
    /// Cancellation through `job` during the prefill throws Cancelled; during decoding it stops
    /// and returns what was made (stop = Cancelled). Progress on `job`: the prefill's share, then
    /// one report per token. Throws Error for bad options or token ids outside the vocabulary.
    GenerationResult generate(std::span<const int32_t> prompt, const GenerationOptions &options,
                              const JobControl *job = nullptr, const TokenCallback &onToken = {});

    Decoder &decoder() { return m_decoder; }

private:
    Decoder m_decoder;
};

}  // namespace mscope
