// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RecurrentState.h"

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace mscope {

class Mamba2Block;
class MambaModel;
struct ScanParameters;

/// The Mamba forward pass over one chunk of tokens at a time, fp32 (method.md §1; Mamba-2's
/// layers (§2) run in Mamba2Block, the embedding and the head are shared). Hidden
/// activations are Eigen matrices of D rows × T columns (one column per token). A ForwardPass owns
/// its scratch buffers, so it allocates nothing per chunk once warm; use one per thread/job.
class ForwardPass
{
public:
    using Hidden = Eigen::MatrixXf;

    /// `scan` null means the model as loaded.
    explicit ForwardPass(std::shared_ptr<const MambaModel> model,
                         std::shared_ptr<const ScanParameters> scan = nullptr);
    ~ForwardPass();

    const MambaModel &model() const { return *m_model; }
    std::shared_ptr<const MambaModel> modelPtr() const { return m_model; }
    const ScanParameters &scanParameters() const { return *m_scan; }
    std::shared_ptr<const ScanParameters> scanParametersPtr() const { return m_scan; }
    void setScanParameters(std::shared_ptr<const ScanParameters> scan);

    /// Embedding lookup; throws FileError when an id is outside the embedding table.
    void embed(std::span<const int32_t> ids, Hidden &hidden) const;
    /// Runs layers [firstLayer, endLayer) over the chunk in place, advancing those layers' state.
    /// endLayer < 0 means all layers.
    void runLayers(Hidden &hidden, RecurrentState &state, int firstLayer = 0, int endLayer = -1);
    /// Final norm, LM head and log-softmax, one block of columns at a time (never all T × vocab
    /// logits at once). nll[t] = -log p(targets[t] | column t) for t < targets.size().
    /// When `lastLogits` > 0 the raw logits of the last columns are copied into `logitsOut`.
    void scoreNextTokens(const Hidden &hidden, std::span<const int32_t> targets, float *nll,
                         int lastLogits = 0, std::vector<std::vector<float>> *logitsOut = nullptr);

    /// Called with Δ (after softplus and scaling, [T, E] token-major; Mamba-2 [T, H], one Δ per
    /// head) for every layer and chunk; the spectrum analysis uses it to measure mean Δ per
    /// channel on a calibration text.
    using DeltaObserver =
        std::function<void(int layer, const float *delta, int tokens, int channels)>;
    void setDeltaObserver(DeltaObserver observer) { m_deltaObserver = std::move(observer); }

private:
    void updateConvState(RecurrentState::Layer &state, int64_t tokens);
    // The steps of one layer (method.md §1) over a range of tokens and of rows/channels.
    // runLayers runs them in one parallel region with barriers between steps (long chunks) or in
    // sequence.
    void normalize(int l, const Hidden &hidden, int64_t t0, int64_t t1);
    void inProj(int l, int64_t t0, int64_t t1, int64_t e0, int64_t e1);
    void convSilu(int l, const RecurrentState::Layer &state, int64_t t0, int64_t t1, int64_t e0,
                  int64_t e1);
    void xProj(int l, int64_t t0, int64_t t1, int64_t r0, int64_t r1);
    void dtProj(int l, int64_t t0, int64_t t1, int64_t e0, int64_t e1);
    void scanChannels(int l, RecurrentState::Layer &state, int e0, int e1);
    void outProj(int l, Hidden &hidden, int64_t t0, int64_t t1, int64_t d0, int64_t d1);
    void scoreColumns(const float *head, int64_t t0, int64_t t1, std::span<const int32_t> targets,
                      float *nll, int64_t firstLogitColumn,
                      std::vector<std::vector<float>> *logitsOut, float *scratch);

    std::shared_ptr<const MambaModel> m_model;
    std::shared_ptr<const ScanParameters> m_scan;
    DeltaObserver m_deltaObserver;
    std::unique_ptr<Mamba2Block> m_mamba2;          // runs the layers of a Mamba-2 model
    std::vector<std::vector<float>> m_convWeightT;  // per layer [K, E]: vectorizes over channels
    // Scratch, resized to the chunk length on demand. Column-major, one column per token.
    Eigen::MatrixXf m_u;               // [D, T] normalized input
    Eigen::MatrixXf m_xz;              // [2E, T] in_proj output: x on top, z below
    Eigen::MatrixXf m_xc;              // [E, T] x'' = silu(conv(x))
    Eigen::MatrixXf m_xdbl;            // [R + 2N, T] dt_raw | B | C
    Eigen::MatrixXf m_delta;           // [E, T] Δ
    Eigen::MatrixXf m_y;               // [E, T] gated scan output
    std::vector<float> m_headScratch;  // per thread: a block of logits
};

}  // namespace mscope
