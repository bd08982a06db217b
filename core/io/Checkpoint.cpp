// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/Checkpoint.h"

#include "io/GuardedFile.h"
#include "io/HalfFloat.h"
#include "support/Error.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>
#include <QtEndian>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <map>

namespace mscope {

namespace {

const QString kSingleFile = QStringLiteral("model.safetensors");
const QString kIndexFile = QStringLiteral("model.safetensors.index.json");
constexpr qint64 kMaxIndexBytes = qint64(64) << 20;

}  // namespace

int64_t FloatTensor::elementCount() const
{
    int64_t count = 1;
    for (int64_t d : shape)
        count *= d;
    return count;
}

float *FloatTensor::placeValues(std::size_t count, float *destination)
{
    if (!destination) {
        auto values = std::make_shared<std::vector<float>>(count);
        destination = values->data();
        owned = std::move(values);
    }
    data = destination;
    return destination;
}

Checkpoint::Checkpoint(const QString &modelDir) : m_dir(modelDir)
{
    const QFileInfo info(modelDir);
    if (info.isFile()) {
        // A single .safetensors file given directly stands for its directory.
        m_dir = info.path();
        m_source = modelDir;
        addFiles({modelDir}, modelDir);
        return;
    }
    if (!info.isDir())
        throw Error(modelDir, QStringLiteral("no such directory"));

    const QDir dir(modelDir);
    // model.safetensors wins over an index, as in transformers.
    if (QFileInfo(dir.filePath(kSingleFile)).isFile()) {
        m_source = dir.filePath(kSingleFile);
        addFiles({m_source}, m_source);
    } else if (QFileInfo::exists(dir.filePath(kIndexFile))) {
        m_source = dir.filePath(kIndexFile);
        loadIndex(m_source);
    } else {
        // Without an index, other .safetensors files are taken together only when that is
        // unambiguous: no tensor may be in two of them (else they are likely variants of a model).
        const QStringList found =
            dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name);
        if (found.isEmpty()) {
            throw Error(modelDir, QStringLiteral("no model.safetensors or "
                                                 "model.safetensors.index.json in this "
                                                 "directory"));
        }
        m_source = modelDir;
        QStringList paths;
        for (const QString &name : found)
            paths << dir.filePath(name);
        addFiles(paths, modelDir);
    }
}

void Checkpoint::addFiles(const QStringList &paths, const QString &blame)
{
    for (const QString &path : paths) {
        m_files.push_back(std::make_unique<SafetensorsFile>(path));
        const int fileIndex = int(m_files.size() - 1);
        for (const QString &name : m_files.back()->tensorNames()) {
            const auto it = m_fileOfTensor.constFind(name);
            if (it != m_fileOfTensor.cend()) {
                throw Error(
                    blame,
                    QStringLiteral("tensor %1 is in both %2 and %3")
                        .arg(SafetensorsFile::quoted(name),
                             SafetensorsFile::quoted(QFileInfo(m_files[*it]->path()).fileName()),
                             SafetensorsFile::quoted(QFileInfo(path).fileName())));
            }
            m_fileOfTensor.insert(name, fileIndex);
        }
    }
}

void Checkpoint::loadIndex(const QString &indexPath)
{
    // An index lists tensor names (some KB).
    const QJsonObject index =
        GuardedFile::readJsonObject(indexPath, kMaxIndexBytes, QStringLiteral("a shard index"));
    const QJsonValue weightMap = index.value(QLatin1String("weight_map"));
    if (!weightMap.isObject())
        throw Error(indexPath, QStringLiteral("no \"weight_map\" object"));
    const QJsonObject map = weightMap.toObject();
    if (map.isEmpty())
        throw Error(indexPath, QStringLiteral("\"weight_map\" is empty"));

    const QDir dir(m_dir);
    const QString canonicalDir = QFileInfo(m_dir).canonicalFilePath();
    std::map<QString, QString> shardOf;  // tensor -> shard file name, cleaned
    QStringList shards;
    QSet<QString> shardSet;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString shard = it.value().toString();
        if (!it.value().isString() || shard.isEmpty()) {
            throw Error(indexPath, QStringLiteral("weight_map entry %1 is not a file name")
                                       .arg(SafetensorsFile::quoted(it.key())));
        }
        // An index is data from elsewhere: it must not send us reading outside the model.
        if (QDir::isAbsolutePath(shard) || QDir::cleanPath(shard).startsWith(QLatin1String(".."))) {
            throw Error(indexPath, QStringLiteral("shard %1 (for tensor %2) is outside the "
                                                  "model directory")
                                       .arg(SafetensorsFile::quoted(shard),
                                            SafetensorsFile::quoted(it.key())));
        }
        // One file however it is spelled ("a", "./a"), and found in constant time: an index may
        // list a million tensors.
        const QString file = QDir::cleanPath(shard);
        if (!shardSet.contains(file)) {
            if (!QFileInfo(dir.filePath(file)).isFile()) {
                throw Error(indexPath, QStringLiteral("shard %1 (for tensor %2) is missing")
                                           .arg(SafetensorsFile::quoted(shard),
                                                SafetensorsFile::quoted(it.key())));
            }
            // Nor through a symlinked folder or file: where the shard really is must be inside.
            const QString real = QFileInfo(dir.filePath(file)).canonicalFilePath();
            if (!real.startsWith(canonicalDir + QLatin1Char('/'))) {
                throw Error(indexPath, QStringLiteral("shard %1 (for tensor %2) resolves to %3, "
                                                      "outside the model directory")
                                           .arg(SafetensorsFile::quoted(shard),
                                                SafetensorsFile::quoted(it.key()), real));
            }
            shardSet.insert(file);
            shards << file;
        }
        shardOf[it.key()] = file;
    }
    shards.sort();

    QStringList paths;
    QHash<QString, int> fileIndex;
    for (const QString &shard : shards) {
        fileIndex.insert(shard, int(paths.size()));
        paths << dir.filePath(shard);
    }
    addFiles(paths, indexPath);

    for (const auto &[tensor, shard] : shardOf) {
        const SafetensorsFile &file = *m_files[fileIndex.value(shard)];
        if (!file.contains(tensor)) {
            throw Error(indexPath,
                        QStringLiteral("tensor %1 is listed in shard %2 but absent "
                                       "from it")
                            .arg(SafetensorsFile::quoted(tensor), SafetensorsFile::quoted(shard)));
        }
    }
}

