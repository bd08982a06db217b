// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/CausalConv.h"
#include "model/LayerBlock.h"

#include <Eigen/Core>
#include <vector>

namespace mscope {

/// The Mamba-1 layers (method.md §1) over one chunk: RMSNorm, in_proj to x | z, the causal conv
/// and silu, x_proj to dt | B | C, Δ = softplus(dt_proj) (× the modulation's scale), the
/// selective scan with the silu(z) gate fused, out_proj into the residual stream.
class Mamba1Block final : public LayerBlock
{
public:
    explicit Mamba1Block(const MambaModel &model);

protected:
    void prepareChunk(int64_t tokens, int threads) override;
    int64_t scanUnits() const override { return m_e; }
    int64_t scanAlignment() const override;
    void project(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1) override;
    void prepareScan(int l, const RecurrentState::Layer &state, const ScanParameters &scan,
                     int64_t t0, int64_t t1) override;
    void advanceConvState(RecurrentState::Layer &state, int64_t tokens) override;
    const float *delta() const override { return m_delta.data(); }
    int deltaChannels() const override { return int(m_e); }
    LayerActivations activations(int l, const Eigen::MatrixXf &hidden, int64_t first,
                                 int64_t end) const override;
    void scan(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t u0,
              int64_t u1, int thread) override;
    void projectOut(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1) override;

private:
    CausalConv::Input convInput() const { return {m_xz.data(), 2 * m_e}; }

    int64_t m_d = 0, m_e = 0, m_n = 0, m_r = 0;
    std::vector<CausalConv> m_conv;  // per layer
    // Scratch, resized to the chunk length on demand. Column-major, one column per token.
    Eigen::MatrixXf m_u;      // [D, T] normalized input
    Eigen::MatrixXf m_xz;     // [2E, T] in_proj output: x on top, z below
    Eigen::MatrixXf m_xc;     // [E, T] x'' = silu(conv(x))
    Eigen::MatrixXf m_xdbl;   // [R + 2N, T] dt_raw | B | C
    Eigen::MatrixXf m_delta;  // [E, T] Δ
    Eigen::MatrixXf m_y;      // [E, T] gated scan output
};

}  // namespace mscope
