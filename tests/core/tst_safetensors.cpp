// SPDX-License-Identifier: GPL-3.0-or-later
// Reading, writing and validating safetensors files and model directories, on the bundled demo
// model and on files broken on purpose.
#include "io/Checkpoint.h"
#include "io/HalfFloat.h"
#include "io/SafetensorsFile.h"
#include "support/Error.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using namespace mscope;

Q_DECLARE_METATYPE(mscope::StorageType)

namespace {

QString demoDir()
{
    return QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
}

QString demoFile()
{
    return demoDir() + QStringLiteral("/model.safetensors");
}

// The message of the Error `f` throws, or a note that it threw none.
QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("(no Error thrown)");
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(file.errorString()));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// A safetensors file from a header text and a data section, without any checking.
QByteArray safetensorsBytes(const QByteArray &header, const QByteArray &data = {})
{
    QByteArray out(8, '\0');
    qToLittleEndian<quint64>(quint64(header.size()), out.data());
    return out + header + data;
}

QByteArray lengthPrefix(quint64 headerLength)
{
    QByteArray out(8, '\0');
    qToLittleEndian<quint64>(headerLength, out.data());
    return out;
}

uint32_t bitsOf(float f)
{
    return std::bit_cast<uint32_t>(f);
}

std::vector<float> valuesOf(const TensorInfo &t)
{
    std::vector<float> v(std::size_t(t.elementCount()));
    if (!v.empty()) {
        switch (t.type) {
            case StorageType::F32:
                std::memcpy(v.data(), t.data, v.size() * 4);
                break;
            case StorageType::F16:
                widenHalf(t.data, v.data(), v.size());
                break;
            case StorageType::BF16:
                widenBfloat16(t.data, v.data(), v.size());
                break;
        }
    }
    return v;
}

// What storing `v` as `type` and reading it back gives.
float storedAs(float v, StorageType type)
{
    switch (type) {
        case StorageType::F32:
            return v;
        case StorageType::F16:
            return halfToFloat(floatToHalf(v));
        case StorageType::BF16:
            return bfloat16ToFloat(floatToBfloat16(v));
    }
    return v;
}

// Rewrites every tensor of the demo model with `type` storage into `path`.
void writeDemoCopy(const QString &path, StorageType type)
{
    const SafetensorsFile demo(demoFile());
    SafetensorsWriter writer;
    for (const QString &name : demo.tensorNames()) {
        const TensorInfo &t = demo.tensor(name);
        const std::vector<float> v = valuesOf(t);
        writer.add(name, t.shape, v.data(), type);
    }
    writer.setMetadata(demo.metadata());
    writer.write(path);
}

}  // namespace

class TestSafetensors : public QObject
{
    Q_OBJECT

private slots:
    void demoFileHeader();
    void demoFileValues();
    void halfConversionIsExact();
    void halfRoundsToNearestEven();
    void bfloat16ConversionIsExact();
    void bfloat16RoundsToNearestEven();
    void writerRoundTrip_data();
    void writerRoundTrip();
    void writerAlignsWideTensors();
    void floatTensorIntoCallersMemory();
    void writerErrors();
    void zeroSizeTensors();
    void corruptFiles_data();
    void corruptFiles();
    void hugeHeaderIsRefused();
    void truncatedDemoFile();
    void checkpointSingleFile();
    void checkpointShardedMatchesSingle();
    void checkpointHalfPrecisionCopies_data();
    void checkpointHalfPrecisionCopies();
    void checkpointWithoutIndex();
    void checkpointErrors();
};

void TestSafetensors::demoFileHeader()
{
    const SafetensorsFile file(demoFile());
    QCOMPARE(file.fileSize(), qint64(14714136));
    const QStringList names = file.tensorNames();
    QCOMPARE(names.size(), 6 * 10 + 2);  // 10 tensors per layer, embedding and final norm
    QVERIFY(std::is_sorted(names.begin(), names.end()));
    QCOMPARE(names.first(), QStringLiteral("backbone.embeddings.weight"));
    QCOMPARE(names.last(), QStringLiteral("backbone.norm_f.weight"));
    QVERIFY(!file.contains(QStringLiteral("lm_head.weight")));  // tied to the embedding

    const TensorInfo &aLog = file.tensor(QStringLiteral("backbone.layers.0.mixer.A_log"));
    QCOMPARE(aLog.name, QStringLiteral("backbone.layers.0.mixer.A_log"));
    QCOMPARE(aLog.type, StorageType::F32);
    QCOMPARE(aLog.shape, (std::vector<int64_t>{512, 16}));
    QCOMPARE(aLog.elementCount(), int64_t(8192));
    QCOMPARE(aLog.byteSize, int64_t(32768));

    const TensorInfo &embedding = file.tensor(QStringLiteral("backbone.embeddings.weight"));
    QCOMPARE(embedding.shape, (std::vector<int64_t>{4096, 256}));
    QCOMPARE(embedding.byteSize, int64_t(4096 * 256 * 4));
    QCOMPARE(file.tensor(QStringLiteral("backbone.layers.5.mixer.conv1d.weight")).shape,
             (std::vector<int64_t>{512, 1, 4}));
    QCOMPARE(file.tensor(QStringLiteral("backbone.layers.2.mixer.x_proj.weight")).shape,
             (std::vector<int64_t>{48, 512}));
    QCOMPARE(file.metadata().value(QStringLiteral("format")).toString(), QStringLiteral("pt"));

    QCOMPARE(errorOf([&] { file.tensor(QStringLiteral("lm_head.weight")); }),
             demoFile() + QStringLiteral(": no tensor 'lm_head.weight'"));
}

