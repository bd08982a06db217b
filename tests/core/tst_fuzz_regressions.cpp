// SPDX-License-Identifier: GPL-3.0-or-later
// Every seed and every former crash input of the fuzz harnesses (fuzz/corpus/<harness>/ and
// fuzz/regressions/<harness>/) through the harnesses' own entry points, in the normal build and
// without libFuzzer: each input must be accepted or refused with a Error. Anything else (a
// broken property, another exception, a crash or, in the sanitizer builds, a report) fails.
#include "FuzzTargets.h"
#include "TestMain.h"
#include "support/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTest>
#include <exception>

using namespace mscope;

namespace {

const QString kFuzzDir = QStringLiteral(MAMBASCOPE_FUZZ_DIR);

const fuzz::FuzzTarget *targetNamed(const QString &name)
{
    for (const fuzz::FuzzTarget &t : fuzz::fuzzTargets()) {
        if (name == QLatin1String(t.name))
            return &t;
    }
    return nullptr;
}

}  // namespace

class FuzzRegressionsTest : public QObject
{
    Q_OBJECT

private slots:
    void everyHarnessHasSeeds();
    void corpusIsCurated();
    void inputs_data();
    void inputs();
};

void FuzzRegressionsTest::everyHarnessHasSeeds()
{
    for (const fuzz::FuzzTarget &t : fuzz::fuzzTargets()) {
        const QDir seeds(kFuzzDir + QStringLiteral("/corpus/") + QLatin1String(t.name));
        QVERIFY2(!seeds.entryList(QDir::Files).isEmpty(), qPrintable(seeds.path()));
    }
    // And no folder names a harness that does not exist (a typo would skip its inputs).
    for (const QString &kind : {QStringLiteral("corpus"), QStringLiteral("regressions")}) {
        const QDir dir(kFuzzDir + u'/' + kind);
        for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            QVERIFY2(targetNamed(name), qPrintable(dir.filePath(name)));
    }
}

void FuzzRegressionsTest::corpusIsCurated()
{
    // What libFuzzer writes on its own is named by the SHA-1 of its content (40 hex digits): such
    // a file here means a fuzz run wrote into the committed folders (scripts/fuzz.sh gives it
    // build-fuzz/corpus/ as its first, writable folder). Inputs are folded in by hand with
    // -merge=1 and a name (fuzz/README.md), and the seeds stay small.
    static const QRegularExpression sha1(QStringLiteral("^[0-9a-f]{40}$"));
    qint64 total = 0;
    for (const QString &kind : {QStringLiteral("corpus"), QStringLiteral("regressions")}) {
        const QDir dir(kFuzzDir + u'/' + kind);
        for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QDir harness(dir.filePath(name));
            for (const QFileInfo &f : harness.entryInfoList(QDir::Files | QDir::Hidden)) {
                QVERIFY2(!sha1.match(f.fileName()).hasMatch(),
                         qPrintable(f.filePath() + QStringLiteral(": an uncurated fuzzer output")));
                QVERIFY2(f.size() <= 64 * 1024,
                         qPrintable(f.filePath() + QStringLiteral(": larger than 64 KiB")));
                total += f.size();
            }
        }
    }
    QVERIFY2(total < 2 * 1024 * 1024, qPrintable(QString::number(total)));
}

void FuzzRegressionsTest::inputs_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("path");
    for (const QString &kind : {QStringLiteral("corpus"), QStringLiteral("regressions")}) {
        for (const fuzz::FuzzTarget &t : fuzz::fuzzTargets()) {
            const QString name = QLatin1String(t.name);
            const QDir dir(kFuzzDir + u'/' + kind + u'/' + name);
            for (const QString &file : dir.entryList(QDir::Files | QDir::Hidden, QDir::Name)) {
                const QString row = kind + u'/' + name + u'/' + file;
                QTest::newRow(qPrintable(row)) << name << dir.filePath(file);
            }
        }
    }
}

void FuzzRegressionsTest::inputs()
{
    QFETCH(QString, target);
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    try {
        targetNamed(target)->run(bytes);
    } catch (const Error &e) {
        // Refused with a message: fine, as long as there is one.
        QVERIFY2(!e.problem().isEmpty(), "a Error without a message");
    } catch (const fuzz::PropertyViolation &e) {
        QFAIL(qPrintable(QStringLiteral("property broken: ") + QString::fromStdString(e.what())));
    } catch (const std::exception &e) {
        QFAIL(qPrintable(QStringLiteral("unexpected exception: ") +
                         QString::fromStdString(e.what())));
    }
}

MAMBASCOPE_TEST_MAIN(FuzzRegressionsTest)
#include "tst_fuzz_regressions.moc"
