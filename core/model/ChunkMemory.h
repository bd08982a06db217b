// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>
#include <cstdint>

namespace mscope {

class MambaModel;
struct ModelConfig;

/// The memory a forward pass needs beyond the weights, estimated before anything is allocated,
/// so that a chunk too large for the machine is refused with a number instead of ending in the
/// kernel's OOM killer. Per token of a chunk: the hidden state, the layer block's scratch (its
/// projections, conv output, Δ and scan output), the out_proj product and the LM head's input; per
/// thread: the LM head's block of logits (and Mamba-2's SSD scratch); once: the recurrent state.
/// Measured (`score` on the demo model, peak RSS): one chunk of 65,536 tokens takes 910 MiB more
/// than chunks of 16; estimated 913 MiB.
/// Used by the CLI (every command that runs the model) and the evaluators the workbench uses.
class ChunkMemory
{
public:
    /// Bytes of a forward pass over chunks of `tokens` tokens with `threads` threads, for a model
    /// of `config` whose LM head has `logitRows` rows.
    static qint64 forwardPassBytes(const ModelConfig &config, int64_t logitRows, int64_t tokens,
                                   int threads);
    /// The largest chunk whose forwardPassBytes() is at most `bytes` (0 when not even one token
    /// fits).
    static int64_t largestChunk(const ModelConfig &config, int64_t logitRows, int threads,
                                qint64 bytes);
    /// Throws Error (kind Resource) when forwardPassBytes() plus `extraBytes` (outputs the caller
    /// keeps) exceeds `availableBytes` (SystemMemory::availableBytes() when negative; no check
    /// when that is unknown). The message gives the estimate, what is available and the largest
    /// chunk that fits ("--chunk N").
    static void require(const MambaModel &model, int64_t tokens, qint64 extraBytes = 0,
                        qint64 availableBytes = -1);
    static void require(const ModelConfig &config, int64_t logitRows, int64_t tokens, int threads,
                        qint64 extraBytes, qint64 availableBytes);
};

}  // namespace mscope