void TestSafetensors::demoFileValues()
{
    // Bit patterns read from the file with Python's struct module: they pin the data offsets.
    const SafetensorsFile file(demoFile());
    const auto at = [&](const char *name, int64_t index) {
        const TensorInfo &t = file.tensor(QLatin1String(name));
        return qFromLittleEndian<quint32>(t.data + 4 * index);
    };
    QCOMPARE(at("backbone.layers.0.mixer.A_log", 0), 0xbd449bfeu);
    QCOMPARE(at("backbone.layers.0.mixer.A_log", 8191), 0x402b1f0cu);
    QCOMPARE(at("backbone.norm_f.weight", 255), 0x3fb45ee1u);
    QCOMPARE(at("backbone.embeddings.weight", 4096 * 256 - 1), 0xbd43950cu);
    QCOMPARE(at("backbone.layers.3.mixer.D", 7), 0x3f7d6684u);
}

void TestSafetensors::halfConversionIsExact()
{
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const auto bits = uint16_t(h);
        const float f = halfToFloat(bits);
        const bool nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF) != 0;
        if (nan) {
            QVERIFY(std::isnan(f));
            QCOMPARE(std::signbit(f), bool(bits & 0x8000));
            // The payload survives; only the quiet bit may be added.
            QCOMPARE(floatToHalf(f), uint16_t(bits | 0x200));
        } else {
            if (floatToHalf(f) != bits)
                QFAIL(qPrintable(QStringLiteral("f16 0x%1 does not round-trip")
                                     .arg(h, 4, 16, QLatin1Char('0'))));
        }
    }
    // Positive non-NaN patterns are ordered like their values.
    for (uint16_t h = 0; h < 0x7C00; ++h)
        QVERIFY(halfToFloat(h) < halfToFloat(uint16_t(h + 1)));

    QCOMPARE(halfToFloat(0x3C00), 1.0f);
    QCOMPARE(halfToFloat(0xC000), -2.0f);
    QCOMPARE(halfToFloat(0x7BFF), 65504.0f);
    QCOMPARE(halfToFloat(0x0400), 0x1p-14f);         // smallest normal
    QCOMPARE(halfToFloat(0x0001), 0x1p-24f);         // smallest subnormal
    QCOMPARE(halfToFloat(0x03FF), 1023 * 0x1p-24f);  // largest subnormal
    QCOMPARE(halfToFloat(0x7C00), std::numeric_limits<float>::infinity());
    QCOMPARE(halfToFloat(0xFC00), -std::numeric_limits<float>::infinity());
    QCOMPARE(bitsOf(halfToFloat(0x8000)), 0x80000000u);  // -0 keeps its sign
    QCOMPARE(floatToHalf(std::numeric_limits<float>::quiet_NaN()) & 0x7E00, 0x7E00);
    QCOMPARE(floatToHalf(std::bit_cast<float>(0x7F800001u)), uint16_t(0x7E00));  // sNaN made quiet
}

void TestSafetensors::halfRoundsToNearestEven()
{
    // Between every two neighbouring finite f16 values: the exact midpoint goes to the even one,
    // the fp32 values just either side of it to the nearer one.
    for (uint16_t h = 0; h < 0x7BFF; ++h) {
        for (const uint16_t sign : {uint16_t(0), uint16_t(0x8000)}) {
            const uint16_t lo = h | sign, hi = uint16_t(h + 1) | sign;
            const double mid = (double(halfToFloat(lo)) + double(halfToFloat(hi))) / 2;
            const auto midF = float(mid);
            QCOMPARE(double(midF), mid);  // 12 significant bits: exact in fp32
            const uint16_t even = (lo & 1) ? hi : lo;
            if (floatToHalf(midF) != even || floatToHalf(std::nextafter(midF, 0.0f)) != lo ||
                floatToHalf(std::nextafter(midF, 2 * midF)) != hi) {
                QFAIL(qPrintable(QStringLiteral("wrong rounding between f16 0x%1 and 0x%2")
                                     .arg(lo, 4, 16, QLatin1Char('0'))
                                     .arg(hi, 4, 16, QLatin1Char('0'))));
            }
        }
    }
    // Past the largest finite value: 65520 is the tie with 2^16 and goes up to infinity.
    QCOMPARE(floatToHalf(65520.0f), uint16_t(0x7C00));
    QCOMPARE(floatToHalf(std::nextafter(65520.0f, 0.0f)), uint16_t(0x7BFF));
    QCOMPARE(floatToHalf(-65520.0f), uint16_t(0xFC00));
    QCOMPARE(floatToHalf(1e30f), uint16_t(0x7C00));
    QCOMPARE(floatToHalf(std::numeric_limits<float>::infinity()), uint16_t(0x7C00));
    // Below the smallest subnormal: 2^-25 is the tie with zero and goes to zero.
    QCOMPARE(floatToHalf(0x1p-25f), uint16_t(0));
    QCOMPARE(floatToHalf(std::nextafter(0x1p-25f, 1.0f)), uint16_t(1));
    QCOMPARE(floatToHalf(0x1p-26f), uint16_t(0));
    QCOMPARE(floatToHalf(std::numeric_limits<float>::denorm_min()), uint16_t(0));
    QCOMPARE(floatToHalf(-std::numeric_limits<float>::denorm_min()), uint16_t(0x8000));
    QCOMPARE(floatToHalf(0.1f), uint16_t(0x2E66));  // as numpy.float16(0.1)
}

