// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <cstdint>
#include <span>
#include <vector>

namespace mscope {

/// Perplexity per log-spaced position bucket, built up chunk by chunk as a pass advances: the
/// data behind one curve of "perplexity against context length". Buckets are [0, 16) and then
/// `bucketsPerOctave` per doubling; a bucket's point sits at its geometric centre.
class PerplexityCurve
{
public:
    struct Bucket
    {
        int64_t begin = 0;
        int64_t end = 0;
        double nllSum = 0.0;
        int64_t count = 0;
        double meanNll() const;
        double perplexity() const;
        double center() const;  // geometric centre, end/2 for the first bucket
    };

    PerplexityCurve() = default;
    PerplexityCurve(int64_t length, int bucketsPerOctave = 2, int64_t firstEdge = 16);

    /// Empties the buckets, keeping the layout.
    void clear();
    /// Adds the NLL of positions firstPosition, firstPosition+1, ...
    void addRange(int64_t firstPosition, std::span<const float> nll);
    int64_t length() const { return m_length; }
    int64_t positionsAdded() const { return m_added; }
    bool isEmpty() const { return m_added == 0; }
    const std::vector<Bucket> &buckets() const { return m_buckets; }
    /// (centre, perplexity) of every non-empty bucket, in order.
    QList<QPointF> points() const;
    /// Perplexity over the positions of every bucket overlapping [begin, end).
    double perplexityOver(int64_t begin, int64_t end) const;
    /// Perplexity of the last octave (from the bucket edge nearest length/2 to the end): the
    /// headline number at the longest context.
    double lastOctavePerplexity() const;
    /// Where the last octave starts (a bucket edge).
    int64_t lastOctaveBegin() const;

private:
    int bucketOf(int64_t position) const;
    int64_t m_length = 0;
    int64_t m_added = 0;
    std::vector<Bucket> m_buckets;
};

}  // namespace mscope
