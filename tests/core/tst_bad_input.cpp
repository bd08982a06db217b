// SPDX-License-Identifier: GPL-3.0-or-later
// The bad-input catalogue (SECURITY.md): for each kind of hostile or broken input, the exact
// message the user sees, through the same calls the programs make (a model directory opened with
// MambaModel::load, a tokenizer.json, a text, a preset). Broken safetensors files (empty,
// truncated, header beyond the file or not JSON, tensors outside the file or overlapping), configs
// of another architecture, tokenizers without merges or of another model type, special files
// (pipes, devices), files too large to read, models too large for memory (sparse files declaring
// huge tensors), non-finite weights anywhere, weights that disagree with config.json, token ids
// beyond the model, text files that are not text, presets for another model. The parsers' own
// suites (tst_safetensors, tst_modelconfig, tst_tokenizer) go through every field in detail.
#include "TestMain.h"
#include "eval/PerplexityEvaluator.h"
#include "io/Checkpoint.h"
#include "io/ModelConfig.h"
#include "io/SafetensorsFile.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/SystemMemory.h"
#include "tokenizer/BpeTokenizer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <thread>

using namespace mscope;

Q_DECLARE_METATYPE(mscope::StorageType)

namespace {

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
const QString kCheckpoints = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints");

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
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A file of `size` bytes that takes no disk space: `head` then a hole.
void writeSparse(const QString &path, qint64 size, const QByteArray &head = {})
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(head), head.size());
    QVERIFY2(file.resize(size), qPrintable(file.errorString()));
}

QJsonObject demoConfig()
{
    return QJsonDocument::fromJson(readFile(kDemo + QStringLiteral("/config.json"))).object();
}

void writeConfig(const QString &dir, const QJsonObject &config)
{
    writeFile(dir + QStringLiteral("/config.json"), QJsonDocument(config).toJson());
}

// The demo weights stored as `type`, `edit` changing each tensor's values.
void writeDemoWeights(const QString &dir, StorageType type,
                      const std::function<void(const QString &, std::vector<float> &)> &edit = {})
{
    const SafetensorsFile src(kDemo + QStringLiteral("/model.safetensors"));
    SafetensorsWriter writer;
    for (const QString &name : src.tensorNames()) {
        const TensorInfo &t = src.tensor(name);
        std::vector<float> values(size_t(t.elementCount()));
        std::memcpy(values.data(), t.data, values.size() * sizeof(float));
        if (edit)
            edit(name, values);
        writer.add(name, t.shape, values.data(), type);
    }
    writer.write(dir + QStringLiteral("/model.safetensors"));
}

QByteArray safetensorsHeader(const QByteArray &json)
{
    QByteArray out(8, '\0');
    qToLittleEndian<quint64>(quint64(json.size()), out.data());
    return out + json;
}

