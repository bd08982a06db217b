// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/GgufModelLoader.h"

#include "io/GgufFile.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QFileInfo>
#include <QJsonObject>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace mscope {

namespace {

// Bounds far beyond any published Mamba, as ModelConfig's.
constexpr int64_t kMaxDim = 1 << 20;

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

// llama.cpp's architectures that hold Mamba layers beside others, by their GGUF name.
struct HybridArchitecture
{
    const char *name;
    const char *family;
};
constexpr HybridArchitecture kHybrids[] = {
    {"jamba", "Jamba (AI21): attention, Mamba and mixture-of-experts layers"},
    {"falcon-h1", "Falcon-H1 (TII): attention and Mamba-2 heads side by side"},
    {"granitehybrid", "Granite 4.0 hybrid (IBM): Mamba-2, attention and mixture-of-experts"},
    {"nemotron_h", "Nemotron-H (NVIDIA): Mamba-2, attention and MLP layers"},
    {"plamo2", "PLaMo 2: Mamba and attention layers"},
};

// A float x with -exp(x) == a exactly, as ScanParameters computes A, near log(-a); NaN when the
// float grid has none (then the loader keeps A itself).
float exactALog(float a)
{
    const float guess = float(std::log(-double(a)));
    float below = guess, above = guess;
    for (int step = 0; step < 8; ++step) {
        if (-std::exp(below) == a)
            return below;
        if (-std::exp(above) == a)
            return above;
        below = std::nextafter(below, -INFINITY);
        above = std::nextafter(above, INFINITY);
    }
    return NAN;
}

double shortestDecimal(float value)
{
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::strtod(std::string(text, end).c_str(), nullptr);
}

}  // namespace

