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
// A task waiting for the previous phase spins this long, then yields its core now and then: the
// thread it waits for may be the one the OS put aside.
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

PhasedWork::PhasedWork(int threads)
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
    const size_t phases = taskCounts.size();
    if (m_workers.empty() || alone) {
        for (size_t p = 0; p < phases; ++p)
            for (int i = 0; i < taskCounts[p]; ++i)
                fn(context, int(p), i, 0);
        return;
    }
    // The plan, then the tickets (release: whoever takes a ticket sees the plan), then the wake.
    m_phaseStart.resize(phases + 1);
    int total = 0;
    for (size_t p = 0; p < phases; ++p) {
        m_phaseStart[p] = total;
        total += taskCounts[p];
    }
    m_phaseStart[phases] = total;
    if (total == 0)
        return;
    if (m_doneCapacity < phases) {
        m_done = std::make_unique<std::atomic<int>[]>(phases);
        m_doneCapacity = phases;
    }
    for (size_t p = 0; p < phases; ++p)
        m_done[p].store(0, std::memory_order_relaxed);
    m_fn = fn;
    m_context = context;
    m_next.store(uint64_t(uint32_t(total)) << 32, std::memory_order_release);
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    work(0);
    // Done when the last phase with tasks is: each of its tasks waited for the phases before.
    size_t last = phases - 1;
    while (taskCounts[last] == 0)
        --last;
    const int lastCount = taskCounts[last];
    waitUntil([this, last, lastCount] {
        return m_done[last].load(std::memory_order_acquire) == lastCount;
    });
}

void PhasedWork::work(int slot)
{
    size_t phase = 0;
    for (;;) {
        const uint64_t ticket = m_next.fetch_add(1, std::memory_order_acq_rel);
        const int index = int(uint32_t(ticket)), total = int(uint32_t(ticket >> 32));
        if (index >= total)
            return;
        // A valid ticket: its run waits for it, so the plan is this run's. It may be the next
        // run's, taken right after this thread finished the last task of the one before: start
        // that plan from its first phase.
        if (phase + 1 >= m_phaseStart.size() || index < m_phaseStart[phase])
            phase = 0;
        while (index >= m_phaseStart[phase + 1])
            ++phase;
        // Wait for the last phase before this one that has tasks (which waited for its own).
        size_t before = phase;
        while (before > 0 && m_phaseStart[before] == m_phaseStart[before - 1])
            --before;
        if (before > 0) {
            const size_t p = before - 1;
            const int count = m_phaseStart[p + 1] - m_phaseStart[p];
            waitUntil(
                [this, p, count] { return m_done[p].load(std::memory_order_acquire) == count; });
        }
        m_fn(m_context, int(phase), index - m_phaseStart[phase], slot);
        m_done[phase].fetch_add(1, std::memory_order_release);
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