// A named pipe. Should a reader ever open it (the check it tests regressed), a helper thread
// opens the writing end and closes it at once, so the reader sees an empty file instead of
// waiting forever: the test then fails on the message rather than hanging.
class Pipe
{
public:
    explicit Pipe(const QString &path) : m_path(QFile::encodeName(path))
    {
        if (mkfifo(m_path.constData(), 0600) != 0)
            qFatal("mkfifo %s failed", m_path.constData());
        m_unblocker = std::thread([this] {
            while (!m_done) {
                const int fd = open(m_path.constData(), O_WRONLY | O_NONBLOCK);
                if (fd >= 0)
                    close(fd);
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    ~Pipe()
    {
        m_done = true;
        m_unblocker.join();
    }

private:
    QByteArray m_path;
    std::atomic<bool> m_done{false};
    std::thread m_unblocker;
};

const QString kNotRegular = QStringLiteral(": not a regular file (a device, pipe or socket)");

}  // namespace

class BadInputTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // Broken model directories and tokenizers, as the programs open them.
    void brokenWeightFiles_data();
    void brokenWeightFiles();
    void unknownModelType_data();
    void unknownModelType();
    void brokenTokenizers_data();
    void brokenTokenizers();
    // Files that are not files.
    void pipesAreRefusedWithoutBlocking_data();
    void pipesAreRefusedWithoutBlocking();
    void devicesAreRefused();
    // Files too large to be what they claim.
    void oversizedFilesAreRefused_data();
    void oversizedFilesAreRefused();
    void modelLargerThanMemory_data();
    void modelLargerThanMemory();
    // Weights that do not match config.json, or are not numbers.
    void shapeMismatchWithConfig();
    void vocabularyMismatchWithConfig();
    void unsupportedDtypeInModel();
    void configDtypeIsNotTrusted();
    void nonFiniteWeightsAnywhere_data();
    void nonFiniteWeightsAnywhere();
    void deeplyNestedJson();
    void emptyTensorAtAnOddOffset();
    // Token ids the model does not have.
    void tokenIdBeyondTheModel();
    void tokenizerLargerThanTheModel();
    // Texts that are not text.
    void textFiles_data();
    void textFiles();
    void combiningMarkFloods();
    void decomposedTextIsLinear();
    // Presets for another model.
    void presetForAnotherModel();

private:
    std::shared_ptr<const MambaModel> m_model;
    QTemporaryDir m_dir;
};

void BadInputTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_model = MambaModel::load(kDemo);
}

void BadInputTest::brokenWeightFiles_data()
{
    // model.safetensors of a model directory whose config.json is the demo's: what opening it in
    // the workbench or with `mambascope-cli --model DIR` shows, after the file's path and ": ".
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const QByteArray demo = readFile(kDemo + QStringLiteral("/model.safetensors"));
    QCOMPARE(demo.size(), 14714136);
    const auto entry = [](const char *name, const char *shape, qint64 begin, qint64 end) {
        return QStringLiteral("\"%1\":{\"dtype\":\"F32\",\"shape\":%2,\"data_offsets\":[%3,%4]}")
            .arg(QLatin1String(name), QLatin1String(shape))
            .arg(begin)
            .arg(end)
            .toLatin1();
    };
    QTest::newRow("empty") << QByteArray() << "file is empty";
    QTest::newRow("shorter than the length prefix")
        << QByteArray("\x10\0\0", 3) << "file too short for a safetensors header (3 bytes)";
    QTest::newRow("truncated in the header")
        << demo.left(3000) << "header length 6416 is beyond the end of the file (3000 bytes)";
    QTest::newRow("truncated in the data")
        << demo.left(demo.size() - 1000)
        << "tensor 'backbone.norm_f.weight': data_offsets [14706688, 14707712] lie outside the "
           "data section (14706712 bytes)";
    QTest::newRow("header length larger than the file")
        << safetensorsHeader("{}").replace(0, 1, "\xff") + QByteArray(90, '\0')
        << "header length 255 is beyond the end of the file (100 bytes)";
    QTest::newRow("header length of a terabyte")
        << QByteArray("\0\0\0\0\0\x01\0\0", 8) + "{}"
        << "header length 1099511627776 is beyond the end of the file (10 bytes)";
    QTest::newRow("header not JSON")
        << safetensorsHeader("{\"backbone.embeddings.weight\": [0, 1,,]}")
        << "header is not valid JSON (illegal value at offset 38)";
    QTest::newRow("header not an object")
        << safetensorsHeader("[0, 1]") << "header is not a JSON object";
    QTest::newRow("tensor beyond the end of the file")
        << safetensorsHeader("{" + entry("backbone.embeddings.weight", "[4096,256]", 0, 4194304) +
                             "}") +
               QByteArray(100, '\0')
        << "tensor 'backbone.embeddings.weight': data_offsets [0, 4194304] lie outside the data "
           "section (100 bytes)";
    QTest::newRow("tensors overlapping")
        << safetensorsHeader("{" + entry("backbone.norm_f.weight", "[256]", 0, 1024) + "," +
                             entry("backbone.layers.0.norm.weight", "[256]", 512, 1536) + "}") +
               QByteArray(1536, '\0')
        << "tensors 'backbone.layers.0.norm.weight' and 'backbone.norm_f.weight' overlap";
}

void BadInputTest::brokenWeightFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    const QString path = dir.filePath(QStringLiteral("model.safetensors"));
    writeFile(path, bytes);
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             path + QStringLiteral(": ") + expected);
}

