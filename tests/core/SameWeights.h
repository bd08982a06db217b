// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/MambaModel.h"

#include <cstring>

namespace mscope::test {

/// Whether two loaded models hold the same weights, bit for bit: every tensor of every layer,
/// the embeddings, the final norm and the LM head. Reads every value of both.
inline bool sameWeights(const MambaModel &a, const MambaModel &b)
{
    const auto same = [](const FloatTensor &x, const FloatTensor &y) {
        return x.shape == y.shape && (x.data == nullptr) == (y.data == nullptr) &&
               (!x.data ||
                std::memcmp(x.data, y.data, size_t(x.elementCount()) * sizeof(float)) == 0);
    };
    if (a.layers().size() != b.layers().size() || !same(a.embeddings(), b.embeddings()) ||
        !same(a.finalNorm(), b.finalNorm()) || !same(a.lmHead(), b.lmHead()))
        return false;
    for (size_t l = 0; l < a.layers().size(); ++l) {
        const auto x = a.layers()[l].tensors(), y = b.layers()[l].tensors();
        for (size_t i = 0; i < x.size(); ++i)
            if (!same(*x[i], *y[i]))
                return false;
    }
    return true;
}

}  // namespace mscope::test
