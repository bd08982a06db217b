// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/MambaModel.h"

#include "io/GgufFile.h"
#include "model/GgufModelLoader.h"
#include "model/StepWeights.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "support/SystemMemory.h"

#include <unistd.h>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>

namespace mscope {

namespace {

QString layerKey(int layer, const char *suffix)
{
    return QStringLiteral("backbone.layers.%1.%2").arg(layer).arg(QLatin1String(suffix));
}

}  // namespace

void MambaModel::requireFinite(const FloatTensor &t, const QString &file, const QString &name)
{
    // A block at a time without branches (vectorized, at memory speed: every weight is checked);
    // only a block holding a NaN or an infinity is searched for it.
    constexpr int64_t kBlock = 4096;
    const int64_t n = t.elementCount();
    for (int64_t begin = 0; begin < n; begin += kBlock) {
        const int64_t end = std::min(n, begin + kBlock);
        bool bad = false;
        for (int64_t i = begin; i < end; ++i)
            bad |= (std::bit_cast<uint32_t>(t.data[i]) & 0x7f800000u) == 0x7f800000u;
        if (!bad)
            continue;
        for (int64_t i = begin; i < end; ++i) {
            if (!std::isfinite(t.data[i]))
                throw Error(file,
                            QStringLiteral("tensor '%1' has a non-finite value (%2) at element %3")
                                .arg(name)
                                .arg(double(t.data[i]))
                                .arg(i));
        }
    }
}

MambaModel::MambaModel() = default;

MambaModel::~MambaModel() = default;

const StepWeights &MambaModel::stepWeights() const
{
    std::call_once(m_stepWeightsMade, [this] {
        m_stepWeights =
            std::make_unique<const StepWeights>(*this, StepWeights::worthPacking(*this));
    });
    return *m_stepWeights;
}

void MambaModel::refuseIfTooLarge(qint64 widenedBytes, const QString &path)
{
    // Every tensor is copied (F32) or widened (F16/BF16/Q8_0) into memory of our own (too much
    // would get us OOM-killed; a sparse file can declare terabytes).
    const qint64 available = SystemMemory::availableBytes();
    if (available > 0 && widenedBytes > available)
        throw Error(Error::Kind::Resource, path,
                    QStringLiteral("the model needs %1 MiB as fp32 but only %2 MiB of memory "
                                   "is available (MambaScope computes in fp32 and keeps every "
                                   "weight in memory)")
                        .arg(widenedBytes >> 20)
                        .arg(available >> 20));
}

std::shared_ptr<const MambaModel> MambaModel::load(const QString &dir, const JobControl *job)
{
    const QFileInfo dirInfo(dir);
    if (!dirInfo.exists())
        throw Error(dir, QStringLiteral("no such model directory"));
    if (dirInfo.isFile() && GgufFile::hasMagic(dir))
        return GgufModelLoader::load(dir, job);
    if (!dirInfo.isDir())
        throw Error(dir, QStringLiteral("not a directory (a model is a folder with config.json "
                                        "and model.safetensors, or a GGUF file)"));
    // A folder we may not list or enter hides its config.json: say that, not "no config.json".
    if (::access(QFile::encodeName(dir).constData(), R_OK | X_OK) != 0)
        throw Error(
            dir,
            QStringLiteral("cannot read the model directory (%1)").arg(qt_error_string(errno)));
    const QDir modelDir(dir);
    const QString configPath = modelDir.filePath(QStringLiteral("config.json"));
    if (!QFileInfo::exists(configPath))
        throw Error(dir, QStringLiteral("no config.json in the model directory"));

    std::shared_ptr<MambaModel> model(new MambaModel);
    model->m_dir = dirInfo.absoluteFilePath();
    model->m_config = ModelConfig::fromJsonFile(configPath);
    const ModelConfig &c = model->m_config;
    if (!c.rmsNorm)
        throw Error(configPath, QStringLiteral("rms_norm is false: models with LayerNorm are not "
                                               "supported (every public Mamba uses RMSNorm)"));
    const QString tok = modelDir.filePath(QStringLiteral("tokenizer.json"));
    if (QFileInfo::exists(tok))
        model->m_tokenizerPath = tok;

    if (job)
        job->report(0.0, QStringLiteral("Opening %1").arg(dir));
    const Checkpoint ckpt(dir);

    // Refuse up front what would not fit as fp32.
    qint64 widened = 0;
    const QStringList names = ckpt.tensorNames();
    for (const QString &name : names)
        widened += ckpt.tensor(name).elementCount() * qint64(sizeof(float));
    refuseIfTooLarge(widened, dir);
    model->m_weightMemory = WeightMemory(widened / qint64(sizeof(float)), names.size());
    const auto copied = [&](const QString &key, const std::vector<int64_t> &shape) {
        return ckpt.floatTensor(key, shape,
                                model->m_weightMemory.take(ckpt.tensor(key).elementCount()));
    };
    model->m_storageType = ckpt.dominantStorageType();
    model->m_storageName = storageTypeName(model->m_storageType);

    const int64_t D = c.dModel, E = c.dInner, N = c.dState, K = c.convKernel, R = c.dtRank;
    const QString embKey = ckpt.contains(QStringLiteral("backbone.embeddings.weight"))
                               ? QStringLiteral("backbone.embeddings.weight")
                               : QStringLiteral("backbone.embedding.weight");
    model->m_embeddings = copied(embKey, {});
    const auto &embShape = model->m_embeddings.shape;
    if (embShape.size() != 2 || embShape[1] != D ||
        (embShape[0] != c.vocabSize && embShape[0] != c.paddedVocabSize()))
        throw Error(ckpt.fileOf(embKey),
                    QStringLiteral("tensor '%1' has shape [%2], expected [%3, %4] from config.json")
                        .arg(embKey,
                             [&] {
                                 QStringList s;
                                 for (auto v : embShape)
                                     s << QString::number(v);
                                 return s.join(QStringLiteral(", "));
                             }())
                        .arg(c.paddedVocabSize())
                        .arg(D));
    requireFinite(model->m_embeddings, ckpt.fileOf(embKey), embKey);
    const int64_t V = embShape[0];
    qint64 params = V * D;

    auto tensor = [&](const QString &key, std::vector<int64_t> shape) {
        FloatTensor t = copied(key, shape);
        requireFinite(t, ckpt.fileOf(key), key);
        params += t.elementCount();
        return t;
    };
    auto optional = [&](const QString &key, std::vector<int64_t> shape, bool expected) {
        if (!expected && !ckpt.contains(key))
            return FloatTensor{};
        return tensor(key, std::move(shape));
    };

    const bool mamba2 = c.architecture == Architecture::Mamba2;
    const int64_t H = c.nHeads, C = c.convChannels(), I = mamba2 ? E + C + H : 2 * E;
    model->m_layers.resize(size_t(c.nLayer));
    for (int l = 0; l < c.nLayer; ++l) {
        job ? job->throwIfCancelled() : void();
        MambaLayerWeights &w = model->m_layers[size_t(l)];
        w.norm = tensor(layerKey(l, "norm.weight"), {D});
        if (mamba2) {
            // The same names in both layouts (transformers kept mamba_ssm's).
            w.inProj = tensor(layerKey(l, "mixer.in_proj.weight"), {I, D});
            w.inProjBias = optional(layerKey(l, "mixer.in_proj.bias"), {I}, c.useBias);
            w.convWeight = tensor(layerKey(l, "mixer.conv1d.weight"), {C, 1, K});
            w.convBias = optional(layerKey(l, "mixer.conv1d.bias"), {C}, c.useConvBias);
            w.dtBias = tensor(layerKey(l, "mixer.dt_bias"), {H});
            w.aLog = tensor(layerKey(l, "mixer.A_log"), {H});
            w.d = tensor(layerKey(l, "mixer.D"), {H});
            w.gateNorm = tensor(layerKey(l, "mixer.norm.weight"), {E});
            w.outProj = tensor(layerKey(l, "mixer.out_proj.weight"), {D, E});
            w.outProjBias = optional(layerKey(l, "mixer.out_proj.bias"), {D}, c.useBias);
            if (job)
                job->report(double(l + 1) / (c.nLayer + 1),
                            QStringLiteral("Loading layer %1").arg(l));
            continue;
        }
        w.inProj = tensor(layerKey(l, "mixer.in_proj.weight"), {2 * E, D});
        w.inProjBias = optional(layerKey(l, "mixer.in_proj.bias"), {2 * E}, c.useBias);
        w.convWeight = tensor(layerKey(l, "mixer.conv1d.weight"), {E, 1, K});
        w.convBias = optional(layerKey(l, "mixer.conv1d.bias"), {E}, c.useConvBias);
        w.xProj = tensor(layerKey(l, "mixer.x_proj.weight"), {R + 2 * N, E});
        w.dtProjWeight = tensor(layerKey(l, "mixer.dt_proj.weight"), {E, R});
        w.dtProjBias = tensor(layerKey(l, "mixer.dt_proj.bias"), {E});
        w.aLog = tensor(layerKey(l, "mixer.A_log"), {E, N});
        w.d = tensor(layerKey(l, "mixer.D"), {E});
        w.outProj = tensor(layerKey(l, "mixer.out_proj.weight"), {D, E});
        w.outProjBias = optional(layerKey(l, "mixer.out_proj.bias"), {D}, c.useBias);
        if (job)
            job->report(double(l + 1) / (c.nLayer + 1), QStringLiteral("Loading layer %1").arg(l));
    }
    model->m_finalNorm = tensor(QStringLiteral("backbone.norm_f.weight"), {D});
    const QString headKey = QStringLiteral("lm_head.weight");
    if (!c.tieEmbeddings && ckpt.contains(headKey)) {
        model->m_lmHead = tensor(headKey, {V, D});
        model->m_lmHeadTied = false;
    } else {
        // Tied (or an original-format file that stores the same matrix again: use the embedding).
        model->m_lmHead = model->m_embeddings;
        model->m_lmHeadTied = true;
        if (!c.tieEmbeddings)
            throw Error(dir, QStringLiteral("missing tensor 'lm_head.weight' (config.json says "
                                            "the embeddings are not tied)"));
    }
    model->m_parameterCount = params;
    if (mamba2) {
        model->m_normGroupSize = c.originalLayout ? int(E / c.nGroups) : int(E);
        model->m_normBeforeGate = c.originalLayout && c.normBeforeGate;
        model->m_gatedNormEps = c.originalLayout ? 1e-5 : c.normEps;
    }

    model->computeFingerprint();
    if (job)
        job->report(1.0, QStringLiteral("Model loaded"));
    return model;
}

void MambaModel::computeFingerprint()
{
    const ModelConfig &c = m_config;
    const bool mamba2 = c.architecture == Architecture::Mamba2;
    const int64_t V = m_embeddings.shape[0];
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::number(c.dModel) + ',' + QByteArray::number(c.nLayer) + ',' +
                 QByteArray::number(c.dInner) + ',' + QByteArray::number(c.dState) + ',' +
                 QByteArray::number(V));
    for (const auto &w : m_layers) {
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(w.aLog.data),
                                    qsizetype(w.aLog.elementCount() * 4)));
        const FloatTensor &dt = mamba2 ? w.dtBias : w.dtProjBias;
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(dt.data),
                                    qsizetype(dt.elementCount() * 4)));
    }
    m_fingerprint = QString::fromLatin1(hash.result().toHex().left(16));
}

int MambaModel::decayChannels() const
{
    return m_config.architecture == Architecture::Mamba2 ? m_config.nHeads : m_config.dInner;
}

int MambaModel::decayStateSize() const
{
    return m_config.architecture == Architecture::Mamba2 ? 1 : m_config.dState;
}

}  // namespace mscope
