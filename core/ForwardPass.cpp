// SPDX-License-Identifier: GPL-3.0-or-later
#include "ForwardPass.h"

#include "FileError.h"
#include "MambaModel.h"
#include "ScanParameters.h"
#include "SelectiveScan.h"

#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

using RowMajorMap = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
using VectorMap = Eigen::Map<const Eigen::VectorXf>;

RowMajorMap matrix(const FloatTensor &t, int64_t rows, int64_t cols)
{
    return RowMajorMap(t.data, rows, cols);
}

// Parallelize elementwise loops only when there is enough work to pay for waking threads.
constexpr int64_t kParallelThreshold = 1 << 15;

// PyTorch's softplus (identity above 20) with vectorized exp and log: log1p(e) is computed as
// log(u)·e/(u-1), u = 1+e, which is exact to about 1 ulp (Goldberg's trick) where a plain log(1+e)
// would lose e's low bits; Eigen 3.4 has no vectorized log1p for float.
template<typename ArrayRef>
void softplusInPlace(ArrayRef v)
{
    thread_local Eigen::ArrayXf e, u;
    e = v.exp();
    u = 1.0f + e;
    v = (v > 20.0f).select(v, (u == 1.0f).select(e, u.log() * e / (u - 1.0f)));
}

void rmsNorm(const Eigen::MatrixXf &in, const float *weight, double eps, Eigen::MatrixXf &out)
{
    const int64_t D = in.rows(), T = in.cols();
    out.resize(D, T);
    const VectorMap w(weight, D);
#pragma omp parallel for schedule(static) if (D * T > kParallelThreshold)
    for (int64_t t = 0; t < T; ++t) {
        const float scale = 1.0f / std::sqrt(in.col(t).squaredNorm() / float(D) + float(eps));
        out.col(t) = (in.col(t) * scale).cwiseProduct(w);
    }
}

}  // namespace

ForwardPass::ForwardPass(std::shared_ptr<const MambaModel> model,
                         std::shared_ptr<const ScanParameters> scan)
    : m_model(std::move(model))
{
    setScanParameters(std::move(scan));
    const ModelConfig &c = m_model->config();
    m_convWeightT.resize(size_t(c.nLayer));
    for (int l = 0; l < c.nLayer; ++l) {
        const float *w = m_model->layers()[size_t(l)].convWeight.data;
        auto &wt = m_convWeightT[size_t(l)];
        wt.resize(size_t(c.convKernel) * c.dInner);
        for (int e = 0; e < c.dInner; ++e)
            for (int k = 0; k < c.convKernel; ++k)
                wt[size_t(k) * c.dInner + e] = w[size_t(e) * c.convKernel + k];
    }
}

ForwardPass::~ForwardPass() = default;

void ForwardPass::setScanParameters(std::shared_ptr<const ScanParameters> scan)
{
    m_scan = scan ? std::move(scan) : ScanParameters::fromModel(*m_model);
}

void ForwardPass::embed(std::span<const int32_t> ids, Hidden &hidden) const
{
    const FloatTensor &emb = m_model->embeddings();
    const int64_t V = emb.shape[0], D = emb.shape[1];
    hidden.resize(D, int64_t(ids.size()));
    for (size_t t = 0; t < ids.size(); ++t) {
        const int32_t id = ids[t];
        if (id < 0 || id >= V)
            throw FileError({}, QStringLiteral("token id %1 at position %2 is outside the model's "
                                               "vocabulary (%3 entries)")
                                    .arg(id)
                                    .arg(t)
                                    .arg(V));
        hidden.col(int64_t(t)) = VectorMap(emb.data + int64_t(id) * D, D);
    }
}

void ForwardPass::runLayers(Hidden &hidden, RecurrentState &state, int firstLayer, int endLayer)
{
    const int n = int(m_model->layers().size());
    if (endLayer < 0 || endLayer > n)
        endLayer = n;
    for (int l = std::max(0, firstLayer); l < endLayer; ++l)
        runLayer(l, hidden, state.layer(l));
}