QStringList Checkpoint::tensorNames() const
{
    QStringList names = m_fileOfTensor.keys();
    names.sort();
    return names;
}

bool Checkpoint::contains(const QString &name) const
{
    return m_fileOfTensor.contains(name);
}

QString Checkpoint::fileOf(const QString &name) const
{
    const auto it = m_fileOfTensor.constFind(name);
    return it == m_fileOfTensor.cend() ? QString() : m_files[*it]->path();
}

const TensorInfo &Checkpoint::tensor(const QString &name) const
{
    const auto it = m_fileOfTensor.constFind(name);
    if (it == m_fileOfTensor.cend())
        throw Error(m_source,
                    QStringLiteral("missing tensor %1").arg(SafetensorsFile::quoted(name)));
    return m_files[*it]->tensor(name);
}

FloatTensor Checkpoint::floatTensor(const QString &name, const std::vector<int64_t> &expectedShape,
                                    float *destination) const
{
    const TensorInfo &info = tensor(name);
    if (!expectedShape.empty() && info.shape != expectedShape) {
        throw Error(fileOf(name),
                    QStringLiteral("tensor %1 has shape %2, expected %3 from "
                                   "config.json")
                        .arg(SafetensorsFile::quoted(name), SafetensorsFile::shapeText(info.shape),
                             SafetensorsFile::shapeText(expectedShape)));
    }

    FloatTensor result;
    result.shape = info.shape;
    const auto count = std::size_t(info.elementCount());
    constexpr bool littleEndianHost = QSysInfo::ByteOrder == QSysInfo::LittleEndian;
    if (!destination && info.type == StorageType::F32 && littleEndianHost &&
        reinterpret_cast<std::uintptr_t>(info.data) % alignof(float) == 0) {
        result.data = reinterpret_cast<const float *>(info.data);
        return result;
    }

    const SafetensorsFile &file = *m_files[m_fileOfTensor.value(name)];
    if (destination && info.type == StorageType::F32 && littleEndianHost) {
        file.readBytes(info, destination);
        result.data = destination;
        return result;
    }
    float *out = result.placeValues(count, destination);
    switch (info.type) {
        case StorageType::F32:
            if constexpr (littleEndianHost) {
                if (count > 0)  // an empty vector's data() may be null, even for 0 bytes
                    std::memcpy(out, info.data, count * sizeof(float));
            } else {
                for (std::size_t i = 0; i < count; ++i)
                    out[i] = std::bit_cast<float>(qFromLittleEndian<quint32>(info.data + 4 * i));
            }
            break;
        case StorageType::F16:
            widenHalf(info.data, out, count);
            break;
        case StorageType::BF16:
            widenBfloat16(info.data, out, count);
            break;
    }
    if (destination)
        file.releasePages(info);
    return result;
}

qint64 Checkpoint::totalTensorBytes() const
{
    qint64 total = 0;
    for (const auto &file : m_files) {
        for (const QString &name : file->tensorNames())
            total += file->tensor(name).byteSize;
    }
    return total;
}

StorageType Checkpoint::dominantStorageType() const
{
    // Weighted by elements: mixed-precision checkpoints keep small tensors (A_log, D, norms) in
    // fp32, and counting tensors would then report fp32 for a model that is mostly bf16.
    std::array<int64_t, 3> elements{};  // indexed by StorageType
    for (const auto &file : m_files) {
        for (const QString &name : file->tensorNames()) {
            const TensorInfo &t = file->tensor(name);
            elements[std::size_t(t.type)] += t.elementCount();
        }
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < elements.size(); ++i) {
        if (elements[i] > elements[best])
            best = i;
    }
    return StorageType(best);
}

}  // namespace mscope
