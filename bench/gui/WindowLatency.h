// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

/// `mambascope-gui-latency --window`: the same fader change as LatencyBenchmark, but through the
/// whole window (MainWindow: the master fader's slider released, the editor, the session, the
/// chart redrawn), timed until the perplexity chart shows the complete new curve and no longer
/// says "updating". What a user sees, including the window's own redraws.
class WindowLatency
{
public:
    struct Options
    {
        int threads = 2;
        int repeats = 5;
        qint64 maxTokens = 16384;
    };
    static int run(const Options &options);
};

}  // namespace mscope