void BadInputTest::unknownModelType_data()
{
    QTest::addColumn<QJsonValue>("modelType");
    QTest::addColumn<QString>("expected");
    QTest::newRow("llama")
        << QJsonValue(QStringLiteral("llama"))
        << "unknown model_type 'llama' (MambaScope reads mamba, mamba2 and falcon_mamba)";
    QTest::newRow("empty")
        << QJsonValue(QString())
        << "unknown model_type '' (MambaScope reads mamba, mamba2 and falcon_mamba)";
    QTest::newRow("not a string")
        << QJsonValue(3)
        << "unknown model_type 3 (MambaScope reads mamba, mamba2 and falcon_mamba)";
}

void BadInputTest::unknownModelType()
{
    // Refused from config.json alone, before the weights are opened.
    QFETCH(QJsonValue, modelType);
    QFETCH(QString, expected);
    const QTemporaryDir dir;
    QJsonObject config = demoConfig();
    config[QStringLiteral("model_type")] = modelType;
    writeConfig(dir.path(), config);
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             dir.filePath(QStringLiteral("config.json")) + QStringLiteral(": ") + expected);
}

void BadInputTest::brokenTokenizers_data()
{
    // The demo's tokenizer.json with one thing changed.
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("merges missing") << "no merges"
                                    << "the BPE model has no merges (model.merges)";
    QTest::newRow("Unigram")
        << "Unigram"
        << "unsupported tokenizer model type 'Unigram' (only BPE is supported)";
    QTest::newRow("WordPiece")
        << "WordPiece"
        << "unsupported tokenizer model type 'WordPiece' (only BPE is supported)";
    QTest::newRow("model missing") << "no model"
                                   << "no \"model\" object";
}

void BadInputTest::brokenTokenizers()
{
    QFETCH(QString, change);
    QFETCH(QString, expected);
    QJsonObject root =
        QJsonDocument::fromJson(readFile(kDemo + QStringLiteral("/tokenizer.json"))).object();
    QVERIFY(!root.isEmpty());
    QJsonObject model = root[QStringLiteral("model")].toObject();
    if (change == u"no merges")
        model.remove(QStringLiteral("merges"));
    else if (change == u"Unigram" || change == u"WordPiece")
        model[QStringLiteral("type")] = change;
    root[QStringLiteral("model")] = model;
    if (change == u"no model")
        root.remove(QStringLiteral("model"));
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
    writeFile(path, QJsonDocument(root).toJson());
    QCOMPARE(errorOf([&] { BpeTokenizer::fromFile(path); }),
             path + QStringLiteral(": ") + expected);
}

void BadInputTest::pipesAreRefusedWithoutBlocking_data()
{
    QTest::addColumn<QString>("kind");
    for (const char *kind : {"safetensors", "config", "tokenizer", "index", "text", "preset"})
        QTest::newRow(kind) << QString::fromLatin1(kind);
}

void BadInputTest::pipesAreRefusedWithoutBlocking()
{
    // A model directory from an archive may hold a pipe where a file should be: opening it for
    // reading would wait forever for a writer.
    QFETCH(QString, kind);
    const QTemporaryDir dir;
    const QString model = dir.path();
    QString pipePath;
    std::function<void()> open;
    if (kind == u"safetensors") {
        pipePath = dir.filePath(QStringLiteral("shard.safetensors"));
        open = [&] { SafetensorsFile file(pipePath); };
    } else if (kind == u"config") {
        pipePath = dir.filePath(QStringLiteral("config.json"));
        open = [&] { MambaModel::load(model); };
    } else if (kind == u"tokenizer") {
        pipePath = dir.filePath(QStringLiteral("tokenizer.json"));
        open = [&] { BpeTokenizer::fromFile(pipePath); };
    } else if (kind == u"index") {
        pipePath = dir.filePath(QStringLiteral("model.safetensors.index.json"));
        open = [&] { Checkpoint checkpoint(model); };
    } else if (kind == u"text") {
        pipePath = dir.filePath(QStringLiteral("book.txt"));
        open = [&] { TextFile::readUtf8(pipePath); };
    } else if (kind == u"preset") {
        pipePath = dir.filePath(QStringLiteral("preset.json"));
        open = [&] { ModulationSet::load(pipePath, m_model.get()); };
    }
    const Pipe pipe(pipePath);
    QCOMPARE(errorOf(open), pipePath + kNotRegular);
}

