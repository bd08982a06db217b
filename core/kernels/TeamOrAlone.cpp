// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/TeamOrAlone.h"

#include <algorithm>

namespace mscope {

bool TeamOrAlone::nextAlone()
{
    const double team = m_pace[0], alone = m_pace[1];
    const bool measured = team > 0.0 && alone > 0.0;
    const bool aloneFaster = measured && alone < team;
    // The period is chosen as it begins, so that a probe, once begun, runs to its end.
    if (m_runInPeriod == m_period) {
        m_runInPeriod = 0;
        m_period = measured && team < kClearMargin * alone ? kQuietPeriod : kPeriod;
    }
    const bool probe = m_runInPeriod++ >= m_period - kProbeRuns;
    return aloneFaster != probe;
}

void TeamOrAlone::record(bool alone, double seconds)
{
    const bool changed = alone != m_lastAlone;
    m_lastAlone = alone;
    if (changed)
        return;
    double &pace = m_pace[alone ? 1 : 0];
    if (pace == 0.0)
        pace = seconds;
    else if (seconds < pace)
        pace += kFall * (seconds - pace);
    else
        pace += kRise * (std::min(seconds, kSpike * pace) - pace);
}

}  // namespace mscope
