// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

/// A soak test of the workbench: the whole window (offscreen or on a display) driven for minutes
/// by a seeded random script of what a user does (fader drags and releases, switching the
/// evaluation text, calibrations started and stopped part-way), sampling the process's resident
/// memory every few seconds. Fails when the memory grows past a bound after the warm-up, when Qt
/// prints any warning (qInstallMessageHandler), when a job reports a failure, or when the window
/// stops answering its event loop.
class GuiSoak
{
public:
    struct Options
    {
        double minutes = 10.0;
        int threads = 2;
        qint64 maxTokens = 16384;
        /// Resident memory may grow this much from the first sample after the warm-up.
        double growthBoundMib = 64.0;
        double warmupSeconds = 60.0;
        double sampleSeconds = 5.0;
        quint32 seed = 1;
    };
    /// 0 when every check held, 1 otherwise; prints the samples and a summary on stdout.
    static int run(const Options &options);
};

}  // namespace mscope
