// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/GgufWriter.h"

#include "io/HalfFloat.h"
#include "io/SaveFile.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QSaveFile>
#include <QtEndian>
#include <bit>
#include <cmath>

namespace mscope {

namespace {

constexpr int kAlignment = 32;  // llama.cpp's default (no general.alignment written)
constexpr int kMaxNameBytes = 63;

template <typename T>
void put(QByteArray &out, T value)
{
    const T le = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&le), qsizetype(sizeof(T)));
}

void putString(QByteArray &out, const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    put<uint64_t>(out, uint64_t(utf8.size()));
    out.append(utf8);
}

int64_t elementsOf(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (const int64_t d : shape)
        n *= d;
    return n;
}

// ggml's reference Q8_0 quantisation (bit-identical with llama.cpp's converter): per block of 32,
// d = max|x| / 127, q = round(x / d) (halves away from zero), d stored as fp16.
void quantizeQ8_0(const float *x, int64_t count, QByteArray &out)
{
    for (int64_t b = 0; b < count; b += 32) {
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j)
            amax = std::max(amax, std::abs(x[b + j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        put<uint16_t>(out, floatToHalf(d));
        for (int j = 0; j < 32; ++j)
            out.append(char(int8_t(std::lround(x[b + j] * id))));
    }
}

}  // namespace

int64_t GgufWriter::Tensor::byteSize() const
{
    const int64_t n = elementsOf(torchShape);
    switch (type) {
        case GgufType::F32:
            return n * 4;
        case GgufType::F16:
        case GgufType::BF16:
            return n * 2;
        case GgufType::Q8_0:
            return n / 32 * 34;
    }
    return 0;
}

void GgufWriter::addKey(const QString &key, GgufValueType type)
{
    putString(m_metadata, key);
    put<uint32_t>(m_metadata, uint32_t(type));
    ++m_keyCount;
    m_keys << key;
}

void GgufWriter::addString(const QString &key, const QString &value)
{
    addKey(key, GgufValueType::String);
    putString(m_metadata, value);
}

void GgufWriter::addUint32(const QString &key, uint32_t value)
{
    addKey(key, GgufValueType::Uint32);
    put<uint32_t>(m_metadata, value);
}

void GgufWriter::addFloat32(const QString &key, float value)
{
    addKey(key, GgufValueType::Float32);
    put<uint32_t>(m_metadata, std::bit_cast<uint32_t>(value));
}

void GgufWriter::addBool(const QString &key, bool value)
{
    addKey(key, GgufValueType::Bool);
    m_metadata.append(char(value ? 1 : 0));
}

void GgufWriter::addStringArray(const QString &key, const QStringList &values)
{
    addKey(key, GgufValueType::Array);
    put<uint32_t>(m_metadata, uint32_t(GgufValueType::String));
    put<uint64_t>(m_metadata, uint64_t(values.size()));
    for (const QString &v : values)
        putString(m_metadata, v);
}

void GgufWriter::addInt32Array(const QString &key, const std::vector<int32_t> &values)
{
    addKey(key, GgufValueType::Array);
    put<uint32_t>(m_metadata, uint32_t(GgufValueType::Int32));
    put<uint64_t>(m_metadata, uint64_t(values.size()));
    for (const int32_t v : values)
        put<int32_t>(m_metadata, v);
}

void GgufWriter::addTensor(const QString &name, const std::vector<int64_t> &torchShape,
                           const float *values, GgufType storeAs,
                           std::shared_ptr<const std::vector<float>> owned)
{
    if (name.toUtf8().size() > kMaxNameBytes)
        throw Error({}, QStringLiteral("GGUF tensor name '%1' is longer than %2 bytes")
                            .arg(name)
                            .arg(kMaxNameBytes));
    for (const Tensor &t : m_tensors) {
        if (t.name == name)
            throw Error({}, QStringLiteral("GGUF tensor '%1' added twice").arg(name));
    }
    if (storeAs == GgufType::Q8_0 && (torchShape.empty() || torchShape.back() % 32 != 0))
        throw Error({}, QStringLiteral("GGUF tensor '%1' cannot be stored as Q8_0: its rows are "
                                       "not a multiple of 32 long")
                            .arg(name));
    m_tensors.push_back({name, torchShape, values, storeAs, std::move(owned)});
}

void GgufWriter::write(const QString &path, const JobControl *job) const
{
    QByteArray header;
    header.append("GGUF", 4);
    put<uint32_t>(header, 3);
    put<uint64_t>(header, uint64_t(m_tensors.size()));
    put<uint64_t>(header, m_keyCount);
    header.append(m_metadata);
    uint64_t offset = 0;
    for (const Tensor &t : m_tensors) {
        putString(header, t.name);
        put<uint32_t>(header, uint32_t(t.torchShape.size()));
        for (auto it = t.torchShape.rbegin(); it != t.torchShape.rend(); ++it)
            put<uint64_t>(header, uint64_t(*it));  // ggml order: the last PyTorch dim first
        put<uint32_t>(header, uint32_t(t.type));
        put<uint64_t>(header, offset);
        offset += uint64_t((t.byteSize() + kAlignment - 1) / kAlignment * kAlignment);
    }
    header.append(QByteArray((kAlignment - header.size() % kAlignment) % kAlignment, '\0'));

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(path, QStringLiteral("cannot write (%1)").arg(file.errorString()));
    const auto writeAll = [&](const QByteArray &bytes) {
        errno = 0;
        if (file.write(bytes) != bytes.size()) {
            const QString reason = saveFileError(file);
            file.cancelWriting();
            throw Error(path, QStringLiteral("cannot write (%1)").arg(reason));
        }
    };
    writeAll(header);
    QByteArray data;
    for (std::size_t i = 0; i < m_tensors.size(); ++i) {
        if (job && job->isCancelled()) {
            file.cancelWriting();
            throw Cancelled();
        }
        const Tensor &t = m_tensors[i];
        const int64_t n = elementsOf(t.torchShape);
        data.clear();
        data.reserve(qsizetype(t.byteSize() + kAlignment));
        switch (t.type) {
            case GgufType::F32:
                for (int64_t k = 0; k < n; ++k)
                    put<uint32_t>(data, std::bit_cast<uint32_t>(t.values[k]));
                break;
            case GgufType::F16:
                data.resize(qsizetype(n * 2));
                narrowToHalf(t.values, data.data(), std::size_t(n));
                break;
            case GgufType::BF16:
                data.resize(qsizetype(n * 2));
                narrowToBfloat16(t.values, data.data(), std::size_t(n));
                break;
            case GgufType::Q8_0:
                quantizeQ8_0(t.values, n, data);
                break;
        }
        data.append(QByteArray((kAlignment - data.size() % kAlignment) % kAlignment, '\0'));
        writeAll(data);
        if (job)
            job->report(double(i + 1) / double(m_tensors.size()),
                        QStringLiteral("Wrote %1").arg(t.name));
    }
    QString reason;
    if (!commitSaveFile(file, &reason))
        throw Error(path, QStringLiteral("cannot write (%1)").arg(reason));
}

}  // namespace mscope
