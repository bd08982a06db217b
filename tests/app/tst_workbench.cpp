// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench window on the demo model, offscreen: it opens with a baseline curve, a slider move
// recomputes from that layer, power 0.45 everywhere repairs the long-context perplexity, a cancel
// leaves everything consistent, presets round-trip, and the spectrum view draws.
#include "AppSettings.h"
#include "LayerFactorControl.h"
#include "LiveCurves.h"
#include "LiveEvaluation.h"
#include "MainWindow.h"
#include "ModelPanel.h"
#include "ModulationEditor.h"
#include "PerplexityChart.h"
#include "PerplexityPanel.h"
#include "ScalingPanel.h"
#include "SpectrumHeatmap.h"
#include "SpectrumPanel.h"
#include "StateNormChart.h"
#include "StatePanel.h"
#include "WorkbenchSession.h"
#include "calibration/Calibrator.h"
#include "io/SyntheticCheckpoint.h"
#include "model/MambaModel.h"
#include "widgets/GuiTestMain.h"

#include <QAction>
#include <QComboBox>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <cmath>
#include <memory>

using namespace mscope;

class WorkbenchTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void opensOnTheDemoModel();
    void sliderMoveRecomputesFromThatLayer();
    void powerScalingRepairsLongContext();
    void cancelLeavesConsistentState();
    void presetsRoundTripThroughTheWindow();
    void spectrumViewRendersTheModel();
    void fixedWindowProtocol();
    void calibrationMovesTheSlidersAndStops();
    void bakesACheckpointThatLoads();
    void droppedFilesOpen();
    void mamba2ModelNeedsNoSpecialCase();
    void everyActionIsInAMenu();
    void closingWhileBusyIsClean();

private:
    // Waits until a pass of the current modulation that began after `passesBefore` completed
    // passes has finished and nothing is queued (edits reach the engine on the next event loop
    // turn, so "nothing running" alone proves nothing).
    bool waitForCurve(int passesBefore, int timeoutMs = 300000);
    QList<QPointF> currentPoints() const
    {
        return m_window->perplexityPanel()->chart()->current().points();
    }

    std::unique_ptr<MainWindow> m_window;
    int m_lastFirstLayer = -1;
    int m_passes = 0;
};

bool WorkbenchTest::waitForCurve(int passesBefore, int timeoutMs)
{
    LiveEvaluation *live = m_window->session()->liveEvaluation();
    return QTest::qWaitFor(
        [&] {
            return m_passes > passesBefore && !live->isRunning() &&
                   m_window->liveCurves()->currentComplete() &&
                   m_window->liveCurves()->baselineComplete();
        },
        timeoutMs);
}

void WorkbenchTest::initTestCase()
{
    // 16,384 tokens of the evaluation text, on two threads: what the GUI targets on a laptop.
    AppSettings::setMaxTokens(16384);
    AppSettings::setThreads(2);
    AppSettings::setChunkTokens(512);
    AppSettings::setStreamingProtocol(true);
    m_window = std::make_unique<MainWindow>();
    connect(m_window->liveCurves(), &LiveCurves::currentFinished, this, [this](int first) {
        m_lastFirstLayer = first;
        ++m_passes;
    });
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void WorkbenchTest::cleanupTestCase()
{
    m_window.reset();
}

void WorkbenchTest::opensOnTheDemoModel()
{
    QSignalSpy loaded(m_window->session(), &WorkbenchSession::modelLoaded);
    m_window->openDemo();
    const int passes = m_passes;
    QVERIFY(loaded.wait(120000));
    const auto model = m_window->session()->model();
    QVERIFY(model);
    QCOMPARE(model->config().nLayer, 6);
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("demo-mamba")));
    QCOMPARE(m_window->session()->trainingLength(), 256);  // from the demo's model card
    QVERIFY(m_window->scalingPanel()->layerControl(5));
    // The baseline curve computes without anyone asking.
    QVERIFY(waitForCurve(passes));
    const PerplexityChart *chart = m_window->perplexityPanel()->chart();
    QVERIFY(chart->baseline().points().size() > 10);
    QCOMPARE(chart->baseline().length(), qint64(16383));
    QVERIFY(chart->current().points().size() > 10);
    // Texts are listed with token counts once counted.
    QVERIFY(QTest::qWaitFor([&] { return m_window->session()->jobs().isEmpty(); }, 120000));
    QTreeWidget *texts = m_window->modelPanel()->textList();
    QVERIFY(texts->topLevelItemCount() >= 5);
    QVERIFY(
        texts->topLevelItem(0)->text(1).remove(QRegularExpression(QStringLiteral("\\D"))).toInt() >
        1000);
}

