// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

/// Buffers of one chunk of the Mamba-1 selective scan (method.md §1 step 6), all fp32.
/// Token-major layouts: element (t, e) of an [T, E] buffer is at t * E + e.
struct SelectiveScanArgs
{
    int tokens = 0;        // T
    int channels = 0;      // E
    int stateSize = 0;     // N
    const float *delta = nullptr;   // [T, E] Δ after softplus and any scaling
    const float *x = nullptr;       // [T, E] conv + silu output
    const float *bc = nullptr;      // B_t at bc + t * bcStride, C_t at bc + t * bcStride + N
    int bcStride = 0;
    const float *negA = nullptr;    // [E, N]
    const float *d = nullptr;       // [E]
    float *state = nullptr;         // [E, N], carried in and out
    float *y = nullptr;             // [T, E] output (before the silu(z) gate)
};

/// The production kernel: channels split across OpenMP threads, d_state vectorized, fastExp.
void selectiveScan(const SelectiveScanArgs &a);

/// Straightforward loop with std::exp in double precision: the reference tst_kernels compares
/// selectiveScan against.
void selectiveScanReference(const SelectiveScanArgs &a);

}  // namespace mscope
