// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/Checkpoint.h"

#include <QFile>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

/// The element types of GGUF tensors MambaScope reads and writes (ggml's type ids). Other known
/// ggml types (the k-quants, ...) are recognised, so a file holding them opens, but their
/// tensors cannot be read.
enum class GgufType : uint32_t { F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30 };

/// The value types of GGUF metadata (gguf_type).
enum class GgufValueType : uint32_t {
    Uint8 = 0,
    Int8 = 1,
    Uint16 = 2,
    Int16 = 3,
    Uint32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    Uint64 = 10,
    Int64 = 11,
    Float64 = 12,
};

/// ggml's name of a tensor type ("F32", "Q8_0", "Q4_K", ...), or "type N" when unknown.
QString ggmlTypeName(uint32_t type);

/// One metadata value: a scalar (numbers as qint64, quint64 or double, bool, QString) or an array
/// of scalars (strings in `strings`, numbers in `numbers`).
struct GgufValue
{
    GgufValueType type = GgufValueType::Uint32;
    GgufValueType elementType = GgufValueType::Uint32;  // arrays only
    QVariant scalar;
    QStringList strings;
    std::vector<double> numbers;
};

/// One tensor of a GGUF file: its name, its shape in ggml order (ne[0] varies fastest) and where
/// its bytes are in the memory-mapped file.
struct GgufTensorInfo
{
    QString name;
    std::vector<int64_t> ne;
    uint32_t type = 0;
    uint64_t offset = 0;  // from the start of the data section
    const std::byte *data = nullptr;
    int64_t byteSize = 0;
    int64_t elementCount() const;
    /// The shape as PyTorch writes it (ne reversed): ne {d_model, n_vocab} is [n_vocab, d_model].
    std::vector<int64_t> torchShape() const;
};

/// A memory-mapped GGUF (version 2 or 3) file, as llama.cpp writes and reads it: header, metadata,
/// tensor table, aligned tensor data. Every problem (not GGUF, truncation, a string or array
/// longer than the file, duplicate keys or tensor names, an unknown value or tensor type, a shape
/// that does not fit its type's blocks, a tensor outside the file or overlapping another) throws
/// Error naming the file.
class GgufFile
{
public:
    explicit GgufFile(const QString &path);
    /// The same for contents already in memory (fuzzing); `name` stands for the file in messages.
    static std::unique_ptr<GgufFile> fromBytes(const QByteArray &bytes, const QString &name);
    /// Whether a file starts with the GGUF magic (reads 4 bytes; false when it cannot be read).
    static bool hasMagic(const QString &path);
    ~GgufFile();
    GgufFile(const GgufFile &) = delete;
    GgufFile &operator=(const GgufFile &) = delete;

    QString path() const { return m_path; }
    uint32_t version() const { return m_version; }

    // Metadata. The getters throw Error naming the file and key when it is missing or of
    // another kind (integer getters take any integer type that holds the value).
    QStringList keys() const { return m_keyOrder; }
    bool contains(const QString &key) const { return m_values.contains(key); }
    const GgufValue &value(const QString &key) const;
    QString string(const QString &key) const;
    int64_t integer(const QString &key) const;
    double number(const QString &key) const;  // a float or an integer
    bool boolean(const QString &key) const;
    const QStringList &stringArray(const QString &key) const;
    const std::vector<double> &numberArray(const QString &key) const;

    // Tensors, in file order.
    const std::vector<GgufTensorInfo> &tensors() const { return m_tensors; }
    bool containsTensor(const QString &name) const { return m_tensorIndex.contains(name); }
    /// Throws Error ("missing tensor NAME") when absent.
    const GgufTensorInfo &tensor(const QString &name) const;
    /// The tensor as fp32 in PyTorch shape `expectedShape` (the same elements, ne reversed; a
    /// trailing or leading 1 may differ: [E, 1, K] is read from ne {K, E}). F32 tensors are used
    /// in place when aligned; F16, BF16 and Q8_0 are widened. With a `destination` (room for the
    /// element count), the values are written there whatever the type, and the mapped pages they
    /// came from leave the resident set. Throws Error for another shape or a type MambaScope
    /// cannot read (naming it).
    FloatTensor floatTensor(const QString &name, const std::vector<int64_t> &expectedShape,
                            float *destination = nullptr) const;
    /// The ggml type most tensor elements use.
    uint32_t dominantType() const;

private:
    GgufFile(const QString &name, const QByteArray &bytes);
    [[noreturn]] void fail(const QString &problem) const;
    void parse(const uchar *contents);

    QString m_path;
    QFile m_file;
    uchar *m_map = nullptr;
    QByteArray m_bytes;  // the contents when not mapped from a file
    qint64 m_fileSize = 0;
    uint32_t m_version = 0;
    QHash<QString, GgufValue> m_values;
    QStringList m_keyOrder;
    std::vector<GgufTensorInfo> m_tensors;
    QHash<QString, int> m_tensorIndex;
};

}  // namespace mscope
