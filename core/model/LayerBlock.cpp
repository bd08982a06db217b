// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/LayerBlock.h"

#include "kernels/BlockKernels.h"
#include "kernels/SingleThreadScope.h"
#include "kernels/SpinThenSleepBarrier.h"

#include <omp.h>
#include <atomic>
#include <exception>

namespace mscope {

using namespace blockkernels;

namespace {

// A callback of the caller's (an observer, a sink) that threw inside the parallel region: the
// first exception, rethrown after the region; the callbacks that would start after it are
// skipped (one already running on the other thread finishes).
struct CallbackFailure
{
    std::atomic<bool> failed{false};
    std::exception_ptr first;
};

template <typename Call>
void handOver(CallbackFailure &failure, Call call)
{
    if (failure.failed.load(std::memory_order_relaxed))
        return;
    try {
        call();
    } catch (...) {
#pragma omp critical(mscope_layer_block_failure)
        if (!failure.first) {
            failure.first = std::current_exception();
            failure.failed.store(true, std::memory_order_relaxed);
        }
    }
}

}  // namespace

LayerBlock::~LayerBlock() = default;

void LayerBlock::run(Eigen::MatrixXf &hidden, RecurrentState &state, const ScanParameters &scan,
                     int firstLayer, int endLayer, const DeltaObserver &observer,
                     const LayerActivationSink &sink)
{
    const int64_t T = hidden.cols();
    if (T == 0 || firstLayer >= endLayer)
        return;
    const int threads = omp_get_max_threads();
    prepareChunk(T, threads);

    if (threads <= 1 || T < kMinTokensPerThread * threads) {
        // Short chunks (and decoding) run in this thread alone: a few tokens are not worth the
        // synchronisation, which on a busy machine costs more than the work.
        const SingleThreadScope alone;
        for (int l = firstLayer; l < endLayer; ++l) {
            RecurrentState::Layer &s = state.layer(l);
            project(l, hidden, 0, T);
            prepareScan(l, s, scan, 0, T);
            advanceConvState(s, T);
            if (observer)
                observer(l, delta(), int(T), deltaChannels());
            if (sink)
                sink(activations(l, hidden, 0, T));
            this->scan(l, s, scan, 0, scanUnits(), 0);
            projectOut(l, hidden, 0, T);
        }
        return;
    }

    // One parallel region for all the layers. Each thread takes a share of the tokens (the scan:
    // of the channels or heads); products stay wide (each thread multiplies all rows of a weight
    // by its columns, single-threaded), and projectOut → the next layer's project work on the
    // same tokens, so three barriers per layer suffice. The barriers spin briefly, then sleep: on
    // a machine busy with other work the other thread may not be running at all.
    CallbackFailure callbackFailure;
    SpinThenSleepBarrier barrier(threads);
    const int64_t units = scanUnits(), align = scanAlignment();
#pragma omp parallel num_threads(threads)
    {
        const int i = omp_get_thread_num(), n = omp_get_num_threads();
        const auto sync = [&barrier, n] { barrier.sync(n); };
        const auto [t0, t1] = share(T, i, n);
        const auto [u0, u1] = share(units, i, n, align);
        for (int l = firstLayer; l < endLayer; ++l) {
            RecurrentState::Layer &s = state.layer(l);
            project(l, hidden, t0, t1);
            sync();  // the conv reads the inputs of earlier tokens
            prepareScan(l, s, scan, t0, t1);
            sync();
            // The conv inputs of this layer are read and Δ is complete: both can be handed over
            // while the scan runs (neither changes before the next layer's project, after a
            // barrier; the hidden state and z not before projectOut, after one). Each thread
            // hands over the tokens it computed itself: the copies run side by side, and none
            // reads another core's lines.
            if (i == 0) {
                advanceConvState(s, T);
                if (observer)
                    handOver(callbackFailure,
                             [&] { observer(l, delta(), int(T), deltaChannels()); });
            }
            if (sink)
                handOver(callbackFailure, [&] { sink(activations(l, hidden, t0, t1)); });
            this->scan(l, s, scan, u0, u1, i);
            sync();  // projectOut takes every channel or head of a token
            projectOut(l, hidden, t0, t1);
        }
    }
    if (callbackFailure.first)
        std::rethrow_exception(callbackFailure.first);
}

}  // namespace mscope
