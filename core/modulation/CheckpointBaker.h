// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/SafetensorsFile.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace mscope {

struct DecayParameters;
class JobControl;
class MambaModel;
class ModulationSet;
class OutputFolder;

/// Writes a modulation into a new checkpoint: every safetensors file of the model again, in the
/// same layout (shards keep their paths relative to the model folder) and storage types, with
/// each layer's A_log rewritten; the files a model needs besides its weights copied (config,
/// tokenizer files, generation config, model card: regular files only); MODULATION.md and
/// modulation.json noting what was applied. The result loads as an ordinary model (HuggingFace
/// transformers included).
class CheckpointBaker
{
public:
    struct Report
    {
        /// Files of the model folder that were left out, with why ("PATH: a symbolic link, not
        /// copied"), for the program to show.
        QStringList skipped;
    };

    /// Throws Error when a step cannot be baked (delta scaling multiplies Δ after the softplus,
    /// which no A_log can express; kind Input), when `outDir` is not a usable output folder
    /// (OutputFolder: a non-empty one only with `replace`), when the weights changed on disk since
    /// `model` was loaded, when the result does not load or does not hold the intended A_log, or on
    /// any I/O problem; Cancelled when `job` is cancelled. Writes into a staging folder beside
    /// `outDir`, re-opens it with MambaModel::load and checks every A_log against the intended
    /// values, and only then moves it into place, so a failed or cancelled bake leaves nothing
    /// behind. O(n log n) in the number of tensors.
    static Report bake(const MambaModel &model, const ModulationSet &modulation,
                       const QString &outDir, const JobControl *job = nullptr,
                       bool replace = false);

private:
    static void verify(const OutputFolder &folder, const QString &outDir,
                       const DecayParameters &decay, const std::vector<StorageType> &types);
};

}  // namespace mscope
