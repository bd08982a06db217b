// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli's spectrum-scaling commands end to end: --modulation / --modulate on eval and
// score, spectrum, trace, calibrate and bake, with their refusals (one-line errors, exit 1).
#include "CliRunner.h"
#include "FileSizeLimit.h"

#include <sys/stat.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <thread>

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
    void calibrateChecksItsOutputFirst();
    void calibrateKeepsTheFactorsWhenTheSaveFails();
    void calibrateRefusesSpecialFilesAtOnce();
    void calibrateComparesWhatTextsSay();
    void bakeOutputFolders();
    void interruptedBakeLeavesNothing();
    void presetOfTooManyStepsIsRefused();
    void nonFiniteResultsAreErrors();
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
    QCOMPARE(r.exitCode, 2);  // a wrong command line
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
    QCOMPARE(missing.exitCode, 2);  // a required option missing
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
    QCOMPARE(refused.exitCode, 2);  // what the command line asks cannot be done
    QVERIFY2(refused.errorLine().contains(QStringLiteral("cannot be baked")),
             refused.err.constData());
    QVERIFY(!QFileInfo::exists(refusedOut));
    const CliRun again = runCli({QStringLiteral("bake"), QStringLiteral("--modulate"),
                                 QStringLiteral("power:0.45"), QStringLiteral("--out"), out});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.errorLine().endsWith(QStringLiteral("is not empty; choose a new or empty "
                                                       "folder, or --force to replace the model "
                                                       "in it")),
             again.err.constData());
}

void CliModulationTest::helpExplainsTrainLength()
{
    const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    const QString help = QString::fromUtf8(r.out).simplified();
    QVERIFY(help.contains(QStringLiteral("--train-length")));
    QVERIFY(help.contains(QStringLiteral("256 for the bundled models")));
    QVERIFY(help.contains(QStringLiteral("--modulate")));
}

namespace {

QStringList calibrateArgs(const QString &calib, const QString &out)
{
    return {QStringLiteral("calibrate"),
            QStringLiteral("--target-length"),
            QStringLiteral("256"),
            QStringLiteral("--budget"),
            QStringLiteral("6"),
            QStringLiteral("--method"),
            QStringLiteral("coordinate"),
            QStringLiteral("--calib"),
            calib,
            QStringLiteral("--out"),
            out};
}

QStringList entriesOf(const QString &dir)
{
    return QDir(dir).entryList(
        QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

}  // namespace

void CliModulationTest::calibrateChecksItsOutputFirst()
{
    // Issue #16, item 9: the search ran to its end and then could not save.
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const CliRun r = runCli(calibrateArgs(calib, QStringLiteral("/nonexistent/p.json")));
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.errorLine(),
             QStringLiteral("mambascope-cli calibrate: error: /nonexistent/p.json: "
                            "cannot write (the folder /nonexistent does not exist)"));
    QVERIFY2(!r.err.contains("calibrate:  "), r.err.constData());  // no search progress
    QVERIFY(r.out.isEmpty());
}

void CliModulationTest::calibrateKeepsTheFactorsWhenTheSaveFails()
{
    // The disk fills up during the search (RLIMIT_FSIZE, inherited by the CLI): the check at the
    // start passes, the save at the end fails, and the factors still reach stdout.
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString out = dir.filePath(QStringLiteral("preset.json"));
    CliRun r;
    {
        const FileSizeLimit full(64);
        r = runCli(calibrateArgs(calib, out));
    }
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errorLine().startsWith(QStringLiteral("mambascope-cli calibrate: error: %1: cannot "
                                                     "write (")
                                          .arg(out)),
             r.err.constData());
    QVERIFY(r.errorLine().endsWith(QStringLiteral("; the factors are in the summary on stdout")));
    const QJsonObject summary = r.json();
    QCOMPARE(summary[QStringLiteral("factors")].toArray().size(), 6);
    QCOMPARE(summary[QStringLiteral("saved")].toBool(true), false);
    QVERIFY(!QFile::exists(out));
}

