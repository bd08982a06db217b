// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

/// The two clocks benchmarks read: wall-clock time, and the CPU time of the whole process (all
/// threads). On a shared machine wall-clock time also counts the time other programs held the
/// cores; CPU time does not (spin-waiting still counts), so benchmarks report both.
class ProcessClock
{
public:
    /// Seconds on a steady clock (differences only mean something).
    static double wallSeconds();
    /// CPU seconds of this process, every thread summed.
    static double cpuSeconds();
};

}  // namespace mscope
