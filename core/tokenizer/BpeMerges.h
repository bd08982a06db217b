// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace mscope {

/// The merge table of a BPE model and the loop that applies it to one word: repeatedly merge the
/// adjacent pair of lowest rank (the leftmost of equals) until no pair has a merge.
class BpeMerges
{
public:
    /// Ranks follow the order of the calls. A pair added twice keeps its later rank, as in
    /// HuggingFace's tokenizers.
    void add(int32_t left, int32_t right, int32_t merged);
    std::size_t size() const { return m_merges.size(); }
    /// Merges the symbol ids of a word in place.
    void apply(std::vector<int32_t> &word) const;

private:
    struct Merge
    {
        int32_t rank;
        int32_t merged;
    };
    const Merge *find(int32_t left, int32_t right) const;
    static uint64_t key(int32_t left, int32_t right)
    {
        return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    }

    std::unordered_map<uint64_t, Merge> m_merges;
    int32_t m_nextRank = 0;
};

}  // namespace mscope
