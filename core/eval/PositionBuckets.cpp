// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/PositionBuckets.h"

#include <QJsonObject>
#include <algorithm>
#include <cmath>

namespace mscope {

double PositionBucket::meanNll() const
{
    return count > 0 ? nllSum / double(count) : std::nan("");
}

double PositionBucket::perplexity() const
{
    return std::exp(meanNll());
}

double PositionBucket::center() const
{
    return begin > 0 ? std::sqrt(double(begin) * double(end)) : double(end) / 2.0;
}

PositionBuckets::PositionBuckets(int64_t length, int bucketsPerOctave, int64_t firstEdge)
    : m_length(std::max<int64_t>(0, length)), m_bucketsPerOctave(std::max(1, bucketsPerOctave))
{
    firstEdge = std::max<int64_t>(1, firstEdge);
    std::vector<int64_t> edges{0};
    for (int i = 0;; ++i) {
        const auto edge = int64_t(
            std::llround(double(firstEdge) * std::pow(2.0, double(i) / m_bucketsPerOctave)));
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

void PositionBuckets::clear()
{
    for (PositionBucket &b : m_buckets) {
        b.nllSum = 0.0;
        b.count = 0;
    }
    m_added = 0;
    m_nonFinite = 0;
}

int PositionBuckets::bucketOf(int64_t position) const
{
    const auto it = std::upper_bound(m_buckets.begin(), m_buckets.end(), position,
                                     [](int64_t p, const PositionBucket &b) { return p < b.end; });
    return it == m_buckets.end() || position < 0 ? -1 : int(it - m_buckets.begin());
}

void PositionBuckets::add(int64_t position, double nll)
{
    const int b = bucketOf(position);
    if (b < 0)
        return;
    if (!std::isfinite(nll)) {
        ++m_nonFinite;
        return;
    }
    m_buckets[size_t(b)].nllSum += nll;
    ++m_buckets[size_t(b)].count;
    ++m_added;
}

void PositionBuckets::addRange(int64_t firstPosition, std::span<const float> nll)
{
    int b = bucketOf(firstPosition);
    for (size_t i = 0; i < nll.size() && b >= 0; ++i) {
        const int64_t p = firstPosition + int64_t(i);
        while (b < int(m_buckets.size()) && p >= m_buckets[size_t(b)].end)
            ++b;
        if (b >= int(m_buckets.size()))
            break;
        if (!std::isfinite(nll[i])) {
            ++m_nonFinite;
            continue;
        }
        m_buckets[size_t(b)].nllSum += nll[i];
        ++m_buckets[size_t(b)].count;
        ++m_added;
    }
}

void PositionBuckets::merge(const PositionBuckets &other)
{
    // With the same buckets per octave, a shorter length's edges are a prefix of ours and its
    // last bucket lies within one of ours.
    for (const PositionBucket &o : other.m_buckets) {
        const int b = bucketOf(o.begin);
        if (b < 0)
            continue;
        m_buckets[size_t(b)].nllSum += o.nllSum;
        m_buckets[size_t(b)].count += o.count;
    }
    m_added += other.m_added;
    m_nonFinite += other.m_nonFinite;
}

double PositionBuckets::perplexityOver(int64_t begin, int64_t end) const
{
    double sum = 0.0;
    int64_t count = 0;
    for (const PositionBucket &b : m_buckets) {
        if (b.end > begin && b.begin < end) {
            sum += b.nllSum;
            count += b.count;
        }
    }
    return count > 0 ? std::exp(sum / double(count)) : std::nan("");
}

int64_t PositionBuckets::lastOctaveBegin() const
{
    // The bucket edge nearest to half the length (16,383 positions: 8,192).
    int64_t from = 0;
    for (const PositionBucket &b : m_buckets)
        if (std::llabs(b.begin - m_length / 2) < std::llabs(from - m_length / 2))
            from = b.begin;
    return from;
}

double PositionBuckets::lastOctavePerplexity() const
{
    return perplexityOver(lastOctaveBegin(), m_length);
}

QList<QPointF> PositionBuckets::points() const
{
    QList<QPointF> out;
    out.reserve(qsizetype(m_buckets.size()));
    for (const PositionBucket &b : m_buckets)
        if (b.count > 0)
            out.append(QPointF(b.center(), b.perplexity()));
    return out;
}

QJsonArray PositionBuckets::toJson() const
{
    QJsonArray out;
    for (const PositionBucket &b : m_buckets) {
        if (b.count == 0)
            continue;
        out.append(QJsonObject{{QStringLiteral("begin"), double(b.begin)},
                               {QStringLiteral("end"), double(b.end)},
                               {QStringLiteral("count"), double(b.count)},
                               {QStringLiteral("nll"), b.meanNll()},
                               {QStringLiteral("ppl"), b.perplexity()}});
    }
    return out;
}

}  // namespace mscope
