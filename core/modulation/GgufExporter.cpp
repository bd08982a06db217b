// SPDX-License-Identifier: GPL-3.0-or-later
#include "modulation/GgufExporter.h"

#include "io/GgufWriter.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QFileInfo>
#include <cmath>
#include <memory>

namespace mscope {

namespace {

// llama_ftype of a file whose matrices are stored as `dtype` (general.file_type).
uint32_t fileType(GgufType dtype)
{
    switch (dtype) {
        case GgufType::F32:
            return 0;
        case GgufType::F16:
            return 1;
        case GgufType::Q8_0:
            return 7;
        case GgufType::BF16:
            return 32;
    }
    return 0;
}

// llama_token_type
constexpr int32_t kNormal = 1;
constexpr int32_t kControl = 3;
constexpr int32_t kUserDefined = 4;
constexpr int32_t kUnused = 5;

// What llama.cpp's converter writes as context_length ("arbitrary"): a Mamba has no limit.
constexpr uint32_t kContextLength = 1u << 20;

using Owned = std::shared_ptr<const std::vector<float>>;

Owned own(std::vector<float> values)
{
    return std::make_shared<const std::vector<float>>(std::move(values));
}

}  // namespace

GgufType GgufExporter::dtypeFromName(const QString &name)
{
    const QString n = name.toLower();
    if (n == u"f32")
        return GgufType::F32;
    if (n == u"f16")
        return GgufType::F16;
    if (n == u"bf16")
        return GgufType::BF16;
    if (n == u"q8_0")
        return GgufType::Q8_0;
    throw Error({}, QStringLiteral("unknown GGUF dtype '%1' (f32, f16, bf16 or q8_0)").arg(name));
}

std::vector<std::vector<float>> GgufExporter::foldedA(const MambaModel &model,
                                                      const ModulationSet &modulation)
{
    for (const Modulation &m : modulation.steps) {
        if (!m.isIdentity() && !isBakeable(m.family))
            throw Error({}, QStringLiteral("a %1 modulation cannot be folded into A: it multiplies "
                                           "Δ after the softplus, which no A can express exactly")
                                .arg(modulationFamilyName(m.family)));
    }
    modulation.requireModel(model, {});
    const std::shared_ptr<const ScanParameters> scan = modulation.apply(model);
    std::vector<std::vector<float>> a;
    for (const ScanParameters::Layer &layer : scan->layers) {
        if (!layer.deltaScale.empty())
            throw Error({}, QStringLiteral("the modulation scales Δ, which no A can express"));
        a.emplace_back(layer.negA.begin(), layer.negA.end());
    }
    return a;
}

void GgufExporter::write(const MambaModel &model, const ModulationSet &modulation,
                         const BpeTokenizer &tokenizer, const QString &path, const Options &options,
                         const JobControl *job)
{
    const ModelConfig &c = model.config();
    const bool mamba2 = c.architecture == Architecture::Mamba2;
    const QString source = model.directory();
    const auto refuse = [&](const QString &why) {
        throw Error(Error::Kind::Model, source,
                    QStringLiteral("cannot be written as GGUF for llama.cpp: %1").arg(why));
    };
    // What llama.cpp's graph cannot compute as this model does.
    if (c.useBias)
        refuse(
            QStringLiteral("its in_proj/out_proj have biases (use_bias), which llama.cpp's "
                           "Mamba does not have"));
    if (!c.rmsNorm)
        refuse(QStringLiteral("it uses LayerNorm"));
    if (!mamba2 && c.dInner != 2 * c.dModel)
        refuse(QStringLiteral("llama.cpp's Mamba-1 needs d_inner = 2 * d_model (this model: %1 "
                              "and %2)")
                   .arg(c.dInner)
                   .arg(c.dModel));
    if (c.dtBcRms && c.mixerRmsEps != c.normEps && !options.acceptLlamaCppEpsilon)
        refuse(QStringLiteral("llama.cpp takes the epsilon of Falcon-Mamba's dt, B and C norms "
                              "from layer_norm_rms_epsilon (%1), but this model's mixer_rms_eps "
                              "is %2 (--llama-cpp-epsilon accepts the difference)")
                   .arg(c.normEps)
                   .arg(c.mixerRmsEps));
    if (mamba2 && (model.normGroupSize() != c.dInner / c.nGroups || model.normBeforeGate()))
        refuse(QStringLiteral("llama.cpp normalises Mamba-2's gated output per group of %1 "
                              "channels after the gate, but this model (HF layout, %2 groups) "
                              "normalises over %3 channels")
                   .arg(c.dInner / c.nGroups)
                   .arg(c.nGroups)
                   .arg(model.normGroupSize()));
    if (mamba2 && (c.timeStepMin != 0.0 || std::isfinite(c.timeStepMax)))
        refuse(QStringLiteral("llama.cpp does not clamp Δ (time_step_limit)"));
    const std::vector<std::vector<float>> negA = foldedA(model, modulation);
    const BpeTokenizer::GgufVocabulary vocabulary = tokenizer.ggufVocabulary();
    const int64_t rows = model.embeddings().shape[0];
    if (vocabulary.tokens.size() > rows)
        refuse(QStringLiteral("the tokenizer has %1 ids but the embedding only %2 rows")
                   .arg(vocabulary.tokens.size())
                   .arg(rows));

    const QString arch = mamba2 ? QStringLiteral("mamba2") : QStringLiteral("mamba");
    const QString name =
        model.isGguf() ? QFileInfo(source).completeBaseName() : QFileInfo(source).fileName();
    GgufWriter w;
    // The keys in the order llama.cpp's converter writes them, with its value types.
    w.addString(QStringLiteral("general.architecture"), arch);
    w.addString(QStringLiteral("general.type"), QStringLiteral("model"));
    w.addString(QStringLiteral("general.name"), name);
    w.addUint32(arch + QStringLiteral(".context_length"), kContextLength);
    w.addUint32(arch + QStringLiteral(".embedding_length"), uint32_t(c.dModel));
    w.addUint32(arch + QStringLiteral(".feed_forward_length"), 0);
    w.addUint32(arch + QStringLiteral(".attention.head_count"), 0);
    w.addUint32(arch + QStringLiteral(".block_count"), uint32_t(c.nLayer));
    w.addUint32(arch + QStringLiteral(".ssm.conv_kernel"), uint32_t(c.convKernel));
    w.addUint32(arch + QStringLiteral(".ssm.inner_size"), uint32_t(c.dInner));
    w.addUint32(arch + QStringLiteral(".ssm.state_size"), uint32_t(c.dState));
    w.addUint32(arch + QStringLiteral(".ssm.time_step_rank"),
                uint32_t(mamba2 ? c.nHeads : c.dtRank));
    if (mamba2)
        w.addUint32(arch + QStringLiteral(".ssm.group_count"), uint32_t(c.nGroups));
    w.addFloat32(arch + QStringLiteral(".attention.layer_norm_rms_epsilon"), float(c.normEps));
    if (!mamba2)
        w.addBool(arch + QStringLiteral(".ssm.dt_b_c_rms"), c.dtBcRms);
    w.addUint32(QStringLiteral("general.file_type"), fileType(options.dtype));
    w.addUint32(QStringLiteral("general.quantization_version"), 2);

    QStringList tokens = vocabulary.tokens;
    std::vector<int32_t> types;
    for (int64_t id = 0; id < rows; ++id) {
        using Kind = BpeTokenizer::GgufVocabulary::Kind;
        const Kind kind =
            id < qsizetype(vocabulary.kinds.size()) ? vocabulary.kinds[size_t(id)] : Kind::Unused;
        // Ids without a token (the embedding's padding rows) as llama.cpp's converter names them.
        if (kind == Kind::Unused) {
            if (id < tokens.size())
                tokens[id] = QStringLiteral("[PAD%1]").arg(id);
            else
                tokens << QStringLiteral("[PAD%1]").arg(id);
        }
        types.push_back(kind == Kind::Normal    ? kNormal
                        : kind == Kind::Special ? kControl
                        : kind == Kind::Added   ? kUserDefined
                                                : kUnused);
    }
    w.addString(QStringLiteral("tokenizer.ggml.model"), QStringLiteral("gpt2"));
    w.addString(QStringLiteral("tokenizer.ggml.pre"), vocabulary.preTokenizer);
    w.addStringArray(QStringLiteral("tokenizer.ggml.tokens"), tokens);
    w.addInt32Array(QStringLiteral("tokenizer.ggml.token_type"), types);
    w.addStringArray(QStringLiteral("tokenizer.ggml.merges"), vocabulary.merges);
    w.addUint32(QStringLiteral("tokenizer.ggml.bos_token_id"), uint32_t(c.bosTokenId));
    w.addUint32(QStringLiteral("tokenizer.ggml.eos_token_id"), uint32_t(c.eosTokenId));
    if (c.padTokenId >= 0)
        w.addUint32(QStringLiteral("tokenizer.ggml.padding_token_id"), uint32_t(c.padTokenId));
    // No BOS in front of texts, as the Mamba tokenizers (GPT-NeoX, Falcon) do not add one; said
    // explicitly, so that llama.cpp and `eval --chunked` agree on it.
    w.addBool(QStringLiteral("tokenizer.ggml.add_bos_token"), false);
    w.addBool(QStringLiteral("tokenizer.ggml.add_eos_token"), false);
    if (options.trainingLength > 0)
        w.addUint32(QStringLiteral("mambascope.training_context_length"),
                    uint32_t(options.trainingLength));
    w.addString(QStringLiteral("mambascope.source_fingerprint"), model.fingerprint());
    if (!modulation.isIdentity())
        w.addString(QStringLiteral("mambascope.modulation"), modulation.describe());

    // Tensors, in the converter's order. Matrices in the chosen type, everything else F32.
    const GgufType matrix = options.dtype;
    const auto matrixType = [&](const std::vector<int64_t> &shape) {
        return matrix == GgufType::Q8_0 && shape.back() % 32 != 0 ? GgufType::F16 : matrix;
    };
    const auto addMatrix = [&](const QString &n, const FloatTensor &t) {
        w.addTensor(n, t.shape, t.data, matrixType(t.shape));
    };
    const auto addF32 = [&](const QString &n, const std::vector<int64_t> &shape, const float *v,
                            Owned owned = nullptr) {
        w.addTensor(n, shape, v, GgufType::F32, std::move(owned));
    };
    addMatrix(QStringLiteral("token_embd.weight"), model.embeddings());
    const int64_t D = c.dModel, E = c.dInner, K = c.convKernel, C = c.convChannels();
    for (int l = 0; l < c.nLayer; ++l) {
        const MambaLayerWeights &lw = model.layers()[size_t(l)];
        const auto n = [l](const char *suffix) {
            return QStringLiteral("blk.%1.%2").arg(l).arg(QLatin1String(suffix));
        };
        addF32(n("attn_norm.weight"), {D}, lw.norm.data);
        addMatrix(n("ssm_in.weight"), lw.inProj);
        addF32(n("ssm_conv1d.weight"), {C, K}, lw.convWeight.data);
        // llama.cpp requires the conv bias; without one the model adds zeros.
        if (lw.convBias.data)
            addF32(n("ssm_conv1d.bias"), {C}, lw.convBias.data);
        else {
            Owned zeros = own(std::vector<float>(size_t(C), 0.0f));
            addF32(n("ssm_conv1d.bias"), {C}, zeros->data(), zeros);
        }
        Owned a = own(negA[size_t(l)]);
        if (mamba2) {
            const int64_t H = c.nHeads, G = c.nGroups;
            addF32(n("ssm_dt.bias"), {H}, lw.dtBias.data);
            addF32(n("ssm_a"), {H, 1}, a->data(), a);
            addF32(n("ssm_d"), {H, 1}, lw.d.data);
            addF32(n("ssm_norm.weight"), {G, E / G}, lw.gateNorm.data);
        } else {
            addMatrix(n("ssm_x.weight"), lw.xProj);
            addMatrix(n("ssm_dt.weight"), lw.dtProjWeight);
            addF32(n("ssm_dt.bias"), {E}, lw.dtProjBias.data);
            addF32(n("ssm_a"), {E, c.dState}, a->data(), a);
            addF32(n("ssm_d"), {E}, lw.d.data);
        }
        addMatrix(n("ssm_out.weight"), lw.outProj);
    }
    addF32(QStringLiteral("output_norm.weight"), {D}, model.finalNorm().data);
    if (!model.lmHeadTied())
        addMatrix(QStringLiteral("output.weight"), model.lmHead());
    w.write(path, job);
}

}  // namespace mscope
