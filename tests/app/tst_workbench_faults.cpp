// SPDX-License-Identifier: GPL-3.0-or-later
// Faults in the workbench window (SECURITY.md): closing the window in the middle of loading,
// calibrating or baking stops the job cleanly and leaves no half-written checkpoint; a failing job
// says why in a dialog while the window stays responsive and keeps what it had; a preset or an
// export that cannot be written whole leaves the previous file as it was.
#include "AppSettings.h"
#include "FileSizeLimit.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "ViewExporter.h"
#include "WorkbenchSession.h"
#include "calibration/Calibrator.h"
#include "model/MambaModel.h"
#include "modulation/GgufExporter.h"
#include "support/Error.h"
#include "widgets/GuiTestMain.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <memory>

using namespace mscope;

namespace {

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

QStringList entriesOf(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

// The texts of the error dialogs `window` shows.
QStringList errorDialogs(QWidget *window)
{
    QStringList texts;
    for (QMessageBox *box : window->findChildren<QMessageBox *>())
        if (box->isVisible())
            texts << box->text();
    return texts;
}

void closeErrorDialogs(QWidget *window)
{
    for (QMessageBox *box : window->findChildren<QMessageBox *>())
        box->close();
}

// Closes and destroys the window the way the program ends, and returns how long that took.
qint64 closeAndDestroy(std::unique_ptr<MainWindow> &window)
{
    QElapsedTimer timer;
    timer.start();
    window->close();
    window.reset();
    return timer.elapsed();
}

}  // namespace

class WorkbenchFaultsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void closingWhileLoadingStopsIt();
    void closingWhileCalibratingStopsIt();
    void closingWhileBakingLeavesNoPartialCheckpoint();
    void failedOpenSaysWhyAndKeepsTheModel();
    void hybridFamilyIsNamedAndGgufOpens();
    void failedBakeSaysWhyAndLeavesNothing();
    void exportAsGgufFoldsTheScaling();
    void windowStaysResponsiveDuringAJob();
    void failedSaveKeepsTheOldPreset();
    void failedExportKeepsTheOldFile();

private:
    // A window with the demo model loaded and its first jobs (tokens, curve) done.
    std::unique_ptr<MainWindow> readyWindow();
    CalibrationOptions longCalibration() const;
};

void WorkbenchFaultsTest::initTestCase()
{
    // Short curves: these tests are about the jobs, not the numbers.
    AppSettings::setMaxTokens(4096);
    AppSettings::setThreads(2);
    AppSettings::setChunkTokens(512);
    AppSettings::setStreamingProtocol(true);
}

std::unique_ptr<MainWindow> WorkbenchFaultsTest::readyWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->show();
    QSignalSpy loaded(window->session(), &WorkbenchSession::modelLoaded);
    window->openDemo();
    if (!loaded.wait(120000))
        return nullptr;
    WorkbenchSession *session = window->session();
    if (!QTest::qWaitFor(
            [&] {
                return session->jobs().isEmpty() && session->deltaStatistics() &&
                       window->liveCurves()->currentComplete();
            },
            300000))
        return nullptr;
    return window;
}

CalibrationOptions WorkbenchFaultsTest::longCalibration() const
{
    CalibrationOptions options;
    options.family = ModulationFamily::Power;
    options.method = CalibrationOptions::Method::Spsa;
    options.targetLength = 1024;
    options.budget = 4000;
    options.iterations = 1000;
    return options;
}

void WorkbenchFaultsTest::closingWhileLoadingStopsIt()
{
    // Closed while the model loads (and right after, while the first jobs start): the load is
    // cancelled and the window goes at once, without waiting for the jobs to finish.
    for (const int delayMs : {0, 50, 300}) {
        auto window = std::make_unique<MainWindow>();
        window->show();
        window->openDemo();
        QTest::qWait(delayMs);
        const qint64 took = closeAndDestroy(window);
        QVERIFY2(took < 20000, qPrintable(QString::number(took)));
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
    }
}