void TestSafetensors::bfloat16ConversionIsExact()
{
    for (uint32_t b = 0; b < 0x10000; ++b) {
        const auto bits = uint16_t(b);
        const float f = bfloat16ToFloat(bits);
        QCOMPARE(bitsOf(f), b << 16);
        const bool nan = (bits & 0x7F80) == 0x7F80 && (bits & 0x7F) != 0;
        if (nan) {
            QVERIFY(std::isnan(f));
            QCOMPARE(floatToBfloat16(f), uint16_t(bits | 0x40));
        } else if (floatToBfloat16(f) != bits) {
            QFAIL(qPrintable(
                QStringLiteral("bf16 0x%1 does not round-trip").arg(b, 4, 16, QLatin1Char('0'))));
        }
    }
    // A NaN whose payload lies only in the dropped bits must not become infinity.
    const float lowPayloadNan = std::bit_cast<float>(0x7F800001u);
    QCOMPARE(floatToBfloat16(lowPayloadNan), uint16_t(0x7FC0));
}

void TestSafetensors::bfloat16RoundsToNearestEven()
{
    for (uint16_t b = 0; b < 0x7F7F; ++b) {
        for (const uint16_t sign : {uint16_t(0), uint16_t(0x8000)}) {
            const uint16_t lo = b | sign, hi = uint16_t(b + 1) | sign;
            const double mid = (double(bfloat16ToFloat(lo)) + double(bfloat16ToFloat(hi))) / 2;
            const auto midF = float(mid);
            const uint16_t even = (lo & 1) ? hi : lo;
            if (double(midF) != mid || floatToBfloat16(midF) != even ||
                floatToBfloat16(std::nextafter(midF, 0.0f)) != lo ||
                floatToBfloat16(std::nextafter(midF, 2 * midF)) != hi) {
                QFAIL(qPrintable(QStringLiteral("wrong rounding between bf16 0x%1 and 0x%2")
                                     .arg(lo, 4, 16, QLatin1Char('0'))
                                     .arg(hi, 4, 16, QLatin1Char('0'))));
            }
        }
    }
    // The tie between the largest finite bf16 and infinity goes to infinity, like FLT_MAX.
    QCOMPARE(floatToBfloat16(std::bit_cast<float>(0x7F7F8000u)), uint16_t(0x7F80));
    QCOMPARE(floatToBfloat16(std::bit_cast<float>(0x7F7F7FFFu)), uint16_t(0x7F7F));
    QCOMPARE(floatToBfloat16(std::numeric_limits<float>::max()), uint16_t(0x7F80));
    QCOMPARE(floatToBfloat16(-std::numeric_limits<float>::infinity()), uint16_t(0xFF80));
    QCOMPARE(floatToBfloat16(0.1f), uint16_t(0x3DCD));  // as torch.tensor(0.1).bfloat16()
}

void TestSafetensors::writerRoundTrip_data()
{
    QTest::addColumn<StorageType>("type");
    QTest::newRow("F32") << StorageType::F32;
    QTest::newRow("F16") << StorageType::F16;
    QTest::newRow("BF16") << StorageType::BF16;
}

void TestSafetensors::writerRoundTrip()
{
    QFETCH(StorageType, type);
    const std::vector<float> weight{0.0f,  -0.0f,    1.0f, -2.5f,   3.14159265f, 1e-6f,
                                    1e-8f, 65504.0f, 7e4f, -1e-30f, 0.1f,        -123.456f};
    const std::vector<float> bias{0.5f, -0.25f, 2e-3f};
    const float scalar = 42.5f;  // 7 significant bits: exact in every format

    SafetensorsWriter writer;
    writer.add(QStringLiteral("b.weight"), {3, 4}, weight.data(), type);
    writer.add(QStringLiteral("a.bias"), {3}, bias.data(), type);
    writer.add(QStringLiteral("scalar"), {}, &scalar, type);
    writer.setMetadata({{QStringLiteral("format"), QStringLiteral("pt")},
                        {QStringLiteral("note"), QStringLiteral("Ünïcode ✓")}});
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("t.safetensors"));
    writer.write(path);

    const SafetensorsFile file(path);
    QCOMPARE(file.tensorNames(), (QStringList{QStringLiteral("a.bias"), QStringLiteral("b.weight"),
                                              QStringLiteral("scalar")}));
    QCOMPARE(file.metadata().value(QStringLiteral("note")).toString(), QStringLiteral("Ünïcode ✓"));
    QCOMPARE(file.metadata().size(), 2);

    const TensorInfo &w = file.tensor(QStringLiteral("b.weight"));
    QCOMPARE(w.type, type);
    QCOMPARE(w.shape, (std::vector<int64_t>{3, 4}));
    QCOMPARE(w.byteSize, int64_t(12 * storageTypeSize(type)));
    const std::vector<float> back = valuesOf(w);
    for (std::size_t i = 0; i < weight.size(); ++i)
        QCOMPARE(bitsOf(back[i]), bitsOf(storedAs(weight[i], type)));
    if (type != StorageType::F32)
        QVERIFY(back[4] != weight[4]);  // pi really lost precision
    QCOMPARE(valuesOf(file.tensor(QStringLiteral("a.bias")))[2], storedAs(bias[2], type));
    const TensorInfo &s = file.tensor(QStringLiteral("scalar"));
    QVERIFY(s.shape.empty());
    QCOMPARE(s.elementCount(), int64_t(1));
    QCOMPARE(valuesOf(s)[0], 42.5f);

    // The layout the reference writer produces: header padded with spaces to a multiple of 8.
    const QByteArray bytes = readFile(path);
    const auto headerLength = qFromLittleEndian<quint64>(bytes.constData());
    QCOMPARE(headerLength % 8, quint64(0));
    const QByteArray header = bytes.mid(8, qsizetype(headerLength));
    QVERIFY(header.startsWith('{'));
    QVERIFY(header.trimmed().endsWith('}'));
    const QByteArray padding = header.mid(header.lastIndexOf('}') + 1);
    QCOMPARE(padding, QByteArray(padding.size(), ' '));
    QVERIFY(padding.size() < 8);
    QCOMPARE(bytes.size(), qsizetype(8 + headerLength + 16 * storageTypeSize(type)));
}

