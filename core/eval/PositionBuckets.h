// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <cstdint>
#include <vector>

namespace mscope {

/// NLL statistics of one range of positions [begin, end) in a context.
struct PositionBucket
{
    int64_t begin = 0;
    int64_t end = 0;
    double nllSum = 0.0;
    int64_t count = 0;
    double meanNll() const;
    double perplexity() const;
};

/// Log-spaced position buckets, the x axis of "perplexity against context length":
/// [0,16), [16,32), [32,64), ... doubling, the last one cut at `length`.
class PositionBuckets
{
public:
    explicit PositionBuckets(int64_t length, int64_t firstEdge = 16);

    void add(int64_t position, double nll);
    /// Adds a run of consecutive positions starting at `firstPosition`.
    void addRange(int64_t firstPosition, const float *nll, int64_t count);
    void merge(const PositionBuckets &other);
    const std::vector<PositionBucket> &buckets() const { return m_buckets; }
    /// [{"begin","end","count","nll","ppl"}...], skipping empty buckets.
    QJsonArray toJson() const;

private:
    int bucketOf(int64_t position) const;
    int64_t m_firstEdge;
    std::vector<PositionBucket> m_buckets;
};

}  // namespace mscope
