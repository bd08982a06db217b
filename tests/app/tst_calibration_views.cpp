// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's gradient views on the demo model, offscreen: the calibrate dialog starts from
// the faders, runs a tiny gradient calibration per channel that it plots, applies (faders at the
// layer means, the finer factors under them), tests on the held-out texts, and stops on request
// keeping the best point; the sensitivity map holds exactly what core's
// ModulationGradient::sensitivity gives for the same windows (summed over each channel's
// states), its sign means what the panel says (checked against a finite difference of the
// objective), and its colours follow the sign.
#include "AppSettings.h"
#include "CalibrationDialog.h"
#include "DivergingHeatmap.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "SensitivityPanel.h"
#include "WorkbenchSession.h"
#include "gradient/GradientObjective.h"
#include "gradient/ModulationGradient.h"
#include "io/ResourceLocator.h"
#include "model/MambaModel.h"
#include "support/EngineThreads.h"
#include "tokenizer/BpeTokenizer.h"
#include "widgets/GuiTestMain.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QUndoStack>
#include <cmath>
#include <memory>

using namespace mscope;

class CalibrationViewsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void editorKeepsFinerFactorsUnderTheFaders();
    void calibrationDialogStartsFromTheFaders();
    void sensitivityMapIsTheCoreGradient();

private:
    std::unique_ptr<MainWindow> m_window;
};

void CalibrationViewsTest::initTestCase()
{
    AppSettings::setMaxTokens(2048);
    AppSettings::setThreads(2);
    AppSettings::setChunkTokens(256);
    AppSettings::setStreamingProtocol(true);
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy loaded(m_window->session(), &WorkbenchSession::modelLoaded);
    m_window->openDemo();
    QVERIFY(loaded.wait(120000));
}

void CalibrationViewsTest::cleanupTestCase()
{
    m_window.reset();
}

void CalibrationViewsTest::editorKeepsFinerFactorsUnderTheFaders()
{
    // Per-channel factors on the faders: each shows its layer's mean, moving it scales the
    // layer's factors by the same ratio, the modulation holds them, and undo restores them.
    ModulationEditor editor;
    editor.setLayerCount(2);
    ModulationSet set;
    Modulation step = Modulation::uniform(ModulationFamily::Power, 1.0, 2);
    step.channelFactors = {{0.2, 0.4, 0.6}, {}};
    set.steps = {step};
    editor.loadSet(set, QStringLiteral("load"));
    QVERIFY(editor.hasFinerFactors());
    QVERIFY(std::fabs(editor.factor(0) - 0.4) < 1e-12);
    QCOMPARE(editor.factor(1), 1.0);
    QCOMPARE(editor.modulationSet().steps.back().channelFactors[0],
             (std::vector<double>{0.2, 0.4, 0.6}));
    editor.setFactor(0, 0.2);
    const std::vector<double> row = editor.modulationSet().steps.back().channelFactors[0];
    QVERIFY(std::fabs(row[0] - 0.1) < 1e-12 && std::fabs(row[2] - 0.3) < 1e-12);
    editor.undoStack()->undo();
    QCOMPARE(editor.modulationSet().steps.back().channelFactors[0],
             (std::vector<double>{0.2, 0.4, 0.6}));
    // A calibration's result: its last step on the faders, the steps before it kept under them.
    ModulationSet result;
    result.steps = {Modulation::uniform(ModulationFamily::Linear, 2.0, 2), step};
    editor.loadCalibration(result, QStringLiteral("Calibrate"));
    QCOMPARE(editor.family(), ModulationFamily::Power);
    QCOMPARE(editor.presetSteps(), std::vector<Modulation>{result.steps.front()});
    // The same factor for every channel (the fader of a layer with channel factors holds their
    // mean, which the channel factors override).
    const auto sameFactors = [&](const std::vector<Modulation> &steps) {
        if (steps.size() != result.steps.size())
            return false;
        for (size_t i = 0; i < steps.size(); ++i)
            for (int l = 0; l < 2; ++l)
                for (int c = 0; c < 3; ++c)
                    if (steps[i].family != result.steps[i].family ||
                        steps[i].factor(l, c) != result.steps[i].factor(l, c))
                        return false;
        return true;
    };
    QVERIFY(sameFactors(editor.modulationSet().steps));
    // Another family for the faders keeps the modulation as it is.
    const std::vector<Modulation> before = editor.modulationSet().steps;
    editor.freezeSliders(ModulationFamily::Delta, QStringLiteral("freeze"));
    QCOMPARE(editor.family(), ModulationFamily::Delta);
    QCOMPARE(editor.modulationSet().steps, before);
    QVERIFY(!editor.hasFinerFactors());
}

