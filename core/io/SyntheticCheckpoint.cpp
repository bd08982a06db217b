// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/SyntheticCheckpoint.h"

#include "io/ResourceLocator.h"
#include "io/SaveFile.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <random>

namespace mscope {

namespace {

struct PublicShape
{
    const char *name;
    bool mamba2;
    int dModel;
    int nLayer;
};

// d_model and depth of the public checkpoints (state-spaces/mamba-*-hf, state-spaces/mamba2-*).
constexpr PublicShape kPublicShapes[] = {
    {"mamba-130m", false, 768, 24},  {"mamba-370m", false, 1024, 48},
    {"mamba-790m", false, 1536, 48}, {"mamba-1.4b", false, 2048, 48},
    {"mamba-2.8b", false, 2560, 64}, {"mamba2-130m", true, 768, 24},
    {"mamba2-370m", true, 1024, 48}, {"mamba2-780m", true, 1536, 48},
    {"mamba2-1.3b", true, 2048, 48}, {"mamba2-2.7b", true, 2560, 64},
};

// Above this the weights go to several files with an index, as transformers writes big models;
// it also bounds what SafetensorsWriter holds in memory at once.
constexpr int64_t kShardBytes = int64_t(2) << 30;

uint64_t fnv1a(const QString &s)
{
    uint64_t h = 1469598103934665603ull;
    for (const QChar c : s) {
        h ^= c.unicode();
        h *= 1099511628211ull;
    }
    return h;
}

QString layerKey(int layer, const char *suffix)
{
    return QStringLiteral("backbone.layers.%1.%2").arg(layer).arg(QLatin1String(suffix));
}

int64_t elementCount(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

enum class Init { Ones, Normal, Uniform, ALogRows, ALogHeads, DtBias };

struct InitRule
{
    Init kind = Init::Normal;
    float scale = 0.0f;  // std (Normal) or bound (Uniform)
};

// How a tensor is initialised, from its name alone.
InitRule initRule(const QString &name, const ModelConfig &c)
{
    const bool mamba2 = c.architecture == Architecture::Mamba2;
    const float d = float(c.dModel), e = float(c.dInner);
    if (name.endsWith(QLatin1String("norm.weight")) ||
        name.endsWith(QLatin1String("norm_f.weight")) || name.endsWith(QLatin1String("mixer.D")))
        return {Init::Ones, 0.0f};
    if (name.endsWith(QLatin1String(".bias")) && !name.contains(QLatin1String("conv1d")) &&
        !name.contains(QLatin1String("dt_proj")))
        return {Init::Uniform, 0.0f};  // in_proj / out_proj bias: zeros
    if (name.endsWith(QLatin1String("A_log")))
        return {mamba2 ? Init::ALogHeads : Init::ALogRows, 0.0f};
    if (name.endsWith(QLatin1String("dt_proj.bias")) || name.endsWith(QLatin1String("dt_bias")))
        return {Init::DtBias, 0.0f};
    if (name.endsWith(QLatin1String("dt_proj.weight")))
        return {Init::Uniform, 1.0f / std::sqrt(float(c.dtRank))};
    if (name.contains(QLatin1String("conv1d")))
        return {Init::Uniform, 1.0f / std::sqrt(float(c.convKernel))};  // PyTorch's default bound
    if (name.endsWith(QLatin1String("in_proj.weight")))
        return {Init::Normal, 1.0f / std::sqrt(d)};
    if (name.endsWith(QLatin1String("x_proj.weight")))
        return {Init::Normal, 1.0f / std::sqrt(e)};
    if (name.endsWith(QLatin1String("out_proj.weight")))  // residual branches shrink with depth
        return {Init::Normal, 1.0f / std::sqrt(e * float(c.nLayer))};
    return {Init::Normal, 0.02f};  // embeddings, lm_head
}

// Fills `out` deterministically from (seed, name): blocks of 64 Ki values, each with its own
// generator, filled in parallel.
void fillTensor(const QString &name, const ModelConfig &c, uint64_t seed, std::vector<float> &out)
{
    const InitRule rule = initRule(name, c);
    const int64_t n = int64_t(out.size());
    const uint64_t base = seed * 0x9E3779B97F4A7C15ull ^ fnv1a(name);
    constexpr int64_t kBlock = 1 << 16;
    const int64_t blocks = (n + kBlock - 1) / kBlock;
    const int64_t rowLength = c.dState;
#pragma omp parallel for schedule(dynamic)
    for (int64_t b = 0; b < blocks; ++b) {
        std::seed_seq seq{uint32_t(base), uint32_t(base >> 32), uint32_t(b), uint32_t(b >> 32)};
        std::mt19937 rng(seq);
        std::normal_distribution<float> normal(0.0f, rule.scale > 0.0f ? rule.scale : 1.0f);
        std::uniform_real_distribution<float> uniform(-rule.scale, rule.scale);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const int64_t end = std::min(n, b * kBlock + kBlock);
        for (int64_t i = b * kBlock; i < end; ++i) {
            float &v = out[size_t(i)];
            switch (rule.kind) {
                case Init::Ones:
                    v = 1.0f;
                    break;
                case Init::Normal:
                    v = normal(rng);
                    break;
                case Init::Uniform:
                    v = rule.scale > 0.0f ? uniform(rng) : 0.0f;
                    break;
                case Init::ALogRows:
                    v = std::log(float(i % rowLength + 1));
                    break;
                case Init::ALogHeads:
                    v = float(std::log(1.0 + 15.0 * unit(rng)));
                    break;
                case Init::DtBias: {
                    // Δ log-uniform in [1e-3, 0.1], floored at 1e-4; the bias is softplus⁻¹(Δ).
                    const double dt = std::max(
                        1e-4,
                        std::exp(std::log(1e-3) + unit(rng) * (std::log(0.1) - std::log(1e-3))));
                    v = float(dt + std::log(-std::expm1(-dt)));
                    break;
                }
            }
        }
    }
}

}  // namespace

QStringList SyntheticCheckpoint::knownShapes()
{
    QStringList names;
    for (const PublicShape &s : kPublicShapes)
        names << QLatin1String(s.name);
    names << QStringLiteral("falcon-mamba-7b");
    return names;
}

ModelConfig SyntheticCheckpoint::configLike(const QString &name)
{
    if (name == QLatin1String("falcon-mamba-7b")) {
        // tiiuae/falcon-mamba-7b: the Mamba-1 block with Falcon's norms of dt, B and C, an
        // untied head and the Falcon tokenizer's 65024 ids (epsilons: FalconMambaConfig's).
        ModelConfig c = configLike(QStringLiteral("mamba-130m"));
        c.modelType = QStringLiteral("falcon_mamba");
        c.dtBcRms = true;
        c.mixerRmsEps = 1e-6;
        c.dModel = 4096;
        c.dInner = 8192;
        c.nLayer = 64;
        c.dtRank = 256;
        c.vocabSize = 65024;
        c.padVocabSizeMultiple = 1;
        c.tieEmbeddings = false;
        c.bosTokenId = 0;
        c.eosTokenId = 11;
        return c;
    }
    const auto it =
        std::find_if(std::begin(kPublicShapes), std::end(kPublicShapes),
                     [&](const PublicShape &s) { return name == QLatin1String(s.name); });
    if (it == std::end(kPublicShapes))
        throw Error({}, QStringLiteral("unknown model shape '%1' (known: %2)")
                            .arg(name, knownShapes().join(QStringLiteral(", "))));
    ModelConfig c;
    c.architecture = it->mamba2 ? Architecture::Mamba2 : Architecture::Mamba1;
    c.modelType = it->mamba2 ? QStringLiteral("mamba2") : QStringLiteral("mamba");
    c.dModel = it->dModel;
    c.nLayer = it->nLayer;
    c.dInner = 2 * it->dModel;
    c.convKernel = 4;
    c.normEps = 1e-5;
    c.useBias = false;
    c.useConvBias = true;
    c.tieEmbeddings = true;
    c.bosTokenId = 0;
    c.eosTokenId = 0;
    if (it->mamba2) {
        // state-spaces/mamba2-*: vocab 50277 padded to a multiple of 16.
        c.vocabSize = 50288;
        c.padVocabSizeMultiple = 1;
        c.dState = 128;
        c.headDim = 64;
        c.nHeads = c.dInner / c.headDim;
        c.nGroups = 1;
        c.chunkSize = 256;
        c.dtRank = 0;
    } else {
        // state-spaces/mamba-*-hf: vocab 50277 padded to a multiple of 8.
        c.vocabSize = 50280;
        c.padVocabSizeMultiple = 8;
        c.dState = 16;
        c.dtRank = (c.dModel + 15) / 16;
    }
    return c;
}

std::vector<SyntheticCheckpoint::TensorShape> SyntheticCheckpoint::tensorShapes(
    const ModelConfig &c)
{
    const int64_t D = c.dModel, E = c.dInner, N = c.dState, K = c.convKernel, R = c.dtRank;
    const int64_t V = c.paddedVocabSize();
    std::vector<TensorShape> t;
    t.push_back({QStringLiteral("backbone.embeddings.weight"), {V, D}});
    for (int l = 0; l < c.nLayer; ++l) {
        t.push_back({layerKey(l, "norm.weight"), {D}});
        if (c.architecture == Architecture::Mamba2) {
            const int64_t H = c.nHeads, GN = int64_t(c.nGroups) * N, convDim = E + 2 * GN;
            t.push_back({layerKey(l, "mixer.in_proj.weight"), {2 * E + 2 * GN + H, D}});
            if (c.useBias)
                t.push_back({layerKey(l, "mixer.in_proj.bias"), {2 * E + 2 * GN + H}});
            t.push_back({layerKey(l, "mixer.conv1d.weight"), {convDim, 1, K}});
            if (c.useConvBias)
                t.push_back({layerKey(l, "mixer.conv1d.bias"), {convDim}});
            t.push_back({layerKey(l, "mixer.dt_bias"), {H}});
            t.push_back({layerKey(l, "mixer.A_log"), {H}});
            t.push_back({layerKey(l, "mixer.D"), {H}});
            t.push_back({layerKey(l, "mixer.norm.weight"), {E}});
        } else {
            t.push_back({layerKey(l, "mixer.in_proj.weight"), {2 * E, D}});
            if (c.useBias)
                t.push_back({layerKey(l, "mixer.in_proj.bias"), {2 * E}});
            t.push_back({layerKey(l, "mixer.conv1d.weight"), {E, 1, K}});
            if (c.useConvBias)
                t.push_back({layerKey(l, "mixer.conv1d.bias"), {E}});
            t.push_back({layerKey(l, "mixer.x_proj.weight"), {R + 2 * N, E}});
            t.push_back({layerKey(l, "mixer.dt_proj.weight"), {E, R}});
            t.push_back({layerKey(l, "mixer.dt_proj.bias"), {E}});
            t.push_back({layerKey(l, "mixer.A_log"), {E, N}});
            t.push_back({layerKey(l, "mixer.D"), {E}});
        }
        t.push_back({layerKey(l, "mixer.out_proj.weight"), {D, E}});
        if (c.useBias)
            t.push_back({layerKey(l, "mixer.out_proj.bias"), {D}});
    }
    t.push_back({QStringLiteral("backbone.norm_f.weight"), {D}});
    if (!c.tieEmbeddings)
        t.push_back({QStringLiteral("lm_head.weight"), {V, D}});
    return t;
}

int64_t SyntheticCheckpoint::parameterCount(const ModelConfig &config)
{
    int64_t n = 0;
    for (const TensorShape &t : tensorShapes(config))
        n += elementCount(t.shape);
    return n;
}

void SyntheticCheckpoint::write(const ModelConfig &config, const QString &dir, uint64_t seed,
                                StorageType storeAs, const QString &likeName, const JobControl *job)
{
    if (!QDir().mkpath(dir))
        throw Error(dir, QStringLiteral("cannot create the directory"));
    const QDir out(dir);

    QJsonObject json = config.toHfJson();
    json.insert(QStringLiteral("torch_dtype"),
                storeAs == StorageType::F32   ? QStringLiteral("float32")
                : storeAs == StorageType::F16 ? QStringLiteral("float16")
                                              : QStringLiteral("bfloat16"));
    json.insert(QStringLiteral("initializer_range"), 0.02);
    // Says what this is wherever the folder ends up: random weights, not the public model.
    json.insert(
        QStringLiteral("mambascope_synthetic"),
        QJsonObject{{QStringLiteral("like"), likeName},
                    {QStringLiteral("seed"), QString::number(seed)},
                    {QStringLiteral("note"), QStringLiteral("random init; predicts nothing")}});
    writeFileAtomically(out.filePath(QStringLiteral("config.json")), QJsonDocument(json).toJson());

    // Plan the shards first: their names carry the count.
    const std::vector<TensorShape> tensors = tensorShapes(config);
    std::vector<int> shardOf(tensors.size());
    int shards = 1;
    int64_t inShard = 0, total = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const int64_t bytes = elementCount(tensors[i].shape) * storageTypeSize(storeAs);
        if (inShard > 0 && inShard + bytes > kShardBytes) {
            ++shards;
            inShard = 0;
        }
        inShard += bytes;
        total += bytes;
        shardOf[i] = shards - 1;
    }
    auto shardName = [&](int s) {
        return shards == 1 ? QStringLiteral("model.safetensors")
                           : QStringLiteral("model-%1-of-%2.safetensors")
                                 .arg(s + 1, 5, 10, QLatin1Char('0'))
                                 .arg(shards, 5, 10, QLatin1Char('0'));
    };