void TestSafetensors::writerAlignsWideTensors()
{
    // An odd number of 16-bit values sorted before an fp32 tensor would misalign it; the writer
    // puts wider types first so that fp32 tensors stay usable in place.
    const std::vector<float> three{1, 2, 3};
    SafetensorsWriter writer;
    writer.add(QStringLiteral("a.half"), {3}, three.data(), StorageType::F16);
    writer.add(QStringLiteral("b.float"), {3}, three.data(), StorageType::F32);
    writer.add(QStringLiteral("c.bf16"), {1}, three.data(), StorageType::BF16);
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.safetensors"));
    writer.write(path);

    const Checkpoint checkpoint(dir.path());
    const FloatTensor f = checkpoint.floatTensor(QStringLiteral("b.float"), {3});
    QVERIFY(!f.owned);  // zero copy: aligned fp32 straight from the mapping
    QCOMPARE(reinterpret_cast<std::uintptr_t>(f.data) % 4, std::uintptr_t(0));
    QCOMPARE(f.data[2], 3.0f);
    const FloatTensor h = checkpoint.floatTensor(QStringLiteral("a.half"));
    QVERIFY(h.owned);
    QCOMPARE(h.owned->size(), std::size_t(3));
    QCOMPARE(h.data[1], 2.0f);
    QCOMPARE(h.elementCount(), int64_t(3));
    QCOMPARE(checkpoint.dominantStorageType(), StorageType::F32);  // a tie goes to F32
    QCOMPARE(checkpoint.totalTensorBytes(), qint64(3 * 2 + 3 * 4 + 2));
}

void TestSafetensors::floatTensorIntoCallersMemory()
{
    // A model's weights are copied into memory of its own (WeightMemory): every storage type
    // lands in the caller's floats, read from the file rather than through its mapping, so a
    // file cut short after it was opened is an Error naming it, not a SIGBUS.
    const std::vector<float> values{1.5f, -2.0f, 3.25f, 0.5f};
    SafetensorsWriter writer;
    writer.add(QStringLiteral("a.float"), {4}, values.data(), StorageType::F32);
    writer.add(QStringLiteral("b.half"), {2, 2}, values.data(), StorageType::F16);
    writer.add(QStringLiteral("c.bf16"), {4}, values.data(), StorageType::BF16);
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.safetensors"));
    writer.write(path);

    const Checkpoint checkpoint(dir.path());
    for (const QString &name : checkpoint.tensorNames()) {
        std::vector<float> destination(4, -99.0f);
        const FloatTensor t = checkpoint.floatTensor(name, {}, destination.data());
        QVERIFY(t.data == destination.data());
        QVERIFY(!t.owned);
        QCOMPARE(t.shape, checkpoint.tensor(name).shape);
        QCOMPARE(destination, values);  // all four values are exact in 16 bits too
    }

    // The fp32 tensor comes first in the data, which ends the file: cut the file in its middle.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() - checkpoint.totalTensorBytes() + 8));
    file.close();
    std::vector<float> destination(4);
    const QString err = errorOf(
        [&] { checkpoint.floatTensor(QStringLiteral("a.float"), {4}, destination.data()); });
    QVERIFY2(err.contains(path) && err.contains(QStringLiteral("the file ends at byte")),
             qPrintable(err));
}

void TestSafetensors::writerErrors()
{
    const float v = 1;
    SafetensorsWriter writer;
    writer.add(QStringLiteral("x"), {1}, &v);
    QVERIFY(errorOf([&] { writer.add(QStringLiteral("x"), {1}, &v); }).contains("added twice"));
    QVERIFY(errorOf([&] { writer.add(QStringLiteral("y"), {-1}, &v); }).contains("invalid shape"));
    QVERIFY(
        errorOf([&] { writer.add(QStringLiteral("__metadata__"), {1}, &v); }).contains("reserved"));

    const QTemporaryDir dir;
    const QString missingDir = dir.filePath(QStringLiteral("no/such/dir/x.safetensors"));
    const QString message = errorOf([&] { writer.write(missingDir); });
    QVERIFY2(message.startsWith(missingDir + QStringLiteral(": cannot write")),
             qPrintable(message));
    QVERIFY(!QFile::exists(missingDir));

    SafetensorsWriter badMetadata;
    badMetadata.setMetadata({{QStringLiteral("epoch"), 3}});
    const QString path = dir.filePath(QStringLiteral("m.safetensors"));
    QVERIFY(errorOf([&] {
                badMetadata.write(path);
            }).contains("metadata entry 'epoch' is not a string"));
    QVERIFY(!QFile::exists(path));  // nothing half-written left behind
}