void WorkbenchFaultsTest::closingWhileCalibratingStopsIt()
{
    auto window = readyWindow();
    QVERIFY(window);
    WorkbenchSession *session = window->session();
    QSignalSpy steps(session, &WorkbenchSession::calibrationStep);
    window->startCalibration(longCalibration());
    QVERIFY(session->isCalibrating());
    QVERIFY(QTest::qWaitFor([&] { return steps.count() >= 2; }, 300000));
    // The calibration would run for many minutes: closing stops it at its next evaluation.
    const qint64 took = closeAndDestroy(window);
    QVERIFY2(took < 20000, qPrintable(QString::number(took)));
    QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
}

void WorkbenchFaultsTest::closingWhileBakingLeavesNoPartialCheckpoint()
{
    // However far the bake got, what is left is either nothing or the whole checkpoint; never a
    // partial one, nor the temporary folder it is written into.
    const QString expected = [] {
        const auto model = MambaModel::load(kDemo);
        return model->fingerprint();
    }();
    auto window = readyWindow();
    QVERIFY(window);
    window->editor()->setAllFactors(0.5);
    const QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    window->bakeInto(out);
    QVERIFY(!window->session()->jobs().isEmpty());
    const qint64 took = closeAndDestroy(window);
    QVERIFY2(took < 20000, qPrintable(QString::number(took)));
    const QStringList left = entriesOf(dir.path());
    QVERIFY2(left.isEmpty() || left == QStringList{QStringLiteral("baked")},
             qPrintable(left.join(u' ')));
    if (!left.isEmpty()) {
        const auto baked = MambaModel::load(out);  // whole: it loads
        QVERIFY(baked->fingerprint() != expected);
    }
    qInfo("the bake was %s when the window closed", left.isEmpty() ? "stopped" : "complete");
}

void WorkbenchFaultsTest::failedOpenSaysWhyAndKeepsTheModel()
{
    auto window = readyWindow();
    QVERIFY(window);
    const auto before = window->session()->model();
    // A model folder whose weights are cut short.
    const QTemporaryDir dir;
    QVERIFY(QFile::copy(kDemo + QStringLiteral("/config.json"),
                        dir.filePath(QStringLiteral("config.json"))));
    writeFile(dir.filePath(QStringLiteral("model.safetensors")),
              readFile(kDemo + QStringLiteral("/model.safetensors")).left(3000));
    QSignalSpy failed(window->session(), &WorkbenchSession::modelFailed);
    window->openModel(dir.path());
    QVERIFY(failed.wait(60000));
    const QString expected = dir.filePath(QStringLiteral("model.safetensors")) +
                             QStringLiteral(
                                 ": header length 6416 is beyond the end of the file "
                                 "(3000 bytes)");
    QCOMPARE(failed.first().first().toString(), expected);
    QCOMPARE(errorDialogs(window.get()), QStringList{expected});
    closeErrorDialogs(window.get());
    // The model that was open stays open, and works.
    QCOMPARE(window->session()->model(), before);
    QVERIFY(!window->session()->isLoading());
    QVERIFY(window->session()->jobs().isEmpty());
    QSignalSpy finished(window->liveCurves(), &LiveCurves::currentFinished);
    window->editor()->setAllFactors(0.7);
    QVERIFY(finished.wait(120000));
}

void WorkbenchFaultsTest::hybridFamilyIsNamedAndGgufOpens()
{
    // A family MambaScope does not run is refused with its name, as in the CLI; a GGUF file
    // (its tokenizer inside) opens like a model folder.
    auto window = std::make_unique<MainWindow>();
    window->show();
    const QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("config.json")),
              R"({"model_type": "zamba2", "hidden_size": 2560, "num_hidden_layers": 54,
                  "vocab_size": 32000})");
    QSignalSpy failed(window->session(), &WorkbenchSession::modelFailed);
    window->openModel(dir.path());
    QVERIFY(failed.wait(60000));
    const QString expected = dir.filePath(QStringLiteral("config.json")) +
                             QStringLiteral(
                                 ": Zamba2 (Zyphra) (model_type 'zamba2') is not "
                                 "supported: it has Mamba-2 layers with shared "
                                 "attention blocks; MambaScope runs pure Mamba-1, "
                                 "Mamba-2 and Falcon-Mamba models");
    QCOMPARE(failed.first().first().toString(), expected);
    QCOMPARE(errorDialogs(window.get()), QStringList{expected});
    closeErrorDialogs(window.get());

    QSignalSpy loaded(window->session(), &WorkbenchSession::modelLoaded);
    window->openModel(QStringLiteral(MAMBASCOPE_TEST_DATA "/gguf/tiny-mamba-q8_0.gguf"));
    QVERIFY(loaded.wait(60000));
    const auto model = window->session()->model();
    QVERIFY(model && model->isGguf());
    QCOMPARE(model->storageName(), QStringLiteral("Q8_0"));
    QVERIFY(QTest::qWaitFor([&] { return window->session()->jobs().isEmpty(); }, 120000));
    QVERIFY(errorDialogs(window.get()).isEmpty());
}

