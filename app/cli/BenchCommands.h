// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace mscope {

/// The CLI commands that measure the engine: `synth` writes a random-init checkpoint with the
/// shapes of a public model, `bench` measures prefill speed against this machine's sgemm peak,
/// the scan and the LM head alone, the tokenizer, and peak memory while streaming.
class BenchCommands
{
public:
    static int synth(const QStringList &args);
    static int bench(const QStringList &args);
};

}  // namespace mscope