void CliModulationTest::calibrateRefusesSpecialFilesAtOnce()
{
    // Issue #16, item 3: these blocked until killed.
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString fifo = dir.filePath(QStringLiteral("fifo.txt"));
    QCOMPARE(mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString out = dir.filePath(QStringLiteral("p.json"));
    const QList<QStringList> cases{
        calibrateArgs(QStringLiteral("/dev/zero"), out),
        calibrateArgs(fifo, out),
        calibrateArgs(calib, out) << QStringLiteral("--exclude") << QStringLiteral("/dev/urandom"),
    };
    const QStringList named{QStringLiteral("/dev/zero"), fifo, QStringLiteral("/dev/urandom")};
    for (qsizetype i = 0; i < cases.size(); ++i) {
        QElapsedTimer timer;
        timer.start();
        const CliRun r = runCli(cases[i]);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errorLine(), QStringLiteral("mambascope-cli calibrate: error: %1: not a regular "
                                               "file (a device, pipe or socket)")
                                    .arg(named[i]));
        QVERIFY(timer.elapsed() < 30000);
    }
}

void CliModulationTest::calibrateComparesWhatTextsSay()
{
    // A copy of a test book with one more newline, or CRLF line ends, is still that book.
    QTemporaryDir dir;
    QFile book(kBook);
    QVERIFY(book.open(QIODevice::ReadOnly));
    const QByteArray text = book.readAll();
    QByteArray crlf = text;
    crlf.replace("\n", "\r\n");
    for (const QByteArray &copy : {text + "\n", crlf}) {
        const QString path = writeFile(dir, QStringLiteral("copy.txt"), copy);
        const CliRun r = runCli(calibrateArgs(path, dir.filePath(QStringLiteral("p.json"))));
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errorLine(), QStringLiteral("mambascope-cli calibrate: error: %1: is an "
                                               "evaluation text (same content as %2); calibration "
                                               "and evaluation texts must be disjoint")
                                    .arg(path, kBook));
    }
}

void CliModulationTest::bakeOutputFolders()
{
    // Issue #16, items 2, 4 and 14.
    QTemporaryDir dir;
    const QStringList bake{QStringLiteral("bake"), QStringLiteral("--modulate"),
                           QStringLiteral("power:0.45"), QStringLiteral("--out")};
    // The README's example: a trailing slash, a new folder, made with the umask's mode.
    const QString repaired = dir.filePath(QStringLiteral("demo-repaired/"));
    const mode_t mask = ::umask(022);
    const CliRun made = runCli(bake + QStringList{repaired});
    ::umask(mask);
    QCOMPARE(made.exitCode, 0);
    struct stat st = {};
    QCOMPARE(::stat(QFile::encodeName(repaired).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, mode_t(0755));
    // An empty folder is used, a non-empty one refused, --force replaces a model.
    const QString empty = dir.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkdir(empty));
    QCOMPARE(runCli(bake + QStringList{empty}).exitCode, 0);
    QCOMPARE(runCli(bake + QStringList{empty}).exitCode, 1);
    QCOMPARE(runCli(bake + QStringList{empty, QStringLiteral("--force")}).exitCode, 0);
    // synth refuses a real model's folder.
    const CliRun synth =
        runCli({QStringLiteral("synth"), QStringLiteral("--like"), QStringLiteral("mamba-130m"),
                QStringLiteral("--layers"), QStringLiteral("1"), QStringLiteral("--out"), empty});
    QCOMPARE(synth.exitCode, 1);
    QVERIFY2(synth.errorLine().endsWith(QStringLiteral("%1: is not empty; choose a new or empty "
                                                       "folder, or --force to replace the model in "
                                                       "it")
                                            .arg(empty)),
             synth.err.constData());
    QVERIFY(QFile::exists(empty + QStringLiteral("/MODULATION.md")));
    // An output that cannot load is not reported done.
    const CliRun bad =
        runCli({QStringLiteral("bake"), QStringLiteral("--modulate"), QStringLiteral("power:3e38"),
                QStringLiteral("--out"), dir.filePath(QStringLiteral("bad"))});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.errorLine().contains(QStringLiteral("the baked checkpoint does not load")),
             bad.err.constData());
    QCOMPARE(entriesOf(dir.path()),
             (QStringList{QStringLiteral("demo-repaired"), QStringLiteral("empty")}));
}

