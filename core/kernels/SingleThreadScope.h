// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <omp.h>

namespace mscope {

/// Runs the rest of a scope on the calling thread alone, OpenBLAS included (in its OpenMP build it
/// follows the calling thread's omp_get_max_threads()); restores the setting on the way out.
class SingleThreadScope
{
public:
    SingleThreadScope() : m_saved(omp_get_max_threads()) { omp_set_num_threads(1); }
    ~SingleThreadScope() { omp_set_num_threads(m_saved); }
    SingleThreadScope(const SingleThreadScope &) = delete;
    SingleThreadScope &operator=(const SingleThreadScope &) = delete;

private:
    const int m_saved;
};

}  // namespace mscope
