// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/LayerSensitivity.h"
#include "model/LayerActivations.h"
#include "model/RecurrentState.h"
#include "model/ScanParameters.h"

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <numeric>

namespace mscope {

class MambaModel;

/// The reverse mode of one architecture's layers over one chunk (method.md §9): it keeps the
/// activations the engine's forward pass hands to its LayerActivationSink (record), then runs
/// each layer backward (backward), last layer first, from the gradient of the layer's output
/// to the gradient of its input, of the state it started the chunk with, and of what a
/// modulation changes (LayerSensitivity). One class per architecture, as the forward blocks
/// (Mamba1Backward, Mamba2Backward); a BackwardPass drives it.
class LayerBackward
{
public:
    explicit LayerBackward(const MambaModel &model) : m_model(model) {}
    virtual ~LayerBackward();
    LayerBackward(const LayerBackward &) = delete;
    LayerBackward &operator=(const LayerBackward &) = delete;

    /// Sizes the scratch for a chunk of `tokens` tokens.
    virtual void beginChunk(int64_t tokens) = 0;
    /// Sizes the recordings for a chunk of `tokens` tokens, before a forward pass records it.
    virtual void beginRecording(int64_t tokens) = 0;
    /// Copies one layer's activations, the columns [a.first, a.end) (what the ForwardPass's sink
    /// receives: each of the block's threads its own columns, at the same time) into the
    /// recordings beginRecording sized.
    virtual void record(const LayerActivations &a) = 0;
    /// Layer `l` backward over the recorded chunk. `start` is the state the layer began the
    /// chunk with, `scan` its scan parameters as run. On entry gHidden is dJ/d(layer output) and
    /// `carry` dJ/d(the layer's state after the chunk); on return gHidden is dJ/d(layer input)
    /// (left as it is when `inputGradient` is false: nothing below needs it) and `carry`
    /// dJ/d(start). Adds this chunk's part of the sensitivities to `out`.
    virtual void backward(int l, const RecurrentState::Layer &start,
                          const ScanParameters::Layer &scan, Eigen::MatrixXf &gHidden,
                          RecurrentState::Layer &carry, LayerSensitivity &out,
                          bool inputGradient) = 0;
    /// Sets the current recordings aside as chunk k's, so that they need not be made again
    /// (BackwardPass keeps a window's last chunks from its first forward pass, within a budget).
    virtual void keepChunk(int64_t k) = 0;
    /// Makes chunk k's kept recordings the current ones (and forgets them); false if none kept.
    virtual bool restoreChunk(int64_t k) = 0;
    /// Forgets every kept chunk.
    virtual void dropKeptChunks() = 0;
    /// Floats one token's recordings take, every layer together: what keeping it costs.
    virtual int64_t recordedFloatsPerToken() const = 0;
    /// Bytes held in recordings (kept chunks included) and scratch.
    virtual int64_t bytes() const = 0;
    /// The longest chunk whose per-thread scan scratch stays reasonable for this model.
    virtual int64_t maxChunkTokens() const { return 1 << 20; }

protected:
    /// to[:, first:end) = the same columns of `from` (`rows` floats a column). `to` must already
    /// be rows × at least `end`: record() runs on several threads at once and may not resize.
    static void copyColumns(Eigen::MatrixXf &to, const float *from, int64_t rows, int64_t first,
                            int64_t end);
    /// A layer's recordings are a list of matrices (one column a token) that each architecture
    /// names once, in a fixed order, with their rows in the same order: sized, counted and
    /// costed from that one list.
    template <size_t n>
    static void resizeRecorded(const std::array<Eigen::MatrixXf *, n> &matrices,
                               const std::array<int64_t, n> &rows, int64_t tokens)
    {
        for (size_t i = 0; i < n; ++i)
            matrices[i]->resize(rows[i], tokens);
    }
    template <size_t n>
    static int64_t recordedFloats(const std::array<const Eigen::MatrixXf *, n> &matrices)
    {
        int64_t floats = 0;
        for (const Eigen::MatrixXf *m : matrices)
            floats += m->size();
        return floats;
    }
    template <size_t n>
    static int64_t rowsSum(const std::array<int64_t, n> &rows)
    {
        return std::accumulate(rows.begin(), rows.end(), int64_t(0));
    }

    const MambaModel &m_model;
};

}  // namespace mscope