void TestSafetensors::zeroSizeTensors()
{
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("z.safetensors"));
    // An empty tensor at offset 4 lies "inside" x's bytes without overlapping them.
    writeFile(path, safetensorsBytes(R"({"e":{"dtype":"F16","shape":[0,3],"data_offsets":[4,4]},)"
                                     R"("x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                                     QByteArray(8, '\0')));
    const SafetensorsFile file(path);
    QCOMPARE(file.tensor(QStringLiteral("e")).elementCount(), int64_t(0));
    QCOMPARE(file.tensor(QStringLiteral("e")).byteSize, int64_t(0));

    SafetensorsWriter writer;
    writer.add(QStringLiteral("empty"), {0, 4}, nullptr, StorageType::BF16);
    const QString written = dir.filePath(QStringLiteral("model.safetensors"));
    writer.write(written);
    const Checkpoint checkpoint(dir.path());
    const FloatTensor t = checkpoint.floatTensor(QStringLiteral("empty"), {0, 4});
    QCOMPARE(t.elementCount(), int64_t(0));
    QCOMPARE(t.shape, (std::vector<int64_t>{0, 4}));
}

void TestSafetensors::corruptFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    const auto tensor = [](const char *name, const char *dtype, const char *shape,
                           const char *offsets) {
        return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
               ",\"data_offsets\":" + offsets + "}";
    };
    const auto header = [](const QByteArray &body) { return "{" + body + "}"; };

    QTest::newRow("empty") << QByteArray() << "file is empty";
    QTest::newRow("five bytes") << QByteArray("abcde")
                                << "file too short for a safetensors header (5 bytes)";
    QTest::newRow("header beyond file")
        << lengthPrefix(123456789) + QByteArray(100, ' ')
        << "header length 123456789 is beyond the end of the file (108 bytes)";
    QTest::newRow("header length zero") << lengthPrefix(0) << "header length is 0";
    QTest::newRow("header not JSON") << safetensorsBytes(R"({"x": nope})")
                                     << "header is not valid JSON (illegal value at offset ";
    QTest::newRow("header truncated JSON")
        << safetensorsBytes(R"({"x": {"dtype")") << "header is not valid JSON (";
    QTest::newRow("header is an array")
        << safetensorsBytes("[1, 2, 3]") << "header is not a JSON object";
    QTest::newRow("entry not an object")
        << safetensorsBytes(R"({"x": 5})") << "tensor 'x': entry is not a JSON object";
    QTest::newRow("missing dtype")
        << safetensorsBytes(R"({"x": {"shape": [1], "data_offsets": [0, 4]}})", QByteArray(4, '\0'))
        << "tensor 'x': dtype is missing or not a string";
    QTest::newRow("unknown dtype")
        << safetensorsBytes(header(tensor("x", "Q4_K", "[1]", "[0,4]")), QByteArray(4, '\0'))
        << "tensor 'x': unknown dtype 'Q4_K'";
    QTest::newRow("unsupported I64")
        << safetensorsBytes(header(tensor("x", "I64", "[1]", "[0,8]")), QByteArray(8, '\0'))
        << "tensor 'x': unsupported dtype 'I64' (MambaScope reads F32, F16 and BF16)";
    QTest::newRow("unsupported F8_E4M3")
        << safetensorsBytes(header(tensor("w", "F8_E4M3", "[4]", "[0,4]")), QByteArray(4, '\0'))
        << "tensor 'w': unsupported dtype 'F8_E4M3'";
    QTest::newRow("unsupported BOOL")
        << safetensorsBytes(header(tensor("m", "BOOL", "[4]", "[0,4]")), QByteArray(4, '\0'))
        << "tensor 'm': unsupported dtype 'BOOL'";
    QTest::newRow("shape not an array")
        << safetensorsBytes(header(tensor("x", "F32", "4", "[0,16]")), QByteArray(16, '\0'))
        << "tensor 'x': shape is missing or not an array";
    QTest::newRow("negative shape")
        << safetensorsBytes(header(tensor("x", "F32", "[-2]", "[0,8]")), QByteArray(8, '\0'))
        << "tensor 'x': shape entry -2 is negative";
    QTest::newRow("fractional shape")
        << safetensorsBytes(header(tensor("x", "F32", "[2.5]", "[0,10]")), QByteArray(10, '\0'))
        << "tensor 'x': shape entry 2.5 is not an integer";
    QTest::newRow("string shape") << safetensorsBytes(
                                         header(tensor("x", "F32", "[\"2\"]", "[0,8]")),
                                         QByteArray(8, '\0'))
                                  << "tensor 'x': shape entry \"2\" is not an integer";
    QTest::newRow("shape overflowing int64")
        << safetensorsBytes(header(tensor("x", "F32", "[4294967296,4294967296]", "[0,8]")),
                            QByteArray(8, '\0'))
        << "tensor 'x': shape [4294967296, 4294967296] is too large";
    QTest::newRow("bytes overflowing int64")
        << safetensorsBytes(header(tensor("x", "F32", "[3000000000,1000000000]", "[0,8]")),
                            QByteArray(8, '\0'))
        << "tensor 'x': shape [3000000000, 1000000000] is too large";
    QTest::newRow("offsets not a pair")
        << safetensorsBytes(header(tensor("x", "F32", "[1]", "[0]")), QByteArray(4, '\0'))
        << "tensor 'x': data_offsets [0] are not two non-negative integers";
    QTest::newRow("offsets missing") << safetensorsBytes(R"({"x": {"dtype": "F32", "shape": [1]}})")
                                     << "tensor 'x': data_offsets (missing) are not two";
    QTest::newRow("negative offset")
        << safetensorsBytes(header(tensor("x", "F32", "[1]", "[-4,0]")), QByteArray(4, '\0'))
        << "tensor 'x': data_offsets [-4,0] are not two non-negative integers";
    QTest::newRow("reversed offsets")
        << safetensorsBytes(header(tensor("x", "F32", "[1]", "[8,4]")), QByteArray(8, '\0'))
        << "tensor 'x': data_offsets [8, 4] end before they begin";
    QTest::newRow("offsets beyond data")
        << safetensorsBytes(header(tensor("x", "F32", "[2]", "[0,8]")), QByteArray(4, '\0'))
        << "tensor 'x': data_offsets [0, 8] lie outside the data section (4 bytes)";
    QTest::newRow("offsets beyond int53")
        << safetensorsBytes(
               header(tensor("x", "F32", "[1]", "[9007199254740993,9007199254740997]")))
        << "tensor 'x': data_offsets [9007199254740993, 9007199254740997] lie outside the data "
           "section (0 bytes)";
    QTest::newRow("size mismatch")
        << safetensorsBytes(header(tensor("x", "F32", "[2,3]", "[0,20]")), QByteArray(20, '\0'))
        << "tensor 'x': shape [2, 3] needs 24 bytes but data_offsets span 20";
    QTest::newRow("size mismatch f16")
        << safetensorsBytes(header(tensor("x", "F16", "[2,3]", "[0,24]")), QByteArray(24, '\0'))
        << "tensor 'x': shape [2, 3] needs 12 bytes but data_offsets span 24";
    QTest::newRow("overlap") << safetensorsBytes(header(tensor("b", "F32", "[2]", "[4,12]") + "," +
                                                        tensor("a", "F32", "[2]", "[0,8]")),
                                                 QByteArray(12, '\0'))
                             << "tensors 'a' and 'b' overlap";
    QTest::newRow("overlap with a far earlier tensor")
        << safetensorsBytes(header(tensor("big", "F32", "[4]", "[0,16]") + "," +
                                   tensor("mid", "F32", "[1]", "[4,8]") + "," +
                                   tensor("tail", "F32", "[1]", "[12,16]")),
                            QByteArray(16, '\0'))
        << "tensors 'big' and 'mid' overlap";
    QTest::newRow("identical offsets")
        << safetensorsBytes(header(tensor("p", "F32", "[1]", "[0,4]") + "," +
                                   tensor("q", "BF16", "[2]", "[0,4]")),
                            QByteArray(4, '\0'))
        << "tensors 'p' and 'q' overlap";
    QTest::newRow("metadata not an object") << safetensorsBytes(R"({"__metadata__": [1]})")
                                            << "header: __metadata__ is not a JSON object";
    QTest::newRow("metadata value not a string")
        << safetensorsBytes(R"({"__metadata__": {"epoch": 3}})")
        << "header: __metadata__ entry 'epoch' is not a string";
}

