// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli's spectrum-scaling commands end to end: --modulation / --modulate on eval and
// score, spectrum, trace, calibrate and bake, with their refusals (one-line errors, exit 1).
#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kBook = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_frankenstein.txt");
const QString kVal = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/val_senseandsensibility.txt");

// The first `chars` characters of a text: a calibration text that keeps the tests quick.
QByteArray head(const QString &path, int chars)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QString::fromUtf8(f.readAll()).left(chars).toUtf8();
}

double evalPpl(const QStringList &extra, const QString &file = kBook)
{
    const CliRun r = runCli(QStringList{QStringLiteral("eval"), QStringLiteral("--window"),
                                        QStringLiteral("256"), QStringLiteral("--first"),
                                        QStringLiteral("1024"), file} +
                            extra);
    if (r.exitCode != 0)
        qWarning("%s", r.err.constData());
    return r.exitCode == 0 ? r.json()[QStringLiteral("ppl")].toDouble() : -1.0;
}

}  // namespace

class CliModulationTest : public QObject
{
    Q_OBJECT

private slots:
    void evalTakesShorthandAndPreset();
    void evalRefusesPresetForAnotherModel();
    void evalRefusesItsCalibrationText();
    void scoreTakesModulation();
    void badShorthandIsAOneLineError();
    void spectrumJsonAndCsv();
    void traceWritesJson();
    void calibrateWritesAPresetAndRefusesTestBooks();
    void bakeMatchesOnTheFlyAndRefusesDelta();
    void helpExplainsTrainLength();
};

void CliModulationTest::evalTakesShorthandAndPreset()
{
    const double base = evalPpl({});
    const double shorthand = evalPpl({QStringLiteral("--modulate"), QStringLiteral("power:0.45")});
    QVERIFY(base > 0 && shorthand > 0);
    QVERIFY(std::abs(shorthand - base) > 1e-3);

    QTemporaryDir dir;
    const QString preset = writeFile(dir, QStringLiteral("p.json"), R"({
        "format": "mambascope-modulation", "version": 1,
        "steps": [{"family": "power", "layer_factors": [0.45, 0.45, 0.45, 0.45, 0.45, 0.45]}]})");
    QCOMPARE(evalPpl({QStringLiteral("--modulation"), preset}), shorthand);
    // Composition: the preset, then the shorthand.
    const double both = evalPpl({QStringLiteral("--modulation"), preset,
                                 QStringLiteral("--modulate"), QStringLiteral("linear:2")});
    QCOMPARE(both, evalPpl({QStringLiteral("--modulate"), QStringLiteral("power:0.45,linear:2")}));

    const CliRun r =
        runCli({QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("256"),
                QStringLiteral("--first"), QStringLiteral("512"), kBook,
                QStringLiteral("--modulate"), QStringLiteral("tau-cap:1")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("modulation")].toString(), QStringLiteral("tau-cap 1"));
}

void CliModulationTest::evalRefusesPresetForAnotherModel()
{
    QTemporaryDir dir;
    const CliRun info = runCli({QStringLiteral("info"), QStringLiteral("--json")});
    const QString fingerprint = info.json()[QStringLiteral("fingerprint")].toString();
    QVERIFY(!fingerprint.isEmpty());
    const QString preset =
        writeFile(dir, QStringLiteral("demo.json"),
                  QStringLiteral(R"({"format": "mambascope-modulation", "version": 1,
            "model": {"name": "demo-mamba-3.7m", "fingerprint": "%1"},
            "steps": [{"family": "power", "layer_factors": [0.5, 0.5, 0.5]}]})")
                      .arg(fingerprint)
                      .toUtf8());
    const CliRun r =
        runCli({QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("64"),
                QStringLiteral("--model"),
                QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m1_f16_noconvbias"),
                QStringLiteral("--tokenizer"),
                QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m/tokenizer.json"),
                QStringLiteral("--modulation"), preset, kBook});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errorLine().contains(QStringLiteral("made for model demo-mamba-3.7m")),
             r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void CliModulationTest::evalRefusesItsCalibrationText()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString out = dir.filePath(QStringLiteral("preset.json"));
    const CliRun c = runCli({QStringLiteral("calibrate"), QStringLiteral("--target-length"),
                             QStringLiteral("256"), QStringLiteral("--budget"), QStringLiteral("2"),
                             QStringLiteral("--calib"), calib, QStringLiteral("--out"), out});
    QCOMPARE(c.exitCode, 0);
    const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--window"),
                             QStringLiteral("256"), QStringLiteral("--modulation"), out, calib});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errorLine().contains(QStringLiteral("calibrated on this text")), r.err.constData());
}

