// SPDX-License-Identifier: GPL-3.0-or-later
#include "modulation/CheckpointBaker.h"

#include "io/Checkpoint.h"
#include "io/GuardedFile.h"
#include "io/HalfFloat.h"
#include "io/OutputFolder.h"
#include "io/SafetensorsFile.h"
#include "io/SaveFile.h"
#include "model/MambaModel.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <sys/stat.h>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <cmath>
#include <cstring>
#include <map>

namespace mscope {

namespace {

// What a model folder needs besides its weights, copied when present as regular files. Anything
// else (notes, other weight formats, links, pipes) is left out: other weights would still hold
// the old A_log, and a link could pull in a file from anywhere.
const QStringList kModelFiles{
    QStringLiteral("config.json"),
    QStringLiteral("generation_config.json"),
    QStringLiteral("tokenizer.json"),
    QStringLiteral("tokenizer_config.json"),
    QStringLiteral("special_tokens_map.json"),
    QStringLiteral("added_tokens.json"),
    QStringLiteral("vocab.json"),
    QStringLiteral("vocab.txt"),
    QStringLiteral("merges.txt"),
    QStringLiteral("tokenizer.model"),
    QStringLiteral("MODEL_CARD.md"),
    QStringLiteral("README.md"),
};
// The largest small file copied (tokenizer.json is the largest real one, some MB); a larger one
// (a sparse file, a mistake) is left out with a note.
constexpr qint64 kMaxCopiedBytes = qint64(512) << 20;

std::vector<float> widen(const TensorInfo &t)
{
    std::vector<float> out(size_t(t.elementCount()));
    switch (t.type) {
        case StorageType::F32:
            std::memcpy(out.data(), t.data, out.size() * sizeof(float));
            break;
        case StorageType::F16:
            widenHalf(t.data, out.data(), out.size());
            break;
        case StorageType::BF16:
            widenBfloat16(t.data, out.data(), out.size());
            break;
    }
    return out;
}

// Copies a regular file; returns why it was skipped instead (a link, a device, too large).
QString copyModelFile(const QString &from, const QString &to)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(from).constData(), &st) != 0)
        return QStringLiteral("cannot be read (%1)").arg(qt_error_string(errno));
    if (S_ISLNK(st.st_mode))
        return QStringLiteral("a symbolic link, not copied");
    if (!S_ISREG(st.st_mode))
        return QStringLiteral("not a regular file, not copied");
    if (st.st_size > kMaxCopiedBytes)
        return QStringLiteral("larger than %1 MiB, not copied").arg(kMaxCopiedBytes >> 20);
    const QByteArray bytes =
        GuardedFile::read(from, kMaxCopiedBytes, QStringLiteral("a model file"));
    writeFileAtomically(to, bytes);
    return {};
}

// The value a tensor of storage `type` holds for `value`: what a re-read of the baked file gives.
std::vector<float> roundTrip(std::vector<float> values, StorageType type)
{
    std::vector<char> stored(values.size() * 2);
    if (type == StorageType::F16) {
        narrowToHalf(values.data(), stored.data(), values.size());
        widenHalf(stored.data(), values.data(), values.size());
    } else if (type == StorageType::BF16) {
        narrowToBfloat16(values.data(), stored.data(), values.size());
        widenBfloat16(stored.data(), values.data(), values.size());
    }
    return values;
}

// A file of the temporary directory could not be written (a full disk, say): the message names the
// output the user chose and the file in it, not the hidden folder, which is removed anyway.
[[noreturn]] void throwForOutput(const Error &e, const QString &outDir)
{
    QString reason = e.problem();
    const QString prefix = QStringLiteral("cannot write (");
    if (reason.startsWith(prefix) && reason.endsWith(QLatin1Char(')')))
        reason = reason.mid(prefix.size()).chopped(1);
    throw Error(outDir,
                QStringLiteral("cannot write %1 (%2)").arg(QFileInfo(e.file()).fileName(), reason));
}

