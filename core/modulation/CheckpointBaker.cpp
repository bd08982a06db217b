// SPDX-License-Identifier: GPL-3.0-or-later
#include "modulation/CheckpointBaker.h"

#include "io/Checkpoint.h"
#include "io/HalfFloat.h"
#include "io/SafetensorsFile.h"
#include "io/SaveFile.h"
#include "model/MambaModel.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QTemporaryDir>
#include <cstring>
#include <map>

namespace mscope {

namespace {

// Weights in other formats would still hold the old A_log next to the new one; a loader that
// prefers them would silently load the unmodulated model, so they are not copied.
bool isWeightFile(const QString &name)
{
    static const QStringList suffixes{QStringLiteral(".safetensors"), QStringLiteral(".bin"),
                                      QStringLiteral(".pt"),          QStringLiteral(".pth"),
                                      QStringLiteral(".ckpt"),        QStringLiteral(".gguf"),
                                      QStringLiteral(".h5"),          QStringLiteral(".msgpack")};
    for (const QString &s : suffixes) {
        if (name.endsWith(s))
            return true;
    }
    return name == QLatin1String("model.safetensors.index.json") ||
           name == QLatin1String("pytorch_model.bin.index.json");
}

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

void copyFile(const QString &from, const QString &to)
{
    QFile source(from);
    if (!source.copy(to))
        throw Error(
            to, QStringLiteral("cannot write (copying %1: %2)").arg(from, source.errorString()));
}

// A file of the temporary directory could not be written (a full disk, say): the message names the
// output the user chose and the file in it, not the hidden folder, which is removed anyway.
[[noreturn]] void throwForOutput(const Error &e, const QString &outDir)
{
    QString reason = e.problem();
    const QString prefix = QStringLiteral("cannot write (");
    if (reason.startsWith(prefix) && reason.endsWith(QLatin1Char(')')))
        reason = reason.mid(prefix.size()).chopped(1);
    throw Error(
        outDir, QStringLiteral("cannot write %1 (%2)").arg(QFileInfo(e.file()).fileName(), reason));
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

void CheckpointBaker::bake(const MambaModel &model, const ModulationSet &modulation,
                           const QString &outDir, const JobControl *job)
{
    for (const Modulation &m : modulation.steps) {
        if (!m.isIdentity() && !isBakeable(m.family))
            throw Error({}, QStringLiteral("a %1 modulation cannot be baked: it multiplies Δ "
                                               "after the softplus, which no A_log can express "
                                               "exactly; apply it at inference with --modulation "
                                               "instead")
                                    .arg(modulationFamilyName(m.family)));
    }
    modulation.requireModel(model, {});
    if (model.isGguf())
        throw Error(model.directory(), QStringLiteral("a model loaded from a GGUF file cannot be "
                                                      "baked into a safetensors checkpoint; bake "
                                                      "it to GGUF (bake --format gguf)"));

    const QFileInfo outInfo(outDir);
    if (outInfo.exists() && (!outInfo.isDir() || !QDir(outDir).isEmpty()))
        throw Error(outDir, QStringLiteral("already exists and is not an empty directory; "
                                               "choose a new output directory"));
    const QString parent = outInfo.absolutePath();
    if (!QFileInfo(parent).isDir())
        throw Error(outDir,
                        QStringLiteral("the parent directory %1 does not exist").arg(parent));
    if (QDir::cleanPath(outInfo.absoluteFilePath()) ==
        QDir::cleanPath(QFileInfo(model.directory()).absoluteFilePath()))
        throw Error(outDir, QStringLiteral("is the model's own directory; choose a new one"));

    const DecayParameters decay = modulation.decayParameters(model);
    const Checkpoint checkpoint(model.directory());
    const int layers = model.config().nLayer;
    QHash<QString, int> aLogLayer;
    for (int l = 0; l < layers; ++l)
        aLogLayer.insert(QStringLiteral("backbone.layers.%1.mixer.A_log").arg(l), l);

    // Files the checkpoint actually reads, with their tensors, in a stable order.
    std::map<QString, QStringList> tensorsOfFile;
    for (const QString &name : checkpoint.tensorNames())
        tensorsOfFile[checkpoint.fileOf(name)] << name;

    QTemporaryDir tmp(parent + QLatin1Char('/') + QLatin1Char('.') + outInfo.fileName() +
                      QStringLiteral(".bake-XXXXXX"));
    if (!tmp.isValid())
        throw Error(outDir, QStringLiteral("cannot create a temporary directory in %1 (%2)")
                                    .arg(parent, tmp.errorString()));
    const QDir work(tmp.path());
    const QString workPrefix = tmp.path() + QLatin1Char('/');

    try {
        int written = 0;
        for (const auto &[path, names] : tensorsOfFile) {
            const SafetensorsFile source(path);
            SafetensorsWriter writer;
            for (const QString &name : names) {
                if (job)
                    job->throwIfCancelled();
                const TensorInfo &t = source.tensor(name);
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
                }
                writer.add(name, t.shape, values.data(), t.type);
            }
            writer.setMetadata(source.metadata());
            writer.write(work.filePath(QFileInfo(path).fileName()));
            if (job)
                job->report(double(++written) / double(tensorsOfFile.size() + 1),
                            QStringLiteral("Wrote %1").arg(QFileInfo(path).fileName()));
        }

        // The small files: config, tokenizer, generation config, the shard index when sharded.
        const QDir modelDir(model.directory());
        for (const QFileInfo &f :
             modelDir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name)) {
            // Checkpoint reads the index only when there is no model.safetensors.
            const bool usedIndex = f.fileName() == QLatin1String("model.safetensors.index.json") &&
                                   !modelDir.exists(QStringLiteral("model.safetensors"));
            if (isWeightFile(f.fileName()) && !usedIndex)
                continue;
            if (f.fileName() == QLatin1String("MODULATION.md") ||
                f.fileName() == QLatin1String("modulation.json"))
                continue;  // a previous bake's note: replaced below
            copyFile(f.absoluteFilePath(), work.filePath(f.fileName()));
        }
        ModulationSet preset = modulation;
        if (preset.modelFingerprint.isEmpty()) {
            preset.modelFingerprint = model.fingerprint();
            preset.modelName = QFileInfo(model.directory()).fileName();
        }
        preset.save(work.filePath(QStringLiteral("modulation.json")));
        writeFileAtomically(work.filePath(QStringLiteral("MODULATION.md")),
                            modulationNote(model, preset));
    } catch (const Error &e) {
        if (e.file().startsWith(workPrefix))
            throwForOutput(e, outDir);
        throw;
    }

    if (job)
        job->throwIfCancelled();
    if (outInfo.exists() && !QDir().rmdir(outDir))
        throw Error(outDir, QStringLiteral("cannot replace the empty directory"));
    if (!QDir().rename(tmp.path(), outDir))
        throw Error(
            outDir,
            QStringLiteral("cannot move the baked checkpoint into place from %1").arg(tmp.path()));
    tmp.setAutoRemove(false);
    if (job)
        job->report(1.0, QStringLiteral("Baked checkpoint written"));
}

}  // namespace mscope
