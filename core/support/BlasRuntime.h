// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

/// Keeps OpenBLAS on fast kernels. OpenBLAS 0.3.21 (Debian bookworm) does not know CPUs newer
/// than it (e.g. Intel Sapphire/Emerald Rapids) and falls back to its SSE3 "Prescott" kernels,
/// 5-10x slower than what the CPU can run. It reads OPENBLAS_CORETYPE only when the library is
/// loaded, so the only fix from inside the program is to set it and re-execute once.
class BlasRuntime
{
public:
    /// Call first thing in main(). Returns only when no restart is needed (or it failed).
    static void ensureTunedKernels(char **argv);
    /// The kernel family OpenBLAS chose, e.g. "Haswell", "SkylakeX", "Prescott".
    static QString coreName();
};

}  // namespace mscope