void CliModulationTest::scoreTakesModulation()
{
    QTemporaryDir dir;
    QJsonArray ids;
    for (int i = 0; i < 300; ++i)
        ids.append((i * 37) % 4000 + 1);
    const QString idsPath = writeFile(dir, QStringLiteral("ids.json"), QJsonDocument(ids).toJson());
    const CliRun base = runCli({QStringLiteral("score"), QStringLiteral("--ids"), idsPath});
    const CliRun mod = runCli({QStringLiteral("score"), QStringLiteral("--ids"), idsPath,
                               QStringLiteral("--modulate"), QStringLiteral("delta:2")});
    QCOMPARE(base.exitCode, 0);
    QCOMPARE(mod.exitCode, 0);
    QCOMPARE(mod.json()[QStringLiteral("nll")].toArray().size(), 299);
    QVERIFY(mod.json()[QStringLiteral("total_nll")].toDouble() !=
            base.json()[QStringLiteral("total_nll")].toDouble());
}

void CliModulationTest::badShorthandIsAOneLineError()
{
    const CliRun r =
        runCli({QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("256"), kBook,
                QStringLiteral("--modulate"), QStringLiteral("cubic:2")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errorLine().contains(QStringLiteral("unknown family 'cubic'")), r.err.constData());
}

void CliModulationTest::spectrumJsonAndCsv()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const CliRun r =
        runCli({QStringLiteral("spectrum"), QStringLiteral("--json"), QStringLiteral("--calib"),
                calib, QStringLiteral("--modulate"), QStringLiteral("tau-cap:1")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    QCOMPARE(o[QStringLiteral("training_length")].toInt(), 256);
    const QJsonArray layers = o[QStringLiteral("layers")].toArray();
    QCOMPARE(layers.size(), 6);
    for (const QJsonValue &v : layers) {
        const QJsonObject before = v[QStringLiteral("as_loaded")].toObject();
        const QJsonObject after = v[QStringLiteral("modulated")].toObject();
        QVERIFY(before[QStringLiteral("share_tau_beyond_training")].toDouble() > 0.2);
        // tau-cap c = 1 caps τ at L_train; many modes sit right at the cap, and Δ̄ measured
        // again under the modulation moves them by a percent or so either way.
        QVERIFY(before[QStringLiteral("tau")][QStringLiteral("max")].toDouble() > 1e5);
        QVERIFY(after[QStringLiteral("tau")][QStringLiteral("max")].toDouble() < 1.05 * 256);
    }

    const CliRun csv = runCli({QStringLiteral("spectrum"), QStringLiteral("--csv"),
                               QStringLiteral("--modulate"), QStringLiteral("power:0.5")});
    QCOMPARE(csv.exitCode, 0);
    const QList<QByteArray> rows = csv.out.trimmed().split('\n');
    QCOMPARE(rows.front(),
             QByteArray("variant,layer,channel,state,alpha,lambda,mean_delta,pole,tau"));
    QCOMPARE(rows.size(), 1 + 2 * 6 * 512 * 16);
    QVERIFY(rows[1].startsWith("as_loaded,0,0,0,"));
    QVERIFY(rows.last().startsWith("modulated,5,511,15,"));
}

void CliModulationTest::traceWritesJson()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("trace.json"));
    const CliRun r = runCli({QStringLiteral("trace"), QStringLiteral("--first"),
                             QStringLiteral("2048"), QStringLiteral("--modulate"),
                             QStringLiteral("power:0.45"), QStringLiteral("--json"), out});
    QCOMPARE(r.exitCode, 0);
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray positions = o[QStringLiteral("positions")].toArray();
    QCOMPARE(positions.first().toInt(), 1);
    QCOMPARE(positions.last().toInt(), 2048);
    const QJsonArray maxNorm = o[QStringLiteral("max_channel_norm")].toArray();
    QCOMPARE(maxNorm.size(), positions.size());
    QCOMPARE(maxNorm.last().toArray().size(), 6);
    QVERIFY(maxNorm.last()[0].toDouble() >=
            o[QStringLiteral("mean_channel_norm")][positions.size() - 1][0].toDouble());
    const CliRun missing =
        runCli({QStringLiteral("trace"), QStringLiteral("--first"), QStringLiteral("64")});
    QCOMPARE(missing.exitCode, 1);
}