    QJsonObject weightMap;
    std::vector<float> values;
    size_t next = 0;
    for (int s = 0; s < shards; ++s) {
        SafetensorsWriter writer;
        writer.setMetadata(QJsonObject{{QStringLiteral("format"), QStringLiteral("pt")}});
        for (; next < tensors.size() && shardOf[next] == s; ++next) {
            if (job) {
                job->throwIfCancelled();
                job->report(double(next) / double(tensors.size()), tensors[next].name);
            }
            values.resize(size_t(elementCount(tensors[next].shape)));
            fillTensor(tensors[next].name, config, seed, values);
            writer.add(tensors[next].name, tensors[next].shape, values.data(), storeAs);
            weightMap.insert(tensors[next].name, shardName(s));
        }
        writer.write(out.filePath(shardName(s)));
    }
    if (shards > 1) {
        const QJsonObject index{{QStringLiteral("metadata"),
                                 QJsonObject{{QStringLiteral("total_size"), double(total)}}},
                                {QStringLiteral("weight_map"), weightMap}};
        writeFileAtomically(out.filePath(QStringLiteral("model.safetensors.index.json")),
                            QJsonDocument(index).toJson());
    }

    // A vocabulary larger than GPT-NeoX's padded one is another tokenizer's (Falcon's 65024
    // ids): no tokenizer.json then.
    const QString tokenizer = ResourceLocator::neoxTokenizer();
    const QString tokenizerOut = out.filePath(QStringLiteral("tokenizer.json"));
    if (config.paddedVocabSize() <= 50304 && !tokenizer.isEmpty() && QFile::exists(tokenizer)) {
        QFile::remove(tokenizerOut);
        if (!QFile::copy(tokenizer, tokenizerOut))
            throw Error(tokenizerOut,
                        QStringLiteral("cannot copy the tokenizer from %1").arg(tokenizer));
    }
    if (job)
        job->report(1.0, QStringLiteral("Written"));
}

}  // namespace mscope
