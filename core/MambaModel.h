// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Checkpoint.h"
#include "ModelConfig.h"

#include <QString>
#include <memory>
#include <vector>

namespace mscope {

class JobControl;

/// The weights of one Mamba-1 block, widened to fp32 (row-major, PyTorch [out, in] layout).
/// Optional tensors (biases) have data == nullptr when the checkpoint has none.
struct MambaLayerWeights
{
    FloatTensor norm;          // [D]
    FloatTensor inProj;        // [2E, D]
    FloatTensor inProjBias;    // [2E] when use_bias
    FloatTensor convWeight;    // [E, 1, K]
    FloatTensor convBias;      // [E] when use_conv_bias
    FloatTensor xProj;         // [R + 2N, E]
    FloatTensor dtProjWeight;  // [E, R]
    FloatTensor dtProjBias;    // [E]
    FloatTensor aLog;          // [E, N]
    FloatTensor d;             // [E]
    FloatTensor outProj;       // [D, E]
    FloatTensor outProjBias;   // [D] when use_bias
};

/// A loaded Mamba language model: config, tokenizer path and weights. Immutable once loaded, so
/// one instance is shared by every job (evaluation, analysis, the GUI) through shared_ptr.
class MambaModel
{
public:
    /// Loads `dir` (config.json + safetensors). Throws FileError naming the file and the problem:
    /// unknown architecture, missing tensor, shape not matching config.json, non-finite A_log or
    /// dt_proj values, not enough memory for the widened weights. Reports progress on `job`.
    static std::shared_ptr<const MambaModel> load(const QString &dir, const JobControl *job = nullptr);

    const ModelConfig &config() const { return m_config; }
    QString directory() const { return m_dir; }
    /// `tokenizer.json` beside the weights, or empty when the directory has none.
    QString tokenizerPath() const { return m_tokenizerPath; }
    const std::vector<MambaLayerWeights> &layers() const { return m_layers; }
    const FloatTensor &embeddings() const { return m_embeddings; }  // [V, D]
    const FloatTensor &finalNorm() const { return m_finalNorm; }    // [D]
    const FloatTensor &lmHead() const { return m_lmHead; }          // [V, D], the embeddings when tied
    bool lmHeadTied() const { return m_lmHeadTied; }
    int logitCount() const { return int(m_lmHead.shape[0]); }       // rows of the LM head (padded vocab)
    qint64 parameterCount() const { return m_parameterCount; }
    StorageType storageType() const { return m_checkpoint->dominantStorageType(); }
    /// Stable identity of the weights (hash of config shape and every A_log / dt value), used to
    /// refuse a modulation preset made for another model.
    QString fingerprint() const { return m_fingerprint; }

private:
    MambaModel() = default;
    QString m_dir;
    QString m_tokenizerPath;
    ModelConfig m_config;
    std::unique_ptr<Checkpoint> m_checkpoint;
    std::vector<MambaLayerWeights> m_layers;
    FloatTensor m_embeddings;
    FloatTensor m_finalNorm;
    FloatTensor m_lmHead;
    bool m_lmHeadTied = true;
    qint64 m_parameterCount = 0;
    QString m_fingerprint;
};

}  // namespace mscope
