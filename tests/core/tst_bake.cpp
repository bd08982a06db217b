// SPDX-License-Identifier: GPL-3.0-or-later
// Baking a modulation into a checkpoint, beyond the numbers (tst_modulation checks those): where
// it writes (OutputFolder: a new, empty or --force'd folder, written whole in a staging folder
// with the umask's mode), what it copies (the files a model needs, regular files only), sharded
// models with shards in subfolders, the check that the result loads with the intended A_log, and
// its cost in the number of tensors (issue #16, items 2, 4, 5, 7, 11, 14).
#include "TestMain.h"
#include "io/OutputFolder.h"
#include "io/SafetensorsFile.h"
#include "model/MambaModel.h"
#include "modulation/CheckpointBaker.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"

#include <sys/stat.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <thread>

using namespace mscope;

namespace {

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");

QStringList entriesOf(const QString &dir)
{
    return QDir(dir).entryList(
        QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    ::stat(QFile::encodeName(path).constData(), &st);
    return st.st_mode & 07777;
}

QString errorOf(const std::function<void()> &f, Error::Kind *kind = nullptr)
{
    try {
        f();
    } catch (const Error &e) {
        if (kind)
            *kind = e.kind();
        return e.message();
    }
    return {};
}

void copyFile(const QString &from, const QString &to)
{
    QVERIFY(QFile::copy(from, to));
    QVERIFY(QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner));
}

// The demo's config and tokenizer, and its tensors written by `write` (file -> tensor names).
void writeModel(const QString &dir, const std::map<QString, QStringList> &files,
                int extraTensors = 0)
{
    QVERIFY(QDir().mkpath(dir));
    copyFile(kDemo + QStringLiteral("/config.json"), dir + QStringLiteral("/config.json"));
    copyFile(kDemo + QStringLiteral("/tokenizer.json"), dir + QStringLiteral("/tokenizer.json"));
    const SafetensorsFile source(kDemo + QStringLiteral("/model.safetensors"));
    for (const auto &[file, names] : files) {
        SafetensorsWriter writer;
        for (const QString &name : names) {
            const TensorInfo &t = source.tensor(name);
            writer.add(name, t.shape, reinterpret_cast<const float *>(t.data), t.type);
        }
        const float one = 1.0f;
        for (int i = 0; i < extraTensors; ++i)
            writer.add(QStringLiteral("extra.%1").arg(i, 7, 10, QLatin1Char('0')), {1}, &one);
        QVERIFY(QDir().mkpath(QFileInfo(dir + QLatin1Char('/') + file).path()));
        writer.write(dir + QLatin1Char('/') + file);
    }
}

QStringList demoTensors()
{
    return SafetensorsFile(kDemo + QStringLiteral("/model.safetensors")).tensorNames();
}

ModulationSet power(double s, int layers = 6)
{
    return ModulationSet::fromShorthand(QStringLiteral("power:%1").arg(s), layers);
}

// The baked A_log equals the modulation's, layer by layer.
void compareALog(const QString &baked, const MambaModel &source, const ModulationSet &set)
{
    const auto model = MambaModel::load(baked);
    const DecayParameters decay = set.decayParameters(source);
    for (int l = 0; l < source.config().nLayer; ++l) {
        const std::vector<float> want = decay.bakedALog(l);
        const FloatTensor &got = model->layers()[size_t(l)].aLog;
        QCOMPARE(got.elementCount(), int64_t(want.size()));
        QVERIFY(std::memcmp(got.data, want.data(), want.size() * sizeof(float)) == 0);
    }
}

}  // namespace

class BakeTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void outputFolderRules();
    void bakedFolderHasTheUmaskMode();
    void onlyTheFilesAModelNeedsAreCopied();
    void shardsInSubfoldersKeepTheirPlaces();
    void shardIndexLeavingTheFolderIsRefused();
    void bakeThatDoesNotLoadIsNotReported();
    void costGrowsAsNLogNInTheTensorCount();

private:
    std::shared_ptr<const MambaModel> m_model;
};

void BakeTest::initTestCase()
{
    m_model = MambaModel::load(kDemo);
}

