// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/Sampler.h"

#include "kernels/ElementwiseKernels.h"
#include "kernels/LogitSummary.h"
#include "support/Error.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
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

// Sorts `ids` best first by `logits` (larger first, ties lower id first, NaN last: the order of
// Sampler::next's `better`) through integer keys: sorting by an indirect comparison took tens of
// microseconds for the nucleus of a flat distribution (a thousand ids), more than a token's step.
void sortBestFirst(std::vector<int32_t> &ids, const std::vector<float> &logits,
                   std::vector<uint64_t> &keys)
{
    keys.resize(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        const float w = logits[size_t(ids[i])];
        // The float's order as an unsigned integer's (negative ones reversed, -0 as +0); NaN 0,
        // below -inf's key.
        uint32_t order = 0;
        if (!std::isnan(w)) {
            const uint32_t bits = std::bit_cast<uint32_t>(w == 0.0f ? 0.0f : w);
            order = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
        }
        keys[i] = (uint64_t(order) << 32) | uint64_t(~uint32_t(ids[i]));  // lower id, larger key
    }
    std::sort(keys.begin(), keys.end(), std::greater<>());
    for (size_t i = 0; i < ids.size(); ++i)
        ids[i] = int32_t(~uint32_t(keys[i]));
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
    // The largest value that is not NaN, then the first id that has it: `better`'s choice below,
    // in vectorized loops (a token's logits are thousands of floats, read every step).
    const int64_t first = firstIndexOf(values, V, maxNotNaN(values, V));
    return first < V ? int32_t(first) : 0;  // 0 when every value is NaN
}

int32_t Sampler::next(std::span<const float> logits, const LogitSummary *summary)
{
    const int32_t V = int32_t(logits.size());
    if (V == 0)
        throw Error(Error::Kind::Model, {}, QStringLiteral("no logits to sample from"));
    if (m_inContext.size() < size_t(V))
        m_inContext.resize(size_t(V), 0);
    const bool penalized = m_options.repetitionPenalty != 1.0;
    if (m_options.greedy && !penalized) {
        // The summary's first id of the largest value is greedyChoice's (0 when all are NaN).
        if (summary && summary->valid)
            return remember(std::max(summary->first, 0));
        return remember(greedyChoice(logits.data(), V));  // the logits as they are: no copy
    }
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
        // The candidates' weights exp(w - top) in one vectorized pass (a scalar double exp and
        // two checks per id cost a tenth to a fifth of a demo-model token's step).
        const size_t count = m_order.size();
        const bool everyToken = count == size_t(V);  // then in id order
        m_weights.resize(count);
        if (!everyToken) {
            for (size_t i = 0; i < count; ++i)
                m_weights[i] = m_work[size_t(m_order[i])];
        }
        const float *values = everyToken ? m_work.data() : m_weights.data();
        const float top = maxNotNaN(values, int64_t(count));
        m_probability.resize(count);
        double total = 0.0;
        if (std::isinf(top)) {
            // Non-finite logits: the +inf ones share everything; with none above -inf (or only
            // NaN), the first candidate is as good as any.
            for (size_t i = 0; i < count; ++i) {
                m_probability[i] = top > 0 ? (values[i] == top ? 1.0 : 0.0) : (i == 0 ? 1.0 : 0.0);
                total += m_probability[i];
            }
        } else {
            expShifted(values, int64_t(count), top, m_weights.data());
            for (size_t i = 0; i < count; ++i) {
                m_probability[i] = double(m_weights[i]);
                total += m_probability[i];
            }
        }
        const bool nucleus = m_options.topP < 1.0;
        if (nucleus && everyToken)
            narrowToNucleus(total);
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

void Sampler::narrowToNucleus(double total)
{
    // Every token is a candidate (m_order in id order, m_probability beside it) and top-p must
    // sort them by probability. Only the head of that order matters: a threshold t whose tokens
    // at or above it carry at least p of the mass gives a set that holds every token the rule
    // keeps, and only it is sorted. t is found in one pass that sums the mass per octave of
    // probability (the top is 1: octave k holds [2^-k, 2^-k+1)), then narrowed within the octave
    // where the mass reaches p by a few bisections, a pass each (bisecting from [0, 1] took
    // twenty passes or more for a flat distribution). The margin covers the sums' rounding
    // (added in another order than the rule adds).
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
    double low = 0.0;  // every token at or above it is a candidate
    if (target < total) {
        // Four tables, token i into table i % 4: consecutive tokens often share an octave, and
        // one table would chain their additions.
        constexpr int kOctaves = 64;  // the last also holds everything smaller, zeros included
        std::array<double, 4 * kOctaves> mass{};
        for (int64_t i = 0; i < n; ++i) {
            const int64_t exponent = int64_t(std::bit_cast<uint64_t>(p[i]) >> 52);  // p ≥ 0
            const int64_t octave = std::clamp<int64_t>(1023 - exponent, 0, kOctaves - 1);
            mass[size_t((i & 3) * kOctaves + octave)] += p[i];
        }
        double reached = 0.0;
        for (int k = 0; k + 1 < kOctaves; ++k) {
            reached += mass[size_t(k)] + mass[size_t(kOctaves + k)] +
                       mass[size_t(2 * kOctaves + k)] + mass[size_t(3 * kOctaves + k)];
            if (reached >= target) {
                low = std::ldexp(1.0, -k);
                break;
            }
        }
        if (low > 0.0) {
            double high = 2.0 * low;
            for (int i = 0; i < 3; ++i) {
                const double mid = 0.5 * (low + high);
                (massFrom(mid) >= target ? low : high) = mid;
            }
        }
    }
    if (low > 0.0) {
        size_t count = 0;
        // Without a branch: whether a token passes is a coin toss.
        for (int64_t i = 0; i < n; ++i) {
            m_order[count] = m_order[size_t(i)];
            count += p[i] >= low ? 1 : 0;
        }
        m_order.resize(count);
    }
    sortBestFirst(m_order, m_work, m_keys);  // all of them when p is so near 1 that all may count
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
