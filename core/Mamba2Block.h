// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ForwardPass.h"

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace mscope {

class MambaModel;
struct ScanParameters;

/// The Mamba-2 layers of a forward pass (method.md §2) over one chunk of tokens, fp32. The scan
/// runs in the recurrent form that defines the result, or in the chunked state-space-duality
/// (SSD) form, which gives the same numbers to fp32 rounding: the state carried in RecurrentState
/// makes any split of a text into chunks give the same numbers. ForwardPass hands its Mamba-2
/// layers here; the block owns its scratch buffers (no allocation per chunk once warm), so use one
/// per ForwardPass.
class Mamba2Block
{
public:
    /// Which form of the scan runs. Automatic picks per chunk (see scanFormFor); the environment
    /// variable MAMBASCOPE_MAMBA2_SCAN=recurrent|ssd forces one (tests, measurements).
    enum class ScanForm { Automatic, Recurrent, Ssd };

    /// The form a chunk of `tokens` tokens runs in under `requested` (Automatic: see the .cpp).
    static ScanForm scanFormFor(ScanForm requested, int64_t tokens);
    /// The form the environment asks for (Automatic when MAMBASCOPE_MAMBA2_SCAN is unset/unknown).
    static ScanForm requestedScanForm();

    /// `model` must outlive the block (ForwardPass holds it).
    explicit Mamba2Block(const MambaModel &model);

    /// Runs layers [firstLayer, endLayer) over `hidden` ([D, T], one column per token) in place,
    /// advancing those layers' state. `observer` (may be empty) sees Δ of every layer after the
    /// softplus, the time-step clamp and the modulation's scale, [T, H] token-major.
    void run(Eigen::MatrixXf &hidden, RecurrentState &state, const ScanParameters &scan,
             int firstLayer, int endLayer, const ForwardPass::DeltaObserver &observer);

private:
    // The steps of one layer over tokens [t0, t1) (heads [h0, h1) for the scan).
    // run() calls them in one parallel region with barriers between them (long chunks) or in
    // sequence.
    void normalize(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1);
    void inProj(int l, int64_t t0, int64_t t1);
    void convSilu(int l, const RecurrentState::Layer &state, int64_t t0, int64_t t1);
    void timeSteps(int l, const ScanParameters &scan, int64_t t0, int64_t t1);
    void scanHeads(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t h0,
                   int64_t h1, float *headState);
    void scanHeadsSsd(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t h0,
                      int64_t h1, float *scratch, double *cum);
    void gatedNorm(int l, int64_t t0, int64_t t1);
    void outProj(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1);
    void updateConvState(RecurrentState::Layer &state, int64_t tokens);

    const MambaModel &m_model;
    int64_t m_d = 0, m_e = 0, m_n = 0, m_heads = 0, m_headDim = 0, m_groups = 0, m_kernel = 0;
    int64_t m_ssdBlock = 0;                         // SSD: tokens per block (Q)
    int64_t m_convChannels = 0;                     // E + 2·G·N: x | B | C
    int64_t m_projRows = 0;                         // E + conv channels + H: z | x B C | dt
    std::vector<std::vector<float>> m_convWeightT;  // per layer [K, conv channels]
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
