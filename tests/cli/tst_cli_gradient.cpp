// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli gradient and calibrate's gradient methods end to end: the JSON contract and its
// numbers against the PyTorch autograd reference (tests/data/gradients, tolerance as its README
// says), --text/--first/--bos against --ids, refusals; calibrate --method adam (lowers the
// objective, deterministic, in range, --init), the passkey objective, the tau-cap 1-D search, a
// per-state preset baked and evaluated as on the fly, calibration/evaluation disjointness.
#include "CliRunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <functional>

namespace {

const QString kData = QStringLiteral(MAMBASCOPE_TEST_DATA);
const QString kBook = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_frankenstein.txt");
const QString kVal = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/val_senseandsensibility.txt");

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray head(const QString &path, int chars)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QString::fromUtf8(f.readAll()).left(chars).toUtf8();
}

// Every number of a nested array, in order, and the nesting depth of its first element.
void flatten(const QJsonValue &v, std::vector<double> &out)
{
    if (v.isArray())
        for (const QJsonValue &x : v.toArray())
            flatten(x, out);
    else
        out.push_back(v.toDouble(std::nan("")));
}

int depth(const QJsonValue &v)
{
    return v.isArray() ? 1 + (v.toArray().isEmpty() ? 0 : depth(v.toArray().first())) : 0;
}

QString pointSpec(const QString &family, double point)
{
    return family + QLatin1Char(':') + QString::number(point);
}

double evalPpl(const QStringList &extra)
{
    const CliRun r = runCli(QStringList{QStringLiteral("eval"), QStringLiteral("--window"),
                                        QStringLiteral("256"), QStringLiteral("--first"),
                                        QStringLiteral("1024"), kBook} +
                            extra);
    if (r.exitCode != 0)
        qWarning("%s", r.err.constData());
    return r.exitCode == 0 ? r.json()[QStringLiteral("ppl")].toDouble() : -1.0;
}

}  // namespace

class CliGradientTest : public QObject
{
    Q_OBJECT

private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void textFirstAndBosAreTheIds();
    void refusals();
    void adamLowersTheObjectiveAndIsDeterministic();
    void passkeyObjective();
    void tauCapSearchWritesAPreset();
    void perStatePresetBakes();
    void calibrationTextsStayApart();
};

void CliGradientTest::matchesPyTorch_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("granularity");
    QTest::addColumn<double>("point");
    const QString m1 = QStringLiteral("m1_untied_bias_bf16.json");
    const QString m1Dir = kData + QStringLiteral("/checkpoints/m1_untied_bias_bf16");
    QTest::newRow("m1 power state 0.6") << m1 << m1Dir << "power"
                                        << "state" << 0.6;
    QTest::newRow("m1 linear channel 3") << m1 << m1Dir << "linear"
                                         << "channel" << 3.0;
    QTest::newRow("m1 delta layer 1.5") << m1 << m1Dir << "delta"
                                        << "layer" << 1.5;
    QTest::newRow("m2 power head 0.6")
        << QStringLiteral("m2_groups2_untied.json")
        << kData + QStringLiteral("/checkpoints/m2_groups2_untied") << "power"
        << "channel" << 0.6;
    QTest::newRow("demo power layer 1")
        << QStringLiteral("demo.json")
        << QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m") << "power"
        << "layer" << 1.0;
}