void BakeTest::outputFolderRules()
{
    QTemporaryDir dir;
    const ModulationSet set = power(0.5);
    Error::Kind kind = Error::Kind::File;
    // An empty name is a usage error.
    QCOMPARE(errorOf([&] { CheckpointBaker::bake(*m_model, set, QString()); }, &kind),
             QStringLiteral("the output folder name is empty"));
    QCOMPARE(kind, Error::Kind::Input);
    // A missing folder with a trailing slash: created (the README's example).
    const QString slash = dir.filePath(QStringLiteral("demo-repaired/"));
    CheckpointBaker::bake(*m_model, set, slash);
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("demo-repaired/model.safetensors"))).isFile());
    // Its parent must exist.
    const QString deep = dir.filePath(QStringLiteral("no/such/out"));
    QVERIFY2(errorOf([&] { CheckpointBaker::bake(*m_model, set, deep); })
                 .endsWith(QStringLiteral("the parent folder %1 does not exist")
                               .arg(dir.filePath(QStringLiteral("no/such")))),
             qPrintable(errorOf([&] { CheckpointBaker::bake(*m_model, set, deep); })));
    // An existing empty folder is used and keeps its mode.
    const QString empty = dir.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkdir(empty));
    QCOMPARE(::chmod(QFile::encodeName(empty).constData(), 0750), 0);
    CheckpointBaker::bake(*m_model, set, empty);
    QCOMPARE(modeOf(empty), mode_t(0750));
    QVERIFY(QFileInfo(empty + QStringLiteral("/model.safetensors")).isFile());
    // Now it holds a model: refused, unless replacing; the replacement keeps the mode too.
    QVERIFY(errorOf([&] { CheckpointBaker::bake(*m_model, power(0.6), empty); })
                .endsWith(QStringLiteral("is not empty; choose a new or empty folder, or --force "
                                         "to replace the model in it")));
    CheckpointBaker::bake(*m_model, power(0.6), empty, nullptr, true);
    QVERIFY(ModulationSet::load(empty + QStringLiteral("/modulation.json"))
                .describe()
                .contains(QStringLiteral("0.6")));
    QCOMPARE(modeOf(empty), mode_t(0750));
    // A folder of other files is never replaced, and a file is not a folder.
    const QString other = dir.filePath(QStringLiteral("other"));
    QVERIFY(QDir().mkdir(other));
    QFile keep(other + QStringLiteral("/keep.txt"));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.close();
    QVERIFY(errorOf([&] { CheckpointBaker::bake(*m_model, set, other, nullptr, true); })
                .endsWith(QStringLiteral("holds no model (no config.json); it is not replaced "
                                         "even with --force")));
    QVERIFY(errorOf([&] { CheckpointBaker::bake(*m_model, set, keep.fileName()); })
                .endsWith(QStringLiteral("already exists and is not a folder; choose a new output "
                                         "folder")));
    QCOMPARE(entriesOf(other), QStringList{QStringLiteral("keep.txt")});
    // No staging folder is left anywhere.
    QCOMPARE(entriesOf(dir.path()),
             (QStringList{QStringLiteral("demo-repaired"), QStringLiteral("empty"),
                          QStringLiteral("other")}));
}

void BakeTest::bakedFolderHasTheUmaskMode()
{
    // Was 0700: QTemporaryDir's mode, kept by the rename.
    QTemporaryDir dir;
    const mode_t old = ::umask(022);
    const QString out = dir.filePath(QStringLiteral("baked"));
    CheckpointBaker::bake(*m_model, power(0.5), out);
    ::umask(old);
    QCOMPARE(modeOf(out), mode_t(0755));
}

void BakeTest::onlyTheFilesAModelNeedsAreCopied()
{
    QTemporaryDir dir, elsewhere;
    const QString model = dir.filePath(QStringLiteral("model"));
    writeModel(model, {{QStringLiteral("model.safetensors"), demoTensors()}});
    auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    };
    write(model + QStringLiteral("/generation_config.json"), "{}");
    write(model + QStringLiteral("/notes.txt"), "not part of a model");
    write(model + QStringLiteral("/pytorch_model.bin"), "old weights");
    const QString secret = elsewhere.filePath(QStringLiteral("secret"));
    write(secret, "from outside the model folder");
    QVERIFY(QFile::link(secret, model + QStringLiteral("/special_tokens_map.json")));
    // A FIFO would hang a copy that opened it.
    QCOMPARE(::mkfifo(QFile::encodeName(model + QStringLiteral("/README.md")).constData(), 0600),
             0);
    const auto loaded = MambaModel::load(model);
    const QString out = dir.filePath(QStringLiteral("baked"));
    const CheckpointBaker::Report report = CheckpointBaker::bake(*loaded, power(0.5), out);
    QCOMPARE(
        entriesOf(out),
        (QStringList{QStringLiteral("MODULATION.md"), QStringLiteral("config.json"),
                     QStringLiteral("generation_config.json"), QStringLiteral("model.safetensors"),
                     QStringLiteral("modulation.json"), QStringLiteral("tokenizer.json")}));
    QCOMPARE(report.skipped,
             (QStringList{model + QStringLiteral("/special_tokens_map.json: a symbolic link, not "
                                                 "copied"),
                          model + QStringLiteral("/README.md: not a regular file, not copied")}));
}

