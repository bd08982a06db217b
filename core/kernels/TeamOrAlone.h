// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace mscope {

/// Whether the next run of short work (a decoding step on PhasedWork) goes to the team of threads
/// or to the calling thread alone, whichever has been faster lately: a busy machine can make a
/// team slower than one thread. The numbers a run makes must not depend on the choice, which only
/// changes the time.
///
/// Each choice has a pace, a running mean of its run times that follows a faster run at once and
/// a slower one slowly, counting it as at most kSpike times the pace: one run that a page fault,
/// an interrupt or a worker put aside made ten times slower does not swing the choice, while a
/// team that stays slower loses it within some twenty runs. The choice not in use is measured only
/// at probes (the last kProbeRuns runs of every period), so a plain mean could stay on the wrong
/// side for hundreds of runs after one such spike. A new chooser starts on the team, and has its
/// pace before it first tries one thread.
class TeamOrAlone
{
public:
    /// The period of probes, in runs; kQuietPeriod while the team's pace has been better than
    /// kClearMargin times the lone pace (a lone probe costs two or three slow runs). A longer
    /// kPeriod (512) once kept a mamba-130m run on one thread, at half its speed, for all of its
    /// 384 steps.
    static constexpr int64_t kPeriod = 128, kQuietPeriod = 1024, kProbeRuns = 3;
    static constexpr double kClearMargin = 0.8;
    /// A run's weight in the pace when it was slower than the pace, its weight when faster, and
    /// the most it counts for, in paces.
    static constexpr double kRise = 0.2, kFall = 0.5, kSpike = 1.5;

    /// The choice for the next run, and counts it.
    bool nextAlone();
    /// The seconds that run took. The first run after the choice changed is not timed (the team's
    /// threads were asleep: waking one takes tens of microseconds, a third of a decoding step, and
    /// a team timed by that alone could stay unused).
    void record(bool alone, double seconds);
    /// The pace of a choice in seconds per run, 0 until measured.
    double pace(bool alone) const { return m_pace[alone ? 1 : 0]; }

private:
    double m_pace[2] = {};
    int64_t m_period = kPeriod, m_runInPeriod = 0;
    bool m_lastAlone = false;
};

}  // namespace mscope