QByteArray modulationNote(const MambaModel &model, const ModulationSet &set)
{
    QString md;
    md += QStringLiteral("# Modulated checkpoint\n\n");
    md += QStringLiteral("Written by MambaScope `bake` on %1 from `%2` (fingerprint `%3`).\n\n")
              .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate), model.directory(),
                   model.fingerprint());
    md += QStringLiteral("Applied: **%1**").arg(set.describe());
    if (set.targetLength > 0)
        md += QStringLiteral(", calibrated for %1 tokens").arg(set.targetLength);
    if (!set.calibrationMethod.isEmpty())
        md += QStringLiteral(" (method: %1").arg(set.calibrationMethod) +
              (set.calibrationScore ? QStringLiteral(", objective %1)").arg(*set.calibrationScore)
                                    : QStringLiteral(")"));
    md += QStringLiteral(".\n\n");
    md += QStringLiteral(
        "Only `A_log` changed, layer by layer, in the order of the steps (power: "
        "`A_log' = s·A_log`; linear: `A_log' = A_log + log s`; winsorize: `exp(-exp(A_log))` "
        "clipped to its own quantiles; tau-cap: `exp(A_log)` raised to `1/(c·L_train·mean Δ)`). "
        "Every other tensor, `config.json` and the tokenizer are unchanged copies, so the "
        "directory loads as an ordinary Mamba model.\n\n"
        "`modulation.json` is the preset that was applied. It names the original model's "
        "fingerprint, so MambaScope refuses to apply it a second time to this checkpoint.\n\n");
    md += QStringLiteral("| step | family | factors per layer |\n|---|---|---|\n");
    for (size_t i = 0; i < set.steps.size(); ++i) {
        const Modulation &m = set.steps[i];
        QStringList f;
        for (double v : m.layerFactors)
            f << QString::number(v, 'g', 6);
        md += QStringLiteral("| %1 | %2 | %3%4 |\n")
                  .arg(i + 1)
                  .arg(modulationFamilyName(m.family), f.join(QStringLiteral(", ")),
                       m.hasStateFactors()     ? QStringLiteral(" (and per state)")
                       : m.hasChannelFactors() ? QStringLiteral(" (and per channel)")
                                               : QString());
    }
    if (!set.calibrationTexts.isEmpty())
        md += QStringLiteral("\nCalibration texts: %1\n")
                  .arg(set.calibrationTexts.join(QStringLiteral(", ")));
    return md.toUtf8();
}

}  // namespace

CheckpointBaker::Report CheckpointBaker::bake(const MambaModel &model,
                                              const ModulationSet &modulation,
                                              const QString &outDir, const JobControl *job,
                                              bool replace)
{
    for (const Modulation &m : modulation.steps) {
        if (!m.isIdentity() && !isBakeable(m.family))
            throw Error(Error::Kind::Input, {},
                        QStringLiteral("a %1 modulation cannot be baked: it multiplies Δ after the "
                                       "softplus, which no A_log can express exactly; apply it at "
                                       "inference with --modulation instead")
                            .arg(modulationFamilyName(m.family)));
    }
    modulation.requireModel(model, {});
    if (model.isGguf())
        throw Error(model.directory(), QStringLiteral("a model loaded from a GGUF file cannot be "
                                                      "baked into a safetensors checkpoint; bake "
                                                      "it to GGUF (bake --format gguf)"));
    const QString modelDir = QFileInfo(model.directory()).canonicalFilePath();
    if (!outDir.trimmed().isEmpty()) {
        const QFileInfo outInfo(QDir::cleanPath(QDir::current().absoluteFilePath(outDir)));
        const QString canonical = outInfo.exists() ? outInfo.canonicalFilePath() : QString();
        if (!canonical.isEmpty() && canonical == modelDir)
            throw Error(Error::Kind::File, outDir,
                        QStringLiteral("is the model's own directory; choose a new one"));
    }

    OutputFolder folder(outDir, replace, QStringLiteral("bake"));
    const DecayParameters decay = modulation.decayParameters(model);
    const Checkpoint checkpoint(model.directory());
    const int layers = model.config().nLayer;
    QHash<QString, int> aLogLayer;
    for (int l = 0; l < layers; ++l)
        aLogLayer.insert(QStringLiteral("backbone.layers.%1.mixer.A_log").arg(l), l);

    // Files the checkpoint actually reads, with their tensors, in a stable order: O(n log n) in
    // the tensors (a checkpoint may have a million).
    std::map<QString, QStringList> tensorsOfFile;
    for (const QString &name : checkpoint.tensorNames())
        tensorsOfFile[checkpoint.fileOf(name)] << name;

    Report report;
    std::vector<StorageType> aLogType(size_t(layers), StorageType::F32);
    const QDir source(model.directory());
    try {
        int written = 0;
        for (const auto &[path, names] : tensorsOfFile) {
            // A shard keeps its place relative to the model folder (an index may put shards in
            // subfolders, two of one name in different ones).
            const QString relative = source.relativeFilePath(path);
            const QString target = folder.filePath(relative);
            if (relative.contains(QLatin1Char('/')) && !QDir().mkpath(QFileInfo(target).path()))
                throw Error(target, QStringLiteral("cannot write (cannot create the folder)"));
            const SafetensorsFile file(path);
            SafetensorsWriter writer;
            for (const QString &name : names) {
                if (job)
                    job->throwIfCancelled();
                const TensorInfo &t = file.tensor(name);
                std::vector<float> values = widen(t);
                const auto it = aLogLayer.constFind(name);
                if (it != aLogLayer.cend()) {
                    const int l = *it;
                    const FloatTensor &loaded = model.layers()[size_t(l)].aLog;
                    if (int64_t(values.size()) != loaded.elementCount() ||
                        std::memcmp(values.data(), loaded.data, values.size() * sizeof(float)) != 0)
                        throw Error(path, QStringLiteral("tensor '%1' differs from the weights "
                                                         "loaded earlier (the file changed on "
                                                         "disk); load the model again")
                                              .arg(name));
                    values = decay.bakedALog(l);
                    aLogType[size_t(l)] = t.type;
                }
                writer.add(name, t.shape, values.data(), t.type);
            }
            writer.setMetadata(file.metadata());
            writer.write(target);
            if (job)
                job->report(double(++written) / double(tensorsOfFile.size() + 2),
                            QStringLiteral("Wrote %1").arg(relative));
        }

        // The small files a model needs; the shard index when the checkpoint reads it.
        QStringList wanted = kModelFiles;
        if (!source.exists(QStringLiteral("model.safetensors")))
            wanted << QStringLiteral("model.safetensors.index.json");
        for (const QString &name : wanted) {
            const QString from = source.filePath(name);
            if (!QFileInfo(from).exists() && !QFileInfo(from).isSymLink())
                continue;
            const QString why = copyModelFile(from, folder.filePath(name));
            if (!why.isEmpty())
                report.skipped << QStringLiteral("%1: %2").arg(from, why);
        }
        ModulationSet preset = modulation;
        if (preset.modelFingerprint.isEmpty()) {
            preset.modelFingerprint = model.fingerprint();
            preset.modelName = QFileInfo(model.directory()).fileName();
        }
        preset.save(folder.filePath(QStringLiteral("modulation.json")));
        writeFileAtomically(folder.filePath(QStringLiteral("MODULATION.md")),
                            modulationNote(model, preset));
    } catch (const Error &e) {
        if (e.file().startsWith(folder.stagingPath() + QLatin1Char('/')))
            throwForOutput(e, outDir);
        throw;
    }

    // Reported done only once it loads as a model and holds the A_log intended.
    if (job) {
        job->throwIfCancelled();
        job->report(double(tensorsOfFile.size() + 1) / double(tensorsOfFile.size() + 2),
                    QStringLiteral("Checking the baked checkpoint"));
    }
    verify(folder, outDir, decay, aLogType);
    if (job)
        job->throwIfCancelled();
    folder.commit();
    if (job)
        job->report(1.0, QStringLiteral("Baked checkpoint written"));
    return report;
}

