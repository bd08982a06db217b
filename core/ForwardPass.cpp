// SPDX-License-Identifier: GPL-3.0-or-later
#include "ForwardPass.h"

#include "BlockKernels.h"
#include "ElementwiseKernels.h"
#include "FileError.h"
#include "Mamba2Block.h"
#include "MambaModel.h"
#include "ScanParameters.h"
#include "SelectiveScan.h"
#include "SingleThreadScope.h"
#include "SpinThenSleepBarrier.h"

#include <cblas.h>
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

using namespace blockkernels;

namespace {

using VectorMap = Eigen::Map<const Eigen::VectorXf>;

// Logits are made in blocks of up to kHeadColumns tokens times as many vocabulary rows as fit in
// kHeadBlockFloats (2 MiB: stays in L2 while its log-sum-exp is taken). Many columns per block:
// OpenBLAS packs the head's rows once per product, so its cost per token falls with the width.
constexpr int64_t kHeadColumns = 512;
constexpr int64_t kHeadBlockFloats = int64_t(1) << 19;

}  // namespace

ForwardPass::ForwardPass(std::shared_ptr<const MambaModel> model,
                         std::shared_ptr<const ScanParameters> scan)
    : m_model(std::move(model))
{
    setScanParameters(std::move(scan));
    const ModelConfig &c = m_model->config();
    if (c.architecture == Architecture::Mamba2) {
        m_mamba2 = std::make_unique<Mamba2Block>(*m_model);
        return;
    }
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
    const ModelConfig &c = m_model->config();
    const int64_t D = c.dModel, E = c.dInner, N = c.dState, R = c.dtRank;
    const int64_t T = hidden.cols();
    const int layers = int(m_model->layers().size());
    if (endLayer < 0 || endLayer > layers)
        endLayer = layers;
    firstLayer = std::max(0, firstLayer);
    if (T == 0 || firstLayer >= endLayer)
        return;
    if (m_mamba2) {
        m_mamba2->run(hidden, state, *m_scan, firstLayer, endLayer, m_deltaObserver);
        return;
    }
    m_u.resize(D, T);
    m_xz.resize(2 * E, T);
    m_xc.resize(E, T);
    m_xdbl.resize(R + 2 * N, T);
    m_delta.resize(E, T);
    m_y.resize(E, T);

    const int threads = omp_get_max_threads();
    if (threads <= 1 || T < kMinTokensPerThread * threads) {
        // Short chunks run in this thread alone: a few tokens are not worth the
        // synchronisation, which on a busy machine costs more than the work.
        const SingleThreadScope alone;
        for (int l = firstLayer; l < endLayer; ++l) {
            RecurrentState::Layer &s = state.layer(l);
            normalize(l, hidden, 0, T);
            inProj(l, 0, T, 0, E);
            convSilu(l, s, 0, T, 0, E);
            xProj(l, 0, T, 0, R + 2 * N);
            dtProj(l, 0, T, 0, E);
            scanChannels(l, s, 0, int(E));
            outProj(l, hidden, 0, T, 0, D);
            updateConvState(s, T);
            if (m_deltaObserver)
                m_deltaObserver(l, m_delta.data(), int(T), int(E));
        }
        return;
    }

    // One parallel region for all the layers. Each thread takes a share of the tokens (the scan:
    // of the channels); products stay wide (each thread multiplies all rows of a weight by its
    // columns, single-threaded), and out_proj → the next layer's norm and in_proj work on the
    // same tokens, so three barriers per layer suffice. The barriers spin briefly, then sleep:
    // on a machine busy with other work the other thread may not be running at all.
    const int align = selectiveScanChannelAlignment();
    std::exception_ptr observerFailure;
    SpinThenSleepBarrier barrier(threads);
#pragma omp parallel num_threads(threads)
    {
        const int i = omp_get_thread_num(), n = omp_get_num_threads();
        const auto sync = [&barrier, n] { barrier.sync(n); };
        const auto [t0, t1] = share(T, i, n);
        const auto [e0, e1] = share(E, i, n, align);
        for (int l = firstLayer; l < endLayer; ++l) {
            RecurrentState::Layer &s = state.layer(l);
            normalize(l, hidden, t0, t1);
            inProj(l, t0, t1, 0, E);
            sync();
            convSilu(l, s, t0, t1, 0, E);
            xProj(l, t0, t1, 0, R + 2 * N);
            dtProj(l, t0, t1, 0, E);
            sync();
            if (i == 0) {
                // The conv inputs of this layer are read, and Δ is complete: both can be
                // handed over while the scan runs (neither changes before the next layer).
                updateConvState(s, T);
                if (m_deltaObserver && !observerFailure) {
                    try {
                        m_deltaObserver(l, m_delta.data(), int(T), int(E));
                    } catch (...) {
                        observerFailure = std::current_exception();
                    }
                }
            }
            scanChannels(l, s, int(e0), int(e1));
            sync();
            outProj(l, hidden, t0, t1, 0, D);
        }
    }
    if (observerFailure)
        std::rethrow_exception(observerFailure);
}

