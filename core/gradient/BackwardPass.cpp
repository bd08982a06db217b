// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/BackwardPass.h"

#include "gradient/BackwardKernels.h"
#include "gradient/Mamba1Backward.h"
#include "gradient/Mamba2Backward.h"
#include "kernels/BlockKernels.h"
#include "kernels/FastExp.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/RecurrentState.h"
#include "model/ScanParameters.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "support/SystemMemory.h"

#include <omp.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mscope {

using namespace backwardkernels;

namespace {

// Logits of the LM head's backward are made in blocks of at most this many floats (rows of the
// vocabulary × scored columns), as the forward's head does.
constexpr int64_t kHeadBlockFloats = int64_t(1) << 20;

int64_t stateBytes(const RecurrentState &s)
{
    int64_t floats = 0;
    for (int l = 0; l < s.layerCount(); ++l)
        floats += int64_t(s.layer(l).conv.size() + s.layer(l).ssm.size());
    return floats * int64_t(sizeof(float));
}

}  // namespace

BackwardPass::BackwardPass(std::shared_ptr<const MambaModel> model, int chunkTokens)
    : m_model(std::move(model))
{
    const ModelConfig &c = m_model->config();
    if (c.convKernel > 17)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("the gradient supports conv kernels of up to 17 taps, this "
                                   "model has %1")
                        .arg(c.convKernel));
    if (c.architecture == Architecture::Mamba2)
        m_layers = std::make_unique<Mamba2Backward>(*m_model);
    else
        m_layers = std::make_unique<Mamba1Backward>(*m_model);
    m_chunk = int(std::clamp<int64_t>(chunkTokens, 1, m_layers->maxChunkTokens()));
    m_forward = std::make_unique<ForwardPass>(m_model);
    m_scan = ScanParameters::fromModel(*m_model);
}

BackwardPass::~BackwardPass() = default;

int64_t BackwardPass::recordingBudget() const
{
    if (m_recordingBudget >= 0)
        return m_recordingBudget;
    // Enough to skip the second forward pass over half of a 16k window on the demo model, never
    // more than a quarter of what the machine has free.
    constexpr int64_t kDefault = int64_t(512) << 20;
    const qint64 available = SystemMemory::availableBytes();
    return available < 0 ? kDefault / 2 : std::min<int64_t>(kDefault, available / 4);
}

void BackwardPass::setScanParameters(std::shared_ptr<const ScanParameters> scan)
{
    m_scan = scan ? std::move(scan) : ScanParameters::fromModel(*m_model);
    m_forward->setScanParameters(m_scan);
}

void BackwardPass::checkWeights(const ScoredWindow &window)
{
    const int64_t T = int64_t(window.ids.size());
    if (T >= 2 && !window.weights.empty() && int64_t(window.weights.size()) != T - 1)
        throw Error({}, QStringLiteral("a scored window of %1 tokens needs %2 weights, not %3")
                            .arg(T)
                            .arg(T - 1)
                            .arg(window.weights.size()));
}

double BackwardPass::objective(const ScoredWindow &window, const JobControl *job)
{
    checkWeights(window);
    const int64_t T = int64_t(window.ids.size());
    if (T < 2)
        return 0.0;
    m_forward->setActivationSink({});
    RecurrentState state(m_model->config());
    double objective = 0.0;
    std::vector<double> ones;
    std::vector<int64_t> columns;
    for (int64_t t0 = 0; t0 < T; t0 += m_chunk) {
        if (job)
            job->throwIfCancelled();
        const int64_t n = std::min<int64_t>(m_chunk, T - t0);
        m_forward->embed(std::span(window.ids).subspan(size_t(t0), size_t(n)), m_hidden);
        m_forward->runLayers(m_hidden, state);
        const int64_t scored = std::min(n, T - 1 - t0);
        const double *weights = window.weights.empty() ? nullptr : window.weights.data() + t0;
        if (!weights) {
            ones.assign(size_t(scored), 1.0);
            weights = ones.data();
        }
        objective += scoreColumns(m_hidden, window.ids.data() + t0 + 1, weights, scored, columns);
    }
    return objective;
}

double BackwardPass::scoreColumns(const Eigen::MatrixXf &hidden, const int32_t *targets,
                                  const double *weights, int64_t scored,
                                  std::vector<int64_t> &columns,
                                  std::vector<std::vector<float>> *logits)
{
    // Only the columns with a non-zero weight go through the LM head (a passkey prompt scores a
    // few); the NLL as the engine's head computes it (ForwardPass::scoreNextTokens).
    columns.clear();
    for (int64_t j = 0; j < scored; ++j)
        if (weights[j] != 0.0)
            columns.push_back(j);
    const int64_t S = int64_t(columns.size()), D = m_model->config().dModel;
    m_scoredHidden.resize(D, S);
    m_scoredTargets.resize(size_t(S));
    for (int64_t i = 0; i < S; ++i) {
        m_scoredHidden.col(i) = hidden.col(columns[size_t(i)]);
        m_scoredTargets[size_t(i)] = targets[columns[size_t(i)]];
    }
    m_nll.resize(size_t(S));
    // Logits kept only up to the limit; past it `logits` comes back empty.
    const bool keep = logits && S * m_model->logitCount() <= m_keptLogitLimit;
    if (logits && !keep)
        logits->clear();
    if (S > 0)
        m_forward->scoreNextTokens(m_scoredHidden, m_scoredTargets, m_nll.data(), keep ? int(S) : 0,
                                   keep ? logits : nullptr);
    double objective = 0.0;
    for (int64_t i = 0; i < S; ++i)
        objective += weights[columns[size_t(i)]] * double(m_nll[size_t(i)]);
    return objective;
}

