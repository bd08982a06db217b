// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/BlasRuntime.h"

#include <unistd.h>
#include <cstdlib>
#include <cstring>

extern "C" char *openblas_get_corename(void);

namespace mscope {

QString BlasRuntime::coreName()
{
    return QString::fromLatin1(openblas_get_corename());
}

void BlasRuntime::ensureTunedKernels(char **argv)
{
    if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("MAMBASCOPE_BLAS_RESTARTED"))
        return;
    const char *core = openblas_get_corename();
    if (!core || strcasecmp(core, "prescott") != 0)
        return;  // OpenBLAS recognised this CPU
    __builtin_cpu_init();
    const char *better = nullptr;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        better = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        better = "Haswell";
    if (!better)
        return;
    setenv("OPENBLAS_CORETYPE", better, 1);
    setenv("MAMBASCOPE_BLAS_RESTARTED", "1", 1);
    execv("/proc/self/exe", argv);
    // execv only returns on failure: carry on with the slow kernels.
}

}  // namespace mscope