void CalibrationViewsTest::calibrationDialogStartsFromTheFaders()
{
    WorkbenchSession *session = m_window->session();
    ModulationEditor *editor = m_window->editor();
    editor->setAllFactors(0.7);
    editor->setFactor(1, 0.5);
    const std::vector<double> faders = editor->factors();
    m_window->calibrateDialog();
    CalibrationDialog *dialog = m_window->calibrationDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    // Its start point is the session's modulation, whatever the method.
    const CalibrationOptions options = dialog->options();
    QVERIFY(options.start.has_value());
    QCOMPARE(options.start->steps, session->modulation().steps);

    // A tiny gradient calibration per channel: 3 Adam steps on one window of 256 tokens.
    dialog->methodBox()->setCurrentIndex(
        dialog->methodBox()->findData(int(CalibrationOptions::Method::Adam)));
    dialog->granularityBox()->setCurrentIndex(
        dialog->granularityBox()->findData(int(FactorGranularity::Channel)));
    QCOMPARE(dialog->objectiveBox()->currentIndex(), 0);  // perplexity
    dialog->targetBox()->setValue(256);
    dialog->stepsBox()->setValue(3);
    dialog->learningRateBox()->setValue(0.05);
    dialog->windowsBox()->setValue(1);
    dialog->promptsBox()->setValue(2);
    QSignalSpy steps(session, &WorkbenchSession::calibrationStep);
    QSignalSpy finished(session, &WorkbenchSession::calibrationFinished);
    QSignalSpy report(dialog, &CalibrationDialog::reportReady);
    QVERIFY(dialog->startButton()->isEnabled());
    dialog->startButton()->click();
    QVERIFY(dialog->isRunning());
    QVERIFY(session->isCalibrating());
    QVERIFY(dialog->stopButton()->isEnabled());
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.last().at(1).toBool(), false);
    QVERIFY(!dialog->isRunning());
    // Every evaluation reported and plotted: the start and one per step.
    QVERIFY2(steps.count() >= 4, qPrintable(QString::number(steps.count())));
    QCOMPARE(dialog->objectiveSeries()->count(), steps.count());
    const auto first = steps.first().at(0).value<CalibrationStep>();
    QCOMPARE(first.iteration, 0);
    for (size_t l = 0; l < faders.size(); ++l)  // it started at the faders
        QVERIFY(std::fabs(first.factors[l] - faders[l]) < 1e-12);

    // Applied: the faders show each layer's mean of the per-channel factors under them, and
    // the modulation holds those factors.
    QVERIFY(editor->hasFinerFactors());
    const ModulationSet applied = session->modulation();
    QCOMPARE(int(applied.steps.size()), 1);
    const Modulation &step = applied.steps.back();
    QCOMPARE(step.family, ModulationFamily::Power);
    QCOMPARE(int(step.channelFactors.size()), int(faders.size()));
    bool moved = false;
    for (size_t l = 0; l < faders.size(); ++l) {
        const auto &row = step.channelFactors[l];
        QCOMPARE(int(row.size()), session->model()->config().dInner);
        double mean = 0.0;
        for (double v : row)
            mean += v;
        mean /= double(row.size());
        QVERIFY(std::fabs(editor->factor(int(l)) - mean) < 1e-9);
        moved |= std::fabs(mean - faders[l]) > 1e-6;
    }
    QVERIFY(moved);
    QVERIFY(!session->modulation().isIdentity());

    // The held-out report: texts the calibration did not see, before and after.
    QVERIFY(report.count() > 0 || report.wait(120000));
    QCOMPARE(report.last().at(0).toBool(), true);
    const HeldOutReport &heldOut = dialog->heldOut();
    QVERIFY(!heldOut.texts.isEmpty());
    QVERIFY(!heldOut.texts.contains(QStringLiteral("val_senseandsensibility.txt")));
    QCOMPARE(heldOut.length, 256);
    QCOMPARE(heldOut.prompts, 2);
    QVERIFY(heldOut.windows > 0);
    QVERIFY(heldOut.perplexityBefore > 1.0 && std::isfinite(heldOut.perplexityBefore));
    QVERIFY(heldOut.perplexityAfter > 1.0 && std::isfinite(heldOut.perplexityAfter));
    QVERIFY(!dialog->reportLabel()->text().isEmpty());

    // Stop: a long run per channel stopped after a few evaluations keeps its best point.
    dialog->stepsBox()->setValue(100000);
    dialog->granularityBox()->setCurrentIndex(
        dialog->granularityBox()->findData(int(FactorGranularity::Channel)));
    steps.clear();
    dialog->startButton()->click();
    QVERIFY(dialog->isRunning());
    QVERIFY(QTest::qWaitFor([&] { return steps.count() >= 3; }, 120000));
    dialog->stopButton()->click();
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.last().at(1).toBool(), true);
    QVERIFY(!dialog->isRunning());
    QVERIFY(!session->isCalibrating());
    const auto last = steps.last().at(0).value<CalibrationStep>();
    // The best point whole: its channel factors under the faders, its layer means on them.
    QVERIFY(last.bestModulation);
    QCOMPARE(session->modulation().steps.back().channelFactors,
             last.bestModulation->steps.back().channelFactors);
    for (size_t l = 0; l < last.bestFactors.size(); ++l)
        QVERIFY(std::fabs(editor->factor(int(l)) - last.bestFactors[l]) < 1e-9);
    QVERIFY(dialog->startButton()->isEnabled());
    QVERIFY(report.wait(120000));  // the stopped run is tested too
    dialog->close();
}