double BackwardPass::run(const ScoredWindow &window, std::vector<LayerSensitivity> &out,
                         const JobControl *job, const std::function<void(double)> &progress)
{
    checkWeights(window);
    const int64_t T = int64_t(window.ids.size());
    const int64_t chunks = (T + m_chunk - 1) / m_chunk;
    m_chunks = chunks;
    m_keptChunks = 0;
    if (T < 2)
        return 0.0;
    const ModelConfig &c = m_model->config();
    const int layers = c.nLayer;
    const auto chunkStart = [&](int64_t k) { return k * m_chunk; };
    const auto chunkEnd = [&](int64_t k) { return std::min(T, (k + 1) * m_chunk); };
    const double work = double(2 * chunks - 1);
    double done = 0.0;
    const auto advance = [&] {
        done += 1.0;
        if (progress)
            progress(done / work);
    };

    // Forward: the state at the start of every chunk. The chunks from `firstKept` on (but the
    // last, which the backward starts with) keep their recordings and outputs, as many as the
    // budget holds: the backward uses them instead of running those chunks again.
    const int64_t chunkBytes =
        (m_layers->recordedFloatsPerToken() + c.dModel) * m_chunk * int64_t(sizeof(float));
    const int64_t firstKept = std::max<int64_t>(0, chunks - 1 - recordingBudget() / chunkBytes);
    m_keptChunks = chunks - 1 - firstKept;
    std::vector<Eigen::MatrixXf> keptHidden(static_cast<size_t>(chunks));
    // Kept recordings are dropped however run() ends (a cancelled job included).
    struct DropKept
    {
        LayerBackward *layers;
        ~DropKept() { layers->dropKeptChunks(); }
    } dropKept{m_layers.get()};
    m_layers->dropKeptChunks();
    std::vector<RecurrentState> starts;
    starts.reserve(size_t(chunks));
    starts.emplace_back(c);
    const LayerActivationSink recordSink = [this](const LayerActivations &a) {
        m_layers->record(a);
    };
    for (int64_t k = 0; k + 1 < chunks; ++k) {
        if (job)
            job->throwIfCancelled();
        const bool keep = k >= firstKept;
        const int64_t n = chunkEnd(k) - chunkStart(k);
        m_forward->setActivationSink(keep ? recordSink : LayerActivationSink{});
        if (keep) {
            m_layers->beginChunk(n);
            m_layers->beginRecording(n);
        }
        RecurrentState state = starts.back();
        m_forward->embed(std::span(window.ids).subspan(size_t(chunkStart(k)), size_t(n)), m_hidden);
        m_forward->runLayers(m_hidden, state);
        starts.push_back(std::move(state));
        if (keep) {
            m_layers->keepChunk(k);
            keptHidden[size_t(k)] = m_hidden;
        }
        advance();
    }

    // Backward, chunk by chunk from the last.
    RecurrentState carry(c);  // dJ/d(state after the chunk being processed), per layer
    double objective = 0.0;
    std::vector<double> ones;
    m_forward->setActivationSink(recordSink);
    for (int64_t k = chunks - 1; k >= 0; --k) {
        if (job)
            job->throwIfCancelled();
        const int64_t t0 = chunkStart(k), t1 = chunkEnd(k), n = t1 - t0;
        m_layers->beginChunk(n);
        if (m_layers->restoreChunk(k)) {
            m_hidden.swap(keptHidden[size_t(k)]);
            keptHidden[size_t(k)] = Eigen::MatrixXf();
        } else {
            RecurrentState state = starts[size_t(k)];
            m_layers->beginRecording(n);
            m_forward->embed(std::span(window.ids).subspan(size_t(t0), size_t(n)), m_hidden);
            m_forward->runLayers(m_hidden, state);
        }

        // Column j predicts ids[t0 + j + 1]; the last column of the window predicts nothing.
        const int64_t scored = std::min(n, T - 1 - t0);
        const double *weights = nullptr;
        if (window.weights.empty()) {
            ones.assign(size_t(scored), 1.0);
            weights = ones.data();
        } else {
            weights = window.weights.data() + t0;
        }
        m_gHidden.setZero(c.dModel, n);
        objective += headBackward(m_hidden, window.ids.data() + t0 + 1, weights, scored, m_gHidden);
        const RecurrentState &start = starts[size_t(k)];
        for (int l = layers - 1; l >= 0; --l)
            m_layers->backward(l, start.layer(l), m_scan->layers[size_t(l)], m_gHidden,
                               carry.layer(l), out[size_t(l)], l > 0);
        int64_t keptFloats = 0;
        for (const std::vector<float> &column : m_columnLogits)
            keptFloats += int64_t(column.size());
        for (const Eigen::MatrixXf &h : keptHidden)
            keptFloats += h.size();
        const int64_t held =
            m_layers->bytes() + int64_t(starts.size()) * stateBytes(carry) +
            keptFloats * int64_t(sizeof(float)) +
            int64_t(m_hidden.size() + m_gHidden.size() + m_logits.size() + m_scoredHidden.size() +
                    m_normed.size() + m_gNormed.size() + m_gScored.size()) *
                int64_t(sizeof(float));
        m_peakBytes = std::max(m_peakBytes, held);
        advance();
    }
    m_forward->setActivationSink({});
    return objective;
}