void CliGradientTest::matchesPyTorch()
{
    QFETCH(QString, file);
    QFETCH(QString, model);
    QFETCH(QString, family);
    QFETCH(QString, granularity);
    QFETCH(double, point);
    const QJsonObject ref = readJson(kData + QStringLiteral("/gradients/") + file);
    QJsonObject refCase;
    const QString refGranularity =
        granularity == QLatin1String("channel") && file.startsWith(QLatin1String("m2"))
            ? QStringLiteral("head")
            : granularity;
    for (const QJsonValue &c : ref[QStringLiteral("cases")].toArray()) {
        const QJsonObject o = c.toObject();
        if (o[QStringLiteral("family")].toString() == family &&
            (o[QStringLiteral("granularity")].toString() == granularity ||
             o[QStringLiteral("granularity")].toString() == refGranularity) &&
            o[QStringLiteral("point")].toDouble() == point)
            refCase = o;
    }
    QVERIFY2(!refCase.isEmpty(), "no such case in the reference");
    QTemporaryDir dir;
    const QString ids = writeFile(dir, QStringLiteral("ids.json"),
                                  QJsonDocument(ref[QStringLiteral("ids")].toArray()).toJson());
    QStringList args{QStringLiteral("gradient"),
                     QStringLiteral("--model"),
                     model,
                     QStringLiteral("--ids"),
                     ids,
                     QStringLiteral("--family"),
                     family,
                     QStringLiteral("--granularity"),
                     granularity,
                     QStringLiteral("--json")};
    if (point != 1.0)
        args << QStringLiteral("--modulate") << pointSpec(family, point);
    const CliRun r = runCli(args);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = r.json();
    QVERIFY(out.contains(QStringLiteral("objective")) && out.contains(QStringLiteral("gradient")));

    const double j = out[QStringLiteral("objective")].toDouble();
    const double jRef = refCase[QStringLiteral("objective")].toDouble();
    QVERIFY2(
        std::abs(j - jRef) <= 1e-5 * std::abs(jRef),
        qPrintable(QStringLiteral("J %1, reference %2").arg(j, 0, 'g', 12).arg(jRef, 0, 'g', 12)));

    // The shape: per layer a number, [per channel] or [[per state] per channel].
    const QJsonArray g = out[QStringLiteral("gradient")].toArray();
    const QJsonArray gRef = refCase[QStringLiteral("gradient")].toArray();
    QCOMPARE(g.size(), gRef.size());
    const int expectedDepth = granularity == QLatin1String("layer")     ? 1
                              : granularity == QLatin1String("channel") ? 2
                                                                        : 3;
    QCOMPARE(depth(g), expectedDepth);
    QCOMPARE(depth(gRef), expectedDepth);
    std::vector<double> a, b;
    flatten(g, a);
    flatten(gRef, b);
    QCOMPARE(a.size(), b.size());
    double maxRef = 0;
    for (double x : b)
        maxRef = std::max(maxRef, std::abs(x));
    QVERIFY(maxRef > 0);
    // tests/data/gradients/README.md: |g − ref| ≤ 1e-4·max|ref| + 1e-4·|ref|.
    for (size_t i = 0; i < a.size(); ++i)
        QVERIFY2(std::abs(a[i] - b[i]) <= 1e-4 * maxRef + 1e-4 * std::abs(b[i]),
                 qPrintable(QStringLiteral("entry %1: %2, reference %3 (max |ref| %4)")
                                .arg(i)
                                .arg(a[i], 0, 'g', 10)
                                .arg(b[i], 0, 'g', 10)
                                .arg(maxRef)));
    QCOMPARE(out[QStringLiteral("tokens")].toInt(), ref[QStringLiteral("T")].toInt());
    QVERIFY(out[QStringLiteral("working_mib")].toDouble() > 0);
}

void CliGradientTest::textFirstAndBosAreTheIds()
{
    QTemporaryDir dir;
    const CliRun tok = runCli({QStringLiteral("tokenize"), kVal});
    QCOMPARE(tok.exitCode, 0);
    QJsonArray first300;
    const QJsonArray all = tok.json()[QStringLiteral("ids")].toArray();
    QJsonArray withBos{0};  // the demo model's BOS is id 0
    for (int i = 0; i < 300; ++i) {
        first300.append(all[i]);
        withBos.append(all[i]);
    }
    const QString ids =
        writeFile(dir, QStringLiteral("ids.json"), QJsonDocument(first300).toJson());
    const QString idsBos =
        writeFile(dir, QStringLiteral("bos.json"), QJsonDocument(withBos).toJson());
    const QStringList common{QStringLiteral("gradient"), QStringLiteral("--family"),
                             QStringLiteral("power"), QStringLiteral("--granularity"),
                             QStringLiteral("channel")};
    const CliRun fromIds = runCli(common + QStringList{QStringLiteral("--ids"), ids});
    const CliRun fromText =
        runCli(common + QStringList{QStringLiteral("--text"), kVal, QStringLiteral("--first"),
                                    QStringLiteral("300")});
    QVERIFY2(fromIds.exitCode == 0, fromIds.err.constData());
    QVERIFY2(fromText.exitCode == 0, fromText.err.constData());
    QCOMPARE(fromText.json()[QStringLiteral("objective")],
             fromIds.json()[QStringLiteral("objective")]);
    QCOMPARE(fromText.json()[QStringLiteral("gradient")],
             fromIds.json()[QStringLiteral("gradient")]);
    QCOMPARE(fromText.json()[QStringLiteral("tokens")].toInt(), 300);

    const CliRun bos =
        runCli(common + QStringList{QStringLiteral("--ids"), ids, QStringLiteral("--bos")});
    const CliRun bosIds = runCli(common + QStringList{QStringLiteral("--ids"), idsBos});
    QVERIFY2(bos.exitCode == 0, bos.err.constData());
    QCOMPARE(bos.json()[QStringLiteral("objective")], bosIds.json()[QStringLiteral("objective")]);
    QVERIFY(bos.json()[QStringLiteral("objective")] != fromIds.json()[QStringLiteral("objective")]);
}

