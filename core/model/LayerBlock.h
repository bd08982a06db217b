// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/DeltaObserver.h"
#include "model/LayerActivations.h"
#include "model/RecurrentState.h"

#include <Eigen/Core>
#include <cstdint>

namespace mscope {

class MambaModel;
struct ScanParameters;

/// The layers of one architecture over a chunk of tokens (fp32, hidden state [D, T], one column
/// per token). run() is written once for every architecture: it splits the chunk across the
/// engine's threads and calls the architecture's steps in order (Mamba1Block, Mamba2Block say
/// what each step does for them). A block owns its scratch buffers, so it allocates nothing per
/// chunk once warm: use one per ForwardPass.
class LayerBlock
{
public:
    explicit LayerBlock(const MambaModel &model) : m_model(model) {}
    virtual ~LayerBlock();
    LayerBlock(const LayerBlock &) = delete;
    LayerBlock &operator=(const LayerBlock &) = delete;

    /// Runs layers [firstLayer, endLayer) over `hidden` in place, advancing those layers' state.
    /// `observer` (may be empty) sees every layer's Δ; `sink` (may be empty) every layer's
    /// activations up to the scan (LayerActivations).
    void run(Eigen::MatrixXf &hidden, RecurrentState &state, const ScanParameters &scan,
             int firstLayer, int endLayer, const DeltaObserver &observer,
             const LayerActivationSink &sink = {});

protected:
    /// Sizes the scratch for a chunk of `tokens` tokens and `threads` threads.
    virtual void prepareChunk(int64_t tokens, int threads) = 0;
    /// What the scan is split over between threads (channels or heads), and the multiple each
    /// thread's share must be of.
    virtual int64_t scanUnits() const = 0;
    virtual int64_t scanAlignment() const { return 1; }
    /// Norm and in_proj for tokens [t0, t1).
    virtual void project(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1) = 0;
    /// Conv + silu and everything the scan needs (Δ, B, C) for tokens [t0, t1); reads the inputs
    /// of earlier tokens, so every thread's project() is done first.
    virtual void prepareScan(int l, const RecurrentState::Layer &state, const ScanParameters &scan,
                             int64_t t0, int64_t t1) = 0;
    /// After the whole chunk's prepareScan: the conv state moves on to this chunk's last inputs.
    virtual void advanceConvState(RecurrentState::Layer &state, int64_t tokens) = 0;
    /// Δ of the chunk, [tokens, channels] token-major, and its channel count (for the observer).
    virtual const float *delta() const = 0;
    virtual int deltaChannels() const = 0;
    /// The chunk's buffers of layer `l` after prepareScan, for a LayerActivationSink, handing
    /// over the columns [first, end).
    virtual LayerActivations activations(int l, const Eigen::MatrixXf &hidden, int64_t first,
                                         int64_t end) const = 0;
    /// The scan over units [u0, u1) (channels or heads) and every token, by thread `thread`.
    virtual void scan(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t u0,
                      int64_t u1, int thread) = 0;
    /// From the scan output back into the residual stream (any gated norm, out_proj) for tokens
    /// [t0, t1); reads every unit of a token, so every thread's scan is done first.
    virtual void projectOut(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1) = 0;

    const MambaModel &m_model;
};

}  // namespace mscope
