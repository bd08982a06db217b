// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace mscope {

/// How a streaming pass over `positions` positions is cut into chunks, the same in every program:
/// 16 tokens, then doubling up to `chunkTokens`, then `chunkTokens` each. Short first chunks show
/// the first points of a live curve at once and put state-norm samples where a log axis needs
/// them; the CLI cuts the same way, so that both give the same numbers to the last bit (the LM
/// head's blocking depends on a chunk's length). Returns [begin, end) per chunk.
inline std::vector<std::pair<int64_t, int64_t>> streamingChunkPlan(int64_t positions,
                                                                   int64_t chunkTokens)
{
    chunkTokens = std::max<int64_t>(1, chunkTokens);
    std::vector<std::pair<int64_t, int64_t>> chunks;
    for (int64_t b = 0; b < positions;) {
        const int64_t step = b == 0 ? std::min<int64_t>(16, chunkTokens) : std::min(b, chunkTokens);
        const int64_t e = std::min(positions, b + step);
        chunks.emplace_back(b, e);
        b = e;
    }
    return chunks;
}

}  // namespace mscope
