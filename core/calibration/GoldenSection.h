// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

namespace mscope {

/// Golden-section search for a minimum of `f` on [a, b] with exactly `evaluations` calls of `f`
/// (none when it is below 1): the first call at the lower golden point, then the upper one, then
/// one per step, the bracket shrinking by 0.618 a step. The caller keeps the best value it saw
/// (its objective records every evaluation), so nothing is returned.
void goldenSection(const std::function<double(double)> &f, double a, double b, int evaluations);

}  // namespace mscope