ModelConfig GgufModelLoader::config(const GgufFile &file)
{
    const QString arch = file.string(QStringLiteral("general.architecture"));
    if (arch != u"mamba" && arch != u"mamba2") {
        for (const HybridArchitecture &h : kHybrids) {
            if (arch == QLatin1String(h.name))
                throw Error(Error::Kind::Model, file.path(),
                            QStringLiteral("GGUF architecture %1 is not supported: %2; MambaScope "
                                           "runs pure Mamba-1, Mamba-2 and Falcon-Mamba models")
                                .arg(quoted(arch), QLatin1String(h.family)));
        }
        throw Error(Error::Kind::Model, file.path(),
                    QStringLiteral("GGUF architecture %1 is not supported (MambaScope reads "
                                   "llama.cpp's mamba and mamba2)")
                        .arg(quoted(arch)));
    }
    const bool mamba2 = arch == u"mamba2";
    const auto size = [&](const QString &suffix) {
        const QString key = arch + u'.' + suffix;
        const int64_t v = file.integer(key);
        if (v <= 0 || v > kMaxDim)
            throw Error(file.path(), QStringLiteral("metadata %1 is %2 (a size from 1 to %3 "
                                                    "expected)")
                                         .arg(quoted(key))
                                         .arg(v)
                                         .arg(kMaxDim));
        return int(v);
    };
    const int dModel = size(QStringLiteral("embedding_length"));
    const int layers = size(QStringLiteral("block_count"));
    const int dInner = size(QStringLiteral("ssm.inner_size"));
    const int dState = size(QStringLiteral("ssm.state_size"));
    const int kernel = size(QStringLiteral("ssm.conv_kernel"));
    const int rankOrHeads = size(QStringLiteral("ssm.time_step_rank"));
    const QString epsKey = arch + QStringLiteral(".attention.layer_norm_rms_epsilon");
    // Stored as float32: read back as the shortest decimal of that float (1e-05, not
    // 9.99999974738e-06), which is what the model's config said.
    const double eps = shortestDecimal(float(file.number(epsKey)));
    if (!(eps > 0 && eps < 1))
        throw Error(file.path(), QStringLiteral("metadata %1 must be a small positive number "
                                                "(got %2)")
                                     .arg(quoted(epsKey))
                                     .arg(eps));
    const GgufTensorInfo &embedding = file.tensor(QStringLiteral("token_embd.weight"));
    if (embedding.ne.size() != 2 || embedding.ne[0] != dModel)
        throw Error(file.path(), QStringLiteral("tensor 'token_embd.weight' does not have "
                                                "embedding_length %1 columns")
                                     .arg(dModel));

    // The HF config this corresponds to, checked by the same rules as a config.json.
    QJsonObject json{{QStringLiteral("hidden_size"), dModel},
                     {QStringLiteral("num_hidden_layers"), layers},
                     {QStringLiteral("vocab_size"), double(embedding.ne[1])},
                     {QStringLiteral("state_size"), dState},
                     {QStringLiteral("conv_kernel"), kernel},
                     {QStringLiteral("layer_norm_epsilon"), eps},
                     {QStringLiteral("use_bias"), false},
                     {QStringLiteral("use_conv_bias"), true},
                     {QStringLiteral("tie_word_embeddings"),
                      !file.containsTensor(QStringLiteral("output.weight"))}};
    for (const auto &[key, hfKey] :
         {std::pair{"tokenizer.ggml.bos_token_id", "bos_token_id"},
          std::pair{"tokenizer.ggml.eos_token_id", "eos_token_id"},
          std::pair{"tokenizer.ggml.padding_token_id", "pad_token_id"}}) {
        if (file.contains(QLatin1String(key)))
            json.insert(QLatin1String(hfKey), double(file.integer(QLatin1String(key))));
    }
    if (mamba2) {
        const int groups = size(QStringLiteral("ssm.group_count"));
        if (dInner % rankOrHeads != 0)
            throw Error(file.path(), QStringLiteral("ssm.inner_size %1 is not a multiple of the "
                                                    "%2 heads (ssm.time_step_rank)")
                                         .arg(dInner)
                                         .arg(rankOrHeads));
        json.insert(QStringLiteral("model_type"), QStringLiteral("mamba2"));
        json.insert(QStringLiteral("expand"),
                    dInner % dModel == 0 ? double(dInner / dModel) : (dInner + 0.5) / dModel);
        json.insert(QStringLiteral("num_heads"), rankOrHeads);
        json.insert(QStringLiteral("head_dim"), dInner / rankOrHeads);
        json.insert(QStringLiteral("n_groups"), groups);
    } else {
        // Falcon-Mamba is llama.cpp's "mamba" with the norms of dt, B and C switched on; it takes
        // their epsilon from the layer norm's.
        const QString rmsKey = arch + QStringLiteral(".ssm.dt_b_c_rms");
        const bool falcon = file.contains(rmsKey) && file.boolean(rmsKey);
        json.insert(QStringLiteral("model_type"),
                    falcon ? QStringLiteral("falcon_mamba") : QStringLiteral("mamba"));
        json.insert(QStringLiteral("intermediate_size"), dInner);
        json.insert(QStringLiteral("time_step_rank"), rankOrHeads);
        if (falcon)
            json.insert(QStringLiteral("mixer_rms_eps"), eps);
    }
    return ModelConfig::fromJson(json, file.path());
}