void WorkbenchFaultsTest::failedBakeSaysWhyAndLeavesNothing()
{
    auto window = readyWindow();
    QVERIFY(window);
    window->editor()->setAllFactors(0.5);
    const QTemporaryDir dir;
    // Into a folder that holds something already: refused, the folder untouched.
    const QString occupied = dir.filePath(QStringLiteral("occupied"));
    QVERIFY(QDir().mkdir(occupied));
    writeFile(occupied + QStringLiteral("/notes.txt"), "mine");
    QSignalSpy failed(window->session(), &WorkbenchSession::bakeFailed);
    window->bakeInto(occupied);
    QVERIFY(failed.wait(60000));
    QCOMPARE(failed.last().first().toString(),
             occupied + QStringLiteral(": is not empty; choose a new or empty folder, or "
                                       "--force to replace the model in it"));
    QCOMPARE(errorDialogs(window.get()), QStringList{failed.last().first().toString()});
    closeErrorDialogs(window.get());
    QCOMPARE(entriesOf(occupied), QStringList{QStringLiteral("notes.txt")});
    QCOMPARE(readFile(occupied + QStringLiteral("/notes.txt")), QByteArray("mine"));

    // On a disk that fills up half-way through the weights: refused, and nothing left behind.
    const QString out = dir.filePath(QStringLiteral("baked"));
    {
        const FileSizeLimit full(1 << 20);
        window->bakeInto(out);
        QVERIFY(failed.wait(60000));
    }
    const QString message = failed.last().first().toString();
    QVERIFY2(message.startsWith(out + QStringLiteral(": cannot write model.safetensors (")),
             qPrintable(message));
    QCOMPARE(errorDialogs(window.get()), QStringList{message});
    closeErrorDialogs(window.get());
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("occupied")});
    QVERIFY(window->session()->jobs().isEmpty() ||
            QTest::qWaitFor([&] { return window->session()->jobs().isEmpty(); }, 60000));
}

void WorkbenchFaultsTest::exportAsGgufFoldsTheScaling()
{
    // File > Export as GGUF: one file, the faders' scaling folded into A as llama.cpp stores it
    // (A = -exp(A_log)), which opens again as the same model.
    auto window = readyWindow();
    QVERIFY(window);
    window->editor()->setAllFactors(0.5);
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("demo-modulated.gguf"));
    QSignalSpy finished(window->session(), &WorkbenchSession::bakeFinished);
    window->exportGgufTo(path, QStringLiteral("f32"));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().first().toString(), path);
    QVERIFY(errorDialogs(window.get()).isEmpty());
    const auto source = window->session()->model();
    const auto written = MambaModel::load(path);
    QVERIFY(written->isGguf());
    const auto expected = GgufExporter::foldedA(*source, window->session()->modulation());
    for (size_t layer = 0; layer < expected.size(); ++layer) {
        const MambaLayerWeights &w = written->layers()[layer];
        QCOMPARE(size_t(w.aLog.elementCount()), expected[layer].size());
        for (size_t i = 0; i < expected[layer].size(); ++i) {
            const double got =
                w.negA.data ? double(w.negA.data[i]) : -std::exp(double(w.aLog.data[i]));
            // float32 storage of A, then exp/log back: within a few ulps.
            QVERIFY2(std::abs(got - double(expected[layer][i])) <=
                         1e-6 * std::abs(double(expected[layer][i])),
                     qPrintable(QStringLiteral("layer %1, entry %2: %3 vs %4")
                                    .arg(layer)
                                    .arg(i)
                                    .arg(got)
                                    .arg(expected[layer][i])));
        }
        // Power 0.5 halves every log-decay: A moved, as the faders asked.
        const float original = -std::exp(source->layers()[layer].aLog.data[0]);
        QVERIFY(std::abs(expected[layer][0] - original) > 1e-3f * std::abs(original));
    }
}