void TestSafetensors::corruptFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.safetensors"));
    writeFile(path, bytes);
    const QString message = errorOf([&] { SafetensorsFile file(path); });
    QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestSafetensors::hugeHeaderIsRefused()
{
    // A sparse file just big enough that the length fits; the cap refuses it before parsing.
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("huge.safetensors"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(lengthPrefix(150'000'000));
        QVERIFY(file.resize(150'000'100));
    }
    const QString message = errorOf([&] { SafetensorsFile file(path); });
    QVERIFY2(message.contains("header length 150000000 exceeds the limit of 100000000 bytes"),
             qPrintable(message));
}

void TestSafetensors::truncatedDemoFile()
{
    const QByteArray demo = readFile(demoFile());
    QCOMPARE(demo.size(), 14714136);
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.safetensors"));

    // Cut in the data section: the last tensors now end past the data.
    writeFile(path, demo.left(demo.size() - 1000));
    QString message = errorOf([&] { SafetensorsFile file(path); });
    QVERIFY2(message.contains("lie outside the data section (14706712 bytes)"),
             qPrintable(message));
    QVERIFY2(message.contains("backbone."), qPrintable(message));
    // The same problem surfaces through Checkpoint, naming the file.
    message = errorOf([&] { Checkpoint checkpoint(dir.path()); });
    QVERIFY2(message.startsWith(path + ": tensor '"), qPrintable(message));

    // Cut inside the header.
    writeFile(path, demo.left(3000));
    message = errorOf([&] { SafetensorsFile file(path); });
    QCOMPARE(message, path + ": header length 6416 is beyond the end of the file (3000 bytes)");
}

