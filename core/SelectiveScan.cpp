// SPDX-License-Identifier: GPL-3.0-or-later
#include "SelectiveScan.h"

#include "FastExp.h"

#include <algorithm>
#include <cmath>
#include <omp.h>

namespace mscope {

namespace {

// Specialised for the common d_state so the compiler keeps the state row in registers.
template<int N>
void scanBlock(const SelectiveScanArgs &a, int e0, int e1, int n)
{
    const int E = a.channels;
    const int stateSize = N > 0 ? N : n;
    for (int t = 0; t < a.tokens; ++t) {
        const float *B = a.bc + size_t(t) * a.bcStride;
        const float *C = B + stateSize;
        const float *dt = a.delta + size_t(t) * E;
        const float *x = a.x + size_t(t) * E;
        float *y = a.y + size_t(t) * E;
        for (int e = e0; e < e1; ++e) {
            const float dtv = dt[e];
            const float dx = dtv * x[e];
            float *s = a.state + size_t(e) * stateSize;
            const float *negA = a.negA + size_t(e) * stateSize;
            float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
            for (int k = 0; k < stateSize; ++k) {
                const float v = fastExp(dtv * negA[k]) * s[k] + dx * B[k];
                s[k] = v;
                acc += v * C[k];
            }
            y[e] = acc + a.d[e] * x[e];
        }
    }
}

}  // namespace

void selectiveScan(const SelectiveScanArgs &a)
{
    const int E = a.channels;
    // Blocks of channels small enough that their state rows stay in L1 across the token loop.
    const int block = std::max(8, std::min(64, 4096 / std::max(1, a.stateSize)));
    const int blocks = (E + block - 1) / block;
#pragma omp parallel for schedule(static) if (blocks > 1 && a.tokens * E > 4096)
    for (int b = 0; b < blocks; ++b) {
        const int e0 = b * block, e1 = std::min(E, e0 + block);
        switch (a.stateSize) {
        case 16: scanBlock<16>(a, e0, e1, 16); break;
        case 8: scanBlock<8>(a, e0, e1, 8); break;
        default: scanBlock<0>(a, e0, e1, a.stateSize); break;
        }
    }
}

void selectiveScanReference(const SelectiveScanArgs &a)
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
            a.y[size_t(t) * E + e] = float(acc + a.d[e] * xv);
        }
    }
}

}  // namespace mscope
