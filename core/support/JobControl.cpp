// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/JobControl.h"

#include "support/Error.h"

namespace mscope {

void JobControl::throwIfCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

}  // namespace mscope