void BakeTest::shardsInSubfoldersKeepTheirPlaces()
{
    // Two shards of one name in different subfolders: each half of the weights stays.
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("model"));
    const QStringList names = demoTensors();
    const QStringList first = names.mid(0, names.size() / 2), second = names.mid(names.size() / 2);
    writeModel(model, {{QStringLiteral("a/model.safetensors"), first},
                       {QStringLiteral("b/model.safetensors"), second}});
    QJsonObject map;
    for (const QString &n : first)
        map.insert(n, QStringLiteral("a/model.safetensors"));
    for (const QString &n : second)
        map.insert(n, QStringLiteral("b/model.safetensors"));
    QFile index(model + QStringLiteral("/model.safetensors.index.json"));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write(QJsonDocument(QJsonObject{{QStringLiteral("weight_map"), map}}).toJson());
    index.close();
    const auto loaded = MambaModel::load(model);
    const QString out = dir.filePath(QStringLiteral("baked"));
    const ModulationSet set = power(0.5);
    CheckpointBaker::bake(*loaded, set, out);
    QVERIFY(QFileInfo(out + QStringLiteral("/a/model.safetensors")).isFile());
    QVERIFY(QFileInfo(out + QStringLiteral("/b/model.safetensors")).isFile());
    QCOMPARE(SafetensorsFile(out + QStringLiteral("/b/model.safetensors")).tensorNames(), second);
    compareALog(out, *loaded, set);
}

void BakeTest::shardIndexLeavingTheFolderIsRefused()
{
    // "linked/model.safetensors" looks inside, but linked is a link to another folder.
    QTemporaryDir dir, elsewhere;
    const QString model = dir.filePath(QStringLiteral("model"));
    writeModel(model, {});
    const SafetensorsFile source(kDemo + QStringLiteral("/model.safetensors"));
    QVERIFY(QFile::copy(source.path(), elsewhere.filePath(QStringLiteral("model.safetensors"))));
    QVERIFY(QFile::link(elsewhere.path(), model + QStringLiteral("/linked")));
    QJsonObject map;
    for (const QString &n : source.tensorNames())
        map.insert(n, QStringLiteral("linked/model.safetensors"));
    QFile index(model + QStringLiteral("/model.safetensors.index.json"));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write(QJsonDocument(QJsonObject{{QStringLiteral("weight_map"), map}}).toJson());
    index.close();
    const QString message = errorOf([&] { MambaModel::load(model); });
    QVERIFY2(message.startsWith(index.fileName() +
                                QStringLiteral(": shard 'linked/model.safetensors'")) &&
                 message.endsWith(QStringLiteral(", outside the model directory")),
             qPrintable(message));
}

void BakeTest::bakeThatDoesNotLoadIsNotReported()
{
    // 3e38 is a float, but 3e38 · A_log is not: the baked A_log is infinite.
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    const QString message = errorOf([&] { CheckpointBaker::bake(*m_model, power(3e38), out); });
    QVERIFY2(message.startsWith(out + QStringLiteral(": the baked checkpoint does not load "
                                                     "(model.safetensors: tensor "
                                                     "'backbone.layers.0.mixer.A_log' has a "
                                                     "non-finite value (inf)")),
             qPrintable(message));
    QVERIFY(message.endsWith(QStringLiteral("nothing was written")));
    QVERIFY(entriesOf(dir.path()).isEmpty());
    // And 1e39, which no float holds, is refused before anything is written.
    QVERIFY(errorOf([&] { power(1e39); }).contains(QStringLiteral("that a float holds")));
}

void BakeTest::costGrowsAsNLogNInTheTensorCount()
{
    // Each tensor used to be compared with every earlier one, and the header kept sorted by
    // insertion: 100k tensors took 14.7 s, a million over a minute. Now 4 times the tensors take
    // about 4 times as long (a quadratic bake would take 16 times).
    QTemporaryDir dir;
    std::vector<double> seconds;
    for (const int extra : {25000, 100000}) {
        const QString model = dir.filePath(QStringLiteral("m%1").arg(extra));
        writeModel(model, {{QStringLiteral("model.safetensors"), demoTensors()}}, extra);
        const auto loaded = MambaModel::load(model);
        QElapsedTimer timer;
        timer.start();
        CheckpointBaker::bake(*loaded, power(0.5), model + QStringLiteral("-baked"));
        seconds.push_back(timer.elapsed() / 1000.0);
        QVERIFY(QDir(model).removeRecursively());
    }
    qInfo("bake with 25k / 100k extra tensors: %.2f s / %.2f s", seconds[0], seconds[1]);
    QVERIFY2(seconds[1] < 8 * seconds[0] + 0.5,
             qPrintable(QString::number(seconds[1] / seconds[0])));
    QVERIFY(seconds[1] < 60);
}

MAMBASCOPE_TEST_MAIN(BakeTest)
#include "tst_bake.moc"
