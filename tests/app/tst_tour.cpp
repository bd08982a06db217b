// SPDX-License-Identifier: GPL-3.0-or-later
// Help ▸ Guided Tour must stay true: on the demo model, each of the five walkthrough steps'
// claims is checked on the live window after doing what the step says (the same claims the
// README's walkthrough makes).
#include "AppSettings.h"
#include "GuidedTour.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "SpectrumHeatmap.h"
#include "SpectrumPanel.h"
#include "WorkbenchSession.h"
#include "widgets/GuiTestMain.h"

#include <QSignalSpy>
#include <cmath>

using namespace mscope;

class TourTest : public QObject
{
    Q_OBJECT

private slots:
    void everyStepHoldsOnTheLiveWindow();
};

void TourTest::everyStepHoldsOnTheLiveWindow()
{
    // The walkthrough's setting: 16,384 tokens streamed, as the workbench starts.
    AppSettings::setMaxTokens(16384);
    AppSettings::setThreads(2);
    AppSettings::setStreamingProtocol(true);
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy loaded(window.session(), &WorkbenchSession::modelLoaded);
    window.openDemo();
    QVERIFY(loaded.wait(120000));
    GuidedTour *tour = window.showTour();
    QVERIFY(tour->isVisible());
    QString why;
    auto holds = [&](int step, int timeoutMs) {
        const bool ok = QTest::qWaitFor([&] { return tour->check(step, &why); }, timeoutMs);
        qInfo("step %d: %s", step + 1, qPrintable(why));  // what the window showed
        return ok;
    };

    // 1. The baseline climbs past the training length.
    tour->setStep(0);
    QVERIFY2(holds(0, 240000), qPrintable(why));
    // 2. Modes beyond the training length, and a state that grows past it (τ needs Δ̄).
    tour->setStep(1);
    QVERIFY2(holds(1, 240000), qPrintable(why));
    // 3. Power 0.45 everywhere: far below the baseline at 16k and level over the last octaves.
    tour->setStep(2);
    QVERIFY2(!tour->check(2), "step 3 cannot hold before All is moved");
    tour->act(2);
    QCOMPARE(window.editor()->describe(), QStringLiteral("power 0.45"));
    QVERIFY2(holds(2, 240000), qPrintable(why));
    // 4. Calibrate is ready, on a text that is not the evaluation text.
    tour->setStep(3);
    QVERIFY2(holds(3, 10000), qPrintable(why));
    // 5. The scaling can be baked.
    tour->setStep(4);
    QVERIFY2(holds(4, 10000), qPrintable(why));
    // The comparisons agree with the live curves they extend: the sweep's power 0.45 and 1.0 are
    // the blue and grey curves at the target length, and the evaluation text is one of the
    // texts compared, with the same numbers.
    const PositionBuckets live = window.liveCurves()->current();
    const PositionBuckets base = window.liveCurves()->baseline();
    const int64_t target = std::min<int64_t>(window.session()->targetLength(), live.length());
    QSignalSpy swept(window.session(), &WorkbenchSession::factorSweepReady);
    window.session()->startFactorSweep({0.45, 1.0});
    QVERIFY(swept.wait(240000));
    const auto atTarget = swept.first().at(2).value<QVector<double>>();
    QCOMPARE(atTarget.size(), 2);
    const int64_t edge = int64_t(std::exp2(std::ceil(std::log2(target / 2.0))));
    QVERIFY2(std::fabs(atTarget[0] / live.perplexityOver(edge, target) - 1) < 1e-5,
             qPrintable(QString::number(atTarget[0])));
    QVERIFY(std::fabs(atTarget[1] / base.perplexityOver(edge, target) - 1) < 1e-5);
    QSignalSpy compared(window.session(), &WorkbenchSession::textComparisonReady);
    window.session()->startTextComparison();
    QVERIFY(compared.wait(600000));
    const QStringList texts = compared.first().at(0).toStringList();
    QVERIFY2(texts.size() >= 4, qPrintable(texts.join(QLatin1Char(','))));
    QVERIFY(!texts.contains(QStringLiteral("val_senseandsensibility.txt")));
    const auto current = compared.first().at(2).value<QList<PositionBuckets>>();
    const int evaluation = int(texts.indexOf(QStringLiteral("test_prideandprejudice.txt")));
    QVERIFY(evaluation >= 0);
    QVERIFY(std::fabs(current[evaluation].lastOctavePerplexity() / live.lastOctavePerplexity() -
                      1) < 1e-5);
    // The claims are not vacuous: back to the model as loaded, step 5 no longer holds.
    window.editor()->reset();
    QVERIFY(!tour->check(4));
}

MAMBASCOPE_GUI_TEST_MAIN(TourTest)
#include "tst_tour.moc"
