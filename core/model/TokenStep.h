// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/RecurrentState.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

class MambaModel;
struct ScanParameters;

/// The forward pass for one token: recurrent decoding (method.md §8), the same arithmetic as
/// ForwardPass over a chunk (Mamba1Block, Mamba2Block) shaped for a single column: matrix-vector
/// products that stream each weight once, the conv and the scan advanced by one token, no
/// allocation once constructed, constant time and memory per token whatever came before.
///
/// Threads (the engine's, at most one per 64 channels): each owns a share of the channels (Mamba-2:
/// of the heads) in every layer — its rows of in_proj, its conv and scan channels, its columns of
/// x_proj and out_proj, whose partial products are summed in a fixed order after a barrier — and
/// a share of the LM head's rows. Two barriers per layer (Mamba-2: three). The result depends on
/// the thread count only through that summation order (float rounding).
///
/// Use one per ForwardPass (ForwardPass::step owns one); not for concurrent use.
class TokenStep
{
public:
    /// `model` must outlive the step.
    explicit TokenStep(const MambaModel &model);
    ~TokenStep();
    TokenStep(const TokenStep &) = delete;
    TokenStep &operator=(const TokenStep &) = delete;

    /// Advances `state` by token `id` (an id outside the embedding throws Error) and, when
    /// `logits` is not null, writes the logits of the next token there (MambaModel::logitCount()
    /// floats). Without logits the LM head is skipped.
    void run(int32_t id, RecurrentState &state, const ScanParameters &scan, float *logits);

    /// The threads run() uses at the engine's current thread count.
    int threads() const;

private:
    struct Shared;
    void runMamba1(int thread, int threads, RecurrentState &state, const ScanParameters &scan);
    void runMamba2(int thread, int threads, RecurrentState &state, const ScanParameters &scan);
    void finish(int thread, int threads, float *logits);

    const MambaModel &m_model;
    std::unique_ptr<Shared> d;
};

}  // namespace mscope
