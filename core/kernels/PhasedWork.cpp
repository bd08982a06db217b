// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/PhasedWork.h"

#include <immintrin.h>
#include <chrono>

namespace mscope {

namespace {

using Clock = std::chrono::steady_clock;

// An idle worker spins this long for the next run before it sleeps: decoding runs a token every
// hundred-odd microseconds, and a sleeping thread takes tens of microseconds to wake.
constexpr std::chrono::microseconds kIdleSpin{300};
// A thread waiting for the others spins this long, then yields its core now and then: the thread
// it waits for may be the one the OS put aside.
constexpr std::chrono::microseconds kWaitSpin{50};

// Spins until `ready()`, yielding the core after kWaitSpin.
template <typename Ready>
void waitUntil(Ready ready)
{
    if (ready())
        return;
    const auto deadline = Clock::now() + kWaitSpin;
    for (int i = 1;; ++i) {
        if (ready())
            return;
        _mm_pause();
        if (i % 64 == 0 && Clock::now() > deadline)
            break;
    }
    while (!ready())
        std::this_thread::yield();
}

}  // namespace

PhasedWork::PhasedWork(int threads) : m_progress(std::make_unique<Progress[]>(size_t(threads)))
{
    for (int slot = 1; slot < threads; ++slot)
        m_workers.emplace_back([this, slot] { workerLoop(slot); });
}

PhasedWork::~PhasedWork()
{
    m_stop.store(true, std::memory_order_release);
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    for (std::thread &t : m_workers)
        t.join();
}

void PhasedWork::runTasks(std::span<const int> taskCounts, TaskFn fn, void *context, bool alone)
{
    const int phases = int(taskCounts.size());
    if (m_workers.empty() || alone) {
        for (int p = 0; p < phases; ++p) {
            const int count = taskCounts[p] == kEveryThread ? 1 : taskCounts[p];
            for (int i = 0; i < count; ++i)
                fn(context, p, i, 0);
        }
        return;
    }
    if (phases == 0)
        return;
    // The plan and the counters, then the wake (release: a worker that sees the new generation
    // sees them); the workers were idle, as the last run waited for all of them.
    m_counts.assign(taskCounts.begin(), taskCounts.end());
    for (int slot = 0; slot < threads(); ++slot)
        m_progress[size_t(slot)].phases.store(0, std::memory_order_relaxed);
    m_fn = fn;
    m_context = context;
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    work(0);
    waitForAll(phases);
}

void PhasedWork::waitForAll(int phases) const
{
    for (int slot = 0; slot < threads(); ++slot)
        waitUntil([this, slot, phases] {
            return m_progress[size_t(slot)].phases.load(std::memory_order_acquire) >= phases;
        });
}

void PhasedWork::work(int slot)
{
    const int n = threads(), phases = int(m_counts.size());
    std::atomic<int> &progress = m_progress[size_t(slot)].phases;
    for (int p = 0; p < phases; ++p) {
        const int count = m_counts[size_t(p)];
        const bool everyThread = count == kEveryThread;
        const int first = everyThread ? 0 : int(int64_t(count) * slot / n),
                  end = everyThread ? 1 : int(int64_t(count) * (slot + 1) / n);
        if (first < end) {
            // What the phase before made, by every thread (unless each made its own).
            if (p > 0 && m_counts[size_t(p - 1)] != kEveryThread)
                waitForAll(p);
            for (int i = first; i < end; ++i)
                m_fn(m_context, p, i, slot);
        }
        progress.store(p + 1, std::memory_order_release);
    }
}

void PhasedWork::workerLoop(int slot)
{
    uint32_t seen = 0;
    for (;;) {
        // Spin for the next run a little, then sleep until it comes.
        const auto deadline = Clock::now() + kIdleSpin;
        for (int i = 1; m_generation.load(std::memory_order_acquire) == seen; ++i) {
            _mm_pause();
            if (i % 64 == 0 && Clock::now() > deadline) {
                m_generation.wait(seen, std::memory_order_acquire);
                break;
            }
        }
        seen = m_generation.load(std::memory_order_acquire);
        if (m_stop.load(std::memory_order_acquire))
            return;
        work(slot);
    }
}

}  // namespace mscope