void WorkbenchTest::sliderMoveRecomputesFromThatLayer()
{
    const QList<QPointF> before = currentPoints();
    const int passes = m_passes;
    LayerFactorControl *strip = m_window->scalingPanel()->layerControl(3);
    QSlider *slider = strip->slider();
    // A drag: press, move, release (the window recomputes while dragging and on release).
    slider->setSliderDown(true);
    slider->setValue(slider->value() - 300);
    slider->setSliderDown(false);
    QVERIFY(m_window->editor()->factor(3) < 1.0);
    QCOMPARE(m_window->editor()->factor(2), 1.0);
    QVERIFY(waitForCurve(passes));
    QCOMPARE(m_lastFirstLayer, 3);  // layers 0-2 unchanged: restarted at layer 3
    const QList<QPointF> after = currentPoints();
    QCOMPARE(after.size(), before.size());
    bool changed = false;
    for (int i = 0; i < after.size(); ++i)
        changed |= std::fabs(after[i].y() - before[i].y()) > 1e-3;
    QVERIFY(changed);
    // The whole summary (also the label's tooltip): the label itself drops the "how" part when
    // the fonts at hand would wrap it past two lines.
    const QString summary = m_window->perplexityPanel()->summary();
    QVERIFY2(summary.contains(QStringLiteral("layer 3")), qPrintable(summary));
    // The state chart follows the same pass.
    QVERIFY(!m_window->statePanel()->chart()->current().isEmpty());
    QVERIFY(!m_window->statePanel()->chart()->baseline().isEmpty());
}

void WorkbenchTest::powerScalingRepairsLongContext()
{
    const int passes = m_passes;
    m_window->editor()->setAllFactors(0.45);
    QVERIFY(waitForCurve(passes));
    QCOMPARE(m_lastFirstLayer, 0);
    const PerplexityChart *chart = m_window->perplexityPanel()->chart();
    const double baseline = chart->baseline().perplexityOver(8192, 16384);
    const double scaled = chart->current().perplexityOver(8192, 16384);
    qInfo("PPL over positions 8k-16k: baseline %.2f, power 0.45 %.2f", baseline, scaled);
    QVERIFY2(scaled < baseline, qPrintable(QStringLiteral("%1 vs %2").arg(scaled).arg(baseline)));
    // Past the training length the states no longer run away as far.
    const StateNormChart *states = m_window->statePanel()->chart();
    const auto positions = states->current().positions();
    QVERIFY(!positions.empty());
    const int64_t last = positions.back();
    double grewBaseline = 0, grewScaled = 0;
    for (int l = 0; l < 6; ++l) {
        grewBaseline = std::max(
            grewBaseline,
            states->baseline().value(last, l, StateNormHistory::Statistic::MaxOverChannels));
        grewScaled = std::max(
            grewScaled,
            states->current().value(last, l, StateNormHistory::Statistic::MaxOverChannels));
    }
    QVERIFY2(grewScaled < grewBaseline,
             qPrintable(QStringLiteral("%1 vs %2").arg(grewScaled).arg(grewBaseline)));
}

