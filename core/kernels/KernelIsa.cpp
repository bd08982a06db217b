// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/KernelIsa.h"

#include <cstdlib>
#include <string_view>

namespace mscope {

namespace {

Isa detectIsa()
{
    const char *forced = std::getenv("MAMBASCOPE_ISA");
    const bool avx512 = __builtin_cpu_supports("avx512f");
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (forced && std::string_view(forced) == "scalar")
        return Isa::Scalar;
    if (forced && std::string_view(forced) == "avx2")
        return avx2 ? Isa::Avx2 : Isa::Scalar;
    return avx512 ? Isa::Avx512 : avx2 ? Isa::Avx2 : Isa::Scalar;
}

}  // namespace

Isa selectedIsa()
{
    static const Isa chosen = detectIsa();
    return chosen;
}

const char *isaName(Isa isa)
{
    switch (isa) {
        case Isa::Avx512:
            return "avx512";
        case Isa::Avx2:
            return "avx2";
        case Isa::Scalar:
            break;
    }
    return "scalar";
}

}  // namespace mscope