void CheckpointBaker::verify(const OutputFolder &folder, const QString &outDir,
                             const DecayParameters &decay, const std::vector<StorageType> &types)
{
    std::shared_ptr<const MambaModel> baked;
    try {
        baked = MambaModel::load(folder.stagingPath());
    } catch (const Error &e) {
        QString file = e.file();
        if (file.startsWith(folder.stagingPath() + QLatin1Char('/')))
            file = file.mid(folder.stagingPath().size() + 1);
        else if (file == folder.stagingPath())
            file.clear();
        throw Error(
            Error::Kind::Model, outDir,
            QStringLiteral("the baked checkpoint does not load (%1%2); nothing was written")
                .arg(file.isEmpty() ? QString() : file + QStringLiteral(": "), e.problem()));
    }
    for (int l = 0; l < int(types.size()); ++l) {
        const FloatTensor &got = baked->layers()[size_t(l)].aLog;
        const std::vector<float> want = roundTrip(decay.bakedALog(l), types[size_t(l)]);
        if (int64_t(want.size()) != got.elementCount())
            throw Error(Error::Kind::Model, outDir,
                        QStringLiteral("the baked A_log of layer %1 has %2 values, not %3; nothing "
                                       "was written")
                            .arg(l)
                            .arg(got.elementCount())
                            .arg(want.size()));
        for (size_t i = 0; i < want.size(); ++i) {
            // Bit for bit: the same float went through the same rounding.
            if (!std::isfinite(got.data[i]) ||
                std::memcmp(&got.data[i], &want[i], sizeof(float)) != 0)
                throw Error(Error::Kind::Model, outDir,
                            QStringLiteral("the baked A_log of layer %1 holds %2 at element %3, "
                                           "not the intended %4; nothing was written")
                                .arg(l)
                                .arg(double(got.data[i]))
                                .arg(i)
                                .arg(double(want[i])));
        }
    }
}

}  // namespace mscope
