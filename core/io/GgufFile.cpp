// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/GgufFile.h"

#include "io/GuardedFile.h"
#include "io/HalfFloat.h"
#include "support/Error.h"
#include "support/SystemMemory.h"

#include <QFileInfo>
#include <QSet>
#include <QtEndian>
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

namespace mscope {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint32_t kDefaultAlignment = 32;
// A GGUF file holds some hundred keys and a few thousand tensors; far more means a broken count.
constexpr uint64_t kMaxKeys = 1 << 20;
constexpr uint64_t kMaxTensors = 1 << 20;
constexpr int kMaxDims = 4;

struct TypeTraits
{
    const char *name;
    int blockSize;  // elements per block; 0: a type whose layout we do not know
    int blockBytes;
};

// ggml's type table (ggml.h, type_traits in ggml.c): the ids, names and block layouts.
TypeTraits typeTraits(uint32_t type)
{
    static const std::array<TypeTraits, 43> table{{
        {"F32", 1, 4},        {"F16", 1, 2},        {"Q4_0", 32, 18},     {"Q4_1", 32, 20},
        {"Q4_2", 0, 0},       {"Q4_3", 0, 0},       {"Q5_0", 32, 22},     {"Q5_1", 32, 24},
        {"Q8_0", 32, 34},     {"Q8_1", 32, 36},     {"Q2_K", 256, 84},    {"Q3_K", 256, 110},
        {"Q4_K", 256, 144},   {"Q5_K", 256, 176},   {"Q6_K", 256, 210},   {"Q8_K", 256, 292},
        {"IQ2_XXS", 0, 0},    {"IQ2_XS", 0, 0},     {"IQ3_XXS", 0, 0},    {"IQ1_S", 0, 0},
        {"IQ4_NL", 0, 0},     {"IQ3_S", 0, 0},      {"IQ2_S", 0, 0},      {"IQ4_XS", 0, 0},
        {"I8", 1, 1},         {"I16", 1, 2},        {"I32", 1, 4},        {"I64", 1, 8},
        {"F64", 1, 8},        {"IQ1_M", 0, 0},      {"BF16", 1, 2},       {"Q4_0_4_4", 0, 0},
        {"Q4_0_4_8", 0, 0},   {"Q4_0_8_8", 0, 0},   {"TQ1_0", 0, 0},      {"TQ2_0", 0, 0},
        {"IQ4_NL_4_4", 0, 0}, {"IQ4_NL_4_8", 0, 0}, {"IQ4_NL_8_8", 0, 0}, {"MXFP4", 0, 0},
        {"NVFP4", 0, 0},      {"Q1_0", 0, 0},       {"Q2_0", 0, 0},
    }};
    return type < table.size() ? table[type] : TypeTraits{nullptr, 0, 0};
}

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

QString valueTypeName(GgufValueType t)
{
    static const char *const names[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                        "int32",  "float32", "bool",   "string", "array",
                                        "uint64", "int64",   "float64"};
    const auto i = uint32_t(t);
    return i < std::size(names) ? QLatin1String(names[i]) : QStringLiteral("type %1").arg(i);
}

bool isInteger(GgufValueType t)
{
    switch (t) {
        case GgufValueType::Uint8:
        case GgufValueType::Int8:
        case GgufValueType::Uint16:
        case GgufValueType::Int16:
        case GgufValueType::Uint32:
        case GgufValueType::Int32:
        case GgufValueType::Uint64:
        case GgufValueType::Int64:
            return true;
        default:
            return false;
    }
}

// Reads the little-endian fields of the header, never past the end of the file.
class Cursor
{
public:
    Cursor(const uchar *data, qint64 size, QString path)
        : m_data(data), m_size(size), m_path(std::move(path))
    {
    }
    qint64 position() const { return m_pos; }
    qint64 remaining() const { return m_size - m_pos; }

