// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <functional>
#include <vector>

namespace mscope::bench {

/// Runs the event loop until `done` holds or `timeoutMs` passes; false on the timeout. The loop
/// sleeps between events (processEvents with a time limit would poll instead, and on two cores the
/// polling takes CPU from the engine threads being measured); a timer wakes it every `wakeUpMs` to
/// check `done` and the timeout.
bool waitFor(const std::function<bool()> &done, int timeoutMs, int wakeUpMs);

/// The 1, 5 and 15 minute load averages ("?" where /proc/loadavg cannot be read): printed beside
/// every measurement, as the load changes what it means.
QString loadAverage();

/// The median (the upper one of an even count); 0 for none.
double median(std::vector<double> values);

}  // namespace mscope::bench
