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
    // The claims are not vacuous: back to the model as loaded, step 5 no longer holds.
    window.editor()->reset();
    QVERIFY(!tour->check(4));
}

MAMBASCOPE_GUI_TEST_MAIN(TourTest)
#include "tst_tour.moc"
