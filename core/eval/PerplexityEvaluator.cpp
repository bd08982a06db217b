// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/PerplexityEvaluator.h"

#include "eval/ChunkPlan.h"
#include "model/ChunkMemory.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QString>
#include <algorithm>
#include <cmath>

namespace mscope {

double FixedWindowResult::meanNll() const
{
    return tokensScored > 0 ? nllSum / double(tokensScored) : std::nan("");
}

double FixedWindowResult::perplexity() const
{
    return std::exp(meanNll());
}

PositionBuckets FixedWindowResult::buckets(int bucketsPerOctave) const
{
    PositionBuckets b(int64_t(positionNllSum.size()), bucketsPerOctave);
    if (windows == 0)
        return b;
    for (size_t i = 0; i < positionNllSum.size(); ++i)
        b.add(int64_t(i), positionNllSum[i] / double(windows));
    return b;
}

double ChunkedResult::meanNll() const
{
    return tokensScored > 0 ? nllSum / double(tokensScored) : std::nan("");
}

double ChunkedResult::perplexity() const
{
    return std::exp(meanNll());
}

double ChunkedResult::perplexityError() const
{
    if (tokensScored < 2)
        return std::nan("");
    const double mean = meanNll();
    const double variance = nllSquaredSum / double(tokensScored) - mean * mean;
    return variance > 0 ? perplexity() * std::sqrt(variance / double(tokensScored - 1)) : 0.0;
}

double StreamResult::meanNll() const
{
    double sum = 0.0;
    for (float v : nll)
        sum += v;
    return nll.empty() ? std::nan("") : sum / double(nll.size());
}

double StreamResult::perplexity() const
{
    return std::exp(meanNll());
}

PositionBuckets StreamResult::buckets(int bucketsPerOctave) const
{
    PositionBuckets b(int64_t(nll.size()), bucketsPerOctave);
    b.addRange(0, nll);
    return b;
}

namespace {

// Every id is checked before any work: a bad one late in a long text would otherwise surface only
// after everything before it was evaluated, and be named by its position within a chunk.
void requireInVocabulary(const std::vector<int32_t> &ids, int64_t count, const MambaModel &model,
                         const QString &document)
{
    const int64_t vocab = std::min<int64_t>(model.embeddings().shape[0], model.logitCount());
    for (int64_t t = 0; t < count; ++t) {
        if (ids[size_t(t)] < 0 || ids[size_t(t)] >= vocab)
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("token id %1 at position %2%3 is outside the "
                                       "model's vocabulary (%4 entries)")
                            .arg(ids[size_t(t)])
                            .arg(t)
                            .arg(document)
                            .arg(vocab));
    }
}

}  // namespace

PerplexityEvaluator::PerplexityEvaluator(ForwardPass &forward, int chunkTokens)
    : m_forward(forward), m_chunk(std::max(1, chunkTokens))
{
    // Refused now, with the estimate, rather than by the kernel's OOM killer mid-run.
    ChunkMemory::require(forward.model(), m_chunk);
}

FixedWindowResult PerplexityEvaluator::fixedWindows(
    const std::vector<std::vector<int32_t>> &documents, int window, int64_t firstTokens,
    bool prependBos, const JobControl *job)
{
    if (window < 2)
        throw Error({}, QStringLiteral("window must be at least 2 tokens (got %1)").arg(window));
    const MambaModel &model = m_forward.model();
    const int docTokensPerWindow = prependBos ? window - 1 : window;

    // Plan the windows first so progress is exact.
    struct Span
    {
        size_t doc;
        int64_t begin;
    };
    std::vector<Span> spans;
    for (size_t d = 0; d < documents.size(); ++d) {
        int64_t n = int64_t(documents[d].size());
        if (firstTokens > 0)
            n = std::min(n, firstTokens);
        for (int64_t b = 0; b + docTokensPerWindow <= n; b += docTokensPerWindow)
            spans.push_back({d, b});
    }
    if (spans.empty())
        throw Error(Error::Kind::File, {},
                    QStringLiteral("no document has the %1 tokens one window needs").arg(window));
    for (size_t d = 0; d < documents.size(); ++d) {
        const int64_t n = int64_t(documents[d].size());
        requireInVocabulary(
            documents[d], firstTokens > 0 ? std::min(n, firstTokens) : n, model,
            documents.size() > 1 ? QStringLiteral(" of document %1").arg(d) : QString());
    }

    FixedWindowResult result;
    result.window = window;
    result.positionNllSum.assign(size_t(window - 1), 0.0);
    result.finalSsmNorm.assign(model.layers().size(), 0.0);
    RecurrentState state(model.config());
    std::vector<int32_t> tokens(static_cast<size_t>(window));
    std::vector<float> nll(static_cast<size_t>(window));
    ForwardPass::Hidden hidden;
    for (size_t w = 0; w < spans.size(); ++w) {
        const auto &doc = documents[spans[w].doc];
        size_t at = 0;
        if (prependBos)
            tokens[at++] = model.config().bosTokenId;
        std::copy_n(doc.begin() + spans[w].begin, docTokensPerWindow, tokens.begin() + int64_t(at));
        state.reset();
        for (int t0 = 0; t0 < window; t0 += m_chunk) {
            if (job)
                job->throwIfCancelled();
            const int n = std::min(m_chunk, window - t0);
            m_forward.embed(std::span(tokens).subspan(size_t(t0), size_t(n)), hidden);
            m_forward.runLayers(hidden, state);
            // Targets are the next tokens; the window's last position has none.
            const int scored = std::min(n, window - 1 - t0);
            m_forward.scoreNextTokens(
                hidden, std::span(tokens).subspan(size_t(t0) + 1, size_t(scored)), nll.data() + t0);
        }
        for (int i = 0; i < window - 1; ++i) {
            result.positionNllSum[size_t(i)] += nll[size_t(i)];
            result.nllSum += nll[size_t(i)];
        }
        result.tokensScored += window - 1;
        for (size_t l = 0; l < result.finalSsmNorm.size(); ++l)
            result.finalSsmNorm[l] += state.ssmNorm(int(l));
        ++result.windows;
        if (job)
            job->report(double(w + 1) / double(spans.size()),
                        QStringLiteral("Window %1 of %2").arg(w + 1).arg(spans.size()));
    }
    for (double &v : result.finalSsmNorm)
        v /= double(result.windows);
    return result;
}

