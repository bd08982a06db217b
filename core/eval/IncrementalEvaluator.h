// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ForwardPass.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace mscope {

class JobControl;
class MambaModel;
struct ScanParameters;

/// Per-position NLL of a fixed set of texts that re-scores quickly after the scan parameters
/// change: the pass runs chunk-major and caches, per chunk, the hidden input of every layer, so
/// when only layers >= k change each chunk restarts at layer k (layers < k would produce the same
/// input). What the live "perplexity against context length" chart runs after each slider move.
/// The caller says which layer changed first (the modulation editor knows which fader moved):
/// the evaluator never compares parameters, it counts runs. Each run is a generation; every
/// cached entry remembers the generation that wrote it, and an entry of layer l is valid while
/// every later generation left layers < l alone.
///
/// Segments are scored independently from a fresh state: one segment is the streaming protocol,
/// consecutive windows of a text the fixed-window protocol. Not thread-safe: one run at a time.
class IncrementalEvaluator
{
public:
    struct Options
    {
        int chunkTokens = 512;
        /// Memory allowed for cached layer inputs; past it only every few layers are cached
        /// (a restart then begins at the nearest cached layer below), or none.
        int64_t cacheBudgetBytes = int64_t(512) << 20;
    };

    /// One chunk of one segment: the positions [begin, end) it scores, i.e. it feeds tokens
    /// begin..end-1 and predicts tokens begin+1..end.
    struct Chunk
    {
        int segment = 0;
        int64_t begin = 0;
        int64_t end = 0;
    };

    /// What a chunk callback receives; the pointers are valid during the call only.
    struct ChunkScores
    {
        int chunkIndex = 0;
        int chunkCount = 0;
        int segment = 0;
        int64_t firstPosition = 0;  // position within the segment
        std::span<const float> nll;
        std::span<const LayerStateNorm> stateNorms;  // [layers]: states at the end of the chunk
    };
    using ChunkCallback = std::function<void(const ChunkScores &)>;

    struct RunStats
    {
        int firstLayer = 0;     // layer the run restarted at (layers() = nothing recomputed)
        int64_t positions = 0;  // positions scored
        double seconds = 0.0;
        double positionsPerSecond() const { return seconds > 0 ? double(positions) / seconds : 0; }
    };

    explicit IncrementalEvaluator(std::shared_ptr<const MambaModel> model);
    IncrementalEvaluator(std::shared_ptr<const MambaModel> model, Options options);
    ~IncrementalEvaluator();

    /// Streaming protocol: the first `maxTokens` (0 = all) tokens as one segment.
    static std::vector<std::vector<int32_t>> streamingSegments(const std::vector<int32_t> &ids,
                                                               int64_t maxTokens);
    /// Fixed-window protocol: consecutive windows of `window` tokens from the first `maxTokens`
    /// (0 = all), each with a fresh state; with `bos` each window is [bos, window-1 text tokens].
    static std::vector<std::vector<int32_t>> fixedWindowSegments(const std::vector<int32_t> &ids,
                                                                 int window, int64_t maxTokens,
                                                                 std::optional<int32_t> bos = {});

    /// The texts to score. Drops every cached result. Throws Error when a segment has fewer
    /// than 2 tokens or an id is outside the vocabulary.
    void setSegments(std::vector<std::vector<int32_t>> segments);
    const std::vector<std::vector<int32_t>> &segments() const { return m_segments; }
    const std::vector<Chunk> &chunks() const { return m_chunks; }
    int layers() const { return m_layerCount; }
    int64_t positions() const { return m_positions; }
    /// Layers whose inputs are cached (1..layers-1; layer 0's input is the embedding).
    std::vector<int> cachedLayers() const;
    int64_t cacheBytes() const;

    /// The layer a run would restart at whose parameters equal the previous run's in layers
    /// [0, firstChangedLayer) (layers() or more: the same parameters): the deepest layer whose
    /// cached input is still valid in every chunk, 0 when nothing is cached, layers() when every
    /// score is still valid.
    int restartLayer(int firstChangedLayer) const;

    /// Scores every segment with `scan`, which equals the previous run's parameters (cancelled
    /// or not) in layers [0, firstChangedLayer), restarting at restartLayer(firstChangedLayer),
    /// and calls `onChunk` after each chunk (in order; when nothing needs recomputing the stored
    /// scores are replayed). The first run recomputes everything whatever it is told.
    /// Cancellation (checked between layers) throws Cancelled and leaves the cache consistent:
    /// every cached entry stays tagged with the generation that produced it.
    RunStats run(std::shared_ptr<const ScanParameters> scan, int firstChangedLayer,
                 const JobControl *job = nullptr, const ChunkCallback &onChunk = {});

    /// Whether the last run finished (a cancelled one leaves nll() and stateNorms() mixed).
    bool lastRunComplete() const { return m_complete; }
    /// Per segment, the NLL of every position as the last run left it.
    const std::vector<std::vector<float>> &nll() const { return m_nll; }
    /// Per chunk and layer, the state norms at the end of the chunk as the last run left them.
    const std::vector<std::vector<LayerStateNorm>> &stateNorms() const { return m_norms; }

private:
    struct ChunkCache;
    std::vector<Chunk> planChunks() const;
    /// Layers [0, result) of generation `generation`'s parameters agree with those of a new run
    /// that changes layers from `firstChangedLayer` on; -1 for "never computed".
    int agreeingLayers(int generation, int firstChangedLayer) const;

    std::shared_ptr<const MambaModel> m_model;
    Options m_options;
    ForwardPass m_forward;
    int m_layerCount = 0;
    std::vector<std::vector<int32_t>> m_segments;
    std::vector<Chunk> m_chunks;
    int64_t m_positions = 0;
    std::vector<bool> m_layerCached;  // [layers]
    std::vector<ChunkCache> m_cache;  // [chunks]
    std::vector<std::vector<float>> m_nll;
    std::vector<std::vector<LayerStateNorm>> m_norms;
    bool m_complete = false;
    std::vector<int> m_firstChange;  // [generation]: first layer it changed from the one before
};

}  // namespace mscope
