// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/IncrementalEvaluator.h"

#include "eval/ChunkPlan.h"
#include "model/ChunkMemory.h"
#include "model/MambaModel.h"
#include "model/RecurrentState.h"
#include "model/ScanParameters.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QElapsedTimer>
#include <QString>
#include <algorithm>
#include <cmath>

namespace mscope {

// What one chunk keeps between runs. Every entry remembers the generation (run) that wrote it,
// so entries written by a run that was cancelled half-way are still judged correctly later.
struct IncrementalEvaluator::ChunkCache
{
    std::vector<Eigen::MatrixXf> inputs;  // [layers], D × tokens
    std::vector<int> inputFrom;           // [layers]: depends on layers < l
    std::vector<int> normFrom;            // [layers]: depends on layers <= l
    int scoredWith = -1;                  // depends on every layer
};

IncrementalEvaluator::IncrementalEvaluator(std::shared_ptr<const MambaModel> model)
    : IncrementalEvaluator(std::move(model), Options{})
{
}

IncrementalEvaluator::IncrementalEvaluator(std::shared_ptr<const MambaModel> model, Options options)
    : m_model(model),
      m_options(options),
      m_forward(model),
      m_layerCount(int(model->layers().size()))
{
    m_options.chunkTokens = std::max(1, m_options.chunkTokens);
    ChunkMemory::require(*m_model, m_options.chunkTokens);
}

IncrementalEvaluator::~IncrementalEvaluator() = default;

std::vector<std::vector<int32_t>> IncrementalEvaluator::streamingSegments(
    const std::vector<int32_t> &ids, int64_t maxTokens)
{
    const int64_t n =
        maxTokens > 0 ? std::min<int64_t>(maxTokens, int64_t(ids.size())) : int64_t(ids.size());
    return {std::vector<int32_t>(ids.begin(), ids.begin() + n)};
}

std::vector<std::vector<int32_t>> IncrementalEvaluator::fixedWindowSegments(
    const std::vector<int32_t> &ids, int window, int64_t maxTokens, std::optional<int32_t> bos)
{
    if (window < 2)
        throw Error({}, QStringLiteral("window must be at least 2 tokens (got %1)").arg(window));
    const int64_t n =
        maxTokens > 0 ? std::min<int64_t>(maxTokens, int64_t(ids.size())) : int64_t(ids.size());
    const int64_t textPerWindow = bos ? window - 1 : window;
    std::vector<std::vector<int32_t>> out;
    for (int64_t b = 0; b + textPerWindow <= n; b += textPerWindow) {
        std::vector<int32_t> w;
        w.reserve(size_t(window));
        if (bos)
            w.push_back(*bos);
        w.insert(w.end(), ids.begin() + b, ids.begin() + b + textPerWindow);
        out.push_back(std::move(w));
    }
    if (out.empty())
        throw Error(Error::Kind::File, {},
                    QStringLiteral("the text has %1 tokens; one window needs %2")
                        .arg(n)
                        .arg(textPerWindow));
    return out;
}

std::vector<IncrementalEvaluator::Chunk> IncrementalEvaluator::planChunks() const
{
    std::vector<Chunk> chunks;
    for (int s = 0; s < int(m_segments.size()); ++s) {
        const int64_t scored = int64_t(m_segments[size_t(s)].size()) - 1;
        for (const auto &[b, e] : streamingChunkPlan(scored, m_options.chunkTokens))
            chunks.push_back({s, b, e});
    }
    return chunks;
}

void IncrementalEvaluator::setSegments(std::vector<std::vector<int32_t>> segments)
{
    const int64_t vocab = m_model->embeddings().shape[0];
    for (size_t s = 0; s < segments.size(); ++s) {
        if (segments[s].size() < 2)
            throw Error(Error::Kind::File, {},
                        QStringLiteral("segment %1 has %2 token(s); at least 2 are needed")
                            .arg(s)
                            .arg(segments[s].size()));
        for (size_t t = 0; t < segments[s].size(); ++t) {
            if (segments[s][t] < 0 || segments[s][t] >= vocab)
                throw Error(Error::Kind::Model, {},
                            QStringLiteral("token id %1 at position %2 is outside the "
                                           "model's vocabulary (%3 entries)")
                                .arg(segments[s][t])
                                .arg(t)
                                .arg(vocab));
        }
    }
    m_segments = std::move(segments);
    m_chunks = planChunks();
    m_positions = 0;
    for (const auto &s : m_segments)
        m_positions += int64_t(s.size()) - 1;

    // Cache every layer when the budget allows, else every few layers (a restart then runs a
    // few layers more), else none.
    const int64_t perLayer = m_positions * m_model->config().dModel * int64_t(sizeof(float));
    const int64_t affordable = perLayer > 0 ? m_options.cacheBudgetBytes / perLayer : 0;
    m_layerCached.assign(size_t(m_layerCount), false);
    if (affordable > 0 && m_layerCount > 1) {
        const int64_t candidates = m_layerCount - 1;  // layers 1..L-1
        const int64_t cachedCount = std::min(affordable, candidates);
        const int stride = int((candidates + cachedCount - 1) / cachedCount);
        for (int l = stride; l < m_layerCount; l += stride)
            m_layerCached[size_t(l)] = true;
    }

    m_cache.clear();
    m_cache.resize(m_chunks.size());
    for (ChunkCache &c : m_cache) {
        c.inputs.resize(size_t(m_layerCount));
        c.inputFrom.assign(size_t(m_layerCount), -1);
        c.normFrom.assign(size_t(m_layerCount), -1);
    }
    m_nll.clear();
    for (const auto &s : m_segments)
        m_nll.emplace_back(s.size() - 1, 0.0f);
    m_norms.assign(m_chunks.size(), std::vector<LayerStateNorm>(size_t(m_layerCount)));
    m_complete = false;
}

std::vector<int> IncrementalEvaluator::cachedLayers() const
{
    std::vector<int> out;
    for (int l = 0; l < int(m_layerCached.size()); ++l)
        if (m_layerCached[size_t(l)])
            out.push_back(l);
    return out;
}

int64_t IncrementalEvaluator::cacheBytes() const
{
    int64_t bytes = 0;
    for (const ChunkCache &c : m_cache)
        for (const auto &m : c.inputs)
            bytes += int64_t(m.size()) * int64_t(sizeof(float));
    return bytes;
}

int IncrementalEvaluator::agreeingLayers(int generation, int firstChangedLayer) const
{
    if (generation < 0)
        return -1;
    int agree = firstChangedLayer;
    for (size_t g = size_t(generation) + 1; g < m_firstChange.size(); ++g)
        agree = std::min(agree, m_firstChange[g]);
    return agree;
}

int IncrementalEvaluator::restartLayer(int firstChangedLayer) const
{
    firstChangedLayer = std::clamp(firstChangedLayer, 0, m_layerCount);
    // Generations are few per chunk entry; remember the answer per generation for this call.
    std::vector<int> memo(m_firstChange.size(), -2);
    const auto agree = [&](int g) {
        if (g < 0)
            return -1;
        if (memo[size_t(g)] == -2)
            memo[size_t(g)] = agreeingLayers(g, firstChangedLayer);
        return memo[size_t(g)];
    };
    int restart = m_layerCount;
    for (const ChunkCache &c : m_cache) {
        // Restarting at k needs this chunk's input of layer k and its state norms of layers < k.
        int validNorms = 0;
        while (validNorms < m_layerCount && agree(c.normFrom[size_t(validNorms)]) > validNorms)
            ++validNorms;
        int k = 0;
        if (validNorms == m_layerCount && agree(c.scoredWith) >= m_layerCount) {
            k = m_layerCount;
        } else {
            for (int l = std::min(validNorms, m_layerCount - 1); l > 0; --l) {
                if (agree(c.inputFrom[size_t(l)]) >= l) {
                    k = l;
                    break;
                }
            }
        }
        restart = std::min(restart, k);
        if (restart == 0)
            break;
    }
    return restart;
}

IncrementalEvaluator::RunStats IncrementalEvaluator::run(std::shared_ptr<const ScanParameters> scan,
                                                         int firstChangedLayer,
                                                         const JobControl *job,
                                                         const ChunkCallback &onChunk)
{
    if (!scan)
        scan = ScanParameters::fromModel(*m_model);
    if (int(scan->layers.size()) != m_layerCount)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("scan parameters for %1 layers, the model has %2")
                        .arg(scan->layers.size())
                        .arg(m_layerCount));
    QElapsedTimer timer;
    timer.start();
    firstChangedLayer = std::clamp(firstChangedLayer, 0, m_layerCount);
    const int first = restartLayer(firstChangedLayer);
    m_firstChange.push_back(firstChangedLayer);
    const int generation = int(m_firstChange.size()) - 1;
    RunStats stats;
    stats.firstLayer = first;
    const int chunkCount = int(m_chunks.size());
    const ModelConfig &config = m_model->config();
    auto report = [&](int c) {
        const Chunk &ch = m_chunks[size_t(c)];
        if (onChunk) {
            ChunkScores scores;
            scores.chunkIndex = c;
            scores.chunkCount = chunkCount;
            scores.segment = ch.segment;
            scores.firstPosition = ch.begin;
            scores.nll = std::span<const float>(m_nll[size_t(ch.segment)].data() + ch.begin,
                                                size_t(ch.end - ch.begin));
            scores.stateNorms = m_norms[size_t(c)];
            onChunk(scores);
        }
        stats.positions += ch.end - ch.begin;
        if (job)
            job->report(double(c + 1) / double(chunkCount),
                        QStringLiteral("%1 of %2 positions").arg(stats.positions).arg(m_positions));
    };

