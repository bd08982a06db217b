// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>

namespace mscope {

/// What one layer computed over a chunk up to its scan: the engine's own buffers, handed to a
/// LayerActivationSink so that a reverse-mode gradient (core/gradient) differentiates exactly the
/// numbers the forward pass used. Every buffer is column-major with one column of `rows` floats
/// per token, valid only during the call (copy what you keep). Shapes for Mamba-1, then Mamba-2.
struct LayerActivations
{
    int layer = 0;
    int64_t tokens = 0;
    /// The columns this call hands over, [first, end) of [0, tokens): what the calling thread
    /// computed (the block shares a chunk's tokens out between its threads).
    int64_t first = 0, end = 0;
    const float *input = nullptr;  // [D] the residual stream entering the layer
    /// in_proj output (+ bias): x | z [2E]; Mamba-2 z | x B C | dt [E + C + H], z not yet gated.
    const float *projection = nullptr;
    int64_t projectionRows = 0;
    /// silu(conv(...)) as the scan reads it: x'' [E]; Mamba-2 x | B | C [C].
    const float *convOutput = nullptr;
    int64_t convRows = 0;
    /// Mamba-1: x_proj output dt_raw | B | C [R + 2N] as the scan reads B and C; Mamba-2: null.
    const float *scanInputs = nullptr;
    int64_t scanInputRows = 0;
    /// Δ as the scan uses it (softplus, any clamp, the modulation's scale): [E]; Mamba-2 [H].
    const float *delta = nullptr;
    int64_t deltaRows = 0;
};

/// Called for every layer of every chunk after the layer's scan inputs are complete and before
/// its scan runs, once by each of the block's threads with the columns that thread computed
/// (their ranges cover the chunk without overlap). The calls run at the same time, and the other
/// threads may already be scanning: it must only read the buffers, and write nothing another
/// call writes (each thread copying its own columns into storage sized beforehand).
using LayerActivationSink = std::function<void(const LayerActivations &)>;

}  // namespace mscope