    template <typename T>
    T read(const char *what)
    {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, m_data + m_pos, sizeof(T));
        m_pos += qint64(sizeof(T));
        return qFromLittleEndian(v);
    }
    QString string(const char *what)
    {
        const uint64_t length = read<uint64_t>(what);
        if (length > uint64_t(remaining()))
            throw truncated(what);
        const QString s =
            QString::fromUtf8(reinterpret_cast<const char *>(m_data + m_pos), qsizetype(length));
        m_pos += qint64(length);
        return s;
    }
    void need(uint64_t bytes, const char *what) const
    {
        if (bytes > uint64_t(remaining()))
            throw truncated(what);
    }
    Error truncated(const char *what) const;

private:
    const uchar *m_data;
    qint64 m_size;
    qint64 m_pos = 0;
    QString m_path;
};

Error Cursor::truncated(const char *what) const
{
    return Error(m_path, QStringLiteral("truncated: the file ends inside %1 (at byte %2 of "
                                        "%3)")
                             .arg(QLatin1String(what))
                             .arg(m_pos)
                             .arg(m_size));
}

// A scalar of `type` at the cursor.
QVariant readScalar(Cursor &c, GgufValueType type, const QString &key, const GgufFile &file)
{
    switch (type) {
        case GgufValueType::Uint8:
            return qulonglong(c.read<uint8_t>("a metadata value"));
        case GgufValueType::Int8:
            return qlonglong(c.read<int8_t>("a metadata value"));
        case GgufValueType::Uint16:
            return qulonglong(c.read<uint16_t>("a metadata value"));
        case GgufValueType::Int16:
            return qlonglong(c.read<int16_t>("a metadata value"));
        case GgufValueType::Uint32:
            return qulonglong(c.read<uint32_t>("a metadata value"));
        case GgufValueType::Int32:
            return qlonglong(c.read<int32_t>("a metadata value"));
        case GgufValueType::Uint64:
            return qulonglong(c.read<uint64_t>("a metadata value"));
        case GgufValueType::Int64:
            return qlonglong(c.read<int64_t>("a metadata value"));
        case GgufValueType::Float32:
            return double(std::bit_cast<float>(c.read<uint32_t>("a metadata value")));
        case GgufValueType::Float64:
            return std::bit_cast<double>(c.read<uint64_t>("a metadata value"));
        case GgufValueType::Bool: {
            const uint8_t b = c.read<uint8_t>("a metadata value");
            if (b > 1)
                throw Error(file.path(), QStringLiteral("metadata %1 is a bool of value %2 (0 or "
                                                        "1 expected)")
                                             .arg(quoted(key))
                                             .arg(b));
            return bool(b);
        }
        case GgufValueType::String:
            return c.string("a metadata string");
        case GgufValueType::Array:
            break;
    }
    throw Error(file.path(), QStringLiteral("metadata %1 has an unknown value type %2")
                                 .arg(quoted(key))
                                 .arg(uint32_t(type)));
}

int scalarSize(GgufValueType t)
{
    switch (t) {
        case GgufValueType::Uint8:
        case GgufValueType::Int8:
        case GgufValueType::Bool:
            return 1;
        case GgufValueType::Uint16:
        case GgufValueType::Int16:
            return 2;
        case GgufValueType::Uint32:
        case GgufValueType::Int32:
        case GgufValueType::Float32:
            return 4;
        case GgufValueType::Uint64:
        case GgufValueType::Int64:
        case GgufValueType::Float64:
            return 8;
        case GgufValueType::String:
            return 8;  // at least its length
        case GgufValueType::Array:
            return 12;
    }
    return 1;
}

// Q8_0: blocks of 32 values, an fp16 scale and 32 signed bytes.
void dequantizeQ8_0(const std::byte *blocks, float *out, int64_t count)
{
    const auto *p = reinterpret_cast<const uint8_t *>(blocks);
    for (int64_t b = 0; b < count / 32; ++b, p += 34) {
        const float scale = halfToFloat(uint16_t(p[0] | (p[1] << 8)));
        for (int j = 0; j < 32; ++j)
            out[b * 32 + j] = scale * float(int8_t(p[2 + j]));
    }
}

QString shapeText(const std::vector<int64_t> &shape)
{
    QStringList parts;
    for (const int64_t d : shape)
        parts << QString::number(d);
    return u'[' + parts.join(QStringLiteral(", ")) + u']';
}

