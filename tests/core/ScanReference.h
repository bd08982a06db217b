// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/SelectiveScan.h"

#include <cmath>
#include <cstddef>

namespace mscope::test {

/// The selective scan as method.md §1 step 6 writes it, in double precision with std::exp: what
/// the vectorized kernels are compared against.
inline void selectiveScanReference(const SelectiveScanArgs &a)
{
    const int E = a.channels, N = a.stateSize;
    for (int t = 0; t < a.tokens; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + N;
        for (int e = 0; e < E; ++e) {
            const double dt = a.delta[size_t(t) * E + e];
            const double xv = a.x[size_t(t) * E + e];
            double acc = 0.0;
            for (int k = 0; k < N; ++k) {
                float &s = a.state[size_t(e) * N + k];
                const double v = std::exp(dt * a.negA[size_t(e) * N + k]) * s + dt * B[k] * xv;
                s = float(v);
                acc += v * C[k];
            }
            double y = acc + a.d[e] * xv;
            if (a.z) {
                const double z = a.z[size_t(t) * a.zStride + e];
                y *= z / (1.0 + std::exp(-z));
            }
            a.y[size_t(t) * E + e] = float(y);
        }
    }
}

}  // namespace mscope::test
