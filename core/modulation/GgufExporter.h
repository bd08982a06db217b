// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/GgufFile.h"

#include <QString>
#include <vector>

namespace mscope {

class BpeTokenizer;
class JobControl;
class MambaModel;
class ModulationSet;

/// Writes a model as a GGUF file that llama.cpp's "mamba" (Mamba-1, Falcon-Mamba) and "mamba2"
/// architectures load as they are: the tensors, shapes and metadata its converter writes, A stored
/// as llama.cpp wants it (A = -exp(A_log)) with the modulation folded in, and the tokenizer
/// embedded (byte-level BPE: vocabulary, merges, special ids). Everything the exporter cannot
/// express exactly in llama.cpp is refused, naming it.
class GgufExporter
{
public:
    struct Options
    {
        /// Storage of the matrices (embedding, projections, head); norms, biases, the conv and
        /// A stay F32 as llama.cpp requires. Q8_0 falls back to F16 for rows not a multiple of 32.
        GgufType dtype = GgufType::F32;
        int trainingLength = 0;  // noted as mambascope.training_context_length when > 0
        /// Falcon-Mamba: write the model even though llama.cpp will take the epsilon of the dt,
        /// B and C norms from layer_norm_rms_epsilon, not mixer_rms_eps (tiiuae/falcon-mamba-7b:
        /// 1e-5 instead of 1e-6), so that it computes a slightly different model.
        bool acceptLlamaCppEpsilon = false;
    };

    /// A per layer (row-major like A_log) with every step of `modulation` applied: exactly the
    /// values the on-the-fly modulation scans with. Throws Error when a step cannot be folded
    /// into A (Δ scaling multiplies after the softplus) or the preset is not for this model.
    static std::vector<std::vector<float>> foldedA(const MambaModel &model,
                                                   const ModulationSet &modulation);

    /// Throws Error naming what llama.cpp cannot run as this model computes it (biases on the
    /// projections, d_inner other than 2·d_model for Mamba-1, Mamba-2's gated norm over more than
    /// one group, Falcon-Mamba with a mixer epsilon other than the layer norm's, Δ limits, a
    /// tokenizer llama.cpp's "gpt2" cannot express), or on I/O problems; Cancelled when `job` is.
    /// The file appears atomically.
    static void write(const MambaModel &model, const ModulationSet &modulation,
                      const BpeTokenizer &tokenizer, const QString &path, const Options &options,
                      const JobControl *job = nullptr);

    /// "f32", "f16", "bf16", "q8_0" to a type; Error for another name.
    static GgufType dtypeFromName(const QString &name);
};

}  // namespace mscope
