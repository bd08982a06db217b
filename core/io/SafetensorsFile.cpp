// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/SafetensorsFile.h"

#include "io/GuardedFile.h"
#include "io/HalfFloat.h"
#include "io/SaveFile.h"
#include "support/Error.h"
#include "support/SystemMemory.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtEndian>
#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>

namespace mscope {

namespace {

// The reference implementation refuses larger headers: anything bigger is corruption, not a model.
constexpr quint64 kMaxHeaderBytes = 100'000'000;
const QString kMetadataKey = QStringLiteral("__metadata__");

struct DtypeName
{
    const char *name;
    std::optional<StorageType> type;  // empty: a real safetensors dtype we do not read
};

// Every dtype of the safetensors format, so that a file we cannot read is told apart from garbage.
constexpr DtypeName kDtypes[] = {
    {"F32", StorageType::F32},
    {"F16", StorageType::F16},
    {"BF16", StorageType::BF16},
    {"F64", {}},
    {"F8_E4M3", {}},
    {"F8_E5M2", {}},
    {"F8_E8M0", {}},
    {"F6_E2M3", {}},
    {"F6_E3M2", {}},
    {"F4", {}},
    {"C64", {}},
    {"BOOL", {}},
    {"U8", {}},
    {"I8", {}},
    {"U16", {}},
    {"I16", {}},
    {"U32", {}},
    {"I32", {}},
    {"U64", {}},
    {"I64", {}},
};

// A JSON value as it was written, for messages about values of the wrong kind.
QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

// A JSON number that is a whole number in int64 range. Qt keeps integer literals exact, so offsets
// beyond 2^53 survive the parse.
std::optional<int64_t> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    constexpr qint64 notWhole = std::numeric_limits<qint64>::min();
    const qint64 n = value.toInteger(notWhole);
    if (n == notWhole)
        return std::nullopt;
    return n;
}

// Element count and byte size of a shape, or nothing when they do not fit in int64.
std::optional<int64_t> checkedElementCount(const std::vector<int64_t> &shape)
{
    int64_t count = 1;
    for (int64_t d : shape) {
        if (__builtin_mul_overflow(count, d, &count))
            return std::nullopt;
    }
    return count;
}

// A JSON string literal of `s` (UTF-8, quotes, backslashes and control characters escaped).
QByteArray jsonString(const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += "0123456789abcdef"[u >> 4];
            out += "0123456789abcdef"[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

struct Span
{
    int64_t begin;
    int64_t end;
    int tensor;
};

}  // namespace

QString storageTypeName(StorageType t)
{
    switch (t) {
        case StorageType::F32:
            return QStringLiteral("F32");
        case StorageType::F16:
            return QStringLiteral("F16");
        case StorageType::BF16:
            return QStringLiteral("BF16");
    }
    return {};
}

int storageTypeSize(StorageType t)
{
    return t == StorageType::F32 ? 4 : 2;
}

int64_t TensorInfo::elementCount() const
{
    int64_t count = 1;
    for (int64_t d : shape)
        count *= d;
    return count;
}

SafetensorsFile::SafetensorsFile(const QString &path) : m_path(path), m_file(path)
{
    const QFileInfo info(path);
    if (!info.exists())
        fail(QStringLiteral("no such file"));
    if (info.isDir())
        fail(QStringLiteral("is a directory, not a safetensors file"));
    // Opening a pipe would block until something writes to it.
    if (!info.isFile())
        fail(QStringLiteral("not a regular file (a device, pipe or socket)"));
    if (!m_file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot open (%1)").arg(m_file.errorString()));
    m_fileSize = m_file.size();
    checkSize();
    m_map = m_file.map(0, m_fileSize);
    if (!m_map)
        fail(QStringLiteral("cannot map the file into memory (%1)").arg(m_file.errorString()));
    parse(m_map);
}

SafetensorsFile::SafetensorsFile(const QString &name, const QByteArray &bytes)
    : m_path(name), m_bytes(bytes), m_fileSize(bytes.size())
{
    checkSize();
    parse(reinterpret_cast<const uchar *>(m_bytes.constData()));
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::fromBytes(const QByteArray &bytes,
                                                            const QString &name)
{
    return std::unique_ptr<SafetensorsFile>(new SafetensorsFile(name, bytes));
}

void SafetensorsFile::fail(const QString &problem) const
{
    throw Error(m_path, problem);
}

void SafetensorsFile::checkSize() const
{
    if (m_fileSize == 0)
        fail(QStringLiteral("file is empty"));
    if (m_fileSize < 8)
        fail(QStringLiteral("file too short for a safetensors header (%1 bytes)").arg(m_fileSize));
}

void SafetensorsFile::parse(const uchar *contents)
{
    const quint64 headerBytes = qFromLittleEndian<quint64>(contents);
    if (headerBytes > quint64(m_fileSize - 8)) {
        fail(QStringLiteral("header length %1 is beyond the end of the file (%2 bytes)")
                 .arg(headerBytes)
                 .arg(m_fileSize));
    }
    if (headerBytes > kMaxHeaderBytes) {
        fail(QStringLiteral("header length %1 exceeds the limit of %2 bytes")
                 .arg(headerBytes)
                 .arg(kMaxHeaderBytes));
    }
    if (headerBytes == 0)
        fail(QStringLiteral("header length is 0 (even an empty header needs \"{}\")"));

    const QByteArray headerText = QByteArray::fromRawData(
        reinterpret_cast<const char *>(contents) + 8, qsizetype(headerBytes));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(headerText, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail(QStringLiteral("header is not valid JSON (%1 at offset %2)")
                 .arg(parseError.errorString())
                 .arg(parseError.offset));
    }
    if (!doc.isObject())
        fail(QStringLiteral("header is not a JSON object"));
    const QJsonObject header = doc.object();

    const int64_t dataStart = 8 + int64_t(headerBytes);
    const int64_t dataBytes = m_fileSize - dataStart;
    const auto *data = reinterpret_cast<const std::byte *>(contents) + dataStart;

    std::vector<Span> spans;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const QString name = it.key();
        if (name == kMetadataKey) {
            if (!it.value().isObject())
                fail(QStringLiteral("header: __metadata__ is not a JSON object"));
            m_metadata = it.value().toObject();
            for (auto m = m_metadata.begin(); m != m_metadata.end(); ++m) {
                if (!m.value().isString()) {
                    fail(QStringLiteral("header: __metadata__ entry %1 is not a string")
                             .arg(SafetensorsFile::quoted(m.key())));
                }
            }
            continue;
        }

        const auto failTensor = [&](const QString &problem) {
            fail(QStringLiteral("tensor %1: %2").arg(SafetensorsFile::quoted(name), problem));
        };
        if (!it.value().isObject())
            failTensor(QStringLiteral("entry is not a JSON object"));
        const QJsonObject entry = it.value().toObject();

        TensorInfo tensor;
        tensor.name = name;

        const QJsonValue dtype = entry.value(QLatin1String("dtype"));
        if (!dtype.isString())
            failTensor(QStringLiteral("dtype is missing or not a string"));
        const QString dtypeName = dtype.toString();
        const auto known = std::find_if(std::begin(kDtypes), std::end(kDtypes),
                                        [&](const DtypeName &d) { return dtypeName == d.name; });
        if (known == std::end(kDtypes))
            failTensor(QStringLiteral("unknown dtype %1").arg(SafetensorsFile::quoted(dtypeName)));
        if (!known->type) {
            failTensor(QStringLiteral("unsupported dtype %1 (MambaScope reads F32, F16 and BF16)")
                           .arg(SafetensorsFile::quoted(dtypeName)));
        }
        tensor.type = *known->type;

        const QJsonValue shape = entry.value(QLatin1String("shape"));
        if (!shape.isArray())
            failTensor(QStringLiteral("shape is missing or not an array"));
        for (const QJsonValue &d : shape.toArray()) {
            const std::optional<int64_t> n = wholeNumber(d);
            if (d.isDouble() && d.toDouble() < 0)
                failTensor(QStringLiteral("shape entry %1 is negative").arg(jsonText(d)));
            if (!n)
                failTensor(QStringLiteral("shape entry %1 is not an integer").arg(jsonText(d)));
            tensor.shape.push_back(*n);
        }

        const QJsonValue offsets = entry.value(QLatin1String("data_offsets"));
        const QJsonArray offsetArray = offsets.toArray();
        std::optional<int64_t> begin, end;
        if (offsets.isArray() && offsetArray.size() == 2) {
            begin = wholeNumber(offsetArray[0]);
            end = wholeNumber(offsetArray[1]);
        }
        if (!begin || !end || *begin < 0 || *end < 0) {
            failTensor(
                QStringLiteral("data_offsets %1 are not two non-negative integers")
                    .arg(offsets.isUndefined() ? QStringLiteral("(missing)") : jsonText(offsets)));
        }
        const QString offsetText = QStringLiteral("[%1, %2]").arg(*begin).arg(*end);
        if (*begin > *end)
            failTensor(QStringLiteral("data_offsets %1 end before they begin").arg(offsetText));
        if (*end > dataBytes) {
            failTensor(QStringLiteral("data_offsets %1 lie outside the data section (%2 bytes)")
                           .arg(offsetText)
                           .arg(dataBytes));
        }

        const std::optional<int64_t> count = checkedElementCount(tensor.shape);
        int64_t needed = 0;
        if (!count ||
            __builtin_mul_overflow(*count, int64_t(storageTypeSize(tensor.type)), &needed))
            failTensor(QStringLiteral("shape %1 is too large")
                           .arg(SafetensorsFile::shapeText(tensor.shape)));
        if (needed != *end - *begin) {
            failTensor(QStringLiteral("shape %1 needs %2 bytes but data_offsets span %3")
                           .arg(SafetensorsFile::shapeText(tensor.shape))
                           .arg(needed)
                           .arg(*end - *begin));
        }
        tensor.data = data + *begin;
        tensor.byteSize = needed;
        m_tensors.push_back(std::move(tensor));
        spans.push_back({*begin, *end, int(m_tensors.size() - 1)});
    }

    // Empty tensors occupy no bytes, so only the others can overlap.
    std::erase_if(spans, [](const Span &s) { return s.begin == s.end; });
    std::sort(spans.begin(), spans.end(),
              [](const Span &a, const Span &b) { return a.begin < b.begin; });
    const Span *furthest = nullptr;  // the span reaching furthest among those seen
    for (const Span &s : spans) {
        if (furthest && s.begin < furthest->end) {
            QStringList names{m_tensors[furthest->tensor].name, m_tensors[s.tensor].name};
            names.sort();
            fail(QStringLiteral("tensors %1 and %2 overlap")
                     .arg(SafetensorsFile::quoted(names[0]), SafetensorsFile::quoted(names[1])));
        }
        if (!furthest || s.end > furthest->end)
            furthest = &s;
    }

    std::sort(m_tensors.begin(), m_tensors.end(),
              [](const TensorInfo &a, const TensorInfo &b) { return a.name < b.name; });
    for (int i = 0; i < int(m_tensors.size()); ++i)
        m_index.insert(m_tensors[i].name, i);
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        m_file.unmap(m_map);
}

void SafetensorsFile::readBytes(const TensorInfo &info, void *out) const
{
    if (!m_map) {
        std::memcpy(out, info.data, size_t(info.byteSize));
        return;
    }
    GuardedFile::readAt(m_file.handle(), m_path,
                        qint64(info.data - reinterpret_cast<std::byte *>(m_map)), info.byteSize,
                        out);
}

void SafetensorsFile::releasePages(const TensorInfo &info) const
{
    if (m_map)
        SystemMemory::releaseMappedPages(info.data, info.byteSize);
}

QStringList SafetensorsFile::tensorNames() const
{
    QStringList names;
    names.reserve(qsizetype(m_tensors.size()));
    for (const TensorInfo &t : m_tensors)
        names << t.name;
    return names;
}

const TensorInfo &SafetensorsFile::tensor(const QString &name) const
{
    const auto it = m_index.constFind(name);
    if (it == m_index.cend())
        throw Error(m_path, QStringLiteral("no tensor %1").arg(SafetensorsFile::quoted(name)));
    return m_tensors[*it];
}

void SafetensorsWriter::add(const QString &name, const std::vector<int64_t> &shape,
                            const float *values, StorageType storeAs)
{
    // No file yet to name: these are programming errors of the caller, reported the same way.
    if (name == kMetadataKey)
        throw Error({}, QStringLiteral("tensor name __metadata__ is reserved"));
    // A set, not a scan of the entries: a checkpoint may have a million tensors.
    if (m_names.contains(name))
        throw Error({}, QStringLiteral("tensor %1 added twice").arg(SafetensorsFile::quoted(name)));
    const std::optional<int64_t> count = checkedElementCount(shape);
    int64_t bytes = 0;
    if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; }) || !count ||
        __builtin_mul_overflow(*count, int64_t(storageTypeSize(storeAs)), &bytes)) {
        throw Error({}, QStringLiteral("tensor %1: invalid shape %2")
                            .arg(SafetensorsFile::quoted(name), SafetensorsFile::shapeText(shape)));
    }

