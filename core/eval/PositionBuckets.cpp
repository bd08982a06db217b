// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/PositionBuckets.h"

#include <QJsonObject>
#include <bit>
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

PositionBuckets::PositionBuckets(int64_t length, int64_t firstEdge) : m_firstEdge(firstEdge)
{
    int64_t begin = 0, end = firstEdge;
    while (begin < length) {
        m_buckets.push_back({begin, std::min(end, length), 0.0, 0});
        begin = end;
        end *= 2;
    }
}

int PositionBuckets::bucketOf(int64_t position) const
{
    if (position < m_firstEdge)
        return 0;
    // Bucket i >= 1 covers [firstEdge·2^(i-1), firstEdge·2^i).
    return int(std::bit_width(uint64_t(position / m_firstEdge)));
}

void PositionBuckets::add(int64_t position, double nll)
{
    const int b = bucketOf(position);
    if (b < 0 || b >= int(m_buckets.size()))
        return;
    m_buckets[size_t(b)].nllSum += nll;
    m_buckets[size_t(b)].count += 1;
}

void PositionBuckets::addRange(int64_t firstPosition, const float *nll, int64_t count)
{
    for (int64_t i = 0; i < count; ++i)
        add(firstPosition + i, nll[i]);
}

void PositionBuckets::merge(const PositionBuckets &other)
{
    if (other.m_buckets.size() > m_buckets.size())
        m_buckets.resize(other.m_buckets.size());
    for (size_t i = 0; i < other.m_buckets.size(); ++i) {
        m_buckets[i].begin = other.m_buckets[i].begin;
        m_buckets[i].end = other.m_buckets[i].end;
        m_buckets[i].nllSum += other.m_buckets[i].nllSum;
        m_buckets[i].count += other.m_buckets[i].count;
    }
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