void ForwardPass::updateConvState(RecurrentState::Layer &state, int64_t T)
{
    // The conv state becomes the last K-1 inputs of [carried state | this chunk].
    const int64_t E = m_model->config().dInner, keep = m_model->config().convKernel - 1;
    if (keep <= 0)
        return;
    float *conv = state.conv.data();
    const int64_t fromState = std::max<int64_t>(0, keep - T);
    std::copy(conv + (keep - fromState) * E, conv + keep * E, conv);
    for (int64_t j = fromState; j < keep; ++j) {
        const float *x = m_xz.data() + (T - keep + j) * 2 * E;
        std::copy(x, x + E, conv + j * E);
    }
}

void ForwardPass::normalize(int l, const Hidden &hidden, int64_t t0, int64_t t1)
{
    // 1. u = RMSNorm(h) · norm.weight.
    const ModelConfig &c = m_model->config();
    rmsNorm(hidden, m_model->layers()[size_t(l)].norm.data, c.normEps, m_u, t0, t1);
}

void ForwardPass::inProj(int l, int64_t t0, int64_t t1, int64_t e0, int64_t e1)
{
    // 2. [x | z] = W_in · u (+ bias): rows [e0, e1) of x and of z, tokens [t0, t1).
    const ModelConfig &c = m_model->config();
    const MambaLayerWeights &w = m_model->layers()[size_t(l)];
    const int64_t D = c.dModel, E = c.dInner, n = t1 - t0;
    const float *u = m_u.data() + t0 * D;
    float *xz = m_xz.data() + t0 * 2 * E;
    if (e0 == 0 && e1 == E) {
        gemm(2 * E, n, D, w.inProj.data, u, D, xz, 2 * E);
    } else {
        gemm(e1 - e0, n, D, w.inProj.data + e0 * D, u, D, xz + e0, 2 * E);
        gemm(e1 - e0, n, D, w.inProj.data + (E + e0) * D, u, D, xz + E + e0, 2 * E);
    }
    if (w.inProjBias.data) {
        for (int64_t t = t0; t < t1; ++t) {
            float *col = m_xz.data() + t * 2 * E;
            for (int64_t e = e0; e < e1; ++e) {
                col[e] += w.inProjBias.data[e];
                col[E + e] += w.inProjBias.data[E + e];
            }
        }
    }
}

void ForwardPass::convSilu(int l, const RecurrentState::Layer &state, int64_t t0, int64_t t1,
                           int64_t e0, int64_t e1)
{
    // 3. Causal depthwise conv over [carried K-1 inputs | this chunk's x], then silu. Inputs
    // before the chunk come from the state, the others from the x rows of in_proj's output.
    const ModelConfig &c = m_model->config();
    const int64_t E = c.dInner, K = c.convKernel;
    const float *wt = m_convWeightT[size_t(l)].data();
    const float *convBias = m_model->layers()[size_t(l)].convBias.data;
    for (int64_t t = t0; t < t1; ++t) {
        float *out = m_xc.data() + t * E;
        for (int64_t e = e0; e < e1; ++e)
            out[e] = convBias ? convBias[e] : 0.0f;
        for (int64_t k = 0; k < K; ++k) {
            const int64_t src = t - (K - 1) + k;
            const float *in =
                src >= 0 ? m_xz.data() + src * 2 * E : state.conv.data() + (src + K - 1) * E;
            const float *wk = wt + k * E;
#pragma omp simd
            for (int64_t e = e0; e < e1; ++e)
                out[e] += wk[e] * in[e];
        }
        siluInPlace(out + e0, e1 - e0);
    }
}

