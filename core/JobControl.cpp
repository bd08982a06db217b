// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobControl.h"

#include "FileError.h"

namespace mscope {

void JobControl::throwIfCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

}  // namespace mscope
