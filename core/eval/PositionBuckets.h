// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QList>
#include <QPointF>
#include <cstdint>
#include <span>
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
    double center() const;  // geometric centre, end/2 for the first bucket
};

/// Log-spaced position buckets, the x axis of "perplexity against context length", for the CLI
/// and the workbench alike: [0, firstEdge), then `bucketsPerOctave` buckets per doubling (edges
/// round(firstEdge·2^(i/k))), the last one cut at `length`. Non-finite NLL values are counted
/// apart (nonFinite()) and left out of every mean.
class PositionBuckets
{
public:
    PositionBuckets() = default;
    explicit PositionBuckets(int64_t length, int bucketsPerOctave = 1, int64_t firstEdge = 16);

    int64_t length() const { return m_length; }
    int bucketsPerOctave() const { return m_bucketsPerOctave; }
    /// Empties the buckets, keeping the layout.
    void clear();
    void add(int64_t position, double nll);
    /// Adds the NLL of positions firstPosition, firstPosition + 1, ...
    void addRange(int64_t firstPosition, std::span<const float> nll);
    /// Adds another set's sums, bucket by bucket: the same layout, or one for a shorter length.
    void merge(const PositionBuckets &other);
    const std::vector<PositionBucket> &buckets() const { return m_buckets; }
    int64_t positionsAdded() const { return m_added; }
    bool isEmpty() const { return m_added == 0; }
    int64_t nonFinite() const { return m_nonFinite; }

    /// Perplexity over the positions of every bucket overlapping [begin, end).
    double perplexityOver(int64_t begin, int64_t end) const;
    /// Where the last octave starts: the bucket edge nearest to length/2.
    int64_t lastOctaveBegin() const;
    /// Perplexity of the last octave: the headline number at the longest context.
    double lastOctavePerplexity() const;
    /// (centre, perplexity) of every non-empty bucket, in order.
    QList<QPointF> points() const;
    /// [{"begin","end","count","nll","ppl"}...], skipping empty buckets.
    QJsonArray toJson() const;

private:
    int bucketOf(int64_t position) const;
    int64_t m_length = 0;
    int m_bucketsPerOctave = 1;
    int64_t m_added = 0;
    int64_t m_nonFinite = 0;
    std::vector<PositionBucket> m_buckets;
};

}  // namespace mscope