void CalibrationViewsTest::sensitivityMapIsTheCoreGradient()
{
    WorkbenchSession *session = m_window->session();
    // Not the model as loaded: the map is taken at the faders.
    m_window->editor()->setAllFactors(0.6);
    m_window->editor()->setFactor(2, 0.4);
    SensitivityPanel *panel = m_window->sensitivityPanel();
    panel->windowLengthBox()->setValue(256);
    panel->windowCountBox()->setValue(2);
    QSignalSpy computed(panel, &SensitivityPanel::computed);
    panel->compute();
    QVERIFY(panel->isComputing());
    QVERIFY(computed.wait(120000));
    QVERIFY(!panel->isStale());

    // The same inputs straight through core.
    const auto model = session->model();
    const auto tokenizer = session->tokenizer();
    const std::vector<int32_t> text = tokenizer->encodeFile(ResourceLocator::calibrationText());
    const auto windows =
        GradientObjective::perplexity(GradientObjective::documentWindows({text}, 256, 2), -1);
    EngineThreads::set(2);
    ModulationGradient gradient(model, 256);
    const GradientResult r = gradient.sensitivity(session->modulation(), windows, nullptr);

    const SensitivityMap &map = panel->map();
    const int layers = model->config().nLayer;
    const int channels = model->config().dInner;
    const int states = model->config().dState;
    QCOMPARE(map.layers, layers);
    QCOMPARE(map.channels, channels);
    QCOMPARE(map.objective, r.objective);
    const DivergingHeatmap *heatmap = panel->heatmap();
    QCOMPARE(heatmap->rows(), layers);
    QCOMPARE(heatmap->columns(), channels);
    double largest = 0.0;
    for (int l = 0; l < layers; ++l)
        for (int c = 0; c < channels; ++c) {
            double sum = 0.0;
            for (int n = 0; n < states; ++n)
                sum += r.sensitivity[size_t(l)].aLog[size_t(c * states + n)];
            largest = std::max(largest, std::fabs(sum));
            // Summed in the same order: the same number.
            QCOMPARE(heatmap->value(l, c), sum);
        }
    QVERIFY(largest > 0.0);
    // The step Δ view is the per-channel dJ/d log s_Δ as it comes.
    panel->quantityBox()->setCurrentIndex(1);
    for (int l = 0; l < layers; ++l)
        for (int c = 0; c < channels; c += 37)
            QCOMPARE(heatmap->value(l, c), r.sensitivity[size_t(l)].logDeltaScale[size_t(c)]);
    panel->quantityBox()->setCurrentIndex(0);

    // The sign: a layer's row sum is dJ/d log s for a linear factor s on that layer's α (all of
    // its channels faster together), so a central difference of J along it must agree, sign
    // included (negative = J falls when the layer decays faster).
    int layer = 0;
    double rowSum = 0.0;
    for (int l = 0; l < layers; ++l) {
        double s = 0.0;
        for (int c = 0; c < channels; ++c)
            s += heatmap->value(l, c);
        if (std::fabs(s) > std::fabs(rowSum)) {
            rowSum = s;
            layer = l;
        }
    }
    const double eps = 0.01;
    auto objectiveAt = [&](double logScale) {
        ModulationSet set = session->modulation();
        Modulation linear = Modulation::uniform(ModulationFamily::Linear, 1.0, layers);
        linear.layerFactors[size_t(layer)] = std::exp(logScale);
        set.steps.push_back(linear);
        return gradient.objective(set, windows, nullptr);
    };
    const double difference = (objectiveAt(eps) - objectiveAt(-eps)) / (2 * eps);
    qInfo("layer %d: row sum of the map %.6g, central difference %.6g", layer, rowSum, difference);
    QVERIFY(difference * rowSum > 0);
    QVERIFY(std::fabs(difference - rowSum) <= 0.05 * std::fabs(rowSum));

    // Colours follow the sign: blue below 0, red above, white at 0.
    const QRgb below = heatmap->colourOf(-heatmap->limit());
    const QRgb above = heatmap->colourOf(heatmap->limit());
    QVERIFY(qBlue(below) > qRed(below));
    QVERIFY(qRed(above) > qBlue(above));
    QCOMPARE(heatmap->colourOf(0.0), qRgb(255, 255, 255));
    // The readout names the layer, the channel and the value.
    m_window->resize(1280, 800);
    QTest::qWait(50);
    const QString readout = heatmap->readoutAt(QPoint(heatmap->width() / 2, heatmap->height() / 3));
    QVERIFY2(
        readout.contains(QStringLiteral("layer")) && readout.contains(QStringLiteral("channel")),
        qPrintable(readout));

    // Moving a fader marks the map as computed at another setting.
    m_window->editor()->setFactor(0, 0.9);
    QVERIFY(panel->isStale());
}

MAMBASCOPE_GUI_TEST_MAIN(CalibrationViewsTest)
#include "tst_calibration_views.moc"
