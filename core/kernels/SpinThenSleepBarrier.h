// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <immintrin.h>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace mscope {

/// A barrier for the threads of one parallel region that spins for a short while (the other
/// threads normally arrive within microseconds) and then sleeps on a futex, so that a thread
/// waiting for one the OS has descheduled gives its core back instead of burning it, which is
/// what libgomp's barriers do for up to milliseconds (GOMP_SPINCOUNT).
class SpinThenSleepBarrier
{
public:
    explicit SpinThenSleepBarrier(int threads) : m_threads(threads) {}

    void arriveAndWait()
    {
        const uint32_t generation = m_generation.load(std::memory_order_acquire);
        if (m_arrived.fetch_add(1, std::memory_order_acq_rel) == m_threads - 1) {
            m_arrived.store(0, std::memory_order_relaxed);
            m_generation.store(generation + 1, std::memory_order_release);
            m_generation.notify_all();
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + kSpin;
        for (int i = 1;; ++i) {
            if (m_generation.load(std::memory_order_acquire) != generation)
                return;
            _mm_pause();
            if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline)
                break;
        }
        while (m_generation.load(std::memory_order_acquire) == generation)
            m_generation.wait(generation, std::memory_order_acquire);
    }

    /// Inside a parallel region of `teamSize` threads: this barrier when the team is the one it
    /// was made for, else (a smaller team: a nested region, a thread limit) OpenMP's.
    void sync(int teamSize)
    {
        if (teamSize == m_threads) {
            arriveAndWait();
        } else {
#pragma omp barrier
        }
    }

private:
    static constexpr std::chrono::microseconds kSpin{50};
    const int m_threads;
    std::atomic<int> m_arrived{0};
    std::atomic<uint32_t> m_generation{0};
};

}  // namespace mscope
