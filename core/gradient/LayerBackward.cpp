// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/LayerBackward.h"

#include <algorithm>
#include <stdexcept>

namespace mscope {

LayerBackward::~LayerBackward() = default;

void LayerBackward::copyColumns(Eigen::MatrixXf &to, const float *from, int64_t rows, int64_t first,
                                int64_t end)
{
    if (to.rows() != rows || first < 0 || end < first || end > to.cols())
        throw std::logic_error("LayerBackward: activations of a shape the chunk was not sized for");
    std::copy(from + first * rows, from + end * rows, to.data() + first * rows);
}

}  // namespace mscope