void CliModulationTest::calibrateWritesAPresetAndRefusesTestBooks()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString out = dir.filePath(QStringLiteral("preset.json"));
    const CliRun r = runCli({QStringLiteral("calibrate"), QStringLiteral("--target-length"),
                             QStringLiteral("256"), QStringLiteral("--budget"), QStringLiteral("6"),
                             QStringLiteral("--method"), QStringLiteral("coordinate"),
                             QStringLiteral("--calib"), calib, QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject summary = r.json();
    QCOMPARE(summary[QStringLiteral("forward_passes")].toInt(), 6);
    QCOMPARE(summary[QStringLiteral("method")].toString(), QStringLiteral("coordinate"));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject preset = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(preset[QStringLiteral("format")].toString(), QStringLiteral("mambascope-modulation"));
    QCOMPARE(preset[QStringLiteral("target_length")].toInt(), 256);
    QCOMPARE(preset[QStringLiteral("calibration")][QStringLiteral("method")].toString(),
             QStringLiteral("coordinate"));
    QCOMPARE(
        preset[QStringLiteral("calibration")][QStringLiteral("texts")].toArray().first().toString(),
        QStringLiteral("calib.txt"));
    // The preset is usable right away.
    QVERIFY(evalPpl({QStringLiteral("--modulation"), out}) > 0);

    const CliRun refused =
        runCli({QStringLiteral("calibrate"), QStringLiteral("--target-length"),
                QStringLiteral("256"), QStringLiteral("--calib"), kBook, QStringLiteral("--out"),
                dir.filePath(QStringLiteral("x.json"))});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.errorLine().contains(QStringLiteral("evaluation text")),
             refused.err.constData());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.json"))));
    const CliRun excluded = runCli({QStringLiteral("calibrate"), QStringLiteral("--target-length"),
                                    QStringLiteral("256"), QStringLiteral("--calib"), calib,
                                    QStringLiteral("--exclude"), calib, QStringLiteral("--out"),
                                    dir.filePath(QStringLiteral("x.json"))});
    QCOMPARE(excluded.exitCode, 1);
}

void CliModulationTest::bakeMatchesOnTheFlyAndRefusesDelta()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    const CliRun r = runCli({QStringLiteral("bake"), QStringLiteral("--modulate"),
                             QStringLiteral("power:0.45"), QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QFile::exists(out + QStringLiteral("/MODULATION.md")));
    QCOMPARE(evalPpl({QStringLiteral("--model"), out}),
             evalPpl({QStringLiteral("--modulate"), QStringLiteral("power:0.45")}));

    const QString refusedOut = dir.filePath(QStringLiteral("delta"));
    const CliRun refused = runCli({QStringLiteral("bake"), QStringLiteral("--modulate"),
                                   QStringLiteral("delta:2"), QStringLiteral("--out"), refusedOut});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.errorLine().contains(QStringLiteral("cannot be baked")),
             refused.err.constData());
    QVERIFY(!QFileInfo::exists(refusedOut));
    const CliRun again = runCli({QStringLiteral("bake"), QStringLiteral("--modulate"),
                                 QStringLiteral("power:0.45"), QStringLiteral("--out"), out});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.errorLine().contains(QStringLiteral("already exists")), again.err.constData());
}

void CliModulationTest::helpExplainsTrainLength()
{
    const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    const QString help = QString::fromUtf8(r.out).simplified();
    QVERIFY(help.contains(QStringLiteral("--train-length")));
    QVERIFY(help.contains(QStringLiteral("256 for the bundled demo model")));
    QVERIFY(help.contains(QStringLiteral("--modulate")));
}

QTEST_GUILESS_MAIN(CliModulationTest)
#include "tst_cli_modulation.moc"
