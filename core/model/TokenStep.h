// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/RecurrentState.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

struct LogitSummary;
class MambaModel;
class StepWeights;
struct ScanParameters;

/// The forward pass for one token: recurrent decoding (method.md §8), the same arithmetic as
/// ForwardPass over a chunk (Mamba1Block, Mamba2Block) shaped for a single column: matrix-vector
/// products that stream each weight once, the conv and the scan advanced by one token, no
/// allocation once constructed, constant time and memory per token whatever came before.
///
/// Work is cut into the blocks of StepWeights (of 64 channels; Mamba-2: of heads, and of the
/// B | C rows): a block's rows of in_proj, its conv and scan channels, its columns of x_proj and
/// out_proj, whose partial products are summed in block order; and blocks of the LM head's rows.
/// The weights are read in StepWeights' layout (a transposed copy, one contiguous stream per
/// block, for models small enough to live in the cache); a model too large for that copy is read
/// where it was loaded, and its out_proj then in blocks of whole rows, in a phase of its own after
/// the scan (a block's columns would be short pieces of every row, which memory serves at about
/// two thirds of the speed of whole rows). A token is a sequence of phases of
/// blocks shared out among the engine's threads (PhasedWork: each thread a contiguous run of
/// blocks, longer for a faster thread, so that a block's state mostly stays in one core's
/// caches); the sums of the blocks' shares and the residual stream are every thread's own copy,
/// so a layer costs two waits for the other threads (Mamba-2 three); the out_proj shares are
/// summed in fixed groups of blocks, and a thread whose run holds a whole group sums it once for
/// all, so that the others read one vector per group from its core. The numbers do not depend on
/// the thread count or on which thread ran which block, so each step runs on the team or on the
/// calling thread alone, whichever has been faster lately (a busy machine can make a team slower
/// than one thread).
///
/// Use one per ForwardPass (ForwardPass::step owns one); not for concurrent use.
class TokenStep
{
public:
    /// `model` must outlive the step, which reads its weights in the model's stepWeights().
    explicit TokenStep(const MambaModel &model);
    /// With weights of another layout (tests: StepWeights not packed); they must outlive it.
    TokenStep(const MambaModel &model, const StepWeights &weights);
    ~TokenStep();
    TokenStep(const TokenStep &) = delete;
    TokenStep &operator=(const TokenStep &) = delete;

    /// Advances `state` by token `id` (an id outside the embedding throws Error) and, when
    /// `logits` is not null, writes the logits of the next token there (MambaModel::logitCount()
    /// floats). Without logits the LM head is skipped. With `summary` too (and logits), each
    /// block of the LM head's rows is summarized by the thread that made it (LogitSummary.h) and
    /// the blocks' summaries merged there.
    void run(int32_t id, RecurrentState &state, const ScanParameters &scan, float *logits,
             LogitSummary *summary = nullptr);

    /// Blocks of layer 0's in_proj rows copied from an earlier token of the same id instead of
    /// made (Mamba-1 models whose table fits; see the .cpp), since construction.
    int64_t firstRowsReused() const;

    /// The threads run() uses: the engine's, at most one per block.
    int threads() const;

private:
    struct Shared;
    // The tasks of a token's phases (`step` counts the block phases within a layer).
    void mamba1Task(int l, int step, int block, int slot, RecurrentState &state,
                    const ScanParameters &scan);
    void mamba2Task(int l, int step, int block, int slot, RecurrentState &state,
                    const ScanParameters &scan);
    void residual(int l, int slot, bool wantLogits);
    void head(int block, int slot, float *logits, bool summarize);

    const MambaModel &m_model;
    const StepWeights &m_weights;
    std::unique_ptr<Shared> d;
};

}  // namespace mscope
