// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

// The kernels of the one-token step (recurrent decoding, method.md §8): matrix-vector products
// with PyTorch-layout weights and the scans' steps for one token. Decoding reads every weight
// once per token, so these are shaped for memory bandwidth (rows streamed once, no packing) and
// allocate nothing. AVX-512 where the CPU has it (KernelIsa), else AVX2, else loops the compiler
// vectorizes.
namespace mscope::decodekernels {

/// y[r] = Σ_k W[r·ldw + k]·x[k] for r in [0, rows), k in [0, cols); with `accumulate`,
/// y[r] += that sum. W is row-major: a PyTorch [out, in] weight (ldw = cols), or the block of
/// columns [c0, c0 + cols) of one (W advanced by c0, ldw the full row length).
void matVec(const float *W, int64_t ldw, int64_t rows, int64_t cols, const float *x, float *y,
            bool accumulate = false);

/// The most outputs of one panel (panelTimes): what the selected kernels keep in registers for a
/// whole pass over the panel's rows. 256 with AVX-512 (sixteen vectors of accumulators; also for
/// the general loops, which sum in memory); 32 with AVX2, whose sixteen registers hold eight
/// vectors of accumulators: four a row, two rows at a time (decoding the demo model 1.08 and 1.10
/// times as fast as 64 outputs one row at a time, 1.28 as fast as 16 four rows at a time).
int64_t panelWidth();
/// The widest panelWidth() of any CPU.
constexpr int64_t kWidestPanel = 256;

/// y[j] = Σ_{k in [k0, k1)} P[k·stride + j]·x[k] for j in [0, outputs): a product with one panel
/// of a transposed weight (PackedMatrix), whose rows k are `stride` floats apart (a multiple of
/// 16, at most panelWidth(); outputs ≤ stride). The panel is read as one contiguous stream, the
/// order in which a cache's bandwidth is reached best; each output is a sum over k in order (in
/// up to eight interleaved partial sums for narrow panels, added in a fixed order).
void panelTimes(const float *panel, int64_t stride, int64_t outputs, int64_t k0, int64_t k1,
                const float *x, float *y);

/// One token of the Mamba-1 selective scan (method.md §1 step 6) with the output gate fused,
/// for channels [e0, e1):
///   s[e,n] = exp(Δ[e]·A[e,n])·s[e,n] + Δ[e]·B[n]·x[e],
///   y[e] = (Σ_n C[n]·s[e,n] + D[e]·x[e]) · silu(z[e])   (no gate when z is null).
/// exp as the chunked scan computes it (SelectiveScan: 2^(Δ·A·log2 e), about 2e-7 relative).
struct ScanStepArgs
{
    int64_t stateSize = 0;         // N
    const float *delta = nullptr;  // [E] Δ after softplus and any scaling
    const float *x = nullptr;      // [E] conv + silu output
    const float *b = nullptr;      // [N]
    const float *c = nullptr;      // [N]
    const float *negA = nullptr;   // [E, N] A = -exp(A_log) after any modulation
    const float *d = nullptr;      // [E]
    const float *z = nullptr;      // [E] gate, or null
    float *state = nullptr;        // [E, N], advanced in place
    float *y = nullptr;            // [E]
};
void selectiveScanStep(const ScanStepArgs &a, int64_t e0, int64_t e1);

/// One token of one Mamba-2 head (method.md §2) for its positions [0, P):
///   s[p,n] = decay·s[p,n] + Δ·x[p]·B[n],  y[p] = Σ_n C[n]·s[p,n] + D·x[p],
/// with decay = exp(Δ·A) given by the caller. The state is [P, N] (as RecurrentState holds it).
struct HeadStepArgs
{
    int64_t positions = 0;  // P
    int64_t stateSize = 0;  // N
    float delta = 0.0f, decay = 0.0f, skip = 0.0f;
    const float *x = nullptr;  // [P]
    const float *b = nullptr;  // [N]
    const float *c = nullptr;  // [N]
    float *state = nullptr;    // [P, N]
    float *y = nullptr;        // [P]
};
void headScanStep(const HeadStepArgs &a);

}  // namespace mscope::decodekernels