void CliGradientTest::refusals()
{
    QTemporaryDir dir;
    const QString ids = writeFile(dir, QStringLiteral("ids.json"), "[1, 2, 3, 4]");
    const auto refused = [&](const QStringList &args, int code, const QString &says) {
        const CliRun r = runCli(QStringList{QStringLiteral("gradient")} + args);
        QCOMPARE(r.exitCode, code);
        QVERIFY2(r.errorLine().startsWith(QStringLiteral("mambascope-cli gradient: error: ")) &&
                     r.errorLine().contains(says),
                 r.err.constData());
        QVERIFY(r.out.isEmpty());
    };
    refused({QStringLiteral("--ids"), ids}, 2, QStringLiteral("--family"));
    refused({QStringLiteral("--family"), QStringLiteral("power")}, 2, QStringLiteral("--ids"));
    refused({QStringLiteral("--family"), QStringLiteral("power"), QStringLiteral("--text"), kVal},
            2, QStringLiteral("--first"));
    refused({QStringLiteral("--ids"), ids, QStringLiteral("--family"), QStringLiteral("tau-cap")},
            2, QStringLiteral("1-D search"));
    refused({QStringLiteral("--ids"), ids, QStringLiteral("--family"), QStringLiteral("delta"),
             QStringLiteral("--granularity"), QStringLiteral("state")},
            2, QStringLiteral("one factor per channel"));
    refused({QStringLiteral("--ids"), ids, QStringLiteral("--family"), QStringLiteral("power"),
             QStringLiteral("--granularity"), QStringLiteral("row")},
            2, QStringLiteral("unknown --granularity"));
    refused({QStringLiteral("--ids"), dir.filePath(QStringLiteral("none.json")),
             QStringLiteral("--family"), QStringLiteral("power")},
            1, QStringLiteral("none.json"));
    const QString bad = writeFile(dir, QStringLiteral("bad.json"), "[1, 99999999]");
    refused({QStringLiteral("--ids"), bad, QStringLiteral("--family"), QStringLiteral("power")}, 1,
            QStringLiteral("outside the model's vocabulary"));
}

namespace {

QStringList adamArgs(const QString &calib, const QString &out, const QStringList &more = {})
{
    return QStringList{QStringLiteral("calibrate"),
                       QStringLiteral("--method"),
                       QStringLiteral("adam"),
                       QStringLiteral("--granularity"),
                       QStringLiteral("channel"),
                       QStringLiteral("--target-length"),
                       QStringLiteral("256"),
                       QStringLiteral("--windows"),
                       QStringLiteral("2"),
                       QStringLiteral("--lr"),
                       QStringLiteral("0.05"),
                       QStringLiteral("--calib"),
                       calib,
                       QStringLiteral("--out"),
                       out} +
           more;
}

}  // namespace

