// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace mscope {

/// The CLI commands of spectrum scaling: spectrum and state analysis, calibration of modulation
/// factors and their gradients, and baking a modulation into a checkpoint. Each takes the full
/// argument list (args[0] is the command) and returns the exit code.
class ModulationCommands
{
public:
    static int spectrum(const QStringList &args);
    static int trace(const QStringList &args);
    static int calibrate(const QStringList &args);
    static int gradient(const QStringList &args);
    static int bake(const QStringList &args);
};

}  // namespace mscope
