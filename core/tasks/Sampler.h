// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace mscope {

/// How the next token is chosen from the logits. The steps run in transformers' order: the
/// repetition penalty, then (unless greedy) the temperature, top-k, top-p, and a draw.
struct SamplingOptions
{
    /// The most likely token (the first on a tie); temperature, top-k and top-p are ignored.
    bool greedy = true;
    double temperature = 1.0;  // > 0: logits / temperature
    int topK = 0;              // keep the k most likely tokens; 0 keeps all
    double topP = 1.0;         // in (0, 1]: keep the most likely tokens until their mass reaches p
    /// >= 1; CTRL's penalty as transformers applies it: the logit of every token already in the
    /// context (prompt and generated) is divided by it when positive, multiplied when negative.
    double repetitionPenalty = 1.0;
    uint64_t seed = 0;  // the draws' std::mt19937_64 seed

    /// Throws Error (kind Input) naming the option that is out of its range.
    void validate() const;
};

/// Chooses tokens by SamplingOptions. The same options (seed included) and the same logits give
/// the same tokens on every run. The step's logits are the same bits on any thread count
/// (TokenStep); a prompt's prefill in chunks may round differently with another thread count, so
/// the promise is: the same seed and thread count give the same text.
struct LogitSummary;

class Sampler
{
public:
    explicit Sampler(const SamplingOptions &options);

    const SamplingOptions &options() const { return m_options; }
    /// Starts a new context (for the repetition penalty) and reseeds the draws.
    void begin(std::span<const int32_t> context, int vocabulary);
    /// The next token for `logits`; it joins the context. With the logits' `summary`
    /// (Decoder::logitSummary), greedy choice without a penalty reads it instead of the logits.
    int32_t next(std::span<const float> logits, const LogitSummary *summary = nullptr);

private:
    // The first id of the largest value that is not NaN (0 when all are NaN).
    static int32_t greedyChoice(const float *values, int32_t V);
    // Adds `chosen` to the context the repetition penalty sees; returns it.
    int32_t remember(int32_t chosen);
    // Top-p over every token: m_order and m_probability cut down to a head of the order by
    // `better` that holds every token the rule keeps, sorted (see the .cpp).
    void narrowToNucleus(double total);

    SamplingOptions m_options;
    std::mt19937_64 m_rng;
    std::vector<uint8_t> m_inContext;   // per token id
    std::vector<int32_t> m_contextIds;  // the distinct ids of the context, for the penalty
    std::vector<float> m_work;
    std::vector<float> m_weights;  // the candidates' exp(w - top) (first their w under top-k)
    std::vector<int32_t> m_order;
    std::vector<double> m_probability;
    std::vector<double> m_nucleus;  // scratch of narrowToNucleus
    std::vector<uint64_t> m_keys;   // scratch of its sort
};

}  // namespace mscope