void BadInputTest::devicesAreRefused()
{
    // A symbolic link to a device: /dev/zero would never end (its size says 0), /dev/null is
    // its harmless stand-in here.
    const QTemporaryDir dir;
    for (const QString &name : {QStringLiteral("config.json"), QStringLiteral("tokenizer.json"),
                                QStringLiteral("book.txt"), QStringLiteral("preset.json"),
                                QStringLiteral("model.safetensors")}) {
        QVERIFY(QFile::link(QStringLiteral("/dev/null"), dir.filePath(name)));
    }
    const auto expected = [&](const QString &name) { return dir.filePath(name) + kNotRegular; };
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             expected(QStringLiteral("config.json")));
    QCOMPARE(
        errorOf([&] { ModelConfig::fromJsonFile(dir.filePath(QStringLiteral("config.json"))); }),
        expected(QStringLiteral("config.json")));
    QCOMPARE(
        errorOf([&] { BpeTokenizer::fromFile(dir.filePath(QStringLiteral("tokenizer.json"))); }),
        expected(QStringLiteral("tokenizer.json")));
    QCOMPARE(errorOf([&] { TextFile::readUtf8(dir.filePath(QStringLiteral("book.txt"))); }),
             expected(QStringLiteral("book.txt")));
    QCOMPARE(errorOf([&] { ModulationSet::load(dir.filePath(QStringLiteral("preset.json"))); }),
             expected(QStringLiteral("preset.json")));
    QCOMPARE(errorOf([&] { Checkpoint checkpoint(dir.path()); }),
             expected(QStringLiteral("model.safetensors")));
    QCOMPARE(
        errorOf([&] { SafetensorsFile file(dir.filePath(QStringLiteral("model.safetensors"))); }),
        expected(QStringLiteral("model.safetensors")));
}

void BadInputTest::oversizedFilesAreRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QString>("expected");
    const qint64 MiB = qint64(1) << 20;
    const qint64 config = 16 * MiB + 1, tokenizer = 512 * MiB + 1, preset = 64 * MiB + 1,
                 index = 64 * MiB + 1, text = 1024 * MiB + 1;
    QTest::newRow("config.json")
        << "config.json" << config
        << QStringLiteral("too large for a config.json (%1 bytes)").arg(config);
    QTest::newRow("tokenizer.json")
        << "tokenizer.json" << tokenizer
        << QStringLiteral("too large for a tokenizer.json (%1 bytes)").arg(tokenizer);
    QTest::newRow("preset")
        << "preset.json" << preset
        << QStringLiteral("too large for a modulation preset (%1 bytes)").arg(preset);
    QTest::newRow("index") << "model.safetensors.index.json" << index
                           << QStringLiteral("too large for a shard index (%1 bytes)").arg(index);
    QTest::newRow("text") << "book.txt" << text
                          << QStringLiteral("too large for a text (%1 bytes)").arg(text);
}

void BadInputTest::oversizedFilesAreRefused()
{
    // Sparse files: refused from their size, before a byte is read.
    QFETCH(QString, name);
    QFETCH(qint64, size);
    QFETCH(QString, expected);
    const QTemporaryDir dir;
    const QString path = dir.filePath(name);
    writeSparse(path, size, "{");
    QString message;
    if (name == u"config.json")
        message = errorOf([&] { ModelConfig::fromJsonFile(path); });
    else if (name == u"tokenizer.json")
        message = errorOf([&] { BpeTokenizer::fromFile(path); });
    else if (name == u"preset.json")
        message = errorOf([&] { ModulationSet::load(path); });
    else if (name == u"book.txt")
        message = errorOf([&] { TextFile::readUtf8(path); });
    else
        message = errorOf([&] { Checkpoint checkpoint(dir.path()); });
    QCOMPARE(message, path + QStringLiteral(": ") + expected);
}

