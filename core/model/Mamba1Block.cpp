// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/Mamba1Block.h"

#include "kernels/BlockKernels.h"
#include "kernels/ElementwiseKernels.h"
#include "kernels/SelectiveScan.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"

namespace mscope {

using namespace blockkernels;

Mamba1Block::Mamba1Block(const MambaModel &model) : LayerBlock(model)
{
    const ModelConfig &c = model.config();
    m_d = c.dModel;
    m_e = c.dInner;
    m_n = c.dState;
    m_r = c.dtRank;
    m_conv.reserve(model.layers().size());
    for (const MambaLayerWeights &w : model.layers())
        m_conv.emplace_back(w.convWeight.data, w.convBias.data, m_e, c.convKernel);
}

void Mamba1Block::prepareChunk(int64_t T, int)
{
    m_u.resize(m_d, T);
    m_xz.resize(2 * m_e, T);
    m_xc.resize(m_e, T);
    m_xdbl.resize(m_r + 2 * m_n, T);
    m_delta.resize(m_e, T);
    m_y.resize(m_e, T);
}

int64_t Mamba1Block::scanAlignment() const
{
    return selectiveScanChannelAlignment();
}

void Mamba1Block::project(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1)
{
    // 1. u = RMSNorm(h) · norm.weight; 2. [x | z] = W_in · u (+ bias).
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const int64_t D = m_d, E = m_e;
    rmsNorm(hidden, w.norm.data, m_model.config().normEps, m_u, t0, t1);
    gemm(2 * E, t1 - t0, D, w.inProj.data, m_u.data() + t0 * D, D, m_xz.data() + t0 * 2 * E, 2 * E);
    if (const float *bias = w.inProjBias.data) {
        for (int64_t t = t0; t < t1; ++t) {
            float *col = m_xz.data() + t * 2 * E;
#pragma omp simd
            for (int64_t r = 0; r < 2 * E; ++r)
                col[r] += bias[r];
        }
    }
}

void Mamba1Block::prepareScan(int l, const RecurrentState::Layer &state, const ScanParameters &scan,
                              int64_t t0, int64_t t1)
{
    // 3. x'' = silu(conv(x)); 4. [dt_raw | B | C] = W_x · x'';
    // 5. Δ = softplus(W_dt · dt_raw + b) (· the modulation's scale).
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const int64_t E = m_e, R = m_r, rows = R + 2 * m_n;
    m_conv[size_t(l)].convSilu(convInput(), state.conv.data(), m_xc.data(), E, t0, t1, 0, E);
    gemm(rows, t1 - t0, E, w.xProj.data, m_xc.data() + t0 * E, E, m_xdbl.data() + t0 * rows, rows);
    if (m_model.config().dtBcRms) {
        // Falcon-Mamba: weightless RMS norms of dt_raw, B and C, each over its own length.
        const float eps = float(m_model.config().mixerRmsEps);
        for (int64_t t = t0; t < t1; ++t) {
            float *column = m_xdbl.data() + t * rows;
            rmsNormalizeInPlace(column, R, eps);
            rmsNormalizeInPlace(column + R, m_n, eps);
            rmsNormalizeInPlace(column + R + m_n, m_n, eps);
        }
    }
    gemm(E, t1 - t0, R, w.dtProjWeight.data, m_xdbl.data() + t0 * rows, rows,
         m_delta.data() + t0 * E, E);
    const std::vector<float> &scale = scan.layers[size_t(l)].deltaScale;
    for (int64_t t = t0; t < t1; ++t)
        softplusInPlace(m_delta.data() + t * E, w.dtProjBias.data,
                        scale.empty() ? nullptr : scale.data(), E);
}

void Mamba1Block::advanceConvState(RecurrentState::Layer &state, int64_t tokens)
{
    m_conv.front().advanceState(state.conv.data(), convInput(), tokens);
}

LayerActivations Mamba1Block::activations(int l, const Eigen::MatrixXf &hidden, int64_t first,
                                          int64_t end) const
{
    LayerActivations a;
    a.layer = l;
    a.first = first;
    a.end = end;
    a.tokens = m_xc.cols();
    a.input = hidden.data();
    a.projection = m_xz.data();
    a.projectionRows = m_xz.rows();
    a.convOutput = m_xc.data();
    a.convRows = m_xc.rows();
    a.scanInputs = m_xdbl.data();
    a.scanInputRows = m_xdbl.rows();
    a.delta = m_delta.data();
    a.deltaRows = m_delta.rows();
    return a;
}

void Mamba1Block::scan(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t u0,
                       int64_t u1, int)
{
    // 6-7. Selective scan, then y ⊙ silu(z) (fused into the scan).
    const int64_t E = m_e, N = m_n, R = m_r;
    SelectiveScanArgs args;
    args.tokens = int(m_xc.cols());
    args.channels = int(E);
    args.stateSize = int(N);
    args.delta = m_delta.data();
    args.x = m_xc.data();
    args.bc = m_xdbl.data() + R;
    args.bcStride = int(R + 2 * N);
    args.negA = scan.layers[size_t(l)].negA.data();
    args.d = m_model.layers()[size_t(l)].d.data;
    args.state = state.ssm.data();
    args.y = m_y.data();
    args.z = m_xz.data() + E;
    args.zStride = int(2 * E);
    selectiveScanChannels(args, int(u0), int(u1));
}

void Mamba1Block::projectOut(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1)
{
    // 7. out_proj straight into the residual stream: h += W_out · y (+ bias).
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const int64_t D = m_d, E = m_e;
    gemm(D, t1 - t0, E, w.outProj.data, m_y.data() + t0 * E, E, hidden.data() + t0 * D, D, 1.0f);
    if (const float *bias = w.outProjBias.data) {
        for (int64_t t = t0; t < t1; ++t)
            for (int64_t d = 0; d < D; ++d)
                hidden(d, t) += bias[d];
    }
}

}  // namespace mscope
