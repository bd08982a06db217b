// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli generate and passkey end to end (docs/cli.md): the JSON and CSV contracts,
// transformers' greedy continuation of the demo model, streaming text, reproducible sampling, and
// the refusals (one line on stderr, a non-zero exit code).
#include "CliRunner.h"
#include "TestJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kGenerationReference =
    QStringLiteral(MAMBASCOPE_TEST_DATA "/generation/demo_mamba_3.7m.json");
const QString kDracula = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt");

QStringList strings(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *s : items)
        out << QString::fromUtf8(s);
    return out;
}

}  // namespace

class CliTasksTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void generateReproducesTransformers();
    void generateStreamsText();
    void generateSamplesBySeed();
    void generateRefusesBadArguments_data();
    void generateRefusesBadArguments();
    void passkeyJson();
    void passkeyCsvMatchesJson();
    void passkeyBookFillerAndModulation();
    void passkeyRefusesBadArguments_data();
    void passkeyRefusesBadArguments();

private:
    QTemporaryDir m_dir;
    QString m_promptIds;  // the reference's 64 prompt ids as a JSON list
    QJsonObject m_reference;
};

void CliTasksTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_reference = testjson::readJson(kGenerationReference);
    m_promptIds =
        writeFile(m_dir, QStringLiteral("prompt.json"),
                  QJsonDocument(m_reference[QStringLiteral("prompt_ids")].toArray()).toJson());
}

