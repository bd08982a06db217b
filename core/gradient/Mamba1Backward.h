// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/KeptChunks.h"
#include "gradient/LayerBackward.h"

#include <vector>

namespace mscope {

/// Mamba-1 layers backward (method.md §1, read bottom up): out_proj, the silu(z) gate, the
/// selective scan as a reverse-time recurrence per channel (states recomputed from the chunk's
/// starting state, in parallel over channels), Δ = softplus(dt_proj·dt_raw + b)·s, x_proj, the
/// causal conv and silu, in_proj and the RMSNorm back to the residual stream; Falcon-Mamba's
/// weightless norms of dt_raw, B and C after x_proj where the model has them.
class Mamba1Backward final : public LayerBackward
{
public:
    explicit Mamba1Backward(const MambaModel &model);

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

private:
    void mixerNormsBackward(int l);
    void scanBackward(int l, const RecurrentState::Layer &start, const ScanParameters::Layer &scan,
                      RecurrentState::Layer &carry, LayerSensitivity &out);

    struct Recording
    {
        Eigen::MatrixXf input;  // the layer's input
        Eigen::MatrixXf xz;     // in_proj's output x | z
        Eigen::MatrixXf xc;     // x'' = silu(conv(x))
        Eigen::MatrixXf xdbl;   // x_proj's output dt_raw | B | C
        Eigen::MatrixXf delta;  // Δ
        // The matrices in recordedRows()' order.
        template <typename Self>
        static auto matrices(Self &r)
        {
            return std::array{&r.input, &r.xz, &r.xc, &r.xdbl, &r.delta};
        }
    };
    // The rows of each recorded matrix (a column a token), in Recording::matrices' order.
    std::array<int64_t, 5> recordedRows() const;
    int64_t m_d = 0, m_e = 0, m_n = 0, m_r = 0, m_k = 0, m_tokens = 0;
    int m_threads = 1;
    std::vector<Recording> m_layers;
    KeptChunks<Recording> m_kept;
    static int64_t floats(const Recording &r);
    // Scratch for one layer at a time.
    Eigen::MatrixXf m_gGated;           // [E, T] dJ/d(y ⊙ silu(z))
    Eigen::MatrixXf m_gXz;              // [2E, T] dJ/d in_proj output
    Eigen::MatrixXf m_gXc;              // [E, T] dJ/d x''
    Eigen::MatrixXf m_gDelta;           // [E, T] dJ/dΔ, then dJ/d(dt_proj output)
    Eigen::MatrixXf m_v;                // [E, T] dt_proj output before the softplus, again
    Eigen::MatrixXf m_gXdbl;            // [R + 2N, T]
    Eigen::MatrixXf m_gU;               // [D, T]
    Eigen::MatrixXf m_rawXdbl;          // [R + 2N, T] Falcon-Mamba: x_proj output before its norms
    Eigen::MatrixXf m_convScratch;      // [E, T]
    std::vector<float> m_threadStates;  // per thread: [T + 1, N] states, [T, N] decays, [T] y
    std::vector<float> m_threadBc;      // per thread: [T, 2N] dJ/dB, dJ/dC of its channels
};

}  // namespace mscope