void PerplexityEvaluator::chunked(const std::vector<int32_t> &textTokens, int context, bool bos,
                                  ChunkedResult &into, const JobControl *job)
{
    if (context < 4)
        throw Error(
            {}, QStringLiteral("the chunk length must be at least 4 tokens (got %1)").arg(context));
    const MambaModel &model = m_forward.model();
    // llama.cpp tokenizes the whole text with BOS in front (when the model adds one) and cuts
    // that stream; each chunk's first token is then overwritten by BOS, so one text token per
    // chunk after the first is neither seen nor scored.
    std::vector<int32_t> tokens;
    tokens.reserve(textTokens.size() + 1);
    if (bos)
        tokens.push_back(model.config().bosTokenId);
    tokens.insert(tokens.end(), textTokens.begin(), textTokens.end());
    const int64_t n = int64_t(tokens.size());
    if (n < 2 * int64_t(context))
        throw Error({}, QStringLiteral("the chunked protocol needs at least %1 tokens (2 chunks of "
                                       "%2); the text has %3")
                            .arg(2 * int64_t(context))
                            .arg(context)
                            .arg(n));
    requireInVocabulary(tokens, n, model, {});
    const int64_t chunks = n / context;
    const int first = context / 2;
    into.context = context;
    RecurrentState state(model.config());
    std::vector<int32_t> window(static_cast<size_t>(context));
    std::vector<float> nll(static_cast<size_t>(context));
    ForwardPass::Hidden hidden;
    for (int64_t k = 0; k < chunks; ++k) {
        std::copy_n(tokens.begin() + k * context, context, window.begin());
        if (bos)
            window[0] = model.config().bosTokenId;
        state.reset();
        for (int t0 = 0; t0 < context; t0 += m_chunk) {
            if (job)
                job->throwIfCancelled();
            const int len = std::min(m_chunk, context - t0);
            m_forward.embed(std::span(window).subspan(size_t(t0), size_t(len)), hidden);
            m_forward.runLayers(hidden, state);
            // Only the second half is scored; the logits before it are not needed.
            const int scored = std::min(len, context - 1 - t0);
            if (t0 + len > first && scored > 0)
                m_forward.scoreNextTokens(hidden,
                                          std::span(window).subspan(size_t(t0) + 1, size_t(scored)),
                                          nll.data() + t0);
        }
        for (int i = first; i < context - 1; ++i) {
            const double v = nll[size_t(i)];
            into.nllSum += v;
            into.nllSquaredSum += v * v;
        }
        into.tokensScored += context - 1 - first;
        ++into.chunks;
        into.runningPerplexity.push_back(into.perplexity());
        if (job)
            job->report(double(k + 1) / double(chunks),
                        QStringLiteral("Chunk %1 of %2").arg(k + 1).arg(chunks));
    }
}

StreamResult PerplexityEvaluator::stream(const std::vector<int32_t> &ids, const JobControl *job,
                                         const ChunkCallback &onChunk)
{
    if (ids.size() < 2)
        throw Error(Error::Kind::File, {},
                    QStringLiteral("the text has %1 token(s); at least 2 are needed to "
                                   "score anything")
                        .arg(ids.size()));
    const MambaModel &model = m_forward.model();
    const int64_t n = int64_t(ids.size());
    requireInVocabulary(ids, n, model, {});
    StreamResult result;
    result.nll.assign(size_t(n - 1), 0.0f);
    RecurrentState state(model.config());
    ForwardPass::Hidden hidden;
    for (const auto &[t0, end] : streamingChunkPlan(n - 1, m_chunk)) {
        if (job)
            job->throwIfCancelled();
        const int64_t len = end - t0;
        m_forward.embed(std::span(ids).subspan(size_t(t0), size_t(len)), hidden);
        m_forward.runLayers(hidden, state);
        m_forward.scoreNextTokens(hidden, std::span(ids).subspan(size_t(t0) + 1, size_t(len)),
                                  result.nll.data() + t0);
        if (onChunk)
            onChunk(t0, result.nll.data() + t0, len);
        if (job)
            job->report(double(t0 + len) / double(n - 1),
                        QStringLiteral("%1 of %2 tokens").arg(t0 + len).arg(n - 1));
    }
    result.finalSsmNorm.resize(model.layers().size());
    for (size_t l = 0; l < result.finalSsmNorm.size(); ++l)
        result.finalSsmNorm[l] = state.ssmNorm(int(l));
    return result;
}

}  // namespace mscope
