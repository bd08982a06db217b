// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <utility>
#include <vector>

namespace mscope {

/// A team of persistent threads for work that is a sequence of phases, each a number of
/// independent tasks: every task of phase k starts only after all of phase k-1 are done. The
/// tasks of a phase are shared out in contiguous runs, thread s taking a share f_s of every phase
/// (tasks [c·F_s, c·F_{s+1}) of a phase of c, F the running sum of the shares, rounded), so a
/// thread meets the same data again in every run: for the one-token step (TokenStep) its
/// channels' state stays in its core's caches instead of moving between cores with every token.
/// The shares follow the threads' speeds: after every run each share moves a little towards
/// equal busy times (the slower of two threads on the development VM settles near 44%), so that
/// fewer waits are spent on the slowest thread. A phase may also be
/// run by every thread for itself (kEveryThread: task 0 on each slot, into the slot's own scratch),
/// which replaces a phase of one task and the wait after it: nobody waits for it, as each thread
/// only reads what it made.
///
/// A phase may be marked claimed: its tasks then go to whichever thread takes them first, each
/// thread taking the tasks of its own run one at a time and then what is left of the others'
/// runs. Meant for tasks that stream memory no core keeps (weights read from memory): there the
/// threads' runs end at different times from token to token, and the others would wait for the
/// last (with mamba-130m's weights not packed, each thread waited 4-5% of a token).
///
/// Waiting is per thread: one counter of finished phases each, on its own cache line; a thread
/// with no task in a phase does not wait for it. The results cannot depend on which thread ran
/// which task, so tasks write to places that belong to them (and read what earlier phases
/// wrote). The phase after a kEveryThread phase must not write what that phase reads (a thread
/// may still be in it).
///
/// A token is about twenty phases of microseconds each, too short for OpenMP's fork, join and
/// barriers. A thread the OS puts aside delays the others; TokenStep measures whether the team or
/// the calling thread alone has been faster lately and runs on that.
class PhasedWork
{
public:
    /// A task count: the phase runs once on every thread, with index 0 and the thread's slot.
    static constexpr int kEveryThread = -1;

    /// `threads` - 1 worker threads beside the caller of run() (none for 1).
    explicit PhasedWork(int threads);
    ~PhasedWork();
    PhasedWork(const PhasedWork &) = delete;
    PhasedWork &operator=(const PhasedWork &) = delete;

    int threads() const { return int(m_workers.size()) + 1; }

    /// From a task or ranDone during a run: whether tasks [first, end) of a phase of `count`
    /// shared tasks all belong to one thread's run (always in a run `alone`), so that what that
    /// thread's ranDone made of them is there for a later phase.
    bool oneRun(int first, int end, int count) const;

    /// Runs task(phase, index, slot) for every index in [0, taskCounts[phase]) of every phase, in
    /// phase order; `slot` in [0, threads()) names the thread (for its own scratch). Returns when
    /// all are done. Phases with no task are allowed. Tasks must not throw. `alone` runs every
    /// task on the calling thread (slot 0), the workers left asleep.
    template <typename Task>
    void run(std::span<const int> taskCounts, Task &task, bool alone = false)
    {
        auto none = [](int, int, int, int) {};
        run(taskCounts, task, none, alone);
    }
    /// The same, and ranDone(phase, first, end, slot) called by each thread after its run
    /// [first, end) of each phase of shared tasks, before the thread counts the phase as done:
    /// what it writes there, later phases read as they read the tasks' results. An empty run
    /// (first == end) is called too, without waiting for the phase before. Slot 0's run of a
    /// phase always starts at task 0.
    ///
    /// `claimed` (empty, or a flag per phase) marks the phases of shared tasks that are claimed
    /// (see the class): their tasks may run on any thread, ranDone is not called for them, and
    /// oneRun() says nothing of them.
    template <typename Task, typename RanDone>
    void run(std::span<const int> taskCounts, Task &task, RanDone &ranDone, bool alone,
             std::span<const uint8_t> claimed = {})
    {
        Calls<Task, RanDone> calls{task, ranDone};
        runTasks(taskCounts, &Calls<Task, RanDone>::call, &Calls<Task, RanDone>::ran, &calls, alone,
                 claimed);
    }

private:
    using TaskFn = void (*)(void *context, int phase, int index, int slot);
    using RanFn = void (*)(void *context, int phase, int first, int end, int slot);
    template <typename Task, typename RanDone>
    struct Calls
    {
        Task &task;
        RanDone &ranDone;
        static void call(void *context, int phase, int index, int slot)
        {
            static_cast<Calls *>(context)->task(phase, index, slot);
        }
        static void ran(void *context, int phase, int first, int end, int slot)
        {
            static_cast<Calls *>(context)->ranDone(phase, first, end, slot);
        }
    };
    // Phases finished by one thread in the current run, alone on its cache line.
    struct alignas(64) Progress
    {
        std::atomic<int> phases{0};
        uint64_t busyTicks = 0;  // time-stamp counter ticks spent in shared phases' tasks
    };

    void runTasks(std::span<const int> taskCounts, TaskFn fn, RanFn ranFn, void *context,
                  bool alone, std::span<const uint8_t> claimed);
    bool isClaimed(int phase) const { return !m_claimed.empty() && m_claimed[size_t(phase)]; }
    // The next unclaimed task of thread `slot`'s run of a claimed phase.
    std::atomic<int> &nextTask(int slot, int phase) const
    {
        return m_nextTask[size_t(slot) * m_nextTaskStride + size_t(phase)];
    }
    // Thread `slot` claims and runs tasks of a claimed phase of `count`: its own run's, then
    // what is left of the others' runs.
    void runClaims(int phase, int count, int slot);
    // Thread `slot`'s run [first, end) of a phase of `count` shared tasks.
    std::pair<int, int> runOf(int slot, int count) const;
    // Moves the shares towards equal busy times, from the run just finished.
    void rebalance();
    void work(int slot);
    void waitForAll(int phases) const;
    void workerLoop(int slot);

    std::vector<std::thread> m_workers;
    std::unique_ptr<Progress[]> m_progress;  // per slot
    std::atomic<uint32_t> m_generation{0};   // bumped for every run: wakes the workers
    std::atomic<bool> m_stop{false};
    std::vector<int> m_counts;     // the current run's plan
    std::vector<double> m_shares;  // per slot, summing to 1
    TaskFn m_fn = nullptr;
    RanFn m_ranFn = nullptr;
    void *m_context = nullptr;
    bool m_alone = false;            // the current run's
    std::vector<uint8_t> m_claimed;  // the current run's, per phase (or empty: none)
    // Per slot and phase, the next task of the slot's run not yet claimed; each slot's on cache
    // lines of their own.
    std::unique_ptr<std::atomic<int>[]> m_nextTask;
    size_t m_nextTaskStride = 0;
};

}  // namespace mscope
