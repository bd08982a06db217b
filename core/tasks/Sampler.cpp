// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/Sampler.h"

#include "support/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mscope {

namespace {

Error badOption(const QString &problem)
{
    return Error(Error::Kind::Input, {}, problem);
}

// A uniform double in [0, 1) from 53 random bits: the same on every standard library (unlike
// std::uniform_real_distribution, whose algorithm is not specified).
double uniform(std::mt19937_64 &rng)
{
    return double(rng() >> 11) * 0x1.0p-53;
}

}  // namespace

void SamplingOptions::validate() const
{
    if (!(repetitionPenalty >= 1.0) || !std::isfinite(repetitionPenalty))
        throw badOption(QStringLiteral("the repetition penalty must be a number of at least 1 "
                                       "(got %1)")
                            .arg(repetitionPenalty));
    if (greedy)
        return;
    if (!(temperature > 0.0) || !std::isfinite(temperature))
        throw badOption(
            QStringLiteral("the temperature must be above 0 (got %1)").arg(temperature));
    if (topK < 0)
        throw badOption(QStringLiteral("top-k must be 0 (all tokens) or more (got %1)").arg(topK));
    if (!(topP > 0.0 && topP <= 1.0))
        throw badOption(QStringLiteral("top-p must be in (0, 1] (got %1)").arg(topP));
}

Sampler::Sampler(const SamplingOptions &options) : m_options(options), m_rng(options.seed)
{
    m_options.validate();
}

void Sampler::begin(std::span<const int32_t> context, int vocabulary)
{
    m_rng.seed(m_options.seed);
    m_inContext.assign(size_t(std::max(0, vocabulary)), 0);
    m_contextIds.clear();
    for (int32_t id : context) {
        if (id >= 0 && id < vocabulary && !m_inContext[size_t(id)]) {
            m_inContext[size_t(id)] = 1;
            m_contextIds.push_back(id);
        }
    }
}

int32_t Sampler::greedyChoice(const float *values, int32_t V)
{
    // The largest value that is not NaN (a comparison with NaN is false), then the first id that
    // has it: `better`'s choice below, in loops the compiler vectorizes (a token's logits are
    // thousands of floats, read every step; std::find compares one at a time).
    float top = -INFINITY;
#pragma omp simd reduction(max : top)
    for (int32_t v = 0; v < V; ++v)
        top = values[v] > top ? values[v] : top;
    constexpr int32_t kRun = 64;
    int32_t v = 0;
    for (; v + kRun <= V; v += kRun) {
        int found = 0;
#pragma omp simd reduction(| : found)
        for (int32_t i = 0; i < kRun; ++i)
            found |= values[v + i] == top;
        if (found)
            break;
    }
    for (; v < V; ++v)
        if (values[v] == top)
            return v;
    return 0;  // every value NaN
}

int32_t Sampler::next(std::span<const float> logits)
{
    const int32_t V = int32_t(logits.size());
    if (V == 0)
        throw Error(Error::Kind::Model, {}, QStringLiteral("no logits to sample from"));
    if (m_inContext.size() < size_t(V))
        m_inContext.resize(size_t(V), 0);
    const bool penalized = m_options.repetitionPenalty != 1.0;
    if (m_options.greedy && !penalized)
        return remember(greedyChoice(logits.data(), V));  // the logits as they are: no copy
    m_work.assign(logits.begin(), logits.end());
    if (penalized) {
        const float penalty = float(m_options.repetitionPenalty);
        for (int32_t id : m_contextIds) {
            if (id < V) {
                float &w = m_work[size_t(id)];
                w = w > 0.0f ? w / penalty : w * penalty;
            }
        }
    }
    // NaN never wins: a broken logit must not become the model's answer.
    const auto better = [this](int32_t a, int32_t b) {
        const float la = m_work[size_t(a)], lb = m_work[size_t(b)];
        if (std::isnan(lb))
            return !std::isnan(la) || a < b;
        return la > lb || (la == lb && a < b);
    };
    int32_t chosen = 0;
    if (m_options.greedy) {
        chosen = greedyChoice(m_work.data(), V);
    } else {
        const float inverseTemperature = float(1.0 / m_options.temperature);
        for (float &w : m_work)
            w *= inverseTemperature;
        m_order.resize(size_t(V));
        std::iota(m_order.begin(), m_order.end(), 0);
        if (m_options.topK > 0 && m_options.topK < V) {
            std::nth_element(m_order.begin(), m_order.begin() + m_options.topK, m_order.end(),
                             better);
            m_order.resize(size_t(m_options.topK));
        }
        const bool nucleus = m_options.topP < 1.0;
        if (nucleus)
            std::sort(m_order.begin(), m_order.end(), better);
        float top = -INFINITY;
        for (int32_t v : m_order)
            if (!std::isnan(m_work[size_t(v)]))
                top = std::max(top, m_work[size_t(v)]);
        m_probability.resize(m_order.size());
        double total = 0.0;
        for (size_t i = 0; i < m_order.size(); ++i) {
            const float w = m_work[size_t(m_order[i])];
            // Non-finite logits: the +inf ones share everything; with none above -inf (or only
            // NaN), the first candidate is as good as any.
            if (std::isinf(top))
                m_probability[i] = top > 0 ? (w == top ? 1.0 : 0.0) : (i == 0 ? 1.0 : 0.0);
            else
                m_probability[i] = std::isnan(w) ? 0.0 : std::exp(double(w) - double(top));
            total += m_probability[i];
        }
        size_t kept = m_order.size();
        if (nucleus) {
            // Tokens in decreasing order are kept while the mass before them is below p (at
            // least one): transformers' rule, which drops the tail whose mass is at most 1 - p.
            double before = 0.0;
            for (size_t i = 0; i < m_order.size(); ++i) {
                if (i > 0 && before >= m_options.topP * total) {
                    kept = i;
                    break;
                }
                before += m_probability[i];
            }
            total = std::accumulate(m_probability.begin(), m_probability.begin() + ptrdiff_t(kept),
                                    0.0);
        }
        const double u = uniform(m_rng) * total;
        double cumulative = 0.0;
        chosen = m_order[kept - 1];
        for (size_t i = 0; i < kept; ++i) {
            cumulative += m_probability[i];
            if (u < cumulative) {
                chosen = m_order[i];
                break;
            }
        }
    }
    return remember(chosen);
}

int32_t Sampler::remember(int32_t chosen)
{
    if (!m_inContext[size_t(chosen)]) {
        m_inContext[size_t(chosen)] = 1;
        m_contextIds.push_back(chosen);
    }
    return chosen;
}

}  // namespace mscope
