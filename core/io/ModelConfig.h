// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <limits>

namespace mscope {

enum class Architecture { Mamba1, Mamba2 };

/// The shape and options of a Mamba model, read from a `config.json` in either spelling:
/// HuggingFace (`hidden_size`, `num_hidden_layers`, `state_size`, `intermediate_size`,
/// `conv_kernel`, `time_step_rank`, `use_bias`, `use_conv_bias`, `layer_norm_epsilon`, ...) or the
/// original state-spaces one (`d_model`, `n_layer`, `ssm_cfg: {d_state, d_conv, expand, dt_rank,
/// bias, conv_bias, layer}`, `pad_vocab_size_multiple`). Unknown keys are ignored.
struct ModelConfig
{
    Architecture architecture = Architecture::Mamba1;
    QString modelType;  // as written ("mamba", "mamba2", "falcon_mamba"), or derived for
                        // original-style files

    int dModel = 0;
    int nLayer = 0;
    int dInner = 0;  // expand * d_model unless intermediate_size says otherwise
    int dState = 16;
    int convKernel = 4;
    int dtRank = 0;                // "auto" resolves to ceil(d_model / 16)
    int vocabSize = 0;             // as in the file
    int padVocabSizeMultiple = 1;  // original layout only (default 8); HF files get 1, as
                                   // transformers sizes the embedding by vocab_size alone
    int paddedVocabSize() const;   // vocabSize rounded up to padVocabSizeMultiple
    double normEps = 1e-5;
    bool useBias = false;  // in_proj / out_proj bias
    bool useConvBias = true;
    bool tieEmbeddings = true;
    bool rmsNorm = true;  // false: LayerNorm (original layout's rms_norm; HF Mamba is always RMS)
    /// Falcon-Mamba (model_type "falcon_mamba"): the Mamba-1 block with weightless RMS norms of
    /// Δ's input, B and C right after x_proj, with epsilon mixer_rms_eps.
    bool dtBcRms = false;
    double mixerRmsEps = 1e-6;
    int bosTokenId = 0;
    int eosTokenId = 0;
    int padTokenId = -1;  // -1 when config.json names none
    /// Which spelling the file used: the HF one (model_type present) or the original state-spaces
    /// one. Mamba-2 runs its gated norm as the reference code of each format does (MambaModel).
    bool originalLayout = false;

    // Mamba-2 only
    int nHeads = 0;
    int headDim = 64;
    int nGroups = 1;
    int chunkSize = 256;
    bool normBeforeGate = false;  // as written; transformers ignores it (see MambaModel)
    /// Δ is clamped to [timeStepMin, timeStepMax] after the softplus (HF `time_step_limit`,
    /// mamba_ssm `dt_limit`); the default [0, inf) changes nothing.
    double timeStepMin = 0.0;
    double timeStepMax = std::numeric_limits<double>::infinity();

    /// Channels of the causal conv: d_inner (Mamba-1), or d_inner + 2·n_groups·d_state, the
    /// x | B | C rows (Mamba-2).
    int convChannels() const;

    /// Throws Error naming the file: not readable, invalid JSON, not an object, unknown
    /// architecture/model_type, a hybrid family (Jamba, Zamba, mamba2attn, RecurrentGemma, ...:
    /// named in the message), missing or non-positive sizes, inconsistent sizes.
    static ModelConfig fromJsonFile(const QString &path);
    /// Same rules for an already-parsed object; `path` is only used in messages.
    static ModelConfig fromJson(const QJsonObject &json, const QString &path);
    /// HF-style config describing this model (what `synth` and `bake` write).
    QJsonObject toHfJson() const;
};

}  // namespace mscope
