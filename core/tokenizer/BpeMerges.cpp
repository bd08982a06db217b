// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/BpeMerges.h"

#include <functional>
#include <queue>

namespace mscope {

void BpeMerges::add(int32_t left, int32_t right, int32_t merged)
{
    m_merges.insert_or_assign(key(left, right), Merge{m_nextRank++, merged});
}

const BpeMerges::Merge *BpeMerges::find(int32_t left, int32_t right) const
{
    const auto it = m_merges.find(key(left, right));
    return it == m_merges.end() ? nullptr : &it->second;
}

void BpeMerges::apply(std::vector<int32_t> &word) const
{
    const int32_t n = int32_t(word.size());
    if (n < 2)
        return;
    // The word as a linked list, so that a merge is O(1); a merged-away symbol gets id -1.
    struct Symbol
    {
        int32_t id;
        int32_t prev;
        int32_t next;
    };
    std::vector<Symbol> symbols(n);
    for (int32_t i = 0; i < n; ++i)
        symbols[i] = {word[i], i - 1, i + 1 < n ? i + 1 : -1};

    // Candidates by rank, then position; a symbol's position never changes, so the leftmost of
    // equal ranks comes first. A candidate goes stale when a neighbour merges first: then its
    // symbols no longer hold the ids it was found for, and it is skipped.
    struct Candidate
    {
        int32_t rank;
        int32_t pos;
        int32_t left;
        int32_t right;
        int32_t merged;
        bool operator>(const Candidate &o) const
        {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    const auto consider = [&](int32_t pos) {
        const int32_t next = symbols[pos].next;
        if (next < 0)
            return;
        const int32_t left = symbols[pos].id;
        const int32_t right = symbols[next].id;
        if (const Merge *m = find(left, right))
            queue.push({m->rank, pos, left, right, m->merged});
    };
    for (int32_t i = 0; i + 1 < n; ++i)
        consider(i);

    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol &left = symbols[top.pos];
        if (left.id != top.left || left.next < 0 || symbols[left.next].id != top.right)
            continue;
        Symbol &right = symbols[left.next];
        left.id = top.merged;
        left.next = right.next;
        if (right.next >= 0)
            symbols[right.next].prev = top.pos;
        right.id = -1;
        if (left.prev >= 0)
            consider(left.prev);
        consider(top.pos);
    }

    word.clear();
    for (int32_t i = 0; i >= 0; i = symbols[i].next)
        word.push_back(symbols[i].id);
}

}  // namespace mscope
