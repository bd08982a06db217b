// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/Checkpoint.h"
#include "io/ModelConfig.h"
#include "model/WeightMemory.h"

#include <QString>
#include <array>
#include <memory>
#include <mutex>
#include <vector>

namespace mscope {

class JobControl;
class StepWeights;

/// The weights of one Mamba block, widened to fp32 (row-major, PyTorch [out, in] layout). Shapes
/// for Mamba-1, then Mamba-2 (H heads, G groups, C = E + 2·G·N conv channels, I = E + C + H).
/// Optional tensors (biases, the other architecture's) have data == nullptr when absent.
struct MambaLayerWeights
{
    FloatTensor norm;          // [D]
    FloatTensor inProj;        // [2E, D]; Mamba-2 [I, D]: z | x B C | dt
    FloatTensor inProjBias;    // [2E] or [I] when use_bias
    FloatTensor convWeight;    // [E, 1, K]; Mamba-2 [C, 1, K]
    FloatTensor convBias;      // [E] or [C] when use_conv_bias
    FloatTensor xProj;         // [R + 2N, E]; Mamba-1 only
    FloatTensor dtProjWeight;  // [E, R]; Mamba-1 only
    FloatTensor dtProjBias;    // [E]; Mamba-1 only
    FloatTensor dtBias;        // Mamba-2 only: [H]
    FloatTensor aLog;          // [E, N]; Mamba-2 [H]
    FloatTensor d;             // [E]; Mamba-2 [H]
    FloatTensor gateNorm;      // Mamba-2 only: [E], the gated RMSNorm's weight (mixer.norm.weight)
    FloatTensor outProj;       // [D, E]
    FloatTensor outProjBias;   // [D] when use_bias
    /// A as a GGUF file stores it (ssm_a), kept only when no float A_log gives it back exactly
    /// as -exp(A_log): the scan then uses it as it is (ScanParameters::fromModel).
    FloatTensor negA;

    /// Every tensor above, in that order (absent ones with data == nullptr): for code that must
    /// visit them all, so that a tensor added here is not forgotten there.
    std::array<const FloatTensor *, 15> tensors() const
    {
        return {&norm,  &inProj,       &inProjBias, &convWeight,  &convBias,
                &xProj, &dtProjWeight, &dtProjBias, &dtBias,      &aLog,
                &d,     &gateNorm,     &outProj,    &outProjBias, &negA};
    }
};

/// A loaded Mamba language model: config, tokenizer path and weights. Immutable once loaded, so
/// one instance is shared by every job (evaluation, analysis, the GUI) through shared_ptr.
class MambaModel
{
public:
    /// Loads `dir` (config.json + safetensors), or a GGUF file (llama.cpp's "mamba" and "mamba2"
    /// architectures; GgufModelLoader). Throws Error naming the file and the problem: unknown
    /// architecture, missing tensor, shape not matching config.json, non-finite A_log or dt_proj
    /// values, not enough memory for the widened weights. Reports progress on `job`.
    static std::shared_ptr<const MambaModel> load(const QString &dir,
                                                  const JobControl *job = nullptr);
    ~MambaModel();

    const ModelConfig &config() const { return m_config; }
    /// The model folder, or the GGUF file the model was loaded from.
    QString directory() const { return m_dir; }
    /// Whether the model came from a GGUF file (then directory() is that file).
    bool isGguf() const { return m_fromGguf; }
    /// `tokenizer.json` beside the weights, the GGUF file (which holds its vocabulary), or empty
    /// when there is none.
    QString tokenizerPath() const { return m_tokenizerPath; }
    const std::vector<MambaLayerWeights> &layers() const { return m_layers; }
    const FloatTensor &embeddings() const { return m_embeddings; }  // [V, D]
    const FloatTensor &finalNorm() const { return m_finalNorm; }    // [D]
    const FloatTensor &lmHead() const { return m_lmHead; }  // [V, D], the embeddings when tied
    bool lmHeadTied() const { return m_lmHeadTied; }
    int logitCount() const { return int(m_lmHead.shape[0]); }  // rows of the LM head (padded vocab)
    qint64 parameterCount() const { return m_parameterCount; }

    /// The shape of A_log, which spectra and modulations work on: [decayChannels, decayStateSize]
    /// = [E, N] in Mamba-1, [H, 1] in Mamba-2 (one decay rate per head).
    int decayChannels() const;
    int decayStateSize() const;

    /// Mamba-2's gated RMSNorm as the reference code of the checkpoint's format runs it:
    /// transformers (HF layout) normalises over the full inner width, with layer_norm_epsilon,
    /// after the gate; mamba_ssm (original layout) per group of E / n_groups channels, with eps
    /// 1e-5, before the gate when ssm_cfg.norm_before_gate says so. Equal when n_groups is 1.
    int normGroupSize() const { return m_normGroupSize; }
    bool normBeforeGate() const { return m_normBeforeGate; }
    double gatedNormEps() const { return m_gatedNormEps; }
    /// How most weights are stored (a GGUF's Q8_0 counts as F32: it is widened to it).
    StorageType storageType() const { return m_storageType; }
    /// The same as a name, GGUF types included ("F32", "BF16", "Q8_0").
    QString storageName() const { return m_storageName; }
    /// Stable identity of the weights (hash of config shape and every A_log / dt value), used to
    /// refuse a modulation preset made for another model.
    QString fingerprint() const { return m_fingerprint; }

    /// The projections as the one-token step reads them (StepWeights: packed when small enough),
    /// made on the first call (thread-safe) and kept with the model.
    const StepWeights &stepWeights() const;

private:
    friend class GgufModelLoader;
    MambaModel();
    /// Refuses, before anything is widened, a model whose fp32 weights would not fit in memory.
    static void refuseIfTooLarge(qint64 widenedBytes, const QString &path);
    /// Throws Error(file, ...) naming the tensor and the element when a value is NaN or infinite.
    static void requireFinite(const FloatTensor &t, const QString &file, const QString &name);
    /// The fingerprint, from the loaded shapes and decay parameters.
    void computeFingerprint();

    QString m_dir;
    QString m_tokenizerPath;
    ModelConfig m_config;
    // Every weight, copied out of the file while loading (the file is closed after).
    WeightMemory m_weightMemory;
    bool m_fromGguf = false;
    StorageType m_storageType = StorageType::F32;
    QString m_storageName;
    std::vector<MambaLayerWeights> m_layers;
    FloatTensor m_embeddings;
    FloatTensor m_finalNorm;
    FloatTensor m_lmHead;
    bool m_lmHeadTied = true;
    qint64 m_parameterCount = 0;
    QString m_fingerprint;
    int m_normGroupSize = 0;
    bool m_normBeforeGate = false;
    double m_gatedNormEps = 1e-5;
    mutable std::once_flag m_stepWeightsMade;
    mutable std::unique_ptr<const StepWeights> m_stepWeights;
};

}  // namespace mscope
