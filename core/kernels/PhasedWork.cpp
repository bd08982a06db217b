// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/PhasedWork.h"

#include <x86intrin.h>
#include <algorithm>
#include <chrono>
#include <cmath>

namespace mscope {

namespace {

using Clock = std::chrono::steady_clock;

// An idle worker spins this long for the next run before it sleeps: decoding runs a token every
// hundred-odd microseconds, and a sleeping thread takes tens of microseconds to wake.
constexpr std::chrono::microseconds kIdleSpin{300};
// A thread waiting for the others spins this long, then yields its core now and then: the thread
// it waits for may be the one the OS put aside.
constexpr std::chrono::microseconds kWaitSpin{50};
// How far a share moves after one run towards equal busy times (by this fraction of the way),
// and how far from an even split it may go (as a factor of 1/threads): slow enough that one
// interrupted run does not swing it, fast enough to follow a change within a hundred tokens.
constexpr double kShareGain = 0.05, kShareMin = 0.5, kShareMax = 1.5;

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

PhasedWork::PhasedWork(int threads)
    : m_progress(std::make_unique<Progress[]>(size_t(threads))),
      m_shares(size_t(threads), 1.0 / threads)
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

void PhasedWork::runTasks(std::span<const int> taskCounts, TaskFn fn, RanFn ranFn, void *context,
                          bool alone, std::span<const uint8_t> claimed)
{
    const int phases = int(taskCounts.size());
    m_alone = m_workers.empty() || alone;
    m_claimed.assign(claimed.begin(), claimed.end());
    m_claimed.resize(claimed.empty() ? 0 : size_t(phases), 0);
    if (m_alone) {
        for (int p = 0; p < phases; ++p) {
            const bool everyThread = taskCounts[p] == kEveryThread;
            const int count = everyThread ? 1 : taskCounts[p];
            for (int i = 0; i < count; ++i)
                fn(context, p, i, 0);
            if (!everyThread && !isClaimed(p))
                ranFn(context, p, 0, count, 0);
        }
        return;
    }
    if (phases == 0)
        return;
    // The plan and the counters, then the wake (release: a worker that sees the new generation
    // sees them); the workers were idle, as the last run waited for all of them.
    m_counts.assign(taskCounts.begin(), taskCounts.end());
    if (!m_claimed.empty()) {
        // A line's worth of counters between two slots' (the allocation is not line-aligned).
        constexpr size_t kLineInts = 64 / sizeof(int);
        const size_t stride = (size_t(phases) + kLineInts - 1) / kLineInts * kLineInts + kLineInts;
        if (stride > m_nextTaskStride) {
            m_nextTaskStride = stride;
            m_nextTask = std::make_unique<std::atomic<int>[]>(size_t(threads()) * stride);
        }
        for (int p = 0; p < phases; ++p)
            if (isClaimed(p) && m_counts[size_t(p)] > 0)
                for (int slot = 0; slot < threads(); ++slot)
                    nextTask(slot, p).store(runOf(slot, m_counts[size_t(p)]).first,
                                            std::memory_order_relaxed);
    }
    for (int slot = 0; slot < threads(); ++slot)
        m_progress[size_t(slot)].phases.store(0, std::memory_order_relaxed);
    m_fn = fn;
    m_ranFn = ranFn;
    m_context = context;
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    work(0);
    waitForAll(phases);
    rebalance();
}

std::pair<int, int> PhasedWork::runOf(int slot, int count) const
{
    // The shares before this thread's, then its own (the last thread's part ends at 1 exactly,
    // so that rounding leaves no task out).
    double from = 0.0;
    for (int s = 0; s < slot; ++s)
        from += m_shares[size_t(s)];
    const double to = slot + 1 == threads() ? 1.0 : from + m_shares[size_t(slot)];
    return {int(std::lround(count * from)), int(std::lround(count * to))};
}

bool PhasedWork::oneRun(int first, int end, int count) const
{
    if (m_alone || first >= end)
        return true;
    for (int slot = 0; slot < threads(); ++slot) {
        const auto [runFirst, runEnd] = runOf(slot, count);
        if (runFirst <= first && end <= runEnd)
            return true;
    }
    return false;
}

void PhasedWork::rebalance()
{
    const int n = threads();
    double mean = 0.0;
    for (int slot = 0; slot < n; ++slot) {
        const uint64_t busy = m_progress[size_t(slot)].busyTicks;
        if (busy == 0)
            return;  // a thread without shared work: nothing to learn
        mean += double(busy) / n;
    }
    double sum = 0.0;
    for (int slot = 0; slot < n; ++slot) {
        double &share = m_shares[size_t(slot)];
        const double ratio = mean / double(m_progress[size_t(slot)].busyTicks);
        share =
            std::clamp(share * (1.0 + kShareGain * (ratio - 1.0)), kShareMin / n, kShareMax / n);
        sum += share;
    }
    for (double &share : m_shares)
        share /= sum;
}

void PhasedWork::waitForAll(int phases) const
{
    for (int slot = 0; slot < threads(); ++slot)
        waitUntil([this, slot, phases] {
            return m_progress[size_t(slot)].phases.load(std::memory_order_acquire) >= phases;
        });
}

void PhasedWork::runClaims(int phase, int count, int slot)
{
    // Each task is claimed once, by the fetch_add that returns it (relaxed: the counters were
    // published with the run's plan, and what a task writes is published by its claimer's count
    // of finished phases). A thread's own counter stays in its core's cache until another thread
    // comes for what is left of its run.
    const int n = threads();
    for (int k = 0; k < n; ++k) {
        const int owner = (slot + k) % n;
        const int end = runOf(owner, count).second;
        std::atomic<int> &next = nextTask(owner, phase);
        for (int i; (i = next.fetch_add(1, std::memory_order_relaxed)) < end;)
            m_fn(m_context, phase, i, slot);
    }
}

void PhasedWork::work(int slot)
{
    const int phases = int(m_counts.size());
    Progress &mine = m_progress[size_t(slot)];
    uint64_t busy = 0;
    for (int p = 0; p < phases; ++p) {
        const int count = m_counts[size_t(p)];
        const bool everyThread = count == kEveryThread;
        const auto [first, end] = everyThread ? std::pair(0, 1) : runOf(slot, count);
        if (isClaimed(p)) {
            // Every thread takes part, even with an empty run of its own.
            if (count > 0) {
                if (p > 0 && m_counts[size_t(p - 1)] != kEveryThread)
                    waitForAll(p);
                const uint64_t start = __rdtsc();
                runClaims(p, count, slot);
                busy += __rdtsc() - start;
            }
        } else if (first < end) {
            // What the phase before made, by every thread (unless each made its own).
            if (p > 0 && m_counts[size_t(p - 1)] != kEveryThread)
                waitForAll(p);
            const uint64_t start = everyThread ? 0 : __rdtsc();
            for (int i = first; i < end; ++i)
                m_fn(m_context, p, i, slot);
            if (!everyThread) {
                m_ranFn(m_context, p, first, end, slot);
                busy += __rdtsc() - start;
            }
        } else if (!everyThread) {
            m_ranFn(m_context, p, first, first, slot);
        }
        if (p + 1 == phases)
            mine.busyTicks = busy;  // before the last store, which publishes it
        mine.phases.store(p + 1, std::memory_order_release);
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