    Entry entry{name, shape, storeAs, QByteArray(qsizetype(bytes), Qt::Uninitialized)};
    char *out = entry.bytes.data();
    const auto n = std::size_t(*count);
    switch (storeAs) {
        case StorageType::F32:
            for (std::size_t i = 0; i < n; ++i)
                qToLittleEndian(std::bit_cast<quint32>(values[i]), out + 4 * i);
            break;
        case StorageType::F16:
            narrowToHalf(values, out, n);
            break;
        case StorageType::BF16:
            narrowToBfloat16(values, out, n);
            break;
    }
    m_entries.push_back(std::move(entry));
    m_names.insert(name);
}

void SafetensorsWriter::write(const QString &path) const
{
    // Like the reference writer: wider types first, then by name, so that every fp32 tensor starts
    // 4-byte aligned and can be used in place when mapped.
    std::vector<const Entry *> order;
    for (const Entry &e : m_entries)
        order.push_back(&e);
    std::sort(order.begin(), order.end(), [](const Entry *a, const Entry *b) {
        const int sa = storageTypeSize(a->type), sb = storageTypeSize(b->type);
        return sa != sb ? sa > sb : a->name < b->name;
    });

    // The header as text, in one pass: a QJsonObject keeps its keys sorted and inserting out of
    // order moves the rest, which made a million tensors take minutes.
    for (auto it = m_metadata.begin(); it != m_metadata.end(); ++it) {
        if (!it.value().isString()) {
            throw Error(path, QStringLiteral("metadata entry %1 is not a string")
                                  .arg(SafetensorsFile::quoted(it.key())));
        }
    }
    QByteArray headerText = "{";
    if (!m_metadata.isEmpty()) {
        headerText += jsonString(kMetadataKey) + ':' +
                      QJsonDocument(m_metadata).toJson(QJsonDocument::Compact);
    }
    qint64 offset = 0;
    for (const Entry *e : order) {
        if (headerText.size() > 1)
            headerText += ',';
        headerText += jsonString(e->name);
        headerText += ":{\"dtype\":\"";
        headerText += storageTypeName(e->type).toLatin1();
        headerText += "\",\"shape\":[";
        for (size_t i = 0; i < e->shape.size(); ++i) {
            if (i > 0)
                headerText += ',';
            headerText += QByteArray::number(qint64(e->shape[i]));
        }
        const qint64 end = offset + e->bytes.size();
        headerText += "],\"data_offsets\":[" + QByteArray::number(offset) + ',' +
                      QByteArray::number(end) + "]}";
        offset = end;
    }
    headerText += '}';
    // Spaces up to a multiple of 8 keep the data section aligned, as the reference writer does.
    headerText.append((8 - headerText.size() % 8) % 8, ' ');

    QSaveFile file(path);
    const auto fail = [&](const QString &reason) {
        throw Error(path, QStringLiteral("cannot write (%1)").arg(reason));
    };
    if (!file.open(QIODevice::WriteOnly))
        fail(file.errorString());
    char lengthBytes[8];
    qToLittleEndian(quint64(headerText.size()), lengthBytes);
    if (file.write(lengthBytes, 8) != 8 || file.write(headerText) != headerText.size())
        fail(saveFileError(file));
    for (const Entry *e : order) {
        if (file.write(e->bytes) != e->bytes.size())
            fail(saveFileError(file));
    }
    QString reason;
    if (!commitSaveFile(file, &reason))
        fail(reason);
}

QString SafetensorsFile::quoted(const QString &name)
{
    return QLatin1Char('\'') + name + QLatin1Char('\'');
}

QString SafetensorsFile::shapeText(const std::vector<int64_t> &shape)
{
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

}  // namespace mscope