void BadInputTest::modelLargerThanMemory_data()
{
    QTest::addColumn<StorageType>("type");
    QTest::newRow("F32 (mapped)") << StorageType::F32;
    QTest::newRow("BF16 (widened)") << StorageType::BF16;
}

void BadInputTest::modelLargerThanMemory()
{
    // A header declaring an embedding of twice the available memory, in a sparse file: refused up
    // front with the numbers, before anything is read or allocated (F32 is mapped, but every token
    // reads every weight: a model larger than memory would be read from disk for each one).
    QFETCH(StorageType, type);
    const qint64 available = SystemMemory::availableBytes();
    if (available <= 0)
        QSKIP("MemAvailable is unknown here");
    const QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    const qint64 rowBytes = 256 * storageTypeSize(type);
    const qint64 rows = 2 * available / (256 * 4) + 1;
    const QByteArray header =
        safetensorsHeader(QStringLiteral("{\"backbone.embeddings.weight\":{\"dtype\":\"%1\","
                                         "\"shape\":[%2,256],\"data_offsets\":[0,%3]}}")
                              .arg(storageTypeName(type))
                              .arg(rows)
                              .arg(rows * rowBytes)
                              .toLatin1());
    writeSparse(dir.filePath(QStringLiteral("model.safetensors")), header.size() + rows * rowBytes,
                header);
    const QString message = errorOf([&] { MambaModel::load(dir.path()); });
    const QRegularExpression expected(
        QStringLiteral("^%1: the model needs %2 MiB as fp32 but only \\d+ MiB of memory is "
                       "available \\(MambaScope computes in fp32 and keeps every weight in "
                       "memory\\)$")
            .arg(QRegularExpression::escape(dir.path()))
            .arg((rows * 256 * 4) >> 20));
    QVERIFY2(expected.match(message).hasMatch(), qPrintable(message));
}

void BadInputTest::shapeMismatchWithConfig()
{
    const QTemporaryDir dir;
    QJsonObject config = demoConfig();
    config[QStringLiteral("state_size")] = 8;
    writeConfig(dir.path(), config);
    writeDemoWeights(dir.path(), StorageType::F32);
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             dir.filePath(QStringLiteral("model.safetensors")) +
                 QStringLiteral(": tensor 'backbone.layers.0.mixer.x_proj.weight' has shape "
                                "[48, 512], expected [32, 512] from config.json"));
}

void BadInputTest::vocabularyMismatchWithConfig()
{
    const QTemporaryDir dir;
    QJsonObject config = demoConfig();
    config[QStringLiteral("vocab_size")] = 5000;
    writeConfig(dir.path(), config);
    writeDemoWeights(dir.path(), StorageType::BF16);
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             dir.filePath(QStringLiteral("model.safetensors")) +
                 QStringLiteral(": tensor 'backbone.embeddings.weight' has shape [4096, 256], "
                                "expected [5000, 256] from config.json"));
}

void BadInputTest::unsupportedDtypeInModel()
{
    const QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    const QString path = dir.filePath(QStringLiteral("model.safetensors"));
    writeFile(path, safetensorsHeader(R"({"backbone.layers.0.mixer.A_log":{"dtype":"F64",)"
                                      R"("shape":[512,16],"data_offsets":[0,65536]}})") +
                        QByteArray(65536, '\0'));
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             path + QStringLiteral(": tensor 'backbone.layers.0.mixer.A_log': unsupported dtype "
                                   "'F64' (MambaScope reads F32, F16 and BF16)"));
}

void BadInputTest::configDtypeIsNotTrusted()
{
    // config.json's dtype is a note; what the safetensors header says is what is read.
    const QTemporaryDir dir;
    QJsonObject config = demoConfig();
    config[QStringLiteral("torch_dtype")] = QStringLiteral("bfloat16");
    config[QStringLiteral("dtype")] = QStringLiteral("float16");
    writeConfig(dir.path(), config);
    writeDemoWeights(dir.path(), StorageType::F32);
    const auto model = MambaModel::load(dir.path());
    QCOMPARE(model->storageType(), StorageType::F32);
    QCOMPARE(model->fingerprint(), m_model->fingerprint());
}