void CliGradientTest::adamLowersTheObjectiveAndIsDeterministic()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString out = dir.filePath(QStringLiteral("adam.json"));
    const CliRun r = runCli(adamArgs(calib, out, {QStringLiteral("--steps"), QStringLiteral("3")}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject s = r.json();
    QCOMPARE(s[QStringLiteral("method")].toString(), QStringLiteral("adam"));
    QCOMPARE(s[QStringLiteral("objective")].toString(), QStringLiteral("ppl"));
    const QJsonArray trajectory = s[QStringLiteral("trajectory")].toArray();
    QCOMPARE(trajectory.size(), 4);  // the start and 3 steps
    const double start = trajectory.first()[QStringLiteral("objective")].toDouble();
    const double best = s[QStringLiteral("best_objective")].toDouble();
    QVERIFY2(best < start, qPrintable(QStringLiteral("best %1, start %2").arg(best).arg(start)));
    QVERIFY(trajectory.first()[QStringLiteral("gradient_norm")].toDouble() > 0);
    const QJsonObject preset = readJson(out);
    const QJsonArray channels =
        preset[QStringLiteral("steps")][0][QStringLiteral("channel_factors")].toArray();
    QCOMPARE(channels.size(), 6);
    std::vector<double> factors;
    flatten(channels, factors);
    QCOMPARE(int(factors.size()), 6 * 512);  // d_inner of the demo model
    for (double f : factors)
        QVERIFY(f >= 0.01 && f <= 1.0);

    // The same run again: the same numbers.
    const QString again = dir.filePath(QStringLiteral("again.json"));
    const CliRun r2 =
        runCli(adamArgs(calib, again, {QStringLiteral("--steps"), QStringLiteral("3")}));
    QCOMPARE(r2.json()[QStringLiteral("trajectory")], s[QStringLiteral("trajectory")]);
    QCOMPARE(readJson(again)[QStringLiteral("steps")], preset[QStringLiteral("steps")]);

    // --init: the next run starts where this one ended (the same objective at its start).
    const QString next = dir.filePath(QStringLiteral("next.json"));
    const CliRun r3 = runCli(
        adamArgs(calib, next,
                 {QStringLiteral("--steps"), QStringLiteral("1"), QStringLiteral("--init"), out}));
    QVERIFY2(r3.exitCode == 0, r3.err.constData());
    const double resumed = r3.json()[QStringLiteral("trajectory")]
                               .toArray()
                               .first()[QStringLiteral("objective")]
                               .toDouble();
    QVERIFY2(std::abs(resumed - best) <= 1e-9 * best,
             qPrintable(QStringLiteral("%1 after --init, %2 before").arg(resumed).arg(best)));

    // --init for coordinate search too: its first evaluation is the preset's point.
    const QString init = writeFile(dir, QStringLiteral("init.json"), R"({
        "format": "mambascope-modulation", "version": 1,
        "steps": [{"family": "power", "layer_factors": [0.7, 0.7, 0.7, 0.7, 0.7, 0.7]}]})");
    const CliRun c = runCli({QStringLiteral("calibrate"), QStringLiteral("--method"),
                             QStringLiteral("coordinate"), QStringLiteral("--target-length"),
                             QStringLiteral("256"), QStringLiteral("--budget"), QStringLiteral("1"),
                             QStringLiteral("--calib"), calib, QStringLiteral("--init"), init,
                             QStringLiteral("--out"), dir.filePath(QStringLiteral("c.json"))});
    QVERIFY2(c.exitCode == 0, c.err.constData());
    QCOMPARE(c.json()[QStringLiteral("trajectory")][0][QStringLiteral("factors")].toArray(),
             QJsonArray({0.7, 0.7, 0.7, 0.7, 0.7, 0.7}));

    // Granularity is Adam's; the other methods refuse it.
    const CliRun refused = runCli(
        {QStringLiteral("calibrate"), QStringLiteral("--target-length"), QStringLiteral("256"),
         QStringLiteral("--granularity"), QStringLiteral("state"), QStringLiteral("--calib"), calib,
         QStringLiteral("--out"), dir.filePath(QStringLiteral("x.json"))});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.errorLine().contains(QStringLiteral("needs --method adam")),
             refused.err.constData());
}

