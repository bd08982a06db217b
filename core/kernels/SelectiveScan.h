// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

/// Buffers of one chunk of the Mamba-1 selective scan (method.md §1 step 6), all fp32.
/// Token-major layouts: element (t, e) of an [T, E] buffer is at t * E + e.
struct SelectiveScanArgs
{
    int tokens = 0;                // T
    int channels = 0;              // E
    int stateSize = 0;             // N
    const float *delta = nullptr;  // [T, E] Δ after softplus and any scaling
    const float *x = nullptr;      // [T, E] conv + silu output
    const float *bc = nullptr;     // B_t at bc + t * bcStride, C_t at bc + t * bcStride + N
    int bcStride = 0;
    const float *negA = nullptr;  // [E, N]
    const float *d = nullptr;     // [E]
    float *state = nullptr;       // [E, N], carried in and out
    float *y = nullptr;           // [T, E] output
    /// Optional output gate (method.md §1 step 7, fused here to save a pass over y):
    /// y_t[e] *= silu(z[t * zStride + e]).
    const float *z = nullptr;
    int zStride = 0;
};

/// The production kernel: channels split across OpenMP threads, vectorized over channels
/// (AVX-512 where the CPU has it, else AVX2), exp by a degree-5 polynomial (2e-7 relative).
void selectiveScan(const SelectiveScanArgs &a);

/// The same kernel on channels [firstChannel, endChannel) in the calling thread only, for callers
/// that already split work inside their own parallel region.
void selectiveScanChannels(const SelectiveScanArgs &a, int firstChannel, int endChannel);

/// The channel count a thread's share should be a multiple of (the vector width in channels).
int selectiveScanChannelAlignment();

}  // namespace mscope