void TestSafetensors::checkpointSingleFile()
{
    const Checkpoint checkpoint(demoDir());
    const SafetensorsFile file(demoFile());
    QCOMPARE(checkpoint.directory(), demoDir());
    QCOMPARE(checkpoint.tensorNames(), file.tensorNames());
    QVERIFY(checkpoint.contains(QStringLiteral("backbone.norm_f.weight")));
    QVERIFY(!checkpoint.contains(QStringLiteral("lm_head.weight")));
    QCOMPARE(checkpoint.fileOf(QStringLiteral("backbone.norm_f.weight")), demoFile());
    QCOMPARE(checkpoint.fileOf(QStringLiteral("lm_head.weight")), QString());
    QCOMPARE(checkpoint.totalTensorBytes(), qint64(14707712));  // the end of the last tensor
    QCOMPARE(checkpoint.dominantStorageType(), StorageType::F32);

    const QString aLog = QStringLiteral("backbone.layers.0.mixer.A_log");
    const FloatTensor t = checkpoint.floatTensor(aLog, {512, 16});
    QVERIFY(!t.owned);  // fp32 from the mapping, no copy
    QCOMPARE(t.shape, (std::vector<int64_t>{512, 16}));
    QCOMPARE(t.elementCount(), int64_t(8192));
    QCOMPARE(bitsOf(t.data[0]), 0xbd449bfeu);
    QCOMPARE(bitsOf(t.data[8191]), 0x402b1f0cu);
    QCOMPARE(static_cast<const void *>(t.data),
             static_cast<const void *>(checkpoint.tensor(aLog).data));

    QCOMPARE(errorOf([&] {
                 checkpoint.floatTensor(aLog, {512, 8});
             }),
             demoFile() +
                 ": tensor 'backbone.layers.0.mixer.A_log' has shape [512, 16], "
                 "expected [512, 8] from config.json");
    QCOMPARE(errorOf([&] {
                 checkpoint.floatTensor(aLog, {512, 16, 1});
             }),
             demoFile() +
                 ": tensor 'backbone.layers.0.mixer.A_log' has shape [512, 16], "
                 "expected [512, 16, 1] from config.json");
    QCOMPARE(errorOf([&] { checkpoint.floatTensor(QStringLiteral("lm_head.weight")); }),
             demoFile() + ": missing tensor 'lm_head.weight'");
    QCOMPARE(errorOf([&] { checkpoint.tensor(QStringLiteral("lm_head.weight")); }),
             demoFile() + ": missing tensor 'lm_head.weight'");

    // A .safetensors path stands for its directory.
    const Checkpoint direct(demoFile());
    QCOMPARE(direct.tensorNames().size(), 62);
    QCOMPARE(direct.directory(), demoDir());
}

void TestSafetensors::checkpointShardedMatchesSingle()
{
    const SafetensorsFile single(demoFile());
    const QStringList names = single.tensorNames();
    const QTemporaryDir dir;
    QJsonObject weightMap;
    for (int shard = 0; shard < 3; ++shard) {
        const QString shardName =
            QStringLiteral("model-%1-of-00003.safetensors").arg(shard + 1, 5, 10, QLatin1Char('0'));
        SafetensorsWriter writer;
        // Interleaved, so that every shard holds parts of several layers.
        for (int i = shard; i < names.size(); i += 3) {
            const TensorInfo &t = single.tensor(names[i]);
            const std::vector<float> v = valuesOf(t);
            writer.add(names[i], t.shape, v.data());
            weightMap.insert(names[i], shardName);
        }
        writer.setMetadata({{QStringLiteral("format"), QStringLiteral("pt")}});
        writer.write(dir.filePath(shardName));
    }
    const QJsonObject index{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("total_size"), 14707712}}},
        {QStringLiteral("weight_map"), weightMap}};
    writeFile(dir.filePath(QStringLiteral("model.safetensors.index.json")),
              QJsonDocument(index).toJson());

    const Checkpoint sharded(dir.path());
    QCOMPARE(sharded.tensorNames(), names);
    QCOMPARE(sharded.totalTensorBytes(), qint64(14707712));
    QVERIFY(sharded.fileOf(names[4]).endsWith(QStringLiteral("model-00002-of-00003.safetensors")));
    for (const QString &name : names) {
        const TensorInfo &original = single.tensor(name);
        const FloatTensor t = sharded.floatTensor(name, original.shape);
        QVERIFY(!t.owned);
        QCOMPARE(t.shape, original.shape);
        QVERIFY2(std::memcmp(t.data, original.data, std::size_t(original.byteSize)) == 0,
                 qPrintable(name));
    }
    const QString message = errorOf([&] { sharded.floatTensor(QStringLiteral("lm_head.weight")); });
    QCOMPARE(message, dir.filePath(QStringLiteral("model.safetensors.index.json")) +
                          ": missing tensor 'lm_head.weight'");
}

void TestSafetensors::checkpointHalfPrecisionCopies_data()
{
    QTest::addColumn<StorageType>("type");
    QTest::newRow("F16") << StorageType::F16;
    QTest::newRow("BF16") << StorageType::BF16;
}

void TestSafetensors::checkpointHalfPrecisionCopies()
{
    QFETCH(StorageType, type);
    const QTemporaryDir dir;
    writeDemoCopy(dir.filePath(QStringLiteral("model.safetensors")), type);
    const qint64 size = QFileInfo(dir.filePath(QStringLiteral("model.safetensors"))).size();
    QVERIFY(size > 14707712 / 2 && size < 14707712 / 2 + 8000);  // half the data and a header

    const Checkpoint copy(dir.path());
    const Checkpoint original(demoDir());
    QCOMPARE(copy.tensorNames(), original.tensorNames());
    QCOMPARE(copy.dominantStorageType(), type);
    QCOMPARE(copy.totalTensorBytes(), qint64(14707712 / 2));
    int64_t changed = 0;
    for (const QString &name : original.tensorNames()) {
        const FloatTensor o = original.floatTensor(name);
        const FloatTensor c = copy.floatTensor(name, o.shape);
        QVERIFY(c.owned);
        QCOMPARE(int64_t(c.owned->size()), o.elementCount());
        for (int64_t i = 0; i < o.elementCount(); ++i) {
            if (bitsOf(c.data[i]) != bitsOf(storedAs(o.data[i], type)))
                QFAIL(qPrintable(
                    QStringLiteral("%1[%2] is not the rounded original").arg(name).arg(i)));
            changed += c.data[i] != o.data[i];
        }
    }
    QVERIFY(changed > 1'000'000);  // trained weights rarely fit in 16 bits: rounding happened
}