void WorkbenchTest::cancelLeavesConsistentState()
{
    // The reference: the curve of power 0.6 everywhere, computed undisturbed.
    int passes = m_passes;
    m_window->editor()->setAllFactors(0.6);
    QVERIFY(waitForCurve(passes));
    const QList<QPointF> reference = currentPoints();

    // Another setting, cancelled as soon as its first points arrive (Esc).
    LiveEvaluation *live = m_window->session()->liveEvaluation();
    QSignalSpy cancelled(live, &LiveEvaluation::passCancelled);
    bool sent = false;
    const auto c = connect(live, &LiveEvaluation::chunkReady, this, [&] {
        if (!sent) {
            sent = true;
            m_window->action(QStringLiteral("actionCancel"))->trigger();
        }
    });
    m_window->editor()->setFactor(1, 0.3);
    QVERIFY(cancelled.wait(120000));
    QVERIFY(QTest::qWaitFor([&] { return !live->isRunning(); }, 120000));
    disconnect(c);
    QVERIFY(sent);
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!m_window->liveCurves()->currentComplete());
    QVERIFY(m_window->session()->jobs().isEmpty() ||
            QTest::qWaitFor([&] { return m_window->session()->jobs().isEmpty(); }, 60000));

    // Back to 0.6: the cache left by the cancelled pass must give exactly the reference again.
    passes = m_passes;
    m_window->editor()->undoStack()->undo();
    QCOMPARE(m_window->editor()->factor(1), 0.6);
    QVERIFY(waitForCurve(passes));
    const QList<QPointF> again = currentPoints();
    QCOMPARE(again.size(), reference.size());
    for (int i = 0; i < again.size(); ++i)
        QVERIFY2(std::fabs(again[i].y() / reference[i].y() - 1.0) < 1e-6,
                 qPrintable(QStringLiteral("bucket %1: %2 vs %3")
                                .arg(i)
                                .arg(again[i].y())
                                .arg(reference[i].y())));
}

