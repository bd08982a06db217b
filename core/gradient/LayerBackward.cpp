// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/LayerBackward.h"

namespace mscope {

LayerBackward::~LayerBackward() = default;

}  // namespace mscope
