// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

namespace mscope {

/// A team of persistent threads for work that is a sequence of phases, each a number of
/// independent tasks: every task of phase k starts only after all of phase k-1 are done. Threads
/// take tasks by ticket (one atomic counter), so there is no barrier where all threads must
/// arrive: a thread the OS deschedules (a busy laptop, a shared machine) delays the others only
/// by the task it holds, and the calling thread alone finishes everything if the others never
/// wake. The results cannot depend on which thread ran which task, so tasks write to places that
/// belong to them (and read what earlier phases wrote).
///
/// For the one-token step (TokenStep): a token is about a hundred phases of microseconds each,
/// too short for OpenMP's fork, join and barriers, which wait for every thread of the team.
class PhasedWork
{
public:
    /// `threads` - 1 worker threads beside the caller of run() (none for 1).
    explicit PhasedWork(int threads);
    ~PhasedWork();
    PhasedWork(const PhasedWork &) = delete;
    PhasedWork &operator=(const PhasedWork &) = delete;

    int threads() const { return int(m_workers.size()) + 1; }

    /// Runs task(phase, index, slot) for every index in [0, taskCounts[phase]) of every phase, in
    /// phase order; `slot` in [0, threads()) names the thread (for its own scratch). Returns when
    /// all are done. Phases with no task are allowed. Tasks must not throw. `alone` runs every
    /// task on the calling thread, the workers left asleep.
    template <typename Task>
    void run(std::span<const int> taskCounts, Task &task, bool alone = false)
    {
        runTasks(taskCounts, &Invoke<Task>::call, &task, alone);
    }

private:
    using TaskFn = void (*)(void *context, int phase, int index, int slot);
    template <typename Task>
    struct Invoke
    {
        static void call(void *context, int phase, int index, int slot)
        {
            (*static_cast<Task *>(context))(phase, index, slot);
        }
    };

    void runTasks(std::span<const int> taskCounts, TaskFn fn, void *context, bool alone);
    void work(int slot);
    void workerLoop(int slot);

    std::vector<std::thread> m_workers;
    // The current run. Tickets: the high 32 bits of m_next are the run's task count, the low 32
    // the next ticket; a ticket below the count belongs to the run that is waiting for it.
    std::atomic<uint64_t> m_next{0};
    std::atomic<uint32_t> m_generation{0};  // bumped for every run: wakes the workers
    std::atomic<bool> m_stop{false};
    std::vector<int> m_phaseStart;               // ticket of each phase's first task, + total
    std::unique_ptr<std::atomic<int>[]> m_done;  // tasks done per phase
    size_t m_doneCapacity = 0;
    TaskFn m_fn = nullptr;
    void *m_context = nullptr;
};

}  // namespace mscope