void CliGradientTest::passkeyObjective()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString out = dir.filePath(QStringLiteral("p.json"));
    const CliRun r = runCli(
        adamArgs(calib, out,
                 {QStringLiteral("--steps"), QStringLiteral("2"), QStringLiteral("--objective"),
                  QStringLiteral("mixed:0.5"), QStringLiteral("--prompts"), QStringLiteral("2")}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject s = r.json();
    QCOMPARE(s[QStringLiteral("objective")].toString(), QStringLiteral("mixed:0.5"));
    QCOMPARE(s[QStringLiteral("method")].toString(), QStringLiteral("adam (mixed:0.5)"));
    const QJsonArray trajectory = s[QStringLiteral("trajectory")].toArray();
    QCOMPARE(trajectory.size(), 3);
    // Mean NLL in nats, not a perplexity: a few nats for this model.
    const double start = trajectory.first()[QStringLiteral("objective")].toDouble();
    QVERIFY2(start > 0.5 && start < 15, qPrintable(QString::number(start)));
    QVERIFY(s[QStringLiteral("best_objective")].toDouble() <= start);
    QCOMPARE(readJson(out)[QStringLiteral("calibration")][QStringLiteral("objective")].toString(),
             QStringLiteral("mixed:0.5"));
}

void CliGradientTest::tauCapSearchWritesAPreset()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 40000));
    const QString out = dir.filePath(QStringLiteral("cap.json"));
    const CliRun r = runCli({QStringLiteral("calibrate"), QStringLiteral("--family"),
                             QStringLiteral("tau-cap"), QStringLiteral("--target-length"),
                             QStringLiteral("512"), QStringLiteral("--budget"), QStringLiteral("6"),
                             QStringLiteral("--windows"), QStringLiteral("1"),
                             QStringLiteral("--calib"), calib, QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject s = r.json();
    QCOMPARE(s[QStringLiteral("method")].toString(), QStringLiteral("golden-section"));
    const QJsonArray trajectory = s[QStringLiteral("trajectory")].toArray();
    QCOMPARE(trajectory.size(), 6);
    double best = 1e300;
    for (const QJsonValue &t : trajectory)
        best = std::min(best, t[QStringLiteral("objective")].toDouble());
    QCOMPARE(s[QStringLiteral("best_objective")].toDouble(), best);
    const QJsonObject preset = readJson(out);
    QCOMPARE(preset[QStringLiteral("steps")][0][QStringLiteral("family")].toString(),
             QStringLiteral("tau-cap"));
    QVERIFY(preset.contains(QStringLiteral("delta_statistics")));
    // The preset is an ordinary one: eval applies it.
    QVERIFY(evalPpl({QStringLiteral("--modulation"), out}) > 0);
}

void CliGradientTest::perStatePresetBakes()
{
    QTemporaryDir dir;
    const QString calib = writeFile(dir, QStringLiteral("calib.txt"), head(kVal, 20000));
    const QString preset = dir.filePath(QStringLiteral("state.json"));
    const CliRun r = runCli(
        adamArgs(calib, preset,
                 {QStringLiteral("--steps"), QStringLiteral("1"), QStringLiteral("--granularity"),
                  QStringLiteral("state"), QStringLiteral("--lr"), QStringLiteral("0.2")}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject p = readJson(preset);
    QCOMPARE(p[QStringLiteral("version")].toInt(), 2);
    QCOMPARE(depth(p[QStringLiteral("steps")][0][QStringLiteral("state_factors")]), 3);
    const QString baked = dir.filePath(QStringLiteral("baked"));
    const CliRun b = runCli({QStringLiteral("bake"), QStringLiteral("--modulation"), preset,
                             QStringLiteral("--out"), baked});
    QVERIFY2(b.exitCode == 0, b.err.constData());
    const double onTheFly = evalPpl({QStringLiteral("--modulation"), preset});
    QVERIFY(onTheFly > 0);
    QVERIFY(std::abs(onTheFly - evalPpl({})) > 1e-3);  // the factors do something
    QCOMPARE(evalPpl({QStringLiteral("--model"), baked}), onTheFly);
}

void CliGradientTest::calibrationTextsStayApart()
{
    QTemporaryDir dir;
    const CliRun r = runCli(adamArgs(kBook, dir.filePath(QStringLiteral("x.json"))));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errorLine().contains(QStringLiteral("calibration and evaluation texts must be "
                                                   "disjoint")),
             r.err.constData());
    QVERIFY(r.out.isEmpty());
}

QTEST_GUILESS_MAIN(CliGradientTest)
#include "tst_cli_gradient.moc"