void BadInputTest::nonFiniteWeightsAnywhere_data()
{
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<int>("element");
    QTest::addColumn<float>("value");
    QTest::addColumn<StorageType>("type");
    QTest::addColumn<QString>("shown");
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    QTest::newRow("NaN in the embeddings")
        << "backbone.embeddings.weight" << 1000 << nan << StorageType::F32 << "nan";
    QTest::newRow("inf in in_proj (BF16)")
        << "backbone.layers.1.mixer.in_proj.weight" << 77 << inf << StorageType::BF16 << "inf";
    QTest::newRow("-inf in the final norm (F16)")
        << "backbone.norm_f.weight" << 3 << -inf << StorageType::F16 << "-inf";
    QTest::newRow("inf in dt_proj.bias")
        << "backbone.layers.4.mixer.dt_proj.bias" << 511 << inf << StorageType::F32 << "inf";
    QTest::newRow("NaN in D") << "backbone.layers.5.mixer.D" << 0 << nan << StorageType::F32
                              << "nan";
    QTest::newRow("F16 overflow in out_proj")  // 1e6 is beyond F16's range: stored as inf
        << "backbone.layers.0.mixer.out_proj.weight" << 9 << 1e6f << StorageType::F16 << "inf";
}

void BadInputTest::nonFiniteWeightsAnywhere()
{
    // A NaN anywhere would make every perplexity NaN: refused at load, naming tensor and element.
    QFETCH(QString, tensor);
    QFETCH(int, element);
    QFETCH(float, value);
    QFETCH(StorageType, type);
    QFETCH(QString, shown);
    const QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    writeDemoWeights(dir.path(), type, [&](const QString &name, std::vector<float> &v) {
        if (name == tensor)
            v[size_t(element)] = value;
    });
    QCOMPARE(errorOf([&] { MambaModel::load(dir.path()); }),
             dir.filePath(QStringLiteral("model.safetensors")) +
                 QStringLiteral(": tensor '%1' has a non-finite value (%2) at element %3")
                     .arg(tensor, shown)
                     .arg(element));
}

void BadInputTest::deeplyNestedJson()
{
    // Qt's parser stops at 1024 levels instead of recursing until the stack overflows.
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.json"));
    writeFile(path, QByteArray(100000, '['));
    const QString message = errorOf([&] { ModelConfig::fromJsonFile(path); });
    QVERIFY2(
        message.startsWith(path + QStringLiteral(": not valid JSON (too deeply nested document")),
        qPrintable(message));
    const QString preset = dir.filePath(QStringLiteral("preset.json"));
    writeFile(preset, "{\"steps\":" + QByteArray(100000, '['));
    QVERIFY(errorOf([&] { ModulationSet::load(preset); }).contains(u"too deeply nested document"));
}

void BadInputTest::emptyTensorAtAnOddOffset()
{
    // Valid, if odd: an empty F32 tensor after a 2-byte one is not 4-byte aligned, so it is copied
    // rather than used in place, and copying nothing must not pass a null pointer to memcpy
    // (found by fuzz_safetensors; the sanitizer build checks it).
    QByteArray json = R"({"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},)"
                      R"("e":{"dtype":"F32","shape":[0,3],"data_offsets":[2,2]}})";
    json.append((4 - json.size() % 4) % 4, ' ');
    const QString path = m_dir.filePath(QStringLiteral("odd.safetensors"));
    writeFile(path, safetensorsHeader(json) + QByteArray("\0\x3c", 2));
    const Checkpoint checkpoint(path);
    QVERIFY(reinterpret_cast<quintptr>(checkpoint.tensor(QStringLiteral("e")).data) % 4 != 0);
    const FloatTensor e = checkpoint.floatTensor(QStringLiteral("e"), {0, 3});
    QCOMPARE(e.elementCount(), int64_t(0));
    QCOMPARE(checkpoint.floatTensor(QStringLiteral("h"), {1}).data[0], 1.0f);
}

