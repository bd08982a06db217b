// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

/// The number of threads the engine's OpenMP loops and OpenBLAS products use.
class EngineThreads
{
public:
    /// n <= 0 means every core.
    static void set(int n);
    static int get();
};

}  // namespace mscope