    if (first == m_layerCount) {
        // Nothing changed since these scores were computed: replay them.
        for (int c = 0; c < chunkCount; ++c)
            report(c);
        m_complete = true;
        stats.seconds = timer.nsecsElapsed() * 1e-9;
        return stats;
    }

    m_complete = false;
    m_forward.setScanParameters(scan);
    RecurrentState state(config);
    ForwardPass::Hidden hidden;
    int segment = -1;
    for (int c = 0; c < chunkCount; ++c) {
        const Chunk &ch = m_chunks[size_t(c)];
        ChunkCache &cache = m_cache[size_t(c)];
        if (job)
            job->throwIfCancelled();
        if (ch.segment != segment) {
            state.reset();
            segment = ch.segment;
        }
        const auto &ids = m_segments[size_t(ch.segment)];
        const int64_t len = ch.end - ch.begin;
        if (first == 0)
            m_forward.embed(std::span(ids).subspan(size_t(ch.begin), size_t(len)), hidden);
        else
            hidden = cache.inputs[size_t(first)];
        for (int l = first; l < m_layerCount; ++l) {
            if (l > first && m_layerCached[size_t(l)]) {
                cache.inputs[size_t(l)] = hidden;
                cache.inputFrom[size_t(l)] = generation;
            }
            m_forward.runLayers(hidden, state, l, l + 1);
            m_norms[size_t(c)][size_t(l)] = state.ssmChannelNorms(l);
            cache.normFrom[size_t(l)] = generation;
            // Between layers too: one layer of a deep model over a full chunk can take a while.
            if (job && l + 1 < m_layerCount)
                job->throwIfCancelled();
        }
        m_forward.scoreNextTokens(hidden, std::span(ids).subspan(size_t(ch.begin) + 1, size_t(len)),
                                  m_nll[size_t(ch.segment)].data() + ch.begin);
        cache.scoredWith = generation;
        report(c);
    }
    m_complete = true;
    stats.seconds = timer.nsecsElapsed() * 1e-9;
    return stats;
}

}  // namespace mscope
