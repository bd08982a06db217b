// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/CausalConv.h"
#include "model/LayerBlock.h"

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace mscope {

/// The Mamba-2 layers (method.md §2) over one chunk: RMSNorm, in_proj to z | x B C | dt, the
/// causal conv and silu over x B C, Δ per head (softplus, time-step clamp, the modulation's
/// scale), the scan, the gated RMSNorm, out_proj into the residual stream. The scan runs in the
/// recurrent form that defines the result, or in the chunked state-space-duality (SSD) form, which
/// gives the same numbers to fp32 rounding: the state carried in RecurrentState makes any split
/// of a text into chunks give the same numbers.
class Mamba2Block final : public LayerBlock
{
public:
    /// Which form of the scan runs. Automatic picks per chunk (see scanFormFor).
    enum class ScanForm { Automatic, Recurrent, Ssd };

    /// The form a chunk of `tokens` tokens runs in under `requested` (Automatic: see the .cpp).
    static ScanForm scanFormFor(ScanForm requested, int64_t tokens);
    /// The form every Mamba-2 block of the process runs in: read once from
    /// MAMBASCOPE_MAMBA2_SCAN=recurrent|ssd (measurements), Automatic otherwise; tests force one
    /// with forceScanForm.
    static ScanForm forcedScanForm();
    static void forceScanForm(ScanForm form);

    /// `model` must outlive the block (ForwardPass holds it).
    explicit Mamba2Block(const MambaModel &model);

protected:
    void prepareChunk(int64_t tokens, int threads) override;
    int64_t scanUnits() const override { return m_heads; }
    void project(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1) override;
    void prepareScan(int l, const RecurrentState::Layer &state, const ScanParameters &scan,
                     int64_t t0, int64_t t1) override;
    void advanceConvState(RecurrentState::Layer &state, int64_t tokens) override;
    const float *delta() const override { return m_delta.data(); }
    int deltaChannels() const override { return int(m_heads); }
    LayerActivations activations(int l, const Eigen::MatrixXf &hidden, int64_t first,
                                 int64_t end) const override;
    void scan(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t h0,
              int64_t h1, int thread) override;
    void projectOut(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1) override;

private:
    // The steps of one layer over tokens [t0, t1) (heads [h0, h1) for the scan).
    void normalize(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1);
    void inProj(int l, int64_t t0, int64_t t1);
    void timeSteps(int l, const ScanParameters &scan, int64_t t0, int64_t t1);
    void scanHeads(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t h0,
                   int64_t h1, float *headState);
    void scanHeadsSsd(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t h0,
                      int64_t h1, float *scratch, double *cum);
    void gatedNorm(int l, int64_t t0, int64_t t1);
    void outProj(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1);
    int64_t ssdScratchPerThread() const;
    CausalConv::Input convInput() const { return {m_proj.data() + m_e, m_projRows}; }

    int64_t m_d = 0, m_e = 0, m_n = 0, m_heads = 0, m_headDim = 0, m_groups = 0, m_kernel = 0;
    int64_t m_ssdBlock = 0;          // SSD: tokens per block (Q)
    int64_t m_convChannels = 0;      // E + 2·G·N: x | B | C
    int64_t m_projRows = 0;          // E + conv channels + H: z | x B C | dt
    bool m_ssd = false;              // this chunk's scan form
    std::vector<CausalConv> m_conv;  // per layer
    // Scratch, column-major, one column per token.
    Eigen::MatrixXf m_u;              // [D, T] normalized input
    Eigen::MatrixXf m_proj;           // [projRows, T] in_proj output
    Eigen::MatrixXf m_xbc;            // [conv channels, T] silu(conv(x | B | C))
    Eigen::MatrixXf m_delta;          // [H, T] Δ
    Eigen::MatrixXf m_y;              // [E, T] scan output, then the gated norm's
    std::vector<float> m_headState;   // per thread: a head's state, transposed by blocks
    std::vector<float> m_ssdScratch;  // per thread: the SSD form's block matrices
    std::vector<double> m_ssdCum;     // per thread: the SSD form's cumulative Δ·A in a block
    std::vector<float> m_ssdState;    // the SSD form: every head's state as [H, N, P]
};

}  // namespace mscope
