// SPDX-License-Identifier: GPL-3.0-or-later
#include "PerplexityCurve.h"

#include <algorithm>
#include <cmath>

namespace mscope {

double PerplexityCurve::Bucket::meanNll() const
{
    return count > 0 ? nllSum / double(count) : std::nan("");
}

double PerplexityCurve::Bucket::perplexity() const
{
    return std::exp(meanNll());
}

double PerplexityCurve::Bucket::center() const
{
    return begin > 0 ? std::sqrt(double(begin) * double(end)) : double(end) / 2.0;
}

PerplexityCurve::PerplexityCurve(int64_t length, int bucketsPerOctave, int64_t firstEdge)
    : m_length(std::max<int64_t>(0, length))
{
    bucketsPerOctave = std::max(1, bucketsPerOctave);
    firstEdge = std::max<int64_t>(1, firstEdge);
    std::vector<int64_t> edges{0};
    for (int i = 0;; ++i) {
        const auto edge =
            int64_t(std::llround(double(firstEdge) * std::pow(2.0, double(i) / bucketsPerOctave)));
        if (edge >= m_length)
            break;
        if (edge > edges.back())
            edges.push_back(edge);
    }
    edges.push_back(m_length);
    for (size_t i = 0; i + 1 < edges.size(); ++i)
        if (edges[i + 1] > edges[i])
            m_buckets.push_back({edges[i], edges[i + 1], 0.0, 0});
}

void PerplexityCurve::clear()
{
    for (Bucket &b : m_buckets) {
        b.nllSum = 0.0;
        b.count = 0;
    }
    m_added = 0;
}

int PerplexityCurve::bucketOf(int64_t position) const
{
    const auto it = std::upper_bound(m_buckets.begin(), m_buckets.end(), position,
                                     [](int64_t p, const Bucket &b) { return p < b.end; });
    return it == m_buckets.end() ? -1 : int(it - m_buckets.begin());
}

void PerplexityCurve::addRange(int64_t firstPosition, std::span<const float> nll)
{
    int b = bucketOf(firstPosition);
    for (size_t i = 0; i < nll.size() && b >= 0; ++i) {
        const int64_t p = firstPosition + int64_t(i);
        while (b < int(m_buckets.size()) && p >= m_buckets[size_t(b)].end)
            ++b;
        if (b >= int(m_buckets.size()))
            break;
        if (!std::isfinite(nll[i]))
            continue;
        m_buckets[size_t(b)].nllSum += nll[i];
        ++m_buckets[size_t(b)].count;
        ++m_added;
    }
}

QList<QPointF> PerplexityCurve::points() const
{
    QList<QPointF> out;
    out.reserve(qsizetype(m_buckets.size()));
    for (const Bucket &b : m_buckets)
        if (b.count > 0)
            out.append(QPointF(b.center(), b.perplexity()));
    return out;
}

double PerplexityCurve::perplexityOver(int64_t begin, int64_t end) const
{
    double sum = 0.0;
    int64_t count = 0;
    for (const Bucket &b : m_buckets) {
        if (b.end > begin && b.begin < end) {
            sum += b.nllSum;
            count += b.count;
        }
    }
    return count > 0 ? std::exp(sum / double(count)) : std::nan("");
}

int64_t PerplexityCurve::lastOctaveBegin() const
{
    // The bucket edge nearest to half the length (16,383 positions: 8,192).
    int64_t from = 0;
    for (const Bucket &b : m_buckets)
        if (std::llabs(b.begin - m_length / 2) < std::llabs(from - m_length / 2))
            from = b.begin;
    return from;
}

double PerplexityCurve::lastOctavePerplexity() const
{
    return perplexityOver(lastOctaveBegin(), m_length);
}

}  // namespace mscope
