// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/EngineThreads.h"

#include <omp.h>
#include <thread>

extern "C" void openblas_set_num_threads(int);

namespace mscope {

void EngineThreads::set(int n)
{
    if (n <= 0)
        n = int(std::max(1u, std::thread::hardware_concurrency()));
    omp_set_num_threads(n);
    // The OpenMP build of OpenBLAS follows omp_set_num_threads; other builds need telling.
    openblas_set_num_threads(n);
}

int EngineThreads::get()
{
    return omp_get_max_threads();
}

}  // namespace mscope
