// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace mscope {

/// Whole chunks' recordings set aside (LayerBackward::keepChunk / restoreChunk) for either
/// architecture's per-layer Recording type: moved, never copied. Buffers given back are kept for
/// the next chunks set aside rather than freed: hundreds of MiB allocated again for every
/// gradient would cost page faults in the order of what keeping them saves (the owner's
/// lifetime, one job, bounds them).
template <typename Recording>
class KeptChunks
{
public:
    /// Moves `current` aside as chunk k's and gives `current` buffers to record the next into.
    void keep(int64_t k, std::vector<Recording> &current)
    {
        std::vector<Recording> &slot = m_chunks[k];
        slot.swap(current);
        if (m_spare.empty()) {
            current.clear();
            current.resize(slot.size());
        } else {
            current.swap(m_spare.back());
            m_spare.pop_back();
        }
    }
    /// Makes chunk k's recordings `current` again; returns false when none were kept.
    bool restore(int64_t k, std::vector<Recording> &current)
    {
        const auto it = m_chunks.find(k);
        if (it == m_chunks.end())
            return false;
        current.swap(it->second);
        m_spare.push_back(std::move(it->second));
        m_chunks.erase(it);
        return true;
    }
    /// Forgets every kept chunk (its buffers stay for reuse).
    void clear()
    {
        for (auto &chunk : m_chunks)
            m_spare.push_back(std::move(chunk.second));
        m_chunks.clear();
    }
    /// Floats held, kept chunks and spare buffers.
    template <typename FloatsOf>
    int64_t floats(FloatsOf floatsOf) const
    {
        int64_t n = 0;
        for (const auto &chunk : m_chunks)
            for (const Recording &r : chunk.second)
                n += floatsOf(r);
        for (const std::vector<Recording> &spare : m_spare)
            for (const Recording &r : spare)
                n += floatsOf(r);
        return n;
    }

private:
    std::map<int64_t, std::vector<Recording>> m_chunks;
    std::vector<std::vector<Recording>> m_spare;
};

}  // namespace mscope
