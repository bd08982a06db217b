// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

namespace mscope {

/// One token window of a gradient objective, run from a fresh state: the objective takes
/// Σ_t weights[t] · NLL(ids[t + 1] | ids[0..t]). Perplexity windows weigh every position by
/// 1 / (positions of all windows); passkey prompts weigh only the key's tokens.
struct ScoredWindow
{
    std::vector<int32_t> ids;
    std::vector<double> weights;  // [ids.size() - 1]; zero: the position is not scored
};

}  // namespace mscope
