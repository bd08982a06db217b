// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/ModelConfig.h"

#include <QString>
#include <memory>

namespace mscope {

class GgufFile;
class JobControl;
class MambaModel;

/// Opens a GGUF file of llama.cpp's "mamba" (Mamba-1, Falcon-Mamba with ssm.dt_b_c_rms) or
/// "mamba2" architecture as a MambaModel: its tensors by llama.cpp's names and shapes (docs in
/// docs/public-checkpoints.md), A_log recovered from the stored A = -exp(A_log), F32, F16, BF16 and
/// Q8_0 tensors widened to fp32. The model then computes what llama.cpp computes: Falcon-Mamba's
/// norms with the layer-norm epsilon, Mamba-2's gated norm per group.
class GgufModelLoader
{
public:
    /// Throws Error naming the file: not GGUF, another architecture (named), a missing key or
    /// tensor, a shape that does not fit the metadata, a tensor type that cannot be read, not
    /// enough memory.
    static std::shared_ptr<const MambaModel> load(const QString &path,
                                                  const JobControl *job = nullptr);
    /// The model's shape and options from the metadata (the HF config it corresponds to).
    static ModelConfig config(const GgufFile &file);
};

}  // namespace mscope
