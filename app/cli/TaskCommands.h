// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace mscope {

/// The CLI commands past perplexity (docs/tasks.md): generate (a prompt's continuation by
/// recurrent decoding) and passkey (retrieval accuracy and key NLL over a length × depth grid).
/// Each takes the full argument list (args[0] is the command) and returns the exit code.
class TaskCommands
{
public:
    static int generate(const QStringList &args);
    static int passkey(const QStringList &args);
};

}  // namespace mscope