void ForwardPass::xProj(int l, int64_t t0, int64_t t1, int64_t r0, int64_t r1)
{
    // 4. [dt_raw | B | C] = W_x · x'': rows [r0, r1), tokens [t0, t1).
    const ModelConfig &c = m_model->config();
    const int64_t E = c.dInner, rows = c.dtRank + 2 * c.dState;
    gemm(r1 - r0, t1 - t0, E, m_model->layers()[size_t(l)].xProj.data + r0 * E,
         m_xc.data() + t0 * E, E, m_xdbl.data() + t0 * rows + r0, rows);
}

void ForwardPass::dtProj(int l, int64_t t0, int64_t t1, int64_t e0, int64_t e1)
{
    // 5. Δ = softplus(W_dt · dt_raw + b) (· the modulation's scale): channels [e0, e1).
    const ModelConfig &c = m_model->config();
    const MambaLayerWeights &w = m_model->layers()[size_t(l)];
    const ScanParameters::Layer &sp = m_scan->layers[size_t(l)];
    const int64_t E = c.dInner, R = c.dtRank, rows = R + 2 * c.dState;
    gemm(e1 - e0, t1 - t0, R, w.dtProjWeight.data + e0 * R, m_xdbl.data() + t0 * rows, rows,
         m_delta.data() + t0 * E + e0, E);
    const float *deltaScale = sp.deltaScale.empty() ? nullptr : sp.deltaScale.data() + e0;
    for (int64_t t = t0; t < t1; ++t)
        softplusInPlace(m_delta.data() + t * E + e0, w.dtProjBias.data + e0, deltaScale, e1 - e0);
}

void ForwardPass::scanChannels(int l, RecurrentState::Layer &state, int e0, int e1)
{
    // 6-7. Selective scan, then y ⊙ silu(z) (fused into the scan).
    const ModelConfig &c = m_model->config();
    const int E = c.dInner, N = c.dState, R = c.dtRank;
    SelectiveScanArgs args;
    args.tokens = int(m_xc.cols());
    args.channels = E;
    args.stateSize = N;
    args.delta = m_delta.data();
    args.x = m_xc.data();
    args.bc = m_xdbl.data() + R;
    args.bcStride = R + 2 * N;
    args.negA = m_scan->layers[size_t(l)].negA.data();
    args.d = m_model->layers()[size_t(l)].d.data;
    args.state = state.ssm.data();
    args.y = m_y.data();
    args.z = m_xz.data() + E;
    args.zStride = 2 * E;
    selectiveScanChannels(args, e0, e1);
}

void ForwardPass::outProj(int l, Hidden &hidden, int64_t t0, int64_t t1, int64_t d0, int64_t d1)
{
    // 7. out_proj straight into the residual stream: h += W_out · y (+ bias), rows [d0, d1).
    const ModelConfig &c = m_model->config();
    const MambaLayerWeights &w = m_model->layers()[size_t(l)];
    const int64_t D = c.dModel, E = c.dInner;
    gemm(d1 - d0, t1 - t0, E, w.outProj.data + d0 * E, m_y.data() + t0 * E, E,
         hidden.data() + t0 * D + d0, D, 1.0f);
    if (w.outProjBias.data) {
        for (int64_t t = t0; t < t1; ++t)
            for (int64_t d = d0; d < d1; ++d)
                hidden(d, t) += w.outProjBias.data[d];
    }
}

