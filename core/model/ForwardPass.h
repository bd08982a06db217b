// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/DeltaObserver.h"
#include "model/LayerActivations.h"
#include "model/RecurrentState.h"

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace mscope {

class LayerBlock;
struct LogitSummary;
class MambaModel;
class TokenStep;
struct ScanParameters;

/// The forward pass over one chunk of tokens at a time, fp32: the embedding, the layers of the
/// model's architecture (one LayerBlock class each: Mamba1Block, method.md §1; Mamba2Block, §2)
/// and the LM head. Hidden activations are Eigen matrices of D rows × T columns (one column per
/// token). A ForwardPass owns its scratch buffers, so it allocates nothing per chunk once warm;
/// use one per thread/job.
class ForwardPass
{
public:
    using Hidden = Eigen::MatrixXf;

    /// `scan` null means the model as loaded.
    explicit ForwardPass(std::shared_ptr<const MambaModel> model,
                         std::shared_ptr<const ScanParameters> scan = nullptr);
    ~ForwardPass();

    const MambaModel &model() const { return *m_model; }
    const ScanParameters &scanParameters() const { return *m_scan; }
    void setScanParameters(std::shared_ptr<const ScanParameters> scan);

    /// Embedding lookup; throws Error when an id is outside the embedding table.
    void embed(std::span<const int32_t> ids, Hidden &hidden) const;
    /// Runs layers [firstLayer, endLayer) over the chunk in place, advancing those layers' state.
    /// endLayer < 0 means all layers.
    void runLayers(Hidden &hidden, RecurrentState &state, int firstLayer = 0, int endLayer = -1);
    /// Final norm, LM head and log-softmax, one block of columns at a time (never all T × vocab
    /// logits at once). nll[t] = -log p(targets[t] | column t) for t < targets.size().
    /// When `lastLogits` > 0 the raw logits of the last columns are copied into `logitsOut`.
    void scoreNextTokens(const Hidden &hidden, std::span<const int32_t> targets, float *nll,
                         int lastLogits = 0, std::vector<std::vector<float>> *logitsOut = nullptr);

    /// One token through the whole model by the recurrent step (TokenStep: matrix-vector products,
    /// constant time and memory per token): advances `state` and, when `logits` is not null,
    /// writes the next token's logits there (model().logitCount() floats; null skips the LM
    /// head). The same numbers as embed + runLayers + the LM head over the same tokens, to float
    /// rounding. The Δ observer does not see steps. With `summary` (and logits) the logits'
    /// summary too (LogitSummary.h: what choosing a token needs, made beside the logits).
    void step(int32_t id, RecurrentState &state, float *logits, LogitSummary *summary = nullptr);

    /// Sees Δ of every layer and chunk (DeltaObserver); the spectrum analysis measures mean Δ
    /// per channel on a calibration text with it.
    void setDeltaObserver(DeltaObserver observer) { m_deltaObserver = std::move(observer); }
    /// Sees every layer's activations up to its scan (LayerActivations), for the reverse-mode
    /// gradient; empty (the default) costs nothing.
    void setActivationSink(LayerActivationSink sink) { m_activationSink = std::move(sink); }

private:
    void scoreColumns(const float *head, int64_t t0, int64_t t1, std::span<const int32_t> targets,
                      float *nll, int64_t firstLogitColumn,
                      std::vector<std::vector<float>> *logitsOut, float *scratch);

    std::shared_ptr<const MambaModel> m_model;
    std::shared_ptr<const ScanParameters> m_scan;
    DeltaObserver m_deltaObserver;
    LayerActivationSink m_activationSink;
    std::unique_ptr<LayerBlock> m_block;  // the layers of the model's architecture
    std::unique_ptr<TokenStep> m_step;    // made on the first step()
    Eigen::MatrixXf m_u;                  // [D, T] the final norm's output
    std::vector<float> m_headScratch;     // per thread: a block of logits
};

}  // namespace mscope
