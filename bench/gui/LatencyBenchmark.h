// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

/// `mambascope-gui-latency`: measures what a user feels after releasing a slider, headless, through
/// the same session, live evaluation and redraw coalescing as the window: the time to the first
/// redrawn points and to the complete curve, for a change in every layer, in the middle layer and
/// in the last layer only. Prints a table and writes JSON when asked.
class LatencyBenchmark
{
public:
    struct Options
    {
        QString modelDir;  // empty: the demo model
        QString textPath;  // empty: the default evaluation text
        int threads = 2;
        int repeats = 5;
        qint64 maxTokens = 16384;
        QString jsonPath;  // empty: no JSON
    };
    /// Returns the process exit code.
    static int run(const Options &options);
};

}  // namespace mscope