double BackwardPass::headBackward(const Eigen::MatrixXf &hidden, const int32_t *targets,
                                  const double *weights, int64_t scored, Eigen::MatrixXf &gHidden)
{
    // J_chunk = Σ_j w_j·NLL_j with NLL_j = lse_j − logit_j[target]: dJ/dlogits_j =
    // w_j·(softmax_j − onehot(target)), dJ/du = Headᵀ·that, then back through the final RMSNorm.
    const ModelConfig &c = m_model->config();
    const int64_t D = c.dModel, V = m_model->logitCount();
    std::vector<int64_t> columns;
    // Logits kept from the forward's LM head: one product with the head's weights fewer.
    const double objective =
        scoreColumns(hidden, targets, weights, scored, columns, &m_columnLogits);
    const int64_t S = int64_t(columns.size());
    const bool keep = int64_t(m_columnLogits.size()) == S;
    if (S == 0)
        return 0.0;
    const std::vector<int32_t> &scoredTargets = m_scoredTargets;

    m_normed.resize(D, S);
    blockkernels::rmsNorm(m_scoredHidden, m_model->finalNorm().data, c.normEps, m_normed, 0, S);
    const float *head = m_model->lmHead().data;
    // lse_j = NLL_j + logit_j[target], so that the softmax is the one the NLL came from.
    std::vector<double> lse(static_cast<size_t>(S));
    for (int64_t i = 0; i < S; ++i) {
        const float *row = head + int64_t(scoredTargets[size_t(i)]) * D;
        double dot = 0.0;
        for (int64_t d = 0; d < D; ++d)
            dot += double(row[d]) * double(m_normed(d, i));
        lse[size_t(i)] = double(m_nll[size_t(i)]) + dot;
    }
    m_gNormed.setZero(D, S);
    // dJ/dlogits_j = w_j·(softmax_j − onehot(target_j)), then dJ/du += Headᵀ·that.
    const auto logitGradient = [&](float *col, int64_t i, int64_t v0, int64_t rows) {
        const float w = float(weights[columns[size_t(i)]]);
        const float shift = float(lse[size_t(i)]);
#pragma omp simd
        for (int64_t r = 0; r < rows; ++r)
            col[r] = w * fastExp(col[r] - shift);
        const int64_t target = scoredTargets[size_t(i)];
        if (target >= v0 && target < v0 + rows)
            col[target - v0] -= w;
    };
    if (keep) {
        m_logits.resize(size_t(V * S));
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < S; ++i) {
            float *col = m_logits.data() + i * V;
            std::copy_n(m_columnLogits[size_t(i)].data(), V, col);
            logitGradient(col, i, 0, V);
        }
        gemmTransposedWeight(D, S, V, head, m_logits.data(), V, m_gNormed.data(), D, 1.0f);
    } else {
        // Too many to keep: the logits again, a block of rows at a time.
        const int64_t blockRows = std::clamp<int64_t>(kHeadBlockFloats / S, 16, V);
        m_logits.resize(size_t(blockRows * S));
        for (int64_t v0 = 0; v0 < V; v0 += blockRows) {
            const int64_t rows = std::min(blockRows, V - v0);
            blockkernels::gemm(rows, S, D, head + v0 * D, m_normed.data(), D, m_logits.data(),
                               rows);
#pragma omp parallel for schedule(static)
            for (int64_t i = 0; i < S; ++i)
                logitGradient(m_logits.data() + i * rows, i, v0, rows);
            gemmTransposedWeight(D, S, rows, head + v0 * D, m_logits.data(), rows, m_gNormed.data(),
                                 D, 1.0f);
        }
    }
    m_gScored.setZero(D, S);
    rmsNormBackward(m_scoredHidden.data(), m_model->finalNorm().data, c.normEps, m_gNormed.data(),
                    m_gScored.data(), D, S);
    for (int64_t i = 0; i < S; ++i)
        gHidden.col(columns[size_t(i)]) += m_gScored.col(i);
    return objective;
}

}  // namespace mscope
