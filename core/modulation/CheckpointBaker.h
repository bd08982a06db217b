// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

class JobControl;
class MambaModel;
class ModulationSet;

/// Writes a modulation into a new checkpoint: every safetensors file of the model again, in the
/// same layout and storage types, with each layer's A_log rewritten; config, tokenizer and the
/// other small files copied; MODULATION.md and modulation.json noting what was applied. The
/// result loads as an ordinary model (HuggingFace transformers included).
class CheckpointBaker
{
public:
    /// Throws Error when a step cannot be baked (delta scaling multiplies Δ after the softplus,
    /// which no A_log can express), when `outDir` exists and is not empty, when the weights changed
    /// on disk since `model` was loaded, or on any I/O problem; Cancelled when `job` is cancelled.
    /// Writes into a temporary directory beside `outDir` and renames it at the end, so a failed
    /// or cancelled bake leaves nothing behind.
    static void bake(const MambaModel &model, const ModulationSet &modulation,
                     const QString &outDir, const JobControl *job = nullptr);
};

}  // namespace mscope