void WorkbenchTest::presetsRoundTripThroughTheWindow()
{
    ModulationEditor *editor = m_window->editor();
    const std::vector<double> factors{0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    editor->setFactors(factors, QStringLiteral("test"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("preset.json"));
    QCOMPARE(m_window->savePresetFile(path), QString());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(!json.isEmpty());
    QVERIFY(QString::fromUtf8(QJsonDocument(json).toJson())
                .contains(m_window->session()->model()->fingerprint()));

    m_window->action(QStringLiteral("actionResetScaling"))->trigger();
    QVERIFY(editor->isIdentity());
    QCOMPARE(m_window->loadPresetFile(path), QString());
    QCOMPARE(editor->factors(), factors);
    QCOMPARE(m_window->scalingPanel()->layerControl(5)->value(), 0.4);
    // Undo through the Edit menu's action takes the load back.
    m_window->action(QStringLiteral("actionUndo"))->trigger();
    QVERIFY(editor->isIdentity());
    m_window->action(QStringLiteral("actionRedo"))->trigger();
    QCOMPARE(editor->factors(), factors);

    // A broken preset is refused with the file named.
    const QString broken = dir.filePath(QStringLiteral("broken.json"));
    QFile b(broken);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("{\"format\": 42");
    b.close();
    const QString problem = m_window->loadPresetFile(broken);
    QVERIFY(problem.contains(QStringLiteral("broken.json")));
    QCOMPARE(editor->factors(), factors);
}

void WorkbenchTest::spectrumViewRendersTheModel()
{
    SpectrumHeatmap *heatmap = m_window->spectrumPanel()->heatmap();
    QVERIFY(QTest::qWaitFor([&] { return !heatmap->original().isEmpty(); }, 60000));
    QVERIFY(
        QTest::qWaitFor([&] { return m_window->session()->deltaStatistics() != nullptr; }, 60000));
    QVERIFY(QTest::qWaitFor([&] { return heatmap->original().quantity == SpectrumQuantity::Tau; },
                            60000));
    QVERIFY(!heatmap->modulated().isEmpty());  // the preset's scaling is overlaid
    const QImage image = heatmap->grab().toImage();
    int inked = 0, blue = 0, total = 0;
    for (int y = image.height() / 5; y < image.height() * 3 / 4; y += 2)
        for (int x = image.width() / 8; x < image.width() * 3 / 4; x += 2) {
            const QColor c = image.pixelColor(x, y);
            ++total;
            inked += c.red() + c.green() + c.blue() < 3 * 235;
            blue += c.blue() > c.red() + 40;
        }
    QVERIFY2(inked > total / 5, qPrintable(QStringLiteral("%1 of %2").arg(inked).arg(total)));
    QVERIFY(blue > 50);
    // The quantity box switches to α.
    QComboBox *box = m_window->spectrumPanel()->quantityBox();
    box->setCurrentIndex(box->findData(int(SpectrumQuantity::Alpha)));
    emit box->activated(box->currentIndex());
    QVERIFY(QTest::qWaitFor([&] { return heatmap->original().quantity == SpectrumQuantity::Alpha; },
                            60000));
}

void WorkbenchTest::fixedWindowProtocol()
{
    const int passes = m_passes;
    QComboBox *protocol = m_window->perplexityPanel()->protocolBox();
    protocol->setCurrentIndex(1);
    emit protocol->activated(1);
    QVERIFY(!m_window->session()->streaming());
    QVERIFY(waitForCurve(passes));
    const PerplexityChart *chart = m_window->perplexityPanel()->chart();
    QCOMPARE(chart->baseline().length(), qint64(m_window->session()->fixedWindow() - 1));
    QVERIFY(chart->baseline().points().size() > 8);
    // Back to streaming for what follows.
    const int again = m_passes;
    protocol->setCurrentIndex(0);
    emit protocol->activated(0);
    QVERIFY(waitForCurve(again));
    QCOMPARE(chart->baseline().length(), qint64(16383));
}

void WorkbenchTest::calibrationMovesTheSlidersAndStops()
{
    ModulationEditor *editor = m_window->editor();
    editor->reset();
    QVERIFY(editor->isIdentity());
    WorkbenchSession *session = m_window->session();
    QSignalSpy steps(session, &WorkbenchSession::calibrationStep);
    QSignalSpy finished(session, &WorkbenchSession::calibrationFinished);
    CalibrationOptions options;
    options.family = ModulationFamily::Power;
    options.method = CalibrationOptions::Method::Spsa;
    options.targetLength = 1024;
    options.budget = 14;
    options.iterations = 4;
    m_window->startCalibration(options);
    QVERIFY(session->isCalibrating());
    QVERIFY(!m_window->action(QStringLiteral("actionCalibrate"))->isEnabled());
    QVERIFY(finished.wait(300000));
    QVERIFY(steps.count() > 3);
    QCOMPARE(finished.last().at(1).toBool(), false);
    QVERIFY(!session->isCalibrating());
    QVERIFY(!editor->isIdentity());  // the sliders hold the calibrated factors
    const std::vector<double> calibrated = editor->factors();
    for (double f : calibrated)
        QVERIFY(f >= 0.01 && f <= 1.0);
    // One undo step takes the whole calibration back.
    m_window->action(QStringLiteral("actionUndo"))->trigger();
    QVERIFY(editor->isIdentity());
    m_window->action(QStringLiteral("actionRedo"))->trigger();
    QCOMPARE(editor->factors(), calibrated);

    // Stop: the best point so far stays on the sliders.
    options.budget = 4000;
    options.iterations = 1000;
    m_window->startCalibration(options);
    QVERIFY(QTest::qWaitFor([&] { return steps.count() > 20; }, 300000));
    m_window->action(QStringLiteral("actionStopCalibration"))->trigger();
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.last().at(1).toBool(), true);
    QVERIFY(!session->isCalibrating());
}

void WorkbenchTest::bakesACheckpointThatLoads()
{
    m_window->editor()->setAllFactors(0.45);
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    QVERIFY(m_window->action(QStringLiteral("actionBake"))->isEnabled());
    QSignalSpy baked(m_window->session(), &WorkbenchSession::bakeFinished);
    m_window->bakeInto(out);
    QVERIFY(baked.wait(120000));
    const auto model = MambaModel::load(out);
    QCOMPARE(model->config().nLayer, 6);
    // A_log' = 0.45 · A_log in every layer.
    const auto &original = m_window->session()->model()->layers()[2].aLog;
    const auto &scaled = model->layers()[2].aLog;
    QVERIFY(std::fabs(scaled.data[7] - 0.45f * original.data[7]) < 1e-5f);
    // Δ scaling cannot be baked: the action says so by being disabled.
    m_window->editor()->setFamily(ModulationFamily::Delta);
    m_window->editor()->setAllFactors(2.0);
    QVERIFY(!m_window->action(QStringLiteral("actionBake"))->isEnabled());
    m_window->editor()->reset();
}

namespace {

// Sends what a file manager's drag and drop delivers: enter, then drop, of `paths`.
bool dropOnto(QWidget *target, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &p : paths)
        urls.append(QUrl::fromLocalFile(p));
    mime.setUrls(urls);
    const QPointF at(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

}  // namespace

void WorkbenchTest::droppedFilesOpen()
{
    // A text file dropped on the window joins the text list; a preset is applied (undoably).
    QTemporaryDir dir;
    const QString text = dir.filePath(QStringLiteral("dropped notes.txt"));
    QFile t(text);
    QVERIFY(t.open(QIODevice::WriteOnly));
    t.write("Some words to score, dropped from a file manager.\n");
    t.close();
    ModulationEditor *editor = m_window->editor();
    const std::vector<double> factors{0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    editor->setFactors(factors, QStringLiteral("drop test"));
    const QString preset = dir.filePath(QStringLiteral("dropped.json"));
    QCOMPARE(m_window->savePresetFile(preset), QString());
    editor->reset();
    QVERIFY(editor->isIdentity());

    QVERIFY(dropOnto(m_window.get(), {text, preset}));
    QVERIFY(m_window->session()->texts().contains(QFileInfo(text).absoluteFilePath()));
    QCOMPARE(editor->factors(), factors);
    m_window->action(QStringLiteral("actionUndo"))->trigger();
    QVERIFY(editor->isIdentity());
    // Something that is not a list of files is refused at the door.
    QMimeData plain;
    plain.setText(QStringLiteral("not a file"));
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &plain, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(!enter.isAccepted());

    // A model folder dropped on a window opens that model (a fresh window, so the demo stays
    // loaded in the shared one).
    MainWindow other;
    other.show();
    QSignalSpy loaded(other.session(), &WorkbenchSession::modelLoaded);
    const QString folder = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m1_sharded");
    QVERIFY(dropOnto(&other, {folder}));
    QVERIFY(loaded.wait(120000) || other.session()->model());
    QCOMPARE(QFileInfo(other.session()->model()->directory()).canonicalFilePath(),
             QFileInfo(folder).canonicalFilePath());
    other.close();
}

void WorkbenchTest::mamba2ModelNeedsNoSpecialCase()
{
    // A small random Mamba-2 with the GPT-NeoX vocabulary (so the bundled texts tokenize into
    // it) goes through the same window: spectrum per head, a slider per layer, live curves and a
    // bake, on a fresh window so that the demo stays loaded in the shared one.
    ModelConfig config = SyntheticCheckpoint::configLike(QStringLiteral("mamba2-130m"));
    config.dModel = 64;
    config.dInner = 128;
    config.nHeads = 4;
    config.headDim = 32;
    config.dState = 16;
    config.nLayer = 3;
    QTemporaryDir dir;
    const QString modelDir = dir.filePath(QStringLiteral("tiny-mamba2"));
    SyntheticCheckpoint::write(config, modelDir, 7);

    const int savedTokens = AppSettings::maxTokens();
    AppSettings::setMaxTokens(2048);
    MainWindow window;
    window.show();
    int passes = 0;
    connect(window.liveCurves(), &LiveCurves::currentFinished, &window, [&] { ++passes; });
    QSignalSpy loaded(window.session(), &WorkbenchSession::modelLoaded);
    window.openModel(modelDir);
    QVERIFY(loaded.wait(120000));
    QCOMPARE(window.session()->model()->config().architecture, Architecture::Mamba2);
    QVERIFY(window.modelPanel()
                ->findChild<QLabel *>(QStringLiteral("modelShape"))
                ->text()
                .contains(QStringLiteral("4 heads")));
    // One mode per head: the spectrum has 4 per layer, and the strip has a fader per layer.
    SpectrumHeatmap *heatmap = window.spectrumPanel()->heatmap();
    QVERIFY(QTest::qWaitFor([&] { return !heatmap->original().isEmpty(); }, 60000));
    QCOMPARE(heatmap->original().layers(), 3);
    QVERIFY(window.scalingPanel()->layerControl(2));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return passes > 0 && !window.session()->liveEvaluation()->isRunning() &&
                   window.liveCurves()->currentComplete();
        },
        120000));
    const QList<QPointF> before = window.perplexityPanel()->chart()->current().points();
    QVERIFY(before.size() > 5);

    const int passesBefore = passes;
    window.editor()->setFactor(2, 0.3);
    QVERIFY(QTest::qWaitFor(
        [&] {
            return passes > passesBefore && !window.session()->liveEvaluation()->isRunning() &&
                   window.liveCurves()->currentComplete();
        },
        120000));
    const QList<QPointF> after = window.perplexityPanel()->chart()->current().points();
    QCOMPARE(after.size(), before.size());
    bool changed = false;
    for (int i = 0; i < after.size(); ++i)
        changed |= std::fabs(after[i].y() - before[i].y()) > 1e-4;
    QVERIFY(changed);

    // The bake writes A_log [heads], scaled in layer 2 only.
    const QString out = dir.filePath(QStringLiteral("baked"));
    QSignalSpy baked(window.session(), &WorkbenchSession::bakeFinished);
    window.bakeInto(out);
    QVERIFY(baked.wait(120000));
    const auto model = MambaModel::load(out);
    const auto &original = window.session()->model()->layers();
    QCOMPARE(model->layers()[2].aLog.shape, std::vector<int64_t>{4});
    QVERIFY(std::fabs(model->layers()[2].aLog.data[1] - 0.3f * original[2].aLog.data[1]) < 1e-5f);
    QCOMPARE(model->layers()[1].aLog.data[1], original[1].aLog.data[1]);
    window.close();
    AppSettings::setMaxTokens(savedTokens);
}