void TestSafetensors::checkpointWithoutIndex()
{
    // Several .safetensors files and no index: fine when they hold different tensors.
    const QTemporaryDir dir;
    const float a = 1, b = 2;
    SafetensorsWriter first, second;
    first.add(QStringLiteral("a"), {1}, &a);
    second.add(QStringLiteral("b"), {1}, &b);
    first.write(dir.filePath(QStringLiteral("part1.safetensors")));
    second.write(dir.filePath(QStringLiteral("part2.safetensors")));
    const Checkpoint checkpoint(dir.path());
    QCOMPARE(checkpoint.tensorNames(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(checkpoint.floatTensor(QStringLiteral("b")).data[0], 2.0f);
    QCOMPARE(errorOf([&] { checkpoint.tensor(QStringLiteral("c")); }),
             dir.path() + ": missing tensor 'c'");

    // Two variants of the same weights are ambiguous.
    second.add(QStringLiteral("a"), {1}, &b);
    second.write(dir.filePath(QStringLiteral("part2.safetensors")));
    QCOMPARE(errorOf([&] { Checkpoint c(dir.path()); }),
             dir.path() + ": tensor 'a' is in both 'part1.safetensors' and 'part2.safetensors'");
}

void TestSafetensors::checkpointErrors()
{
    const QTemporaryDir dir;
    const QString index = dir.filePath(QStringLiteral("model.safetensors.index.json"));
    const auto open = [&] { return errorOf([&] { Checkpoint c(dir.path()); }); };

    QCOMPARE(open(), dir.path() +
                         ": no model.safetensors or model.safetensors.index.json in "
                         "this directory");
    QCOMPARE(errorOf([&] { Checkpoint c(dir.filePath(QStringLiteral("nope"))); }),
             dir.filePath(QStringLiteral("nope")) + ": no such directory");

    writeFile(index, R"({"weight_map": {"x": "a.safetensors",})");
    QVERIFY2(open().startsWith(index + ": not valid JSON ("), qPrintable(open()));
    QVERIFY2(open().contains("at offset"), qPrintable(open()));

    writeFile(index, R"(["a.safetensors"])");
    QCOMPARE(open(), index + ": not a JSON object");
    writeFile(index, R"({"metadata": {}})");
    QCOMPARE(open(), index + ": no \"weight_map\" object");
    writeFile(index, R"({"weight_map": {"x": 3}})");
    QCOMPARE(open(), index + ": weight_map entry 'x' is not a file name");
    writeFile(index, R"({"weight_map": {"x": "../elsewhere.safetensors"}})");
    QCOMPARE(open(), index +
                         ": shard '../elsewhere.safetensors' (for tensor 'x') is outside the "
                         "model directory");

    const float v[2] = {1, 2};
    SafetensorsWriter a, b;
    a.add(QStringLiteral("x"), {1}, v);
    a.add(QStringLiteral("shared"), {1}, v);
    b.add(QStringLiteral("y"), {2}, v);
    a.write(dir.filePath(QStringLiteral("a.safetensors")));
    b.write(dir.filePath(QStringLiteral("b.safetensors")));

    writeFile(index,
              R"({"weight_map": {"x": "a.safetensors", "y": "model-00002-of-00002.safetensors"}})");
    QCOMPARE(open(), index +
                         ": shard 'model-00002-of-00002.safetensors' (for tensor 'y') is "
                         "missing");

    writeFile(index, R"({"weight_map": {"x": "a.safetensors", "ghost": "b.safetensors"}})");
    QCOMPARE(open(), index +
                         ": tensor 'ghost' is listed in shard 'b.safetensors' but absent "
                         "from it");

    b.add(QStringLiteral("shared"), {1}, v);
    b.write(dir.filePath(QStringLiteral("b.safetensors")));
    writeFile(index, R"({"weight_map": {"x": "a.safetensors", "y": "b.safetensors"}})");
    QCOMPARE(open(), index + ": tensor 'shared' is in both 'a.safetensors' and 'b.safetensors'");

    // A broken shard reports its own problem under its own name.
    writeFile(dir.filePath(QStringLiteral("b.safetensors")), QByteArray("abc"));
    QCOMPARE(open(), dir.filePath(QStringLiteral("b.safetensors")) +
                         ": file too short for a safetensors header (3 bytes)");

    // A valid index then loads, tensors not listed in it included.
    SafetensorsWriter fixed;
    fixed.add(QStringLiteral("y"), {2}, v);
    fixed.write(dir.filePath(QStringLiteral("b.safetensors")));
    const Checkpoint ok(dir.path());
    QCOMPARE(ok.tensorNames(),
             (QStringList{QStringLiteral("shared"), QStringLiteral("x"), QStringLiteral("y")}));
    QCOMPARE(ok.floatTensor(QStringLiteral("y"), {2}).data[1], 2.0f);
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
