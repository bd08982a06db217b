// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/ForwardPass.h"

#include "kernels/BlockKernels.h"
#include "kernels/ElementwiseKernels.h"
#include "kernels/SingleThreadScope.h"
#include "model/Mamba1Block.h"
#include "model/Mamba2Block.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "model/TokenStep.h"
#include "support/Error.h"

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
    if (m_model->config().architecture == Architecture::Mamba2)
        m_block = std::make_unique<Mamba2Block>(*m_model);
    else
        m_block = std::make_unique<Mamba1Block>(*m_model);
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
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("token id %1 at position %2 is outside the model's "
                                       "vocabulary (%3 entries)")
                            .arg(id)
                            .arg(t)
                            .arg(V));
        hidden.col(int64_t(t)) = VectorMap(emb.data + int64_t(id) * D, D);
    }
}

void ForwardPass::runLayers(Hidden &hidden, RecurrentState &state, int firstLayer, int endLayer)
{
    const int layers = int(m_model->layers().size());
    if (endLayer < 0 || endLayer > layers)
        endLayer = layers;
    m_block->run(hidden, state, *m_scan, std::max(0, firstLayer), endLayer, m_deltaObserver,
                 m_activationSink);
}

void ForwardPass::step(int32_t id, RecurrentState &state, float *logits, LogitSummary *summary)
{
    if (!m_step)
        m_step = std::make_unique<TokenStep>(*m_model);
    m_step->run(id, state, *m_scan, logits, summary);
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
            const float blockMax = maxNotNaN(col, rows);
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
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("target token id %1 at position %2 is outside the "
                                       "model's vocabulary (%3 entries)")
                            .arg(targets[t])
                            .arg(t)
                            .arg(V));
        }
    }
}

}  // namespace mscope
