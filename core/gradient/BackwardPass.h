// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/LayerSensitivity.h"
#include "gradient/ScoredWindow.h"

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace mscope {

class ForwardPass;
class JobControl;
class LayerBackward;
class MambaModel;
class RecurrentState;
struct ScanParameters;

/// Reverse mode through the whole model for one window at a time (method.md §9), with memory
/// bounded in the window's length: a forward pass keeps only the recurrent state at every chunk
/// boundary; then the chunks run last to first, each recomputed by the engine's own forward
/// pass (ForwardPass with a LayerActivationSink, the same chunk boundaries, the same scan
/// parameters), scored by its LM head, and taken backward through the head, the final norm and
/// every layer, with the gradient of the recurrent state carried to the chunk before. The last
/// chunks' recordings are kept from the first forward pass instead, as many as a fixed budget
/// holds (setRecordingBudget): the same numbers, one forward pass fewer over those chunks.
class BackwardPass
{
public:
    /// `chunkTokens`: tokens per chunk (memory grows with it; the architecture may lower it).
    BackwardPass(std::shared_ptr<const MambaModel> model, int chunkTokens = 512);
    ~BackwardPass();
    BackwardPass(const BackwardPass &) = delete;
    BackwardPass &operator=(const BackwardPass &) = delete;

    void setScanParameters(std::shared_ptr<const ScanParameters> scan);
    int chunkTokens() const { return m_chunk; }

    /// Runs `window` from a fresh state: returns Σ_t weights[t]·NLL_t (NLL as the engine's LM
    /// head computes it) and adds its derivatives to `out` (one LayerSensitivity per layer, sized
    /// by the caller). Throws Cancelled (checked before every chunk); `progress` (may be empty)
    /// gets the fraction of the window done.
    double run(const ScoredWindow &window, std::vector<LayerSensitivity> &out,
               const JobControl *job, const std::function<void(double)> &progress = {});

    /// Σ_t weights[t]·NLL_t of `window` alone: a forward pass, the same numbers as run().
    double objective(const ScoredWindow &window, const JobControl *job);

    /// Up to how many logits of a chunk (scored columns × vocabulary) the backward keeps from
    /// the forward's LM head rather than making them again (default 2^24, 64 MiB); 0 always
    /// makes them again, a block of rows at a time.
    void setKeptLogitLimit(int64_t floats) { m_keptLogitLimit = floats; }

    /// Bytes of layer recordings (and their chunks' outputs) kept from the first forward pass so
    /// that the backward need not run those chunks again; 0 (the default) keeps none, negative
    /// means 512 MiB or a quarter of the memory available when a window starts, the smaller.
    /// Worth it for a pass that runs many windows (calibration): its buffers are allocated by the
    /// first window and reused, while a single window pays for memory touched once (on the
    /// 2-core VM of docs/benchmarks.md, 570 MiB of fresh pages cost more than the recompute).
    void setRecordingBudget(int64_t bytes) { m_recordingBudget = bytes; }

    /// Chunks of the last window run(), and how many of them were kept from its first forward
    /// pass (setRecordingBudget).
    int64_t chunks() const { return m_chunks; }
    int64_t keptChunks() const { return m_keptChunks; }

    /// The most bytes this pass has held in recordings, scratch and state checkpoints.
    int64_t peakBytes() const { return m_peakBytes; }

private:
    int64_t recordingBudget() const;
    static void checkWeights(const ScoredWindow &window);
    // `logits`, when given, receives every scored column's logits (V floats each) if they fit
    // m_keptLogitLimit, and is emptied otherwise.
    double scoreColumns(const Eigen::MatrixXf &hidden, const int32_t *targets,
                        const double *weights, int64_t scored, std::vector<int64_t> &columns,
                        std::vector<std::vector<float>> *logits = nullptr);
    double headBackward(const Eigen::MatrixXf &hidden, const int32_t *targets,
                        const double *weights, int64_t scored, Eigen::MatrixXf &gHidden);

    std::shared_ptr<const MambaModel> m_model;
    std::shared_ptr<const ScanParameters> m_scan;
    std::unique_ptr<ForwardPass> m_forward;
    std::unique_ptr<LayerBackward> m_layers;
    int m_chunk = 512;
    int64_t m_peakBytes = 0;
    int64_t m_keptLogitLimit = int64_t(1) << 24;
    int64_t m_recordingBudget = 0;
    int64_t m_chunks = 0, m_keptChunks = 0;
    Eigen::MatrixXf m_hidden, m_gHidden;
    Eigen::MatrixXf m_scoredHidden, m_normed, m_gNormed, m_gScored;  // [D, scored columns]
    std::vector<float> m_logits;  // dJ/dlogits: a block of the LM head's rows, or all of them
    std::vector<std::vector<float>> m_columnLogits;  // the forward's logits, per scored column
    std::vector<float> m_nll;
    std::vector<int32_t> m_scoredTargets;
};

}  // namespace mscope