void ForwardPass::runLayer(int l, Hidden &hidden, RecurrentState::Layer &state)
{
    const ModelConfig &c = m_model->config();
    const MambaLayerWeights &w = m_model->layers()[size_t(l)];
    const ScanParameters::Layer &sp = m_scan->layers[size_t(l)];
    const int64_t D = c.dModel, E = c.dInner, N = c.dState, K = c.convKernel, R = c.dtRank;
    const int64_t T = hidden.cols();
    if (T == 0)
        return;

    // 1-2. RMSNorm, then in_proj: [x | z] = W_in · u (+ bias).
    rmsNorm(hidden, w.norm.data, c.normEps, m_u);
    m_xz.resize(2 * E, T);
    m_xz.noalias() = matrix(w.inProj, 2 * E, D) * m_u;
    if (w.inProjBias.data)
        m_xz.colwise() += VectorMap(w.inProjBias.data, 2 * E);

    // 3. Causal depthwise conv over [carried K-1 inputs | this chunk's x], then silu.
    m_xpad.resize(E, T + K - 1);
    if (K > 1)
        std::copy(state.conv.begin(), state.conv.end(), m_xpad.data());
    m_xpad.rightCols(T) = m_xz.topRows(E);
    if (K > 1)
        std::copy(m_xpad.data() + T * E, m_xpad.data() + (T + K - 1) * E, state.conv.begin());
    Eigen::MatrixXf &xc = m_y;  // reuse: x'' lives in m_y until the scan writes y
    xc.resize(E, T);
    const float *wt = m_convWeightT[size_t(l)].data();
    const float *convBias = w.convBias.data;
#pragma omp parallel for schedule(static) if (T * E * K > kParallelThreshold)
    for (int64_t t = 0; t < T; ++t) {
        float *out = xc.data() + t * E;
        for (int64_t e = 0; e < E; ++e)
            out[e] = convBias ? convBias[e] : 0.0f;
        for (int64_t k = 0; k < K; ++k) {
            const float *in = m_xpad.data() + (t + k) * E;
            const float *wk = wt + k * E;
#pragma omp simd
            for (int64_t e = 0; e < E; ++e)
                out[e] += wk[e] * in[e];
        }
        auto v = Eigen::Map<Eigen::ArrayXf>(out, E);
        v = v / (1.0f + (-v).exp());
    }

    // 4-5. x_proj gives [dt_raw | B | C]; Δ = softplus(W_dt · dt_raw + b) (· modulation scale).
    m_xdbl.resize(R + 2 * N, T);
    m_xdbl.noalias() = matrix(w.xProj, R + 2 * N, E) * xc;
    m_delta.resize(E, T);
    m_delta.noalias() = matrix(w.dtProjWeight, E, R) * m_xdbl.topRows(R);
    const auto dtBias = VectorMap(w.dtProjBias.data, E).array();
    const float *deltaScale = sp.deltaScale.empty() ? nullptr : sp.deltaScale.data();
#pragma omp parallel for schedule(static) if (T * E > kParallelThreshold)
    for (int64_t t = 0; t < T; ++t) {
        auto dt = m_delta.col(t).array();
        dt += dtBias;
        softplusInPlace(dt);
        if (deltaScale)
            dt *= Eigen::Map<const Eigen::ArrayXf>(deltaScale, E);
    }
    if (m_deltaObserver)
        m_deltaObserver(l, m_delta.data(), int(T), int(E));

    // 6. Selective scan; x'' is copied aside because y overwrites its buffer.
    Eigen::MatrixXf &x = m_out;
    x = xc;
    SelectiveScanArgs args;
    args.tokens = int(T);
    args.channels = int(E);
    args.stateSize = int(N);
    args.delta = m_delta.data();
    args.x = x.data();
    args.bc = m_xdbl.data() + R;
    args.bcStride = int(R + 2 * N);
    args.negA = sp.negA.data();
    args.d = w.d.data;
    args.state = state.ssm.data();
    args.y = m_y.data();
    selectiveScan(args);

    // 7. Gate with silu(z), out_proj, residual add.
#pragma omp parallel for schedule(static) if (T * E > kParallelThreshold)
    for (int64_t t = 0; t < T; ++t) {
        const auto z = m_xz.col(t).tail(E).array();
        m_y.col(t).array() *= z / (1.0f + (-z).exp());
    }
    m_out.resize(D, T);
    m_out.noalias() = matrix(w.outProj, D, E) * m_y;
    if (w.outProjBias.data)
        m_out.colwise() += VectorMap(w.outProjBias.data, D);
    hidden += m_out;
}

void ForwardPass::scoreNextTokens(const Hidden &hidden, std::span<const int32_t> targets, float *nll,
                                  int lastLogits, std::vector<std::vector<float>> *logitsOut)
{
    const ModelConfig &c = m_model->config();
    const int64_t D = c.dModel, T = hidden.cols();
    const int64_t V = m_model->logitCount();
    rmsNorm(hidden, m_model->finalNorm().data, c.normEps, m_u);
    const auto head = matrix(m_model->lmHead(), V, D);
    // Columns per block: keep the logits block around 8 MiB whatever the vocabulary.
    const int64_t block = std::clamp<int64_t>((int64_t(8) << 20) / (4 * V), 8, 512);
    if (logitsOut)
        logitsOut->clear();
    for (int64_t t0 = 0; t0 < T; t0 += block) {
        const int64_t cols = std::min(block, T - t0);
        m_logits.resize(V, cols);
        m_logits.noalias() = head * m_u.middleCols(t0, cols);
#pragma omp parallel for schedule(static) if (cols * V > kParallelThreshold)
        for (int64_t j = 0; j < cols; ++j) {
            const int64_t t = t0 + j;
            if (t >= int64_t(targets.size()))
                continue;
            const auto col = m_logits.col(j).array();
            const float maxLogit = col.maxCoeff();
            const double sum = double((col - maxLogit).exp().sum());
            const int32_t target = targets[size_t(t)];
            if (target < 0 || target >= V) {
                nll[t] = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            nll[t] = float(std::log(sum) + maxLogit - m_logits(target, j));
        }
        if (logitsOut && lastLogits > 0) {
            for (int64_t j = 0; j < cols; ++j) {
                if (t0 + j >= T - lastLogits) {
                    const float *p = m_logits.data() + j * V;
                    logitsOut->emplace_back(p, p + V);
                }
            }
        }
    }
    for (size_t t = 0; t < targets.size() && int64_t(t) < T; ++t) {
        if (targets[t] < 0 || targets[t] >= V)
            throw FileError({}, QStringLiteral("target token id %1 at position %2 is outside the "
                                               "model's vocabulary (%3 entries)")
                                    .arg(targets[t])
                                    .arg(t)
                                    .arg(V));
    }
}

}  // namespace mscope
