// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace mscope {

class CalibrationObjective;

/// Simultaneous-perturbation stochastic approximation with the paper's schedule (method.md §5):
/// init u ~ U(0.75, 1) (or the start preset's
/// coordinates when one is given); c_k = 0.1/(1+k)^0.1, a_k = 0.001·cos(kπ/198); two evaluations
/// per step for the gradient estimate, plus one of the new iterate while the budget lasts. The best
/// point of everything evaluated is kept by the objective.
class SpsaSearch
{
public:
    static void run(CalibrationObjective &objective, int iterations, uint64_t seed);
};

}  // namespace mscope
