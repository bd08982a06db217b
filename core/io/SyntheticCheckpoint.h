// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/ModelConfig.h"
#include "io/SafetensorsFile.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace mscope {

class JobControl;

/// Random-init checkpoints with exactly the config and tensor shapes of public Mamba models (HF
/// layout), so that speed and memory can be measured at real sizes without downloading weights.
/// The values follow the Mamba initialisation where it matters to the scan (A_log = log(1..N),
/// dt_proj.bias the inverse softplus of a log-uniform Δ in [1e-3, 0.1]); the projections are
/// small random normals that keep activations of unit scale. They predict nothing.
class SyntheticCheckpoint
{
public:
    struct TensorShape
    {
        QString name;
        std::vector<int64_t> shape;
    };

    /// The names configLike() knows: mamba-130m ... mamba-2.8b, mamba2-130m ... mamba2-2.7b,
    /// falcon-mamba-7b.
    static QStringList knownShapes();
    /// The HF config of the public model `name`; Error for an unknown name.
    static ModelConfig configLike(const QString &name);
    /// Every tensor the HF layout has for `config` (Mamba-1 or Mamba-2), in file order.
    static std::vector<TensorShape> tensorShapes(const ModelConfig &config);
    /// Parameters counted from the shapes, a tied LM head once (how MambaModel counts).
    static int64_t parameterCount(const ModelConfig &config);

    /// Writes config.json, the weights (model.safetensors, or 2 GiB shards with an index) and,
    /// when the bundled one is found, the GPT-NeoX tokenizer.json into `dir` (created if needed).
    /// Same seed, same bytes. Throws Error on I/O problems.
    static void write(const ModelConfig &config, const QString &dir, uint64_t seed,
                      StorageType storeAs = StorageType::F32, const QString &likeName = {},
                      const JobControl *job = nullptr);
};

}  // namespace mscope