std::shared_ptr<const MambaModel> GgufModelLoader::load(const QString &path, const JobControl *job)
{
    if (job)
        job->report(0.0, QStringLiteral("Opening %1").arg(path));
    const GgufFile file(path);
    std::shared_ptr<MambaModel> model(new MambaModel);
    model->m_dir = QFileInfo(path).absoluteFilePath();
    model->m_fromGguf = true;
    model->m_config = config(file);
    const ModelConfig &c = model->m_config;
    if (file.contains(QStringLiteral("tokenizer.ggml.tokens")))
        model->m_tokenizerPath = model->m_dir;

    qint64 widened = 0;
    for (const GgufTensorInfo &t : file.tensors())
        widened += t.elementCount() * qint64(sizeof(float));
    MambaModel::refuseIfTooLarge(widened, path);
    model->m_weightMemory =
        WeightMemory(widened / qint64(sizeof(float)), qint64(file.tensors().size()));
    const uint32_t dominant = file.dominantType();
    model->m_storageName = ggmlTypeName(dominant);
    model->m_storageType = dominant == uint32_t(GgufType::F16)    ? StorageType::F16
                           : dominant == uint32_t(GgufType::BF16) ? StorageType::BF16
                                                                  : StorageType::F32;

    qint64 params = 0;
    const auto tensor = [&](const QString &name, std::vector<int64_t> shape) {
        FloatTensor t = file.floatTensor(
            name, shape, model->m_weightMemory.take(file.tensor(name).elementCount()));
        MambaModel::requireFinite(t, path, name);
        params += t.elementCount();
        return t;
    };
    const int64_t D = c.dModel, E = c.dInner, N = c.dState, K = c.convKernel, R = c.dtRank;
    const int64_t V = c.vocabSize;
    const bool mamba2 = c.architecture == Architecture::Mamba2;
    const int64_t H = c.nHeads, C = c.convChannels(), I = mamba2 ? E + C + H : 2 * E;
    model->m_embeddings = tensor(QStringLiteral("token_embd.weight"), {V, D});
    model->m_layers.resize(size_t(c.nLayer));
    for (int l = 0; l < c.nLayer; ++l) {
        if (job)
            job->throwIfCancelled();
        const auto name = [l](const char *suffix) {
            return QStringLiteral("blk.%1.%2").arg(l).arg(QLatin1String(suffix));
        };
        MambaLayerWeights &w = model->m_layers[size_t(l)];
        w.norm = tensor(name("attn_norm.weight"), {D});
        w.inProj = tensor(name("ssm_in.weight"), {I, D});
        w.convWeight = tensor(name("ssm_conv1d.weight"), {mamba2 ? C : E, 1, K});
        w.convBias = tensor(name("ssm_conv1d.bias"), {mamba2 ? C : E});
        w.d = tensor(name("ssm_d"), {mamba2 ? H : E});
        w.outProj = tensor(name("ssm_out.weight"), {D, E});
        const FloatTensor a = tensor(name("ssm_a"), {mamba2 ? H : E, mamba2 ? 1 : N});
        if (mamba2) {
            w.dtBias = tensor(name("ssm_dt.bias"), {H});
            // Stored per group ({E / G, G} in ggml order): the same values as [E].
            w.gateNorm = tensor(name("ssm_norm.weight"), {c.nGroups, E / c.nGroups});
            w.gateNorm.shape = {E};
        } else {
            w.xProj = tensor(name("ssm_x.weight"), {R + 2 * N, E});
            w.dtProjWeight = tensor(name("ssm_dt.weight"), {E, R});
            w.dtProjBias = tensor(name("ssm_dt.bias"), {E});
        }
        // The model works on A_log (spectra, modulations); the file stores A = -exp(A_log).
        auto aLog = std::make_shared<std::vector<float>>(size_t(a.elementCount()));
        bool exact = true;
        for (size_t i = 0; i < aLog->size(); ++i) {
            if (!(a.data[i] < 0.0f))
                throw Error(path, QStringLiteral("tensor '%1' has %2 at element %3; A must be "
                                                 "negative (A = -exp(A_log))")
                                      .arg(name("ssm_a"))
                                      .arg(double(a.data[i]))
                                      .arg(i));
            const float x = exactALog(a.data[i]);
            exact &= !std::isnan(x);
            (*aLog)[i] = std::isnan(x) ? float(std::log(-double(a.data[i]))) : x;
        }
        w.aLog.shape = mamba2 ? std::vector<int64_t>{H} : std::vector<int64_t>{E, N};
        w.aLog.data = aLog->data();
        w.aLog.owned = std::move(aLog);
        if (!exact)
            w.negA = a;
        if (job)
            job->report(double(l + 1) / (c.nLayer + 1), QStringLiteral("Loading layer %1").arg(l));
    }
    model->m_finalNorm = tensor(QStringLiteral("output_norm.weight"), {D});
    if (file.containsTensor(QStringLiteral("output.weight"))) {
        model->m_lmHead = tensor(QStringLiteral("output.weight"), {V, D});
        model->m_lmHeadTied = false;
    } else {
        model->m_lmHead = model->m_embeddings;
        model->m_lmHeadTied = true;
    }
    model->m_parameterCount = params;
    if (mamba2) {
        // llama.cpp normalises the gated output per group of E / n_groups channels.
        model->m_normGroupSize = int(E / c.nGroups);
        model->m_normBeforeGate = false;
        model->m_gatedNormEps = c.normEps;
    }
    model->computeFingerprint();
    if (job)
        job->report(1.0, QStringLiteral("Model loaded"));
    return model;
}

}  // namespace mscope