void BadInputTest::tokenIdBeyondTheModel()
{
    // Checked before any work, and named by its place in the text (not in a chunk).
    ForwardPass forward(m_model);
    PerplexityEvaluator evaluator(forward, 256);
    std::vector<int32_t> ids(1000, 17);
    ids[700] = 4096;
    QCOMPARE(errorOf([&] { evaluator.stream(ids); }),
             QStringLiteral("token id 4096 at position 700 is outside the model's vocabulary "
                            "(4096 entries)"));
    ids[700] = -1;
    QCOMPARE(errorOf([&] {
                 evaluator.fixedWindows({ids, ids}, 512);
             }),
             QStringLiteral("token id -1 at position 700 of document 0 is outside the model's "
                            "vocabulary (4096 entries)"));
    ids[700] = 17;
    ids.back() = 99999;  // the last token is only a target
    QCOMPARE(errorOf([&] { evaluator.stream(ids); }),
             QStringLiteral("token id 99999 at position 999 is outside the model's vocabulary "
                            "(4096 entries)"));
    // Beyond the first tokens that are evaluated, an id does not matter.
    QCOMPARE(evaluator.fixedWindows({ids}, 512, 512).windows, int64_t(1));
}

void BadInputTest::tokenizerLargerThanTheModel()
{
    // The GPT-NeoX tokenizer (50k ids) with the demo model (4096): refused, not read out of bounds.
    const auto neox = BpeTokenizer::fromFile(
        QStringLiteral(MAMBASCOPE_RESOURCES "/tokenizers/gpt-neox-20b/tokenizer.json"));
    const std::vector<int32_t> ids = neox->encode(QStringLiteral("Hello, Transylvania!"));
    const auto beyond = std::find_if(ids.begin(), ids.end(), [](int32_t id) { return id >= 4096; });
    QVERIFY(beyond != ids.end());
    ForwardPass forward(m_model);
    PerplexityEvaluator evaluator(forward);
    QCOMPARE(errorOf([&] { evaluator.stream(ids); }),
             QStringLiteral("token id %1 at position %2 is outside the model's vocabulary "
                            "(4096 entries)")
                 .arg(*beyond)
                 .arg(beyond - ids.begin()));
}

void BadInputTest::textFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << "the file is empty";
    QTest::newRow("binary") << QByteArray("ab\0cd", 5)
                            << "contains NUL bytes (at byte 2): a binary file, not text";
    QTest::newRow("PNG") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)
                         << "invalid UTF-8 at byte 0";
    QTest::newRow("Latin-1") << QByteArray("caf\xe9 au lait") << "invalid UTF-8 at byte 3";
    QTest::newRow("cut UTF-8") << QByteArray("ok \xe2\x82")
                               << "invalid UTF-8 at byte 3 (truncated sequence at the end)";
    QTest::newRow("UTF-16") << QByteArray("\xff\xfeH\0i\0", 6) << "invalid UTF-8 at byte 0";
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << "invalid UTF-8 at byte 0";
}

void BadInputTest::textFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("text.txt"));
    writeFile(path, bytes);
    QCOMPARE(errorOf([&] { TextFile::readUtf8(path); }), path + QStringLiteral(": ") + expected);
    QCOMPARE(errorOf([&] { TextFile::readUtf8(m_dir.path()); }),
             m_dir.path() + QStringLiteral(": is a directory, not a text file"));
    QCOMPARE(errorOf([&] { TextFile::readUtf8(m_dir.filePath(QStringLiteral("nope.txt"))); }),
             m_dir.filePath(QStringLiteral("nope.txt")) + QStringLiteral(": no such file"));
}