void CliTasksTest::generateReproducesTransformers()
{
    // transformers' greedy generate of the demo model: 60 tokens after 64 prompt ids.
    const CliRun r =
        runCli({QStringLiteral("generate"), QStringLiteral("--prompt-ids"), m_promptIds,
                QStringLiteral("--max-new"), QStringLiteral("60"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    QCOMPARE(o[QStringLiteral("prompt_tokens")].toInt(), 64);
    QCOMPARE(o[QStringLiteral("ids")].toArray(), m_reference[QStringLiteral("new_ids")].toArray());
    QCOMPARE(o[QStringLiteral("text")].toString(),
             m_reference[QStringLiteral("new_text")].toString());
    QVERIFY(o[QStringLiteral("tokens_per_second")].toDouble() > 0.0);
    QCOMPARE(o[QStringLiteral("stop")].toString(), QStringLiteral("max_new"));
    QCOMPARE(o[QStringLiteral("probabilities")].toArray().size(), 60);
}

void CliTasksTest::generateStreamsText()
{
    // Text mode prints the continuation itself (and a newline); the summary goes to stderr.
    const QStringList args{QStringLiteral("generate"), QStringLiteral("--prompt"),
                           QStringLiteral("The castle stood on the hill, and"),
                           QStringLiteral("--max-new"), QStringLiteral("30")};
    const CliRun text = runCli(args);
    const CliRun json = runCli(args + QStringList{QStringLiteral("--json")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(QString::fromUtf8(text.out), json.json()[QStringLiteral("text")].toString() + u'\n');
    QVERIFY(text.errorLine().contains(QStringLiteral("tokens/s")));
}

void CliTasksTest::generateSamplesBySeed()
{
    const auto sample = [](const char *seed) {
        return runCli(strings({"generate", "--prompt", "It was", "--max-new", "25", "--temperature",
                               "0.9", "--top-k", "40", "--top-p", "0.95", "--ignore-eos", "--json",
                               "--seed", seed}))
            .json()[QStringLiteral("ids")]
            .toArray();
    };
    const QJsonArray a = sample("7");
    QCOMPARE(a.size(), 25);
    QCOMPARE(sample("7"), a);
    QVERIFY(sample("8") != a);
}

void CliTasksTest::generateRefusesBadArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no prompt") << strings({"generate", "--max-new", "5"})
                               << QStringLiteral("exactly one of --prompt");
    QTest::newRow("two prompts") << strings({"generate", "--prompt", "a", "--prompt-file", "x",
                                             "--max-new", "5"})
                                 << QStringLiteral("exactly one of --prompt");
    QTest::newRow("no budget") << strings({"generate", "--prompt", "a"})
                               << QStringLiteral("--max-new");
    QTest::newRow("greedy and temperature") << strings({"generate", "--prompt", "a", "--max-new",
                                                        "5", "--greedy", "--temperature", "0.5"})
                                            << QStringLiteral("--greedy cannot be combined");
    QTest::newRow("zero temperature")
        << strings({"generate", "--prompt", "a", "--max-new", "5", "--temperature", "0"})
        << QStringLiteral("temperature must be above 0");
    QTest::newRow("top-p above 1")
        << strings({"generate", "--prompt", "a", "--max-new", "5", "--top-p", "2"})
        << QStringLiteral("top-p must be in (0, 1]");
    QTest::newRow("empty prompt") << strings({"generate", "--prompt", "", "--max-new", "5"})
                                  << QStringLiteral("no tokens");
}

void CliTasksTest::generateRefusesBadArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun r = runCli(args);
    QVERIFY(r.exitCode != 0);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.errorLine().contains(message), qPrintable(r.errorLine()));
}

void CliTasksTest::passkeyJson()
{
    // The bundled retrieval model by default; keys from seed 2024 (the recipe's).
    const CliRun r = runCli(
        strings({"passkey", "--lengths", "128,300", "--depths", "0,1", "--keys", "2", "--json"}));
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    QVERIFY(o[QStringLiteral("model")].toString().endsWith(QLatin1String("demo-retrieval-3.7m")));
    QCOMPARE(o[QStringLiteral("filler")].toString(), QStringLiteral("repeat"));
    QCOMPARE(o[QStringLiteral("keys")].toArray(), QJsonArray({71615, 33816}));
    QVERIFY(o[QStringLiteral("tokens_processed")].toDouble() > 300);
    QVERIFY(o[QStringLiteral("seconds")].toDouble() > 0.0);
    const QJsonArray cells = o[QStringLiteral("cells")].toArray();
    QCOMPARE(cells.size(), 4);
    const QList<QPair<int, double>> expected{{128, 0.0}, {128, 1.0}, {300, 0.0}, {300, 1.0}};
    for (int i = 0; i < cells.size(); ++i) {
        const QJsonObject c = cells[i].toObject();
        QCOMPARE(c[QStringLiteral("length")].toInt(), expected[i].first);
        QCOMPARE(c[QStringLiteral("depth")].toDouble(), expected[i].second);
        const QJsonArray answers = c[QStringLiteral("answers")].toArray();
        QCOMPARE(answers.size(), 2);
        int correct = 0;
        double nll = 0.0;
        for (const QJsonValue &v : answers) {
            const QJsonObject a = v.toObject();
            const QString key = QString::number(a[QStringLiteral("key")].toInt());
            QCOMPARE(a[QStringLiteral("correct")].toBool(),
                     a[QStringLiteral("given")].toString() == u' ' + key);
            QVERIFY(a[QStringLiteral("key_position")].toInt() > 30);
            correct += a[QStringLiteral("correct")].toBool() ? 1 : 0;
            nll += a[QStringLiteral("key_nll")].toDouble();
        }
        QCOMPARE(c[QStringLiteral("accuracy")].toDouble(), correct / 2.0);
        QVERIFY(std::abs(c[QStringLiteral("mean_key_nll")].toDouble() - nll / 2.0) < 1e-12);
        if (expected[i].first == 128)  // inside the training length: it retrieves
            QCOMPARE(c[QStringLiteral("accuracy")].toDouble(), 1.0);
    }
}

void CliTasksTest::passkeyCsvMatchesJson()
{
    const QStringList args = strings(
        {"passkey", "--lengths", "100", "--depths", "0,0.5,1", "--keys", "2", "--seed", "3"});
    const CliRun csv = runCli(args + QStringList{QStringLiteral("--csv")});
    const CliRun json = runCli(args);
    QCOMPARE(csv.exitCode, 0);
    const QList<QByteArray> lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QByteArray("length,depth,accuracy,mean_key_nll,correct,keys"));
    const QJsonArray cells = json.json()[QStringLiteral("cells")].toArray();
    for (int i = 0; i < 3; ++i) {
        const QList<QByteArray> f = lines[i + 1].split(',');
        QCOMPARE(f.size(), 6);
        const QJsonObject c = cells[i].toObject();
        QCOMPARE(f[0].toInt(), c[QStringLiteral("length")].toInt());
        QCOMPARE(f[1].toDouble(), c[QStringLiteral("depth")].toDouble());
        QVERIFY(std::abs(f[2].toDouble() - c[QStringLiteral("accuracy")].toDouble()) < 1e-4);
        QVERIFY(std::abs(f[3].toDouble() - c[QStringLiteral("mean_key_nll")].toDouble()) < 1e-5);
        QCOMPARE(f[5].toInt(), 2);
    }
}

void CliTasksTest::passkeyBookFillerAndModulation()
{
    const CliRun r = runCli(
        QStringList{QStringLiteral("passkey"), QStringLiteral("--filler"), kDracula} << strings(
            {"--lengths", "200", "--depths", "0.5", "--keys", "2", "--modulate", "power:0.9"}));
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = r.json();
    QCOMPARE(o[QStringLiteral("filler")].toString(), QStringLiteral("test_dracula.txt"));
    QVERIFY(o[QStringLiteral("modulation")].toString().contains(QStringLiteral("power")));
    QCOMPARE(o[QStringLiteral("cells")].toArray().size(), 1);
}

void CliTasksTest::passkeyRefusesBadArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("too short") << strings({"passkey", "--lengths", "40"})
                               << QStringLiteral("needs at least");
    QTest::newRow("depth above 1") << strings({"passkey", "--lengths", "128", "--depths", "1.5"})
                                   << QStringLiteral("--depths");
    QTest::newRow("not a length") << strings({"passkey", "--lengths", "12x"})
                                  << QStringLiteral("--lengths");
    QTest::newRow("json and csv") << strings({"passkey", "--lengths", "128", "--json", "--csv"})
                                  << QStringLiteral("not both");
    QTest::newRow("no keys") << strings({"passkey", "--lengths", "128", "--keys", "0"})
                             << QStringLiteral("--keys");
    QTest::newRow("missing filler")
        << strings({"passkey", "--lengths", "128", "--filler", "/nonexistent/book.txt"})
        << QStringLiteral("/nonexistent/book.txt");
}

void CliTasksTest::passkeyRefusesBadArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun r = runCli(args);
    QVERIFY(r.exitCode != 0);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.errorLine().contains(message), qPrintable(r.errorLine()));
}

QTEST_GUILESS_MAIN(CliTasksTest)
#include "tst_cli_tasks.moc"