// The shape without its 1s, to compare [E, 1, K] with [E, K] and [H] with [H, 1].
std::vector<int64_t> withoutOnes(const std::vector<int64_t> &shape)
{
    std::vector<int64_t> out;
    for (const int64_t d : shape) {
        if (d != 1)
            out.push_back(d);
    }
    return out;
}

}  // namespace

QString ggmlTypeName(uint32_t type)
{
    const TypeTraits t = typeTraits(type);
    return t.name ? QLatin1String(t.name) : QStringLiteral("type %1").arg(type);
}

int64_t GgufTensorInfo::elementCount() const
{
    int64_t n = 1;
    for (const int64_t d : ne)
        n *= d;
    return n;
}

std::vector<int64_t> GgufTensorInfo::torchShape() const
{
    return {ne.rbegin(), ne.rend()};
}

GgufFile::GgufFile(const QString &path) : m_path(path), m_file(path)
{
    const QFileInfo info(path);
    if (!info.exists())
        fail(QStringLiteral("no such file"));
    if (info.isDir())
        fail(QStringLiteral("is a directory, not a GGUF file"));
    // Opening a pipe would block until something writes to it.
    if (!info.isFile())
        fail(QStringLiteral("not a regular file (a device, pipe or socket)"));
    if (!m_file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot open (%1)").arg(m_file.errorString()));
    m_fileSize = m_file.size();
    if (m_fileSize < 24)
        fail(QStringLiteral("too short for a GGUF file (%1 bytes)").arg(m_fileSize));
    m_map = m_file.map(0, m_fileSize);
    if (!m_map)
        fail(QStringLiteral("cannot map the file into memory (%1)").arg(m_file.errorString()));
    parse(m_map);
}

GgufFile::GgufFile(const QString &name, const QByteArray &bytes)
    : m_path(name), m_bytes(bytes), m_fileSize(bytes.size())
{
    if (m_fileSize < 24)
        fail(QStringLiteral("too short for a GGUF file (%1 bytes)").arg(m_fileSize));
    parse(reinterpret_cast<const uchar *>(m_bytes.constData()));
}

std::unique_ptr<GgufFile> GgufFile::fromBytes(const QByteArray &bytes, const QString &name)
{
    return std::unique_ptr<GgufFile>(new GgufFile(name, bytes));
}

bool GgufFile::hasMagic(const QString &path)
{
    QFile file(path);
    if (!QFileInfo(path).isFile() || !file.open(QIODevice::ReadOnly))
        return false;
    return file.read(4) == QByteArrayLiteral("GGUF");
}

GgufFile::~GgufFile()
{
    if (m_map)
        m_file.unmap(m_map);
}

void GgufFile::fail(const QString &problem) const
{
    throw Error(m_path, problem);
}

void GgufFile::parse(const uchar *contents)
{
    Cursor c(contents, m_fileSize, m_path);
    if (c.read<uint32_t>("the magic") != kMagic)
        fail(QStringLiteral("not a GGUF file (it does not start with \"GGUF\")"));
    m_version = c.read<uint32_t>("the version");
    if (m_version != 2 && m_version != 3)
        fail(QStringLiteral("GGUF version %1 is not supported (2 and 3 are)").arg(m_version));
    const uint64_t tensorCount = c.read<uint64_t>("the tensor count");
    const uint64_t keyCount = c.read<uint64_t>("the metadata count");
    if (tensorCount > kMaxTensors)
        fail(QStringLiteral("claims %1 tensors (at most %2)").arg(tensorCount).arg(kMaxTensors));
    if (keyCount > kMaxKeys)
        fail(QStringLiteral("claims %1 metadata keys (at most %2)").arg(keyCount).arg(kMaxKeys));

    for (uint64_t k = 0; k < keyCount; ++k) {
        const QString key = c.string("a metadata key");
        if (key.isEmpty())
            fail(QStringLiteral("metadata key %1 is empty").arg(k));
        if (m_values.contains(key))
            fail(QStringLiteral("metadata key %1 appears twice").arg(quoted(key)));
        GgufValue v;
        v.type = GgufValueType(c.read<uint32_t>("a metadata type"));
        if (v.type == GgufValueType::Array) {
            v.elementType = GgufValueType(c.read<uint32_t>("an array type"));
            const uint64_t count = c.read<uint64_t>("an array length");
            if (v.elementType == GgufValueType::Array)
                fail(QStringLiteral("metadata %1 is an array of arrays, which is not supported")
                         .arg(quoted(key)));
            // Every element takes at least this many bytes: a count beyond the file is refused
            // before anything is allocated for it.
            if (count > uint64_t(c.remaining()) / uint64_t(scalarSize(v.elementType)))
                throw c.truncated("an array");
            if (v.elementType == GgufValueType::String) {
                v.strings.reserve(qsizetype(count));
                for (uint64_t i = 0; i < count; ++i)
                    v.strings << c.string("an array of strings");
            } else {
                v.numbers.reserve(count);
                for (uint64_t i = 0; i < count; ++i) {
                    const QVariant x = readScalar(c, v.elementType, key, *this);
                    v.numbers.push_back(x.toDouble());
                }
            }
        } else {
            v.scalar = readScalar(c, v.type, key, *this);
        }
        m_values.insert(key, std::move(v));
        m_keyOrder << key;
    }

    uint64_t alignment = kDefaultAlignment;
    if (const auto it = m_values.constFind(QStringLiteral("general.alignment"));
        it != m_values.cend()) {
        const uint64_t a = it->scalar.toULongLong();
        if (!isInteger(it->type) || a == 0 || a > (1u << 30) || (a & (a - 1)) != 0)
            fail(QStringLiteral("general.alignment must be a power of two"));
        alignment = a;
    }

    m_tensors.reserve(std::size_t(std::min<uint64_t>(tensorCount, uint64_t(c.remaining() / 24))));
    for (uint64_t t = 0; t < tensorCount; ++t) {
        GgufTensorInfo info;
        info.name = c.string("a tensor name");
        if (info.name.isEmpty())
            fail(QStringLiteral("tensor %1 has an empty name").arg(t));
        if (m_tensorIndex.contains(info.name))
            fail(QStringLiteral("tensor %1 appears twice").arg(quoted(info.name)));
        const uint32_t dims = c.read<uint32_t>("a tensor's dimension count");
        if (dims < 1 || dims > kMaxDims)
            fail(QStringLiteral("tensor %1 has %2 dimensions (1 to 4 allowed)")
                     .arg(quoted(info.name))
                     .arg(dims));
        uint64_t elements = 1;
        for (uint32_t i = 0; i < dims; ++i) {
            const uint64_t ne = c.read<uint64_t>("a tensor's shape");
            if (ne > uint64_t(std::numeric_limits<int64_t>::max()) ||
                (ne > 0 && elements > uint64_t(std::numeric_limits<int64_t>::max()) / ne))
                fail(QStringLiteral("tensor %1 has an impossible shape").arg(quoted(info.name)));
            elements *= ne;
            info.ne.push_back(int64_t(ne));
        }
        info.type = c.read<uint32_t>("a tensor's type");
        info.offset = c.read<uint64_t>("a tensor's offset");
        const TypeTraits traits = typeTraits(info.type);
        if (!traits.name)
            fail(QStringLiteral("tensor %1 has an unknown ggml type %2")
                     .arg(quoted(info.name))
                     .arg(info.type));
        if (traits.blockSize == 0)
            fail(QStringLiteral("tensor %1 is stored as %2, a type MambaScope cannot read")
                     .arg(quoted(info.name), QLatin1String(traits.name)));
        if (info.ne[0] % traits.blockSize != 0)
            fail(QStringLiteral("tensor %1 (%2) has rows of %3 elements, not a multiple of its "
                                "blocks of %4")
                     .arg(quoted(info.name), QLatin1String(traits.name))
                     .arg(info.ne[0])
                     .arg(traits.blockSize));
        // elements fits in int64, but its bytes need not: 2^62 fp32 elements are 2^64 bytes, and
        // a wrapped size would pass the check that the tensor lies inside the file.
        const uint64_t blocks = elements / uint64_t(traits.blockSize);
        if (blocks > uint64_t(std::numeric_limits<int64_t>::max()) / uint64_t(traits.blockBytes))
            fail(QStringLiteral("tensor %1 has an impossible shape (more than 2^63 bytes)")
                     .arg(quoted(info.name)));
        info.byteSize = int64_t(blocks) * traits.blockBytes;
        m_tensorIndex.insert(info.name, int(m_tensors.size()));
        m_tensors.push_back(std::move(info));
    }

    const uint64_t dataStart = (uint64_t(c.position()) + alignment - 1) / alignment * alignment;
    if (dataStart > uint64_t(m_fileSize) && !m_tensors.empty())
        throw c.truncated("the padding before the tensor data");
    // Every tensor inside the file, aligned, and none overlapping another.
    std::vector<const GgufTensorInfo *> byOffset;
    for (GgufTensorInfo &info : m_tensors) {
        if (info.offset % alignment != 0)
            fail(QStringLiteral("tensor %1 starts at offset %2, not a multiple of the alignment "
                                "%3")
                     .arg(quoted(info.name))
                     .arg(info.offset)
                     .arg(alignment));
        const uint64_t available = uint64_t(m_fileSize) - std::min(dataStart, uint64_t(m_fileSize));
        if (info.offset > available || uint64_t(info.byteSize) > available - info.offset)
            fail(QStringLiteral("tensor %1 (%2 bytes at offset %3) lies beyond the end of the "
                                "file")
                     .arg(quoted(info.name))
                     .arg(info.byteSize)
                     .arg(info.offset));
        info.data = reinterpret_cast<const std::byte *>(contents + dataStart + info.offset);
        byOffset.push_back(&info);
    }
    std::sort(byOffset.begin(), byOffset.end(),
              [](const auto *a, const auto *b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        const GgufTensorInfo &before = *byOffset[i - 1];
        if (before.offset + uint64_t(before.byteSize) > byOffset[i]->offset)
            fail(QStringLiteral("tensors %1 and %2 overlap")
                     .arg(quoted(before.name), quoted(byOffset[i]->name)));
    }
}

const GgufValue &GgufFile::value(const QString &key) const
{
    const auto it = m_values.constFind(key);
    if (it == m_values.cend())
        fail(QStringLiteral("missing metadata %1").arg(quoted(key)));
    return *it;
}

QString GgufFile::string(const QString &key) const
{
    const GgufValue &v = value(key);
    if (v.type != GgufValueType::String)
        fail(QStringLiteral("metadata %1 is a %2, not a string")
                 .arg(quoted(key), valueTypeName(v.type)));
    return v.scalar.toString();
}

int64_t GgufFile::integer(const QString &key) const
{
    const GgufValue &v = value(key);
    if (!isInteger(v.type))
        fail(QStringLiteral("metadata %1 is a %2, not an integer")
                 .arg(quoted(key), valueTypeName(v.type)));
    if (v.type == GgufValueType::Uint64 &&
        v.scalar.toULongLong() > uint64_t(std::numeric_limits<int64_t>::max()))
        fail(QStringLiteral("metadata %1 is too large").arg(quoted(key)));
    return v.scalar.toLongLong();
}

double GgufFile::number(const QString &key) const
{
    const GgufValue &v = value(key);
    if (v.type != GgufValueType::Float32 && v.type != GgufValueType::Float64 && !isInteger(v.type))
        fail(QStringLiteral("metadata %1 is a %2, not a number")
                 .arg(quoted(key), valueTypeName(v.type)));
    return v.scalar.toDouble();
}

bool GgufFile::boolean(const QString &key) const
{
    const GgufValue &v = value(key);
    if (v.type != GgufValueType::Bool)
        fail(QStringLiteral("metadata %1 is a %2, not a bool")
                 .arg(quoted(key), valueTypeName(v.type)));
    return v.scalar.toBool();
}

const QStringList &GgufFile::stringArray(const QString &key) const
{
    const GgufValue &v = value(key);
    if (v.type != GgufValueType::Array || v.elementType != GgufValueType::String)
        fail(QStringLiteral("metadata %1 is not an array of strings").arg(quoted(key)));
    return v.strings;
}

const std::vector<double> &GgufFile::numberArray(const QString &key) const
{
    const GgufValue &v = value(key);
    if (v.type != GgufValueType::Array || v.elementType == GgufValueType::String)
        fail(QStringLiteral("metadata %1 is not an array of numbers").arg(quoted(key)));
    return v.numbers;
}

const GgufTensorInfo &GgufFile::tensor(const QString &name) const
{
    const auto it = m_tensorIndex.constFind(name);
    if (it == m_tensorIndex.cend())
        fail(QStringLiteral("missing tensor %1").arg(quoted(name)));
    return m_tensors[std::size_t(*it)];
}

FloatTensor GgufFile::floatTensor(const QString &name, const std::vector<int64_t> &expectedShape,
                                  float *destination) const
{
    const GgufTensorInfo &info = tensor(name);
    const std::vector<int64_t> shape = info.torchShape();
    int64_t expectedCount = 1;
    for (const int64_t d : expectedShape)
        expectedCount *= d;
    if (withoutOnes(shape) != withoutOnes(expectedShape) || info.elementCount() != expectedCount)
        fail(QStringLiteral("tensor %1 has shape %2 (ggml order), expected %3")
                 .arg(quoted(name), shapeText(info.ne),
                      shapeText({expectedShape.rbegin(), expectedShape.rend()})));
    FloatTensor result;
    result.shape = expectedShape;
    const auto count = std::size_t(info.elementCount());
    constexpr bool littleEndianHost = QSysInfo::ByteOrder == QSysInfo::LittleEndian;
    const bool inPlace = info.type == uint32_t(GgufType::F32) && littleEndianHost &&
                         reinterpret_cast<std::uintptr_t>(info.data) % alignof(float) == 0;
    if (inPlace && !destination) {
        result.data = reinterpret_cast<const float *>(info.data);
        return result;
    }
    if (inPlace && m_map) {
        // read(), not through the mapping: a tenth of the page faults.
        GuardedFile::readAt(m_file.handle(), m_path,
                            qint64(info.data - reinterpret_cast<const std::byte *>(m_map)),
                            info.byteSize, destination);
        result.data = destination;
        return result;
    }
    float *out = result.placeValues(count, destination);
    switch (info.type) {
        case uint32_t(GgufType::F32):
            if (inPlace) {
                if (count > 0)
                    std::memcpy(out, info.data, count * sizeof(float));
                break;
            }
            for (std::size_t i = 0; i < count; ++i)
                out[i] = std::bit_cast<float>(qFromLittleEndian<quint32>(info.data + 4 * i));
            break;
        case uint32_t(GgufType::F16):
            widenHalf(info.data, out, count);
            break;
        case uint32_t(GgufType::BF16):
            widenBfloat16(info.data, out, count);
            break;
        case uint32_t(GgufType::Q8_0):
            dequantizeQ8_0(info.data, out, int64_t(count));
            break;
        default:
            fail(QStringLiteral("tensor %1 is stored as %2; MambaScope reads F32, F16, BF16 and "
                                "Q8_0 GGUF tensors")
                     .arg(quoted(name), ggmlTypeName(info.type)));
    }
    if (destination && m_map)
        SystemMemory::releaseMappedPages(info.data, info.byteSize);
    return result;
}

uint32_t GgufFile::dominantType() const
{
    QHash<uint32_t, int64_t> elements;
    for (const GgufTensorInfo &t : m_tensors)
        elements[t.type] += t.elementCount();
    uint32_t best = 0;
    int64_t most = -1;
    for (auto it = elements.cbegin(); it != elements.cend(); ++it) {
        if (it.value() > most || (it.value() == most && it.key() < best)) {
            best = it.key();
            most = it.value();
        }
    }
    return best;
}

}  // namespace mscope
