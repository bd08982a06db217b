// SPDX-License-Identifier: GPL-3.0-or-later
// How long a cache line takes to go from one core to another and back: two threads, pinned to
// CPUs A and B, hand a counter back and forth 200,000 times; prints the round trip's 10th, 50th
// and 90th percentiles in time-stamp-counter ticks. The one-token step's threads meet at about
// a dozen syncs a token, each at least one such crossing.
//   g++ -O2 -pthread bench/probes/core_round_trip.cpp -o /tmp/core_round_trip
//   /tmp/core_round_trip [CPU A, default 0] [CPU B, default 1]
#include <pthread.h>
#include <sched.h>
#include <x86intrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

alignas(64) std::atomic<int64_t> g_ball{0};

bool pinTo(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

}  // namespace

int main(int argc, char **argv)
{
    const int cpuA = argc > 1 ? std::atoi(argv[1]) : 0, cpuB = argc > 2 ? std::atoi(argv[2]) : 1;
    constexpr int64_t kRounds = 200000;
    bool pinnedB = true;
    std::thread partner([&] {
        pinnedB = pinTo(cpuB);
        for (int64_t i = 0; i < kRounds; ++i) {
            while (g_ball.load(std::memory_order_acquire) != 2 * i + 1)
                _mm_pause();
            g_ball.store(2 * i + 2, std::memory_order_release);
        }
    });
    const bool pinnedA = pinTo(cpuA);
    std::vector<uint64_t> ticks;
    ticks.reserve(kRounds);
    for (int64_t i = 0; i < kRounds; ++i) {
        const uint64_t start = __rdtsc();
        g_ball.store(2 * i + 1, std::memory_order_release);
        while (g_ball.load(std::memory_order_acquire) != 2 * i + 2)
            _mm_pause();
        ticks.push_back(__rdtsc() - start);
    }
    partner.join();
    if (!pinnedA || !pinnedB) {
        std::fprintf(stderr, "core_round_trip: could not pin to CPUs %d and %d\n", cpuA, cpuB);
        return 1;
    }
    std::sort(ticks.begin(), ticks.end());
    std::printf("CPUs %d and %d: round trip p10 %llu, p50 %llu, p90 %llu TSC ticks\n", cpuA, cpuB,
                static_cast<unsigned long long>(ticks[kRounds / 10]),
                static_cast<unsigned long long>(ticks[kRounds / 2]),
                static_cast<unsigned long long>(ticks[kRounds * 9 / 10]));
    return 0;
}
