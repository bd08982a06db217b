// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace mscope {

/// The CLI commands that inspect and evaluate a model as loaded: info, tokenize, score, eval,
/// demo. Each takes the full argument list (args[0] is the command) and returns the exit code.
class ModelCommands
{
public:
    static int info(const QStringList &args);
    static int tokenize(const QStringList &args);
    static int score(const QStringList &args);
    static int eval(const QStringList &args);
    static int demo(const QStringList &args);
};

}  // namespace mscope
