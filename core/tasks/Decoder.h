// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/CacheLineVector.h"
#include "kernels/LogitSummary.h"
#include "model/RecurrentState.h"

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

namespace mscope {

class ForwardPass;
class JobControl;

/// Recurrent decoding over one model (method.md §8): a prompt is prefilled in chunks by the
/// ForwardPass (matrix products over many tokens at once), then tokens go through one at a time
/// by the step (ForwardPass::step), the state carried in between. Time per token and memory are
/// constant whatever came before. The state can be copied out and back (a snapshot), which is how
/// the passkey evaluator shares the prompts' common prefixes.
///
/// One Decoder per job and thread: it uses its ForwardPass's scratch buffers (the ForwardPass
/// may be shared by several Decoders of the same thread, never between threads).
class Decoder
{
public:
    /// `forward` must outlive the decoder; its scan parameters (the modulation) apply.
    explicit Decoder(ForwardPass &forward, int chunkTokens = 512);

    ForwardPass &forward() { return m_forward; }
    int chunkTokens() const { return m_chunk; }

    /// The state of an empty context.
    void reset();
    /// Runs `ids` through the model after what came before (chunks of chunkTokens; one or two
    /// tokens by the step), without logits. Checks `job` for cancellation between chunks (throws
    /// Cancelled) and does not report progress (the caller knows the whole job).
    void feed(std::span<const int32_t> ids, const JobControl *job = nullptr);
    /// One token by the step; the logits of the next token (valid until the next call).
    std::span<const float> step(int32_t id);
    /// reset(), then the prompt: all but its last token fed in chunks, the last one stepped. The
    /// logits after the prompt. Throws Error for an empty prompt.
    std::span<const float> prefill(std::span<const int32_t> prompt,
                                   const JobControl *job = nullptr);
    /// The logits the last step() or prefill() returned.
    std::span<const float> logits() const { return m_logits; }
    /// Their summary (the largest, the first id that has it, the log-sum-exp), made beside them
    /// by the step's threads.
    const LogitSummary &logitSummary() const { return m_summary; }

    /// Tokens consumed since reset().
    int64_t position() const { return m_position; }
    const RecurrentState &state() const { return m_state; }
    /// Continues from a snapshot taken with state() at `position` (of the same model).
    void restore(const RecurrentState &snapshot, int64_t position);

private:
    ForwardPass &m_forward;
    int m_chunk;
    RecurrentState m_state;
    int64_t m_position = 0;
    CacheLineVector<float> m_logits;  // aligned: the step's threads write its blocks side by side
    LogitSummary m_summary;
    Eigen::MatrixXf m_hidden;
};

}  // namespace mscope
