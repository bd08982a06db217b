// SPDX-License-Identifier: GPL-3.0-or-later
// What one of the one-token step's syncs costs in the cache traffic alone: two threads, pinned
// to CPUs A and B, take turns; the one whose turn it is writes L cache lines of data, then its
// own flag line, and the other waits for that flag, reads the L lines and takes its turn. Each
// thread writes only its own lines, as the step's threads do (a progress counter each, partial
// sums each), unlike core_round_trip.cpp, whose single line both threads write. Prints the mean
// time of a round trip (two handoffs) for L = 1 and 16 and three ways of writing:
//   plain      ordinary stores
//   nt-data    the data lines with non-temporal (streaming) stores, then sfence, the flag plain
//   nt-both    the flag too with a non-temporal store
// (whether pushing the lines out of the writer's caches makes them quicker to reach the other
// core; on the development VM, the vCPUs far apart, it did not: 1.6-2.2 times as slow with one
// line, about the same with sixteen).
//   g++ -O2 -pthread bench/probes/flag_handoff.cpp -o /tmp/flag_handoff
//   /tmp/flag_handoff [CPU A, default 0] [CPU B, default 1]
#include <emmintrin.h>
#include <pthread.h>
#include <sched.h>
#include <x86intrin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <thread>

namespace {

enum class Writes { Plain, NonTemporalData, NonTemporalBoth };

constexpr int kMaxLines = 16;
constexpr int kFloatsPerLine = 16;
constexpr int64_t kTurns = 200000;

struct alignas(64) Side
{
    float data[kMaxLines * kFloatsPerLine];
    alignas(64) std::atomic<int64_t> flag{0};
    char pad[64 - sizeof(std::atomic<int64_t>)];
};

Side g_side[2];
volatile float g_sink;

bool pinTo(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

void writeTurn(Side &s, int lines, Writes how, int64_t turn)
{
    const __m128 v = _mm_set1_ps(float(turn));
    for (int i = 0; i < lines * kFloatsPerLine; i += 4) {
        if (how == Writes::Plain)
            _mm_store_ps(s.data + i, v);
        else
            _mm_stream_ps(s.data + i, v);
    }
    if (how == Writes::NonTemporalBoth) {
        _mm_sfence();
        _mm_stream_si64(reinterpret_cast<long long *>(&s.flag), turn);
        _mm_sfence();
    } else {
        if (how == Writes::NonTemporalData)
            _mm_sfence();
        s.flag.store(turn, std::memory_order_release);
    }
}

void readTurn(const Side &s, int lines, int64_t turn)
{
    while (s.flag.load(std::memory_order_acquire) != turn)
        _mm_pause();
    __m128 sum = _mm_setzero_ps();
    for (int i = 0; i < lines * kFloatsPerLine; i += 4)
        sum = _mm_add_ps(sum, _mm_load_ps(s.data + i));
    g_sink = _mm_cvtss_f32(sum);
}

void play(int me, int cpu, int lines, Writes how)
{
    pinTo(cpu);
    for (int64_t turn = 1; turn <= kTurns; ++turn) {
        if (me == 0) {
            writeTurn(g_side[0], lines, how, turn);
            readTurn(g_side[1], lines, turn);
        } else {
            readTurn(g_side[0], lines, turn);
            writeTurn(g_side[1], lines, how, turn);
        }
    }
}

}  // namespace

int main(int argc, char **argv)
{
    const int a = argc > 1 ? std::atoi(argv[1]) : 0, b = argc > 2 ? std::atoi(argv[2]) : 1;
    const struct
    {
        Writes how;
        const char *name;
    } ways[] = {{Writes::Plain, "plain"},
                {Writes::NonTemporalData, "nt-data"},
                {Writes::NonTemporalBoth, "nt-both"}};
    for (const auto &way : ways) {
        for (int lines : {1, kMaxLines}) {
            g_side[0].flag.store(0);
            g_side[1].flag.store(0);
            const auto start = std::chrono::steady_clock::now();
            std::thread other(play, 1, b, lines, way.how);
            play(0, a, lines, way.how);
            other.join();
            const double ns =
                std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                    .count();
            std::printf("CPUs %d and %d, %-7s %2d line%s: %.0f ns a round trip\n", a, b, way.name,
                        lines, lines == 1 ? " " : "s", ns / double(kTurns));
        }
    }
    return 0;
}
