// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli end to end: machine-readable stdout, one-line errors naming the file, exit codes.
#include "CliRunner.h"

#include <sys/stat.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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
    QTest::newRow("missing text") << "missing-text"
                                  << "no such file";
    QTest::newRow("empty text") << "empty-text"
                                << "the file is empty";
    QTest::newRow("binary text") << "binary-text"
                                 << "NUL bytes";
    QTest::newRow("invalid UTF-8") << "bad-utf8"
                                   << "invalid UTF-8 at byte 3";
    QTest::newRow("missing model") << "missing-model"
                                   << "no such model directory";
    QTest::newRow("corrupt checkpoint") << "corrupt-model"
                                        << "model.safetensors";
    QTest::newRow("ids not JSON") << "bad-ids"
                                  << "not valid JSON (";
    QTest::newRow("id outside vocab") << "big-id"
                                      << "outside the model's vocabulary";
    QTest::newRow("id beyond int32") << "huge-id"
                                     << "token id 1e+12 at position 2 is outside the model's";
    QTest::newRow("ids from a pipe") << "ids-pipe"
                                     << "not a regular file";
    QTest::newRow("bad window") << "bad-window"
                                << "--window must be an integer";
}

void CliTest::badInputGivesOneLineErrors()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
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
        writeFile(dir, QStringLiteral("ids.json"), QByteArray("[1, 2, 99999]"));
        args = {QStringLiteral("score"), QStringLiteral("--ids"),
                dir.filePath(QStringLiteral("ids.json"))};
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
    } else if (kind == QLatin1String("bad-window")) {
        args = {QStringLiteral("eval"), QStringLiteral("--window"), QStringLiteral("ten")};
    }
    const CliRun r = runCli(args);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err).trimmed();
    QVERIFY2(err.contains(expected), qPrintable(err));
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    if (!named.isEmpty())
        QVERIFY2(err.contains(named), qPrintable(err));
}

void CliTest::unknownCommandFails()
{
    const CliRun r = runCli({QStringLiteral("frobnicate")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("unknown command 'frobnicate'"));
}

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
