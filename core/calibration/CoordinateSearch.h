// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

class CalibrationObjective;

/// Per-layer golden-section search over the coordinate range, layer after layer, starting from
/// the start preset's coordinates (the model as loaded, u = 1, when none is given). The budget is
/// spread evenly over the layers; with room for more than about 8 evaluations per layer it makes
/// several sweeps. A layer keeps its new value only when it lowers the objective.
class CoordinateSearch
{
public:
    static void run(CalibrationObjective &objective);
};

}  // namespace mscope
