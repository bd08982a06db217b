// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli end to end: machine-readable stdout, one-line errors naming the file, exit codes.
#include "CliRunner.h"
#include "io/ModelConfig.h"
#include "io/SyntheticCheckpoint.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

class CliTest : public QObject
{
    Q_OBJECT

private slots:
    void infoDescribesTheDemoModel();
    void tokenizeMatchesTheReferenceIds();
    void scoreMatchesTransformers();
    void evalFixedWindowsCountsWindows();
    void evalStreamReportsBuckets();
    void badInputGivesOneLineErrors_data();
    void badInputGivesOneLineErrors();
    void unknownCommandFails();
    void outputTargetsAreNeverReplacedByAFile();
    void failedWritesToStdoutExitNonZero();
    void unreadableModelFolderSaysSo();
    void benchFractionsAreAgainstTheBestProbe();
};

void CliTest::infoDescribesTheDemoModel()
{
    const CliRun r = runCli({QStringLiteral("info"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    QCOMPARE(o[QStringLiteral("n_layer")].toInt(), 6);
    QCOMPARE(o[QStringLiteral("d_state")].toInt(), 16);
    QCOMPARE(o[QStringLiteral("parameters")].toDouble(), 3676928.0);
    QCOMPARE(o[QStringLiteral("storage")].toString(), QStringLiteral("F32"));
}

void CliTest::tokenizeMatchesTheReferenceIds()
{
    QFile f(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject ref = QJsonDocument::fromJson(f.readAll()).object();
    QTemporaryDir dir;
    const QString text =
        writeFile(dir, QStringLiteral("t.txt"), ref[QStringLiteral("text")].toString().toUtf8());
    const CliRun r = runCli({QStringLiteral("tokenize"), text, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("ids")].toArray(), ref[QStringLiteral("token_ids")].toArray());
}

void CliTest::scoreMatchesTransformers()
{
    QFile f(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject ref = QJsonDocument::fromJson(f.readAll()).object();
    QTemporaryDir dir;
    const QString ids =
        writeFile(dir, QStringLiteral("ids.json"),
                  QJsonDocument(ref[QStringLiteral("token_ids")].toArray()).toJson());
    const CliRun r =
        runCli({QStringLiteral("score"), QStringLiteral("--ids"), ids,
                QStringLiteral("--logits-last"), QStringLiteral("8"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    const QJsonArray nll = o[QStringLiteral("nll")].toArray();
    const QJsonArray refNll = ref[QStringLiteral("hf_per_position_nll")].toArray();
    QCOMPARE(nll.size(), 511);
    for (int t = 0; t < nll.size(); ++t)
        QVERIFY(std::abs(nll[t].toDouble() - refNll[t].toDouble()) < 2e-4);
    QCOMPARE(o[QStringLiteral("state_norms")].toArray().size(), 6);
    QCOMPARE(o[QStringLiteral("logits_last")].toArray().size(), 8);
    QCOMPARE(o[QStringLiteral("logits_last")].toArray()[0].toArray().size(), 4096);
}

void CliTest::evalFixedWindowsCountsWindows()
{
    const CliRun r =
        runCli({QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("256"),
                QStringLiteral("--first"), QStringLiteral("1024"), QStringLiteral("--json"),
                QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt"),
                QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_frankenstein.txt")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    QCOMPARE(o[QStringLiteral("windows")].toInt(), 8);
    QCOMPARE(o[QStringLiteral("tokens_scored")].toInt(), 8 * 255);
    const double ppl = o[QStringLiteral("ppl")].toDouble();
    // A working model is far below the uniform-guess perplexity of 4096; the opening pages of
    // these books (title pages, contents) read at about 80. tst_reference checks exact values.
    QVERIFY2(ppl > 20 && ppl < 150, qPrintable(QString::number(ppl)));
    QCOMPARE(o[QStringLiteral("protocol")].toString(), QStringLiteral("fixed"));
}

void CliTest::evalStreamReportsBuckets()
{
    const CliRun r =
        runCli({QStringLiteral("eval"), QStringLiteral("--stream"), QStringLiteral("--first"),
                QStringLiteral("2048"), QStringLiteral("--json"),
                QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_mobydick.txt")});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray buckets = r.json()[QStringLiteral("buckets")].toArray();
    QVERIFY(buckets.size() >= 7);
    int64_t counted = 0;
    for (const QJsonValue &b : buckets)
        counted += b.toObject()[QStringLiteral("count")].toInteger();
    QCOMPARE(counted, int64_t(2047));
    QCOMPARE(buckets.last().toObject()[QStringLiteral("end")].toInt(), 2047);
}

void CliTest::badInputGivesOneLineErrors_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("missing text") << "missing-text"
                                  << "no such file" << 1;
    QTest::newRow("empty text") << "empty-text"
                                << "the file is empty" << 1;
    QTest::newRow("binary text") << "binary-text"
                                 << "NUL bytes" << 1;
    QTest::newRow("invalid UTF-8") << "bad-utf8"
                                   << "invalid UTF-8 at byte 3" << 1;
    QTest::newRow("missing model") << "missing-model"
                                   << "no such model directory" << 1;
    QTest::newRow("corrupt checkpoint") << "corrupt-model"
                                        << "model.safetensors" << 1;
    QTest::newRow("ids not JSON") << "bad-ids"
                                  << "not valid JSON (" << 1;
    QTest::newRow("id outside vocab") << "big-id"
                                      << "outside the model's vocabulary" << 1;
    QTest::newRow("id beyond int32") << "huge-id"
                                     << "token id 1e+12 at position 2 is outside the model's" << 1;
    QTest::newRow("ids from a pipe") << "ids-pipe"
                                     << "not a regular file" << 1;
    // Issue #16: exit 2 is a wrong command line, as docs/cli.md says; everything else exits 1.
    QTest::newRow("unknown option") << "unknown-option"
                                    << "Unknown option 'bogus'" << 2;
    QTest::newRow("seed not a number") << "synth-seed"
                                       << "--seed must be a non-negative integer (got 'abc')" << 2;
    QTest::newRow("empty output folder") << "empty-out"
                                         << "--out needs a name, not an empty one" << 2;
    QTest::newRow("modulation twice") << "modulation-twice"
                                      << "--modulation given twice; compose presets with "
                                         "--modulate"
                                      << 2;
    QTest::newRow("factor beyond float") << "factor-1e39"
                                         << "power factor 1e+39 in layer 0 is out of range: "
                                            "expected a number >= 0 that a float holds"
                                         << 2;
    QTest::newRow("logits of too many positions") << "logits-last"
                                                  << "--logits-last must be an integer between 0 "
                                                     "and 64 (got '5000')"
                                                  << 2;
    QTest::newRow("bench window beyond tokens")
        << "bench-window"
        << "--window 4096 is larger than --tokens 1024" << 2;
    QTest::newRow("ids without an ids list") << "idz"
                                             << "the JSON has no \"ids\" list" << 1;
    QTest::newRow("text of one token") << "one-token"
                                       << "has 1 token(s); at least 2 are needed to score one" << 1;
    QTest::newRow("NaN result") << "nan-nll"
                                << "is nan, not a number: the activations overflowed float under "
                                   "the modulation 'delta 3e+38'"
                                << 1;
    QTest::newRow("chunk larger than memory") << "wide-model"
                                              << "a forward chunk of 65536 tokens needs about" << 1;
    QTest::newRow("bad window") << "bad-window"
                                << "--window must be an integer" << 2;
}

void CliTest::badInputGivesOneLineErrors()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QFETCH(int, exitCode);
    QTemporaryDir dir;
    QStringList args;
    QString named;  // the file the message must name
    if (kind == QLatin1String("missing-text")) {
        named = dir.filePath(QStringLiteral("nope.txt"));
        args = {QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("64"), named};
    } else if (kind == QLatin1String("empty-text")) {
        named = writeFile(dir, QStringLiteral("empty.txt"), {});
        args = {QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("64"), named};
    } else if (kind == QLatin1String("binary-text")) {
        named = writeFile(dir, QStringLiteral("bin.txt"), QByteArray("ab\0cd", 5));
        args = {QStringLiteral("tokenize"), named};
    } else if (kind == QLatin1String("bad-utf8")) {
        named = writeFile(dir, QStringLiteral("latin1.txt"), QByteArray("caf\xe9 au lait"));
        args = {QStringLiteral("tokenize"), named};
    } else if (kind == QLatin1String("missing-model")) {
        named = dir.filePath(QStringLiteral("no-model"));
        args = {QStringLiteral("info"), QStringLiteral("--model"), named};
    } else if (kind == QLatin1String("corrupt-model")) {
        QFile::copy(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m/config.json"),
                    dir.filePath(QStringLiteral("config.json")));
        named = writeFile(dir, QStringLiteral("model.safetensors"),
                          QByteArray("\xff\xff\xff\xff\0\0\0\0{}", 10));
        args = {QStringLiteral("info"), QStringLiteral("--model"), dir.path()};
    } else if (kind == QLatin1String("bad-ids")) {
        named = writeFile(dir, QStringLiteral("ids.json"), QByteArray("[1, 2,"));
        args = {QStringLiteral("score"), QStringLiteral("--ids"), named};
    } else if (kind == QLatin1String("big-id")) {
        // The file's fault, named (it was a message without a file).
        named = writeFile(dir, QStringLiteral("ids.json"), QByteArray("[1, 2, 99999]"));
        args = {QStringLiteral("score"), QStringLiteral("--ids"), named};
    } else if (kind == QLatin1String("huge-id")) {
        // Converting 1e12 to a 32-bit id would be undefined behaviour (UBSan's
        // float-cast-overflow).
        named = writeFile(dir, QStringLiteral("ids.json"), QByteArray("[1, 2, 1e12]"));
        args = {QStringLiteral("score"), QStringLiteral("--ids"), named};
    } else if (kind == QLatin1String("ids-pipe")) {
        // Refused before it is opened: reading a pipe nobody writes to would wait forever.
        named = dir.filePath(QStringLiteral("ids.json"));
        QCOMPARE(mkfifo(QFile::encodeName(named).constData(), 0600), 0);
        args = {QStringLiteral("score"), QStringLiteral("--ids"), named};
    } else if (kind == QLatin1String("unknown-option")) {
        args = {QStringLiteral("info"), QStringLiteral("--bogus")};
    } else if (kind == QLatin1String("synth-seed")) {
        args = {QStringLiteral("synth"),
                QStringLiteral("--like"),
                QStringLiteral("mamba-130m"),
                QStringLiteral("--out"),
                dir.filePath(QStringLiteral("s")),
                QStringLiteral("--seed"),
                QStringLiteral("abc")};
    } else if (kind == QLatin1String("empty-out")) {
        args = {QStringLiteral("bake"), QStringLiteral("--modulate"), QStringLiteral("power:0.5"),
                QStringLiteral("--out"), QString()};
    } else if (kind == QLatin1String("modulation-twice")) {
        args = {QStringLiteral("eval"),   QStringLiteral("--window"),
                QStringLiteral("64"),     QStringLiteral("--modulation"),
                QStringLiteral("a.json"), QStringLiteral("--modulation"),
                QStringLiteral("b.json")};
    } else if (kind == QLatin1String("factor-1e39")) {
        args = {QStringLiteral("bake"), QStringLiteral("--modulate"), QStringLiteral("power:1e39"),
                QStringLiteral("--out"), dir.filePath(QStringLiteral("b"))};
    } else if (kind == QLatin1String("logits-last")) {
        args = {QStringLiteral("score"), QStringLiteral("--ids"),
                writeFile(dir, QStringLiteral("ids.json"), "[1, 2, 3]"),
                QStringLiteral("--logits-last"), QStringLiteral("5000")};
    } else if (kind == QLatin1String("bench-window")) {
        args = {QStringLiteral("bench"),    QStringLiteral("--tokens"), QStringLiteral("1024"),
                QStringLiteral("--window"), QStringLiteral("4096"),     QStringLiteral("--json")};
    } else if (kind == QLatin1String("idz")) {
        named = writeFile(dir, QStringLiteral("ids.json"), QByteArray(R"({"idz": [1, 2]})"));
        args = {QStringLiteral("score"), QStringLiteral("--ids"), named};
    } else if (kind == QLatin1String("one-token")) {
        named = writeFile(dir, QStringLiteral("one.txt"), QByteArray("the"));
        args = {QStringLiteral("eval"), QStringLiteral("--stream"), named};
    } else if (kind == QLatin1String("nan-nll")) {
        args = {QStringLiteral("score"), QStringLiteral("--ids"),
                writeFile(dir, QStringLiteral("ids.json"), "[1, 2, 3, 4, 5]"),
                QStringLiteral("--modulate"), QStringLiteral("delta:3e38")};
    } else if (kind == QLatin1String("wide-model")) {
        // 37 MB of weights, 5 MB of activations per token (d_inner 2^18): a chunk of 65536
        // tokens would need 343 GB, and is refused before anything is allocated.
        mscope::ModelConfig c =
            mscope::SyntheticCheckpoint::configLike(QStringLiteral("mamba-130m"));
        c.dModel = 8;
        c.dInner = 1 << 18;
        c.nLayer = 1;
        c.dState = 1;
        c.dtRank = 1;
        c.vocabSize = 64;
        const QString model = dir.filePath(QStringLiteral("wide"));
        mscope::SyntheticCheckpoint::write(c, model, 1);
        QByteArray ids = "[";
        for (int i = 0; i < 70000; ++i)
            ids += QByteArray::number(i % 64) + (i + 1 < 70000 ? "," : "]");
        args = {QStringLiteral("score"),
                QStringLiteral("--model"),
                model,
                QStringLiteral("--ids"),
                writeFile(dir, QStringLiteral("ids.json"), ids),
                QStringLiteral("--chunk"),
                QStringLiteral("65536")};
    } else if (kind == QLatin1String("bad-window")) {
        args = {QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("ten")};
    }
    const CliRun r = runCli(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err).trimmed();
    QVERIFY2(err.contains(expected), qPrintable(err));
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    if (!named.isEmpty())
        QVERIFY2(err.contains(named), qPrintable(err));
    if (kind == QLatin1String("wide-model"))
        QVERIFY2(err.contains(QLatin1String("(--chunk ")), qPrintable(err));
}

void CliTest::unknownCommandFails()
{
    const CliRun r = runCli({QStringLiteral("frobnicate")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("unknown command 'frobnicate'"));
}

namespace {

CliRun runWithStdout(const QStringList &args, const QString &stdoutFile, bool append)
{
    QProcess p;
    p.setStandardOutputFile(stdoutFile, append ? QIODevice::Append : QIODevice::Truncate);
    p.start(QStringLiteral(MAMBASCOPE_CLI), args);
    if (!p.waitForFinished(300000))
        qFatal("mambascope-cli did not finish");
    return {p.exitCode(), {}, p.readAllStandardError()};
}

QStringList traceTo(const QString &target)
{
    return {QStringLiteral("trace"), QStringLiteral("--first"), QStringLiteral("256"),
            QStringLiteral("--json"), target};
}

bool isCharDevice(const QString &path)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && S_ISCHR(st.st_mode);
}

}  // namespace

void CliTest::outputTargetsAreNeverReplacedByAFile()
{
    // Issue #16, item 1: `--json /dev/stdout` replaced /dev/null (as root), `>> log` lost log's
    // content, `| cat` failed, FIFOs and devices became regular files.
    QTemporaryDir dir, elsewhere;
    // | cat: stdout is a pipe (QProcess reads it).
    const CliRun piped = runCli(traceTo(QStringLiteral("/dev/stdout")));
    QCOMPARE(piped.exitCode, 0);
    QVERIFY(piped.json().contains(QStringLiteral("positions")));
    // >> log: the same file, appended to.
    const QString log = dir.filePath(QStringLiteral("log"));
    writeFile(dir, QStringLiteral("log"), "earlier line\n");
    struct stat before = {}, after = {};
    ::stat(QFile::encodeName(log).constData(), &before);
    QCOMPARE(runWithStdout(traceTo(QStringLiteral("/dev/stdout")), log, true).exitCode, 0);
    ::stat(QFile::encodeName(log).constData(), &after);
    QCOMPARE(after.st_ino, before.st_ino);
    QFile logFile(log);
    QVERIFY(logFile.open(QIODevice::ReadOnly));
    const QByteArray logged = logFile.readAll();
    QVERIFY(logged.startsWith("earlier line\n{"));
    QVERIFY(QJsonDocument::fromJson(logged.mid(13)).isObject());
    // A FIFO stays one, and its reader gets the JSON.
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    QCOMPARE(mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QProcess cat;
    cat.start(QStringLiteral("cat"), {fifo});
    QVERIFY(cat.waitForStarted());
    QCOMPARE(runCli(traceTo(fifo)).exitCode, 0);
    QVERIFY(cat.waitForFinished());
    QVERIFY(QJsonDocument::fromJson(cat.readAllStandardOutput()).isObject());
    struct stat fifoStat = {};
    ::stat(QFile::encodeName(fifo).constData(), &fifoStat);
    QVERIFY(S_ISFIFO(fifoStat.st_mode));
    // A symlink into another folder: the file there is replaced, the link stays.
    const QString real = elsewhere.filePath(QStringLiteral("trace.json"));
    writeFile(elsewhere, QStringLiteral("trace.json"), "old");
    const QString link = dir.filePath(QStringLiteral("trace.json"));
    QVERIFY(QFile::link(real, link));
    QCOMPARE(runCli(traceTo(link)).exitCode, 0);
    QVERIFY(QFileInfo(link).isSymLink());
    QFile realFile(real);
    QVERIFY(realFile.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(realFile.readAll()).isObject());
    // Devices: copies of /dev/null and /dev/full made here (root only), so that a regression
    // replaces a copy, never the system's.
    const QString null = dir.filePath(QStringLiteral("null")),
                  full = dir.filePath(QStringLiteral("full"));
    if (::mknod(QFile::encodeName(null).constData(), S_IFCHR | 0666, makedev(1, 3)) != 0 ||
        ::mknod(QFile::encodeName(full).constData(), S_IFCHR | 0666, makedev(1, 7)) != 0)
        QSKIP("mknod needs root: device targets not tried");
    QCOMPARE(runWithStdout(traceTo(QStringLiteral("/dev/stdout")), null, false).exitCode, 0);
    QVERIFY(isCharDevice(null));
    QCOMPARE(runCli(traceTo(null)).exitCode, 0);
    QVERIFY(isCharDevice(null));
    const CliRun toFull = runCli(traceTo(full));
    QCOMPARE(toFull.exitCode, 1);
    QCOMPARE(toFull.errorLine(), QStringLiteral("mambascope-cli trace: error: %1: cannot write "
                                                "(No space left on device)")
                                     .arg(full));
    QVERIFY(isCharDevice(full));
}

void CliTest::failedWritesToStdoutExitNonZero()
{
    // Issue #16, item 10: all of these exited 0.
    const CliRun full = runWithStdout({QStringLiteral("info"), QStringLiteral("--json")},
                                      QStringLiteral("/dev/full"), false);
    QCOMPARE(full.exitCode, 1);
    QVERIFY2(full.err.trimmed().endsWith("standard output: cannot write (No space left on device)"),
             full.err.constData());
    // A table printed with printf, to a full device.
    QCOMPARE(runWithStdout({QStringLiteral("info")}, QStringLiteral("/dev/full"), false).exitCode,
             1);
    // A closed stdout; a pipe whose reader went away (3 MB of CSV into `head -c 1`).
    const auto shell = [](const QString &script) {
        QProcess p;
        p.start(QStringLiteral("/bin/bash"),
                {QStringLiteral("-c"), script, QStringLiteral(MAMBASCOPE_CLI)});
        if (!p.waitForFinished(300000))
            qFatal("bash did not finish");
        return CliRun{p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    };
    const CliRun closed = shell(QStringLiteral(R"("$0" info --json >&-)"));
    QCOMPARE(closed.exitCode, 1);
    QVERIFY2(closed.err.contains("standard output: cannot write (Bad file descriptor)"),
             closed.err.constData());
    const CliRun pipe = shell(
        QStringLiteral(R"("$0" spectrum --csv | head -c 1 >/dev/null; exit ${PIPESTATUS[0]})"));
    QCOMPARE(pipe.exitCode, 1);
    QVERIFY2(pipe.err.contains("cannot write (Broken pipe)"), pipe.err.constData());
}

void CliTest::unreadableModelFolderSaysSo()
{
    // A folder one may not enter hid its config.json: "no config.json" sent people looking for
    // a file that is there. Root reads anything: the CLI then runs as nobody (setpriv).
    QTemporaryDir dir;
    QVERIFY(QFile::setPermissions(
        dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeOther));
    const QString model = dir.filePath(QStringLiteral("model"));
    QVERIFY(QDir().mkdir(model));
    writeFile(dir, QStringLiteral("model/config.json"), "{}");
    QVERIFY(QFile::setPermissions(model, QFileDevice::Permissions()));
    QStringList command{QStringLiteral(MAMBASCOPE_CLI), QStringLiteral("info"),
                        QStringLiteral("--model"), model};
    if (::geteuid() == 0) {
        if (QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            QSKIP("running as root without setpriv to drop privileges");
        command = QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=65534"),
                              QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                              QStringLiteral("--")} +
                  command;
    }
    QProcess p;
    p.start(command.takeFirst(), command);
    QVERIFY(p.waitForFinished(60000));
    const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
    QCOMPARE(p.exitCode(), 1);
    QCOMPARE(err, QStringLiteral("mambascope-cli info: error: %1: cannot read the model directory "
                                 "(Permission denied)")
                      .arg(model));
    QVERIFY(QFile::setPermissions(model, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

void CliTest::benchFractionsAreAgainstTheBestProbe()
{
    // Issue #16, item 15: fraction_of_sgemm_bound was 0 without the sgemm section, and above 1
    // (1.36, 1.84) when the load changed between the one sgemm probe and the prefill.
    const QStringList common{QStringLiteral("bench"),    QStringLiteral("--random-tokens"),
                             QStringLiteral("--tokens"), QStringLiteral("2048"),
                             QStringLiteral("--window"), QStringLiteral("1024"),
                             QStringLiteral("--repeat"), QStringLiteral("1"),
                             QStringLiteral("--json")};
    const CliRun all = runCli(
        common + QStringList{QStringLiteral("--sections"), QStringLiteral("sgemm,fixed,stream")});
    QCOMPARE(all.exitCode, 0);
    const QJsonObject sgemm = all.json()[QStringLiteral("sgemm")].toObject();
    const QJsonArray probes = sgemm[QStringLiteral("gflops_2048_probes")].toArray();
    QCOMPARE(probes.size(), 3);  // before, between and after the prefill runs
    double best = 0.0, worst = 1e30;
    for (const QJsonValue &p : probes) {
        best = std::max(best, p.toDouble());
        worst = std::min(worst, p.toDouble());
    }
    QCOMPARE(sgemm[QStringLiteral("gflops_2048")].toDouble(), best);
    QVERIFY(sgemm[QStringLiteral("load_was_quiet")].isBool());
    if (best > 1.2 * worst)
        QCOMPARE(sgemm[QStringLiteral("load_was_quiet")].toBool(), false);
    for (const char *key : {"prefill_fixed", "prefill_stream"}) {
        const double f =
            all.json()[QLatin1String(key)][QStringLiteral("fraction_of_sgemm_bound")].toDouble(-1);
        QVERIFY2(f > 0.0 && f <= 1.0, key);
    }
    const CliRun stream =
        runCli(common + QStringList{QStringLiteral("--sections"), QStringLiteral("stream")});
    QCOMPARE(stream.exitCode, 0);
    QVERIFY(!stream.json()[QStringLiteral("prefill_stream")].toObject().contains(
        QStringLiteral("fraction_of_sgemm_bound")));
    QVERIFY(!stream.json().contains(QStringLiteral("sgemm")));

    // The same for decoding against the read bandwidth, probed before and after (it once read the
    // weights' size faster than the one probe after it: 1.12 for mamba-130m's shapes).
    const CliRun decode =
        runCli({QStringLiteral("bench"), QStringLiteral("--sections"), QStringLiteral("decode"),
                QStringLiteral("--decode-tokens"), QStringLiteral("16"), QStringLiteral("--repeat"),
                QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(decode.exitCode, 0);
    const QJsonObject d = decode.json()[QStringLiteral("decode")].toObject();
    const QJsonArray reads = d[QStringLiteral("read_bandwidth_probes_gbs")].toArray();
    QCOMPARE(reads.size(), 2);
    const double faster = std::max(reads[0].toDouble(), reads[1].toDouble()),
                 slower = std::min(reads[0].toDouble(), reads[1].toDouble());
    QVERIFY(slower > 0.0);
    QCOMPARE(d[QStringLiteral("read_bandwidth_gbs")].toDouble(), faster);
    const double f = d[QStringLiteral("fraction_of_bandwidth_bound")].toDouble(-1);
    QVERIFY2(f > 0.0 && f <= 1.0, qPrintable(QString::number(f)));
    QVERIFY(d[QStringLiteral("load_was_quiet")].isBool());
    if (faster > 1.2 * slower)
        QCOMPARE(d[QStringLiteral("load_was_quiet")].toBool(), false);
}

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