void CliModulationTest::interruptedBakeLeavesNothing()
{
    // Issue #16, item 12: SIGINT or SIGTERM during a bake left .OUT.bake-XXXXXX behind. A
    // 4-layer model of mamba-130m's shapes (208 MB) takes long enough to be interrupted once its
    // staging folder exists.
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("model"));
    QCOMPARE(
        runCli({QStringLiteral("synth"), QStringLiteral("--like"), QStringLiteral("mamba-130m"),
                QStringLiteral("--layers"), QStringLiteral("4"), QStringLiteral("--out"), model})
            .exitCode,
        0);
    for (const int signal : {SIGINT, SIGTERM}) {
        QProcess p;
        p.start(QStringLiteral(MAMBASCOPE_CLI),
                {QStringLiteral("bake"), QStringLiteral("--model"), model,
                 QStringLiteral("--modulate"), QStringLiteral("power:0.5"), QStringLiteral("--out"),
                 dir.filePath(QStringLiteral("baked"))});
        QVERIFY(p.waitForStarted());
        bool staged = false;
        for (int i = 0; i < 3000 && !staged; ++i) {
            staged = entriesOf(dir.path()).filter(QStringLiteral(".baked.bake-")).size() == 1;
            if (!staged)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        QVERIFY(staged);
        ::kill(pid_t(p.processId()), signal);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(p.readAllStandardError().trimmed().endsWith("mambascope-cli bake: cancelled"));
        QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("model")});
    }
}

void CliModulationTest::presetOfTooManyStepsIsRefused()
{
    // Issue #16, item 13: a 64 MiB preset of winsorize steps took half an hour to apply.
    QTemporaryDir dir;
    QJsonArray steps;
    for (int i = 0; i < 65; ++i)
        steps.append(QJsonObject{
            {QStringLiteral("family"), QStringLiteral("winsorize")},
            {QStringLiteral("layer_factors"), QJsonArray{0.01, 0.01, 0.01, 0.01, 0.01, 0.01}}});
    const QString preset = writeFile(
        dir, QStringLiteral("many.json"),
        QJsonDocument(
            QJsonObject{{QStringLiteral("format"), QStringLiteral("mambascope-modulation")},
                        {QStringLiteral("version"), 1},
                        {QStringLiteral("steps"), steps}})
            .toJson());
    const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--window"),
                             QStringLiteral("64"), QStringLiteral("--first"), QStringLiteral("128"),
                             kBook, QStringLiteral("--modulation"), preset});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.errorLine(), QStringLiteral("mambascope-cli eval: error: %1: 65 steps; a preset has "
                                           "at most 64 (write one step with per-layer or "
                                           "per-channel factors instead of many uniform ones)")
                                .arg(preset));
}

void CliModulationTest::nonFiniteResultsAreErrors()
{
    // Issue #16, item 6: "nll":[null,...], "ppl":null and τ null, with exit 0.
    const CliRun eval = runCli({QStringLiteral("eval"), QStringLiteral("--stream"),
                                QStringLiteral("--first"), QStringLiteral("512"), kBook,
                                QStringLiteral("--modulate"), QStringLiteral("delta:3e38")});
    QCOMPARE(eval.exitCode, 1);
    QVERIFY(eval.out.isEmpty());
    QCOMPARE(eval.errorLine(), QStringLiteral("mambascope-cli eval: error: the perplexity came out "
                                              "nan, not a number: the activations overflowed float "
                                              "under the modulation 'delta 3e+38'; choose factors "
                                              "closer to 1"));
    const CliRun spectrum = runCli(
        {QStringLiteral("spectrum"), QStringLiteral("--modulate"), QStringLiteral("power:1000")});
    QCOMPARE(spectrum.exitCode, 1);
    QVERIFY(spectrum.out.isEmpty());
    QVERIFY2(spectrum.errorLine().contains(QStringLiteral("alpha of layer 0 (modulated) is inf")),
             spectrum.err.constData());
    // 1e39 does not fit in a float: refused as a wrong command line.
    const CliRun tooLarge =
        runCli({QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("64"), kBook,
                QStringLiteral("--modulate"), QStringLiteral("delta:1e39")});
    QCOMPARE(tooLarge.exitCode, 2);
    QVERIFY(tooLarge.errorLine().contains(QStringLiteral("that a float holds")));
}

QTEST_GUILESS_MAIN(CliModulationTest)
#include "tst_cli_modulation.moc"
