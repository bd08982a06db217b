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
        m_order.clear();
        if (m_options.topK > 0 && m_options.topK < V) {
            // The k best in one pass, the worst of them on top of a heap: most tokens are
            // refused by one comparison (sorting or selecting all V ids by `better`, an indirect
            // comparison, cost more than the token's step). Then best first.
            const size_t k = size_t(m_options.topK);
            for (int32_t v = 0; v < V; ++v) {
                if (m_order.size() < k) {
                    m_order.push_back(v);
                    std::push_heap(m_order.begin(), m_order.end(), better);
                } else if (better(v, m_order.front())) {
                    std::pop_heap(m_order.begin(), m_order.end(), better);
                    m_order.back() = v;
                    std::push_heap(m_order.begin(), m_order.end(), better);
                }
            }
            std::sort(m_order.begin(), m_order.end(), better);
        } else {
            m_order.resize(size_t(V));
            std::iota(m_order.begin(), m_order.end(), 0);
        }
        float top = -INFINITY;
        for (int32_t v : m_order)
            if (!std::isnan(m_work[size_t(v)]))
                top = std::max(top, m_work[size_t(v)]);
        // Non-finite logits: the +inf ones share everything; with none above -inf (or only NaN),
        // the first candidate is as good as any.
        const auto probability = [&](int32_t v, bool first) {
            const float w = m_work[size_t(v)];
            if (std::isinf(top))
                return top > 0 ? (w == top ? 1.0 : 0.0) : (first ? 1.0 : 0.0);
            return std::isnan(w) ? 0.0 : std::exp(double(w) - double(top));
        };
        m_probability.resize(m_order.size());
        double total = 0.0;
        for (size_t i = 0; i < m_order.size(); ++i) {
            m_probability[i] = probability(m_order[i], i == 0);
            total += m_probability[i];
        }
        const bool nucleus = m_options.topP < 1.0;
        if (nucleus && m_order.size() == size_t(V))
            narrowToNucleus(total, better);
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

template <typename Better>
void Sampler::narrowToNucleus(double total, const Better &better)
{
    // Every token is a candidate (m_order in id order, m_probability beside it) and top-p must
    // sort them by probability. Only the head of that order matters: the largest threshold t
    // whose tokens at or above it carry at least p of the mass (bisected, a pass over the
    // probabilities each time) gives a set that holds every token the rule keeps, and only it is
    // sorted. The margin covers the sums' rounding (added in another order than the rule adds).
    const double target = m_options.topP * total * (1.0 + 1e-9);
    const int64_t n = int64_t(m_probability.size());
    const double *p = m_probability.data();
    const auto massFrom = [p, n](double t) {
        double mass = 0.0;
#pragma omp simd reduction(+ : mass)
        for (int64_t i = 0; i < n; ++i)
            mass += p[i] >= t ? p[i] : 0.0;
        return mass;
    };
    double low = 0.0, high = *std::max_element(m_probability.begin(), m_probability.end());
    if (!(target < total) || !(high > 0.0)) {
        std::sort(m_order.begin(), m_order.end(), better);  // p so near 1 that all may count
    } else {
        if (massFrom(high) >= target) {
            low = high;
        } else {
            for (int i = 0; i < 60 && high - low > 1e-3 * high; ++i) {
                const double mid = 0.5 * (low + high);
                (massFrom(mid) >= target ? low : high) = mid;
            }
        }
        size_t count = 0;
        for (int64_t i = 0; i < n; ++i)
            if (p[i] >= low)
                m_order[count++] = m_order[size_t(i)];
        m_order.resize(count);
        std::sort(m_order.begin(), m_order.end(), better);
    }
    // The probabilities in the new order: m_order's ids were their indices.
    m_nucleus.resize(m_order.size());
    for (size_t i = 0; i < m_order.size(); ++i)
        m_nucleus[i] = m_probability[size_t(m_order[i])];
    m_probability.swap(m_nucleus);
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
