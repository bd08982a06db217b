// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

/// The instruction sets the vector kernels have variants for.
enum class Isa { Scalar, Avx2, Avx512 };

/// The kernels' instruction set, chosen once for the whole process on first use: the CPU's best,
/// or a narrower one forced by MAMBASCOPE_ISA=avx2|scalar (benchmarks, and the tests that run the
/// kernels and the model again on the narrower paths other machines take).
Isa selectedIsa();

/// "avx512", "avx2" or "scalar".
const char *isaName(Isa isa);

}  // namespace mscope