void WorkbenchTest::everyActionIsInAMenu()
{
    // Every action of the window can be reached from the menu bar, and the main ones by keyboard.
    QSet<QAction *> inMenus;
    std::function<void(QMenu *)> collect = [&](QMenu *menu) {
        for (QAction *a : menu->actions()) {
            inMenus.insert(a);
            if (a->menu())
                collect(a->menu());
        }
    };
    for (QAction *top : m_window->menuBar()->actions())
        if (top->menu())
            collect(top->menu());
    for (QAction *a : m_window->findChildren<QAction *>()) {
        if (a->objectName().startsWith(QStringLiteral("action")))
            QVERIFY2(inMenus.contains(a), qPrintable(a->objectName()));
    }
    for (const char *name :
         {"actionOpenModel", "actionLoadPreset", "actionSavePreset", "actionUndo", "actionRedo",
          "actionCalibrate", "actionCancel", "actionPin", "actionBake"})
        QVERIFY2(!m_window->action(QString::fromLatin1(name))->shortcut().isEmpty(), name);
}

void WorkbenchTest::closingWhileBusyIsClean()
{
    // Closing in the middle of loading, tokenizing and the first pass neither hangs nor crashes,
    // and the layout is saved for the next start.
    // The window closes from the first pass's start signal: polling isRunning() raced with a
    // demo pass short enough to start and end inside one event-loop turn on a fast machine.
    auto window = std::make_unique<MainWindow>();
    bool closedWhileRunning = false;
    bool closed = false;
    QObject::connect(window->session()->liveEvaluation(), &LiveEvaluation::passStarted,
                     window.get(), [&] {
                         if (closed)
                             return;
                         closed = true;
                         closedWhileRunning = window->session()->liveEvaluation()->isRunning();
                         window->close();
                     });
    window->show();
    window->openDemo();
    QVERIFY(QTest::qWaitFor([&] { return closed; }, 120000));
    QVERIFY(closedWhileRunning);
    QElapsedTimer timer;
    timer.start();
    window.reset();
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!AppSettings::windowState().isEmpty());
}

MAMBASCOPE_GUI_TEST_MAIN(WorkbenchTest)
#include "tst_workbench.moc"