void WorkbenchFaultsTest::windowStaysResponsiveDuringAJob()
{
    // A calibration runs in the background: the window's event loop keeps turning (a timer every
    // 20 ms is never held up for long), and its actions answer at once.
    auto window = readyWindow();
    QVERIFY(window);
    WorkbenchSession *session = window->session();
    QSignalSpy steps(session, &WorkbenchSession::calibrationStep);
    QSignalSpy finished(session, &WorkbenchSession::calibrationFinished);
    window->startCalibration(longCalibration());
    QVERIFY(QTest::qWaitFor([&] { return steps.count() >= 1; }, 300000));
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, longest = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&] {
        longest = std::max(longest, clock.elapsed() - last);
        last = clock.elapsed();
    });
    ticker.start(20);
    QTest::qWait(3000);
    ticker.stop();
    QVERIFY(session->isCalibrating());
    qInfo("longest gap between 20 ms ticks during the calibration: %lld ms", longest);
    // Generous for a loaded 2-core machine; a blocked window would miss the whole 3 s.
    QVERIFY2(longest < 1500, qPrintable(QString::number(longest)));
    // Stop answers at once too.
    window->action(QStringLiteral("actionStopCalibration"))->trigger();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(1).toBool(), true);
    QVERIFY(!session->isCalibrating());
}

void WorkbenchFaultsTest::failedSaveKeepsTheOldPreset()
{
    auto window = readyWindow();
    QVERIFY(window);
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("preset.json"));
    window->editor()->setFactors({0.9, 0.8, 0.7, 0.6, 0.5, 0.4}, QStringLiteral("first"));
    QCOMPARE(window->savePresetFile(path), QString());
    const QByteArray before = readFile(path);
    QVERIFY(before.size() > 200);

    window->editor()->setFactors({0.3, 0.3, 0.3, 0.3, 0.3, 0.3}, QStringLiteral("second"));
    QString problem;
    {
        const FileSizeLimit full(rlim_t(before.size() / 2));
        problem = window->savePresetFile(path);
    }
    QVERIFY2(problem.startsWith(path + QStringLiteral(": cannot write (")), qPrintable(problem));
    QCOMPARE(readFile(path), before);
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("preset.json")});
    // And the old preset still loads.
    QCOMPARE(window->loadPresetFile(path), QString());
    QCOMPARE(window->editor()->factors(), (std::vector<double>{0.9, 0.8, 0.7, 0.6, 0.5, 0.4}));
}

void WorkbenchFaultsTest::failedExportKeepsTheOldFile()
{
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("curve.csv"));
    ViewExporter::saveText(QStringLiteral("position,perplexity\n1,2\n"), path);
    const QByteArray before = readFile(path);
    QString longer = QStringLiteral("position,perplexity\n");
    for (int i = 0; i < 10000; ++i)
        longer += QStringLiteral("%1,%2\n").arg(i).arg(40.0 + i * 0.001);
    QString problem;
    {
        const FileSizeLimit full(4096);
        try {
            ViewExporter::saveText(longer, path);
        } catch (const Error &e) {
            problem = e.message();
        }
    }
    QVERIFY2(problem.startsWith(path + QStringLiteral(": cannot write")), qPrintable(problem));
    QCOMPARE(readFile(path), before);
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("curve.csv")});
}

MAMBASCOPE_GUI_TEST_MAIN(WorkbenchFaultsTest)
#include "tst_workbench_faults.moc"
