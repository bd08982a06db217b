// SPDX-License-Identifier: GPL-3.0-or-later
// Loading whole models: what loads, and the exact error for each kind of broken model directory.
#include "SameWeights.h"
#include "io/SafetensorsFile.h"
#include "model/MambaModel.h"
#include "support/Error.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <functional>

using namespace mscope;

namespace {

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");

QJsonObject demoConfig()
{
    QFile f(kDemo + QStringLiteral("/config.json"));
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

void writeConfig(const QString &dir, const QJsonObject &config)
{
    QFile f(dir + QStringLiteral("/config.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(config).toJson());
}

// Copies the demo weights into `dir`, letting `edit` change each tensor's values or skip it.
void writeDemoWeights(const QString &dir,
                      const std::function<bool(const QString &, std::vector<float> &)> &edit)
{
    SafetensorsFile src(kDemo + QStringLiteral("/model.safetensors"));
    SafetensorsWriter w;
    for (const QString &name : src.tensorNames()) {
        const TensorInfo &t = src.tensor(name);
        std::vector<float> values(size_t(t.elementCount()));
        std::memcpy(values.data(), t.data, values.size() * 4);
        if (!edit(name, values))
            continue;
        w.add(name, t.shape, values.data());
    }
    w.write(dir + QStringLiteral("/model.safetensors"));
}

QString loadError(const QString &dir)
{
    try {
        MambaModel::load(dir);
    } catch (const Error &e) {
        return e.message();
    }
    return {};
}

}  // namespace

class ModelTest : public QObject
{
    Q_OBJECT

private slots:
    void loadsTheDemoModel();
    void refusesMissingDirectoryAndConfig();
    void refusesMissingTensor();
    void refusesShapeNotMatchingConfig();
    void refusesNonFiniteSpectrum();
    void refusesUnknownArchitecture();
    void refusesTruncatedWeights();
    void keepsItsWeightsWhenTheFileIsCutShort();
};

void ModelTest::loadsTheDemoModel()
{
    const auto model = MambaModel::load(kDemo);
    QCOMPARE(model->config().nLayer, 6);
    QCOMPARE(model->config().dInner, 512);
    QCOMPARE(model->logitCount(), 4096);
    QVERIFY(model->lmHeadTied());
    // The model card's number: 3,676,928 parameters (embeddings counted once).
    QCOMPARE(model->parameterCount(), qint64(3676928));
    QCOMPARE(model->fingerprint().size(), 16);
    QVERIFY(model->tokenizerPath().endsWith(QStringLiteral("tokenizer.json")));
}

void ModelTest::refusesMissingDirectoryAndConfig()
{
    QVERIFY(loadError(QStringLiteral("/nonexistent/model"))
                .contains(QStringLiteral("no such model directory")));
    QTemporaryDir dir;
    QVERIFY(loadError(dir.path()).contains(QStringLiteral("no config.json")));
    writeConfig(dir.path(), demoConfig());
    QVERIFY(loadError(dir.path()).contains(QStringLiteral("no model.safetensors")));
}

void ModelTest::refusesMissingTensor()
{
    QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    writeDemoWeights(dir.path(), [](const QString &name, std::vector<float> &) {
        return name != QLatin1String("backbone.layers.3.mixer.x_proj.weight");
    });
    const QString err = loadError(dir.path());
    QVERIFY2(err.contains(QStringLiteral("missing tensor 'backbone.layers.3.mixer.x_proj.weight'")),
             qPrintable(err));
}

void ModelTest::refusesShapeNotMatchingConfig()
{
    QTemporaryDir dir;
    QJsonObject config = demoConfig();
    config[QStringLiteral("state_size")] = 8;
    writeConfig(dir.path(), config);
    writeDemoWeights(dir.path(), [](const QString &, std::vector<float> &) { return true; });
    const QString err = loadError(dir.path());
    QVERIFY2(err.contains(QStringLiteral("model.safetensors")), qPrintable(err));
    QVERIFY2(
        err.contains(QStringLiteral("expected")) && err.contains(QStringLiteral("config.json")),
        qPrintable(err));
}

void ModelTest::refusesNonFiniteSpectrum()
{
    QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    writeDemoWeights(dir.path(), [](const QString &name, std::vector<float> &v) {
        if (name == QLatin1String("backbone.layers.2.mixer.A_log"))
            v[17] = std::nanf("");
        return true;
    });
    const QString err = loadError(dir.path());
    QVERIFY2(err.contains(QStringLiteral("'backbone.layers.2.mixer.A_log' has a non-finite value")),
             qPrintable(err));
    QVERIFY(err.contains(QStringLiteral("element 17")));
}

void ModelTest::refusesUnknownArchitecture()
{
    QTemporaryDir dir;
    QJsonObject config = demoConfig();
    config[QStringLiteral("model_type")] = QStringLiteral("llama");
    writeConfig(dir.path(), config);
    const QString err = loadError(dir.path());
    QVERIFY2(err.contains(QStringLiteral("config.json")) && err.contains(QStringLiteral("llama")),
             qPrintable(err));
}

void ModelTest::refusesTruncatedWeights()
{
    QTemporaryDir dir;
    writeConfig(dir.path(), demoConfig());
    QFile::copy(kDemo + QStringLiteral("/model.safetensors"),
                dir.filePath(QStringLiteral("model.safetensors")));
    QFile f(dir.filePath(QStringLiteral("model.safetensors")));
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() / 2));
    f.close();
    const QString err = loadError(dir.path());
    QVERIFY2(err.contains(QStringLiteral("model.safetensors")), qPrintable(err));
    QVERIFY2(!err.isEmpty(), "a truncated file loaded");
}

void ModelTest::keepsItsWeightsWhenTheFileIsCutShort()
{
    // The weights are copied out while loading and the file is closed after: a file cut short
    // (or rewritten in place) while the model is in use changes nothing, where weights still in
    // the file's mapping would raise SIGBUS.
    QTemporaryDir dir;
    for (const QString &name : {QStringLiteral("config.json"), QStringLiteral("model.safetensors")})
        QVERIFY(QFile::copy(kDemo + QLatin1Char('/') + name, dir.filePath(name)));
    const auto model = MambaModel::load(dir.path());
    QFile f(dir.filePath(QStringLiteral("model.safetensors")));
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(0));
    f.close();
    QVERIFY(test::sameWeights(*model, *MambaModel::load(kDemo)));
}

QTEST_GUILESS_MAIN(ModelTest)
#include "tst_model.moc"
