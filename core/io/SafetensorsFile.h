// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

/// Element types a safetensors tensor may be stored in that we can widen to fp32.
enum class StorageType { F32, F16, BF16 };

QString storageTypeName(StorageType t);  // "F32", "F16", "BF16"
int storageTypeSize(StorageType t);      // bytes per element

/// One tensor of a safetensors file: where its bytes are in the memory-mapped file.
struct TensorInfo
{
    QString name;
    StorageType type = StorageType::F32;
    std::vector<int64_t> shape;
    // Into the file mapping; valid while the SafetensorsFile lives.
    const std::byte *data = nullptr;
    int64_t byteSize = 0;
    int64_t elementCount() const;
};

/// A memory-mapped .safetensors file with a validated header: 8-byte little-endian header length,
/// JSON header naming dtype, shape and [begin, end) data offsets of every tensor.
/// Every problem (truncation, header beyond the file, invalid JSON, unknown dtype, offsets outside
/// the data or overlapping, size not matching shape) throws Error naming the file.
class SafetensorsFile
{
public:
    explicit SafetensorsFile(const QString &path);
    /// The same validation for a file's contents already in memory (fuzzing); `name` stands for
    /// the file in messages. The tensors point into the object's (implicitly shared) copy.
    static std::unique_ptr<SafetensorsFile> fromBytes(const QByteArray &bytes, const QString &name);
    /// How messages about checkpoints name a tensor or file ('name') and a shape ([2, 3]).
    static QString quoted(const QString &name);
    static QString shapeText(const std::vector<int64_t> &shape);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    QString path() const { return m_path; }
    QStringList tensorNames() const;  // sorted
    bool contains(const QString &name) const { return m_index.contains(name); }
    /// Throws Error ("no tensor NAME") when absent.
    const TensorInfo &tensor(const QString &name) const;
    /// The optional "__metadata__" object of the header.
    QJsonObject metadata() const { return m_metadata; }
    qint64 fileSize() const { return m_fileSize; }
    /// A tensor's bytes, copied to `out` from the file (read, not through the mapping: a tenth of
    /// the page faults) or from the contents in memory.
    void readBytes(const TensorInfo &info, void *out) const;
    /// Once a tensor's values were copied out through the mapping: its pages leave this process's
    /// resident set (nothing when the contents are in memory rather than mapped).
    void releasePages(const TensorInfo &info) const;

private:
    SafetensorsFile(const QString &name, const QByteArray &bytes);
    [[noreturn]] void fail(const QString &problem) const;
    void checkSize() const;
    /// Validates the header of the m_fileSize bytes at `contents` and indexes the tensors.
    void parse(const uchar *contents);

    QString m_path;
    QFile m_file;
    uchar *m_map = nullptr;
    QByteArray m_bytes;  // the contents when not mapped from a file
    qint64 m_fileSize = 0;
    std::vector<TensorInfo> m_tensors;
    QHash<QString, int> m_index;
    QJsonObject m_metadata;
};

/// Writes tensors as a safetensors file (fp32, f16 or bf16 storage), atomically (QSaveFile).
/// Used by `bake` and `synth`, and by tests to make corrupt variants of real files.
class SafetensorsWriter
{
public:
    void add(const QString &name, const std::vector<int64_t> &shape, const float *values,
             StorageType storeAs = StorageType::F32);
    void setMetadata(const QJsonObject &metadata) { m_metadata = metadata; }
    /// Throws Error on any I/O problem; never leaves a partial file at `path`.
    void write(const QString &path) const;

private:
    struct Entry
    {
        QString name;
        std::vector<int64_t> shape;
        StorageType type;
        QByteArray bytes;
    };
    std::vector<Entry> m_entries;
    QSet<QString> m_names;
    QJsonObject m_metadata;
};

}  // namespace mscope