void ForwardPass::scoreColumns(const float *head, int64_t t0, int64_t t1,
                               std::span<const int32_t> targets, float *nll,
                               int64_t firstLogitColumn, std::vector<std::vector<float>> *logitsOut,
                               float *scratch)
{
    // Logits in blocks of rows with a running log-sum-exp per column, so that the logits of all
    // columns never exist at once, whatever the vocabulary.
    const int64_t D = m_model->config().dModel, V = m_model->logitCount();
    const int64_t cols = t1 - t0;
    const int64_t blockRows = std::clamp<int64_t>(kHeadBlockFloats / cols / 16 * 16, 16, V);
    float maxLogit[kHeadColumns], targetLogit[kHeadColumns];
    double sum[kHeadColumns];
    std::fill_n(maxLogit, cols, -std::numeric_limits<float>::infinity());
    std::fill_n(targetLogit, cols, std::numeric_limits<float>::quiet_NaN());
    std::fill_n(sum, cols, 0.0);
    for (int64_t v0 = 0; v0 < V; v0 += blockRows) {
        const int64_t rows = std::min(blockRows, V - v0);
        gemm(rows, cols, D, head + v0 * D, m_u.data() + t0 * D, D, scratch, rows);
        for (int64_t j = 0; j < cols; ++j) {
            const int64_t t = t0 + j;
            const float *col = scratch + j * rows;
            if (logitsOut && t >= firstLogitColumn)
                std::copy(col, col + rows, (*logitsOut)[size_t(t - firstLogitColumn)].data() + v0);
            if (t >= int64_t(targets.size()))
                continue;
            const float blockMax = maxOf(col, rows);
            if (blockMax > maxLogit[j]) {
                sum[j] *= std::exp(double(maxLogit[j]) - double(blockMax));
                maxLogit[j] = blockMax;
            }
            sum[j] += sumExpShifted(col, rows, maxLogit[j]);
            const int32_t target = targets[size_t(t)];
            if (target >= v0 && target < v0 + rows)
                targetLogit[j] = col[target - v0];
        }
    }
    for (int64_t j = 0; j < cols && t0 + j < int64_t(targets.size()); ++j)
        nll[t0 + j] = float(std::log(sum[j]) + maxLogit[j] - targetLogit[j]);
}

void ForwardPass::scoreNextTokens(const Hidden &hidden, std::span<const int32_t> targets,
                                  float *nll, int lastLogits,
                                  std::vector<std::vector<float>> *logitsOut)
{
    const ModelConfig &c = m_model->config();
    const int64_t D = c.dModel, T = hidden.cols();
    const int64_t V = m_model->logitCount();
    const int64_t wanted = std::clamp<int64_t>(lastLogits, 0, T);
    if (logitsOut) {
        logitsOut->clear();
        logitsOut->resize(size_t(wanted), std::vector<float>(size_t(V)));
    }
    // Columns past the last target only matter for the logits asked for.
    const int64_t scored = std::min<int64_t>(T, int64_t(targets.size()));
    const int64_t cols = wanted > 0 ? T : scored;
    const int64_t firstLogitColumn = T - wanted;
    std::vector<std::vector<float>> *out = wanted > 0 ? logitsOut : nullptr;
    m_u.resize(D, T);
    const float *head = m_model->lmHead().data;
    const int threads = int(std::min<int64_t>(omp_get_max_threads(), cols / kMinTokensPerThread));
    m_headScratch.resize(size_t(std::max(1, threads) * kHeadBlockFloats));
    if (threads <= 1) {
        const SingleThreadScope alone;
        rmsNorm(hidden, m_model->finalNorm().data, c.normEps, m_u, 0, cols);
        for (int64_t t0 = 0; t0 < cols; t0 += kHeadColumns)
            scoreColumns(head, t0, std::min(cols, t0 + kHeadColumns), targets, nll,
                         firstLogitColumn, out, m_headScratch.data());
    } else {
        // Each thread takes its share of the columns: the weights are shared, the logits not.
#pragma omp parallel num_threads(threads)
        {
            const int i = omp_get_thread_num();
            const auto [n0, n1] = share(cols, i, omp_get_num_threads());
            rmsNorm(hidden, m_model->finalNorm().data, c.normEps, m_u, n0, n1);
            float *scratch = m_headScratch.data() + size_t(i) * kHeadBlockFloats;
            for (int64_t t0 = n0; t0 < n1; t0 += kHeadColumns)
                scoreColumns(head, t0, std::min(n1, t0 + kHeadColumns), targets, nll,
                             firstLogitColumn, out, scratch);
        }
    }
    for (size_t t = 0; t < targets.size() && int64_t(t) < T; ++t) {
        if (targets[t] < 0 || targets[t] >= V) {
            nll[t] = std::numeric_limits<float>::quiet_NaN();
            throw FileError({}, QStringLiteral("target token id %1 at position %2 is outside the "
                                               "model's vocabulary (%3 entries)")
                                    .arg(targets[t])
                                    .arg(t)
                                    .arg(V));
        }
    }
}

}  // namespace mscope