void BadInputTest::combiningMarkFloods()
{
    // Normalizing a run of combining marks takes time quadratic in its length (Qt orders them by
    // insertion): 100 000 alternating marks took 13 s, a few MB would take hours. Runs longer than
    // any script uses are refused at once; the longest allowed keep the time linear in the text.
    const auto tokenizer = BpeTokenizer::fromFile(
        QStringLiteral(MAMBASCOPE_RESOURCES "/tokenizers/gpt-neox-20b/tokenizer.json"));
    const QString marks = QStringLiteral("\u0301\u0323");
    QString flood = QStringLiteral("Zalgo");
    while (flood.size() < 100005)
        flood += marks;
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(errorOf([&] { tokenizer->encodeUtf8(flood.toUtf8(), QStringLiteral("zalgo.txt")); }),
             QStringLiteral("zalgo.txt: more than 256 combining marks in a row at character 5: "
                            "not text"));
    QCOMPARE(errorOf([&] { tokenizer->encode(QStringLiteral("a") + flood); }),
             QStringLiteral("more than 256 combining marks in a row at character 6: not text"));

    QString heavy;  // 256 marks on every letter: allowed, and quick
    while (heavy.size() < 100000)
        heavy += u'e' + marks.repeated(128);
    const std::vector<int32_t> ids = tokenizer->encode(heavy);
    QCOMPARE(tokenizer->decode(ids), heavy.normalized(QString::NormalizationForm_C));
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
}

void BadInputTest::decomposedTextIsLinear()
{
    // Text in NFD (as macOS writes file names, as some corpora come): Qt's NFC alone takes time
    // quadratic in its length (25 s for 1 MB of "e" + U+0301). The tokenizer normalizes it in
    // pieces; the result is the same as normalizing it whole.
    const auto tokenizer = BpeTokenizer::fromFile(
        QStringLiteral(MAMBASCOPE_RESOURCES "/tokenizers/gpt-neox-20b/tokenizer.json"));
    for (const QString &unit : {QStringLiteral("e\u0301"), QStringLiteral("\u1100\u1161"),
                                QStringLiteral("\u0BC6\u0BBE \u0915\u093C")}) {
        QString small;
        while (small.size() < 20000)
            small += unit;
        QCOMPARE(tokenizer->decode(tokenizer->encode(small)),
                 small.normalized(QString::NormalizationForm_C));
        // 50 times the text must take about 50 times as long (quadratic: 2500 times). Compared
        // with the small text's time rather than a fixed limit, so that a loaded machine or a
        // sanitizer build slows both alike.
        qint64 smallNs = std::numeric_limits<qint64>::max();
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer timer;
            timer.start();
            QVERIFY(!tokenizer->encode(small).empty());
            smallNs = std::min(smallNs, timer.nsecsElapsed());
        }
        const QString big = small.repeated(50);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!tokenizer->encode(big).empty());
        const qint64 bigNs = timer.nsecsElapsed();
        QVERIFY2(bigNs < 250 * smallNs + 2'000'000'000,
                 qPrintable(QStringLiteral("%1 ms for 50 times the text that took %2 ms")
                                .arg(bigNs / 1e6)
                                .arg(smallNs / 1e6)));
    }
}

void BadInputTest::presetForAnotherModel()
{
    const auto other = MambaModel::load(kCheckpoints + QStringLiteral("/m1_f16_noconvbias"));
    ModulationSet set = ModulationSet::fromShorthand(QStringLiteral("power:0.5"), 6);
    set.modelFingerprint = m_model->fingerprint();
    set.modelName = QStringLiteral("demo-mamba-3.7m");
    const QString path = m_dir.filePath(QStringLiteral("demo-preset.json"));
    set.save(path);
    QCOMPARE(errorOf([&] { ModulationSet::load(path, other.get()); }),
             path + QStringLiteral(": this modulation was made for model demo-mamba-3.7m "
                                   "(fingerprint %1), not for m1_f16_noconvbias (fingerprint "
                                   "%2); calibrate it again for this model")
                        .arg(m_model->fingerprint(), other->fingerprint()));
    // Made for any model: the layer count must still fit.
    set.modelFingerprint.clear();
    set.save(path);
    QCOMPARE(errorOf([&] { ModulationSet::load(path, other.get()); }),
             path + QStringLiteral(": the power step has 6 layer factors, the model has 3 layers"));
}

MAMBASCOPE_TEST_MAIN(BadInputTest)
#include "tst_bad_input.moc"
