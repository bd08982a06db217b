// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProcessClock.h"

#include <time.h>
#include <chrono>

namespace mscope {

double ProcessClock::wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double ProcessClock::cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

}  // namespace mscope
