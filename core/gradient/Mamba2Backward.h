// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/KeptChunks.h"
#include "gradient/LayerBackward.h"

#include <vector>

namespace mscope {

/// Mamba-2 layers backward (method.md §2, read bottom up): out_proj, the gated RMSNorm (per
/// group or over the full width, before or after the gate, as the model runs it), the scan per
/// head as a reverse-time recurrence (from the recurrent form that defines it, whichever form
/// the engine ran), Δ = clamp(softplus(dt + dt_bias))·s, the causal conv and silu over x | B |
/// C, in_proj and the RMSNorm back to the residual stream.
class Mamba2Backward final : public LayerBackward
{
public:
    explicit Mamba2Backward(const MambaModel &model);

    void beginChunk(int64_t tokens) override;
    void beginRecording(int64_t tokens) override;
    void record(const LayerActivations &a) override;
    void backward(int l, const RecurrentState::Layer &start, const ScanParameters::Layer &scan,
                  Eigen::MatrixXf &gHidden, RecurrentState::Layer &carry, LayerSensitivity &out,
                  bool inputGradient) override;
    void keepChunk(int64_t k) override { m_kept.keep(k, m_layers); }
    bool restoreChunk(int64_t k) override { return m_kept.restore(k, m_layers); }
    void dropKeptChunks() override { m_kept.clear(); }
    int64_t recordedFloatsPerToken() const override;
    int64_t bytes() const override;
    int64_t maxChunkTokens() const override;

private:
    void scanOutputs(int l, const RecurrentState::Layer &start, const ScanParameters::Layer &scan);
    void gatedNormBackward(int l);
    void scanBackward(int l, const RecurrentState::Layer &start, const ScanParameters::Layer &scan,
                      RecurrentState::Layer &carry, LayerSensitivity &out);
    void timeStepBackward(int l, const ScanParameters::Layer &scan, LayerSensitivity &out);

    struct Recording
    {
        Eigen::MatrixXf input;  // the layer's input
        Eigen::MatrixXf proj;   // in_proj's output z | x B C | dt
        Eigen::MatrixXf xbc;    // silu(conv(x B C))
        Eigen::MatrixXf delta;  // Δ per head
        // The matrices in recordedRows()' order.
        template <typename Self>
        static auto matrices(Self &r)
        {
            return std::array{&r.input, &r.proj, &r.xbc, &r.delta};
        }
    };
    // The rows of each recorded matrix (a column a token), in Recording::matrices' order.
    std::array<int64_t, 4> recordedRows() const;
    int64_t m_d = 0, m_e = 0, m_n = 0, m_heads = 0, m_headDim = 0, m_groups = 0, m_k = 0;
    int64_t m_convChannels = 0, m_projRows = 0, m_tokens = 0;
    int m_threads = 1;
    std::vector<Recording> m_layers;
    KeptChunks<Recording> m_kept;
    static int64_t floats(const Recording &r);
    Eigen::MatrixXf m_gOut;             // [E, T] dJ/d(gated norm output)
    Eigen::MatrixXf m_y;                // [E, T] the scan's output y = C·s + D·x, recomputed
    Eigen::MatrixXf m_gY;               // [E, T] dJ/dy
    Eigen::MatrixXf m_gProj;            // [E + C + H, T] dJ/d in_proj output
    Eigen::MatrixXf m_gXbc;             // [C, T] dJ/d silu(conv(x B C))
    Eigen::MatrixXf m_gDelta;           // [H, T]
    Eigen::MatrixXf m_gU;               // [D, T]
    Eigen::MatrixXf m_convScratch;      // [C, T]
    std::vector<float> m_threadStates;  // per thread: [T + 1, P, N] states of one head
    std::vector<float> m_threadBc;      // per thread: [T, 2·G·N] dJ/dB, dJ/dC of its heads
};

}  // namespace mscope
