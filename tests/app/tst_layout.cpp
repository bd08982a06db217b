// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench on a laptop and on a projector, in every language: at 1024×640, 1280×720 and
// 1920×1080 the window fits (minimum size), no dock overlaps another or is squeezed below its
// minimum, no chart title or axis title is cut, the heat map labels every layer, the panel
// buttons stay on screen, and the layout recovers after a shrink.
#include "AppSettings.h"
#include "InteractiveChart.h"
#include "LayerFactorControl.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "PerplexityChart.h"
#include "PerplexityPanel.h"
#include "ScalingPanel.h"
#include "SpectrumHeatmap.h"
#include "SpectrumPanel.h"
#include "UiLanguage.h"
#include "WorkbenchSession.h"
#include "widgets/GuiTestMain.h"

#include <QDockWidget>
#include <QScrollArea>
#include <QSignalSpy>
#include <QToolButton>
#include <memory>

using namespace mscope;

class LayoutTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void fitsEverySizeInEveryLanguage_data();
    void fitsEverySizeInEveryLanguage();
    void recoversAfterAShrink();
    void languageCodesResolveLoosely();

private:
    std::unique_ptr<MainWindow> openWindow(const QString &language);
    QStringList problemsAt(MainWindow &window, const QSize &size);
};

void LayoutTest::initTestCase()
{
    // Short curves: this test is about the layout, not the numbers.
    AppSettings::setMaxTokens(1024);
    AppSettings::setThreads(2);
    AppSettings::setStreamingProtocol(true);
}

std::unique_ptr<MainWindow> LayoutTest::openWindow(const QString &language)
{
    UiLanguage::install(language);
    auto window = std::make_unique<MainWindow>();
    window->resetLayout();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    QSignalSpy loaded(window->session(), &WorkbenchSession::modelLoaded);
    window->openDemo();
    if (!loaded.wait(120000))
        return nullptr;
    // The spectrum and the first curve points, so that titles and labels hold real text.
    if (!QTest::qWaitFor([&] { return !window->spectrumPanel()->heatmap()->original().isEmpty(); },
                         60000))
        return nullptr;
    return window;
}

QStringList LayoutTest::problemsAt(MainWindow &window, const QSize &size)
{
    QStringList problems;
    window.resize(size);
    QTest::qWait(80);
    QCoreApplication::processEvents();
    if (window.size() != size) {
        QString minima;
        for (QDockWidget *d : window.panels())
            minima += QStringLiteral(" %1 %2×%3")
                          .arg(d->objectName())
                          .arg(d->minimumSizeHint().width())
                          .arg(d->minimumSizeHint().height());
        problems << QStringLiteral("window is %1×%2, not %3×%4 (docks' minimum sizes:%5)")
                        .arg(window.width())
                        .arg(window.height())
                        .arg(size.width())
                        .arg(size.height())
                        .arg(minima);
    }
    QList<QDockWidget *> docks;
    // Docks on screen: a tab behind another counts as hidden.
    for (QDockWidget *d : window.panels())
        if (d->isVisible() && !d->isFloating() && !d->visibleRegion().isEmpty())
            docks << d;
    // A dock's panel below its minimum, and cut chart texts; `how` says where the dock was seen.
    const auto checkSqueezed = [&problems](QDockWidget *d, const QString &how) {
        const QSize min = d->widget()->minimumSizeHint();
        const QSize got = d->widget()->size();
        if (got.width() + 1 < min.width() || got.height() + 1 < min.height())
            problems << QStringLiteral("%1%2 squeezed to %3×%4 (needs %5×%6)")
                            .arg(d->objectName(), how)
                            .arg(got.width())
                            .arg(got.height())
                            .arg(min.width())
                            .arg(min.height());
    };
    // On screen: visible and, for the window's own pass, not behind another tab.
    const auto checkCharts = [&problems](const QList<InteractiveChart *> &charts,
                                         const QString &how, bool needVisibleRegion) {
        for (InteractiveChart *chart : charts)
            if (chart->isVisible() && (!needVisibleRegion || !chart->visibleRegion().isEmpty()))
                for (const QString &t : chart->overflowingTexts())
                    problems
                        << QStringLiteral("%1%2: \"%3\" is cut").arg(chart->objectName(), how, t);
    };
    for (int i = 0; i < docks.size(); ++i) {
        const QRect a = docks[i]->geometry();
        if (!window.rect().contains(a))
            problems << QStringLiteral("%1 leaves the window (%2,%3 %4×%5)")
                            .arg(docks[i]->objectName())
                            .arg(a.x())
                            .arg(a.y())
                            .arg(a.width())
                            .arg(a.height());
        checkSqueezed(docks[i], QString());
        for (int j = i + 1; j < docks.size(); ++j)
            if (a.intersects(docks[j]->geometry()))
                problems << QStringLiteral("%1 overlaps %2")
                                .arg(docks[i]->objectName(), docks[j]->objectName());
    }
    checkCharts(window.findChildren<InteractiveChart *>(), QString(), true);
    // A tab behind another is what the user sees once they click it: raise each in turn, check its
    // size and its charts, then bring back the tab that was in front.
    for (QDockWidget *d : window.panels()) {
        const QList<QDockWidget *> group = window.tabifiedDockWidgets(d);
        if (d->isFloating() || group.isEmpty() || docks.contains(d))
            continue;
        QDockWidget *front = nullptr;
        for (QDockWidget *other : group)
            if (docks.contains(other))
                front = other;
        d->raise();
        QTest::qWait(50);
        QCoreApplication::processEvents();
        checkSqueezed(d, QStringLiteral(" (its tab raised)"));
        checkCharts(d->findChildren<InteractiveChart *>(), QStringLiteral(" (its tab raised)"),
                    false);
        if (front)
            front->raise();
        QTest::qWait(20);
    }
    SpectrumHeatmap *heatmap = window.spectrumPanel()->heatmap();
    for (const QString &t : heatmap->overflowingTexts())
        problems << QStringLiteral("heat map: \"%1\" is cut").arg(t);
    if (heatmap->labelStep() != 1)
        problems
            << QStringLiteral("the heat map labels every %1th layer").arg(heatmap->labelStep());
    // The chart's buttons are on screen, not behind a "»".
    for (QToolButton *b : window.perplexityPanel()->findChildren<QToolButton *>()) {
        const QRect r(b->mapTo(window.perplexityPanel(), QPoint(0, 0)), b->size());
        if (!b->isVisible() || !window.perplexityPanel()->rect().contains(r))
            problems << QStringLiteral("button \"%1\" is not on screen").arg(b->text());
    }
    // Every fader can be reached: inside the strip's scroll area, at a usable height.
    for (int l = 0; l < 6; ++l) {
        LayerFactorControl *f = window.scalingPanel()->layerControl(l);
        if (!f || f->height() < f->minimumSizeHint().height())
            problems << QStringLiteral("fader L%1 is squeezed").arg(l);
    }
    return problems;
}

void LayoutTest::fitsEverySizeInEveryLanguage_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << QStringLiteral("en");
    QTest::newRow("fr") << QStringLiteral("fr");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
}

void LayoutTest::fitsEverySizeInEveryLanguage()
{
    QFETCH(QString, language);
    auto window = openWindow(language);
    QVERIFY(window);
    QCOMPARE(UiLanguage::current(), language);
    const QSize min = window->minimumSizeHint().expandedTo(window->minimumSize());
    QString minima;
    for (QDockWidget *d : window->panels())
        minima += QStringLiteral(" %1 %2×%3")
                      .arg(d->objectName())
                      .arg(d->minimumSizeHint().width())
                      .arg(d->minimumSizeHint().height());
    QVERIFY2(
        min.width() <= 1024 && min.height() <= 640,
        qPrintable(
            QStringLiteral("minimum %1×%2;%3").arg(min.width()).arg(min.height()).arg(minima)));
    // With a scaling in effect and a curve pinned (what the pictures of docs/ show) too.
    window->editor()->setAllFactors(0.45);
    QVERIFY(QTest::qWaitFor(
        [&] {
            return window->liveCurves()->currentComplete() &&
                   !window->perplexityPanel()->chart()->isUpdating();
        },
        120000));
    window->perplexityPanel()->chart()->pinCurrent(QStringLiteral("power 0.45"));
    QTest::qWait(50);
    const QSize scaledMin = window->minimumSizeHint().expandedTo(window->minimumSize());
    QString scaledMinima;
    for (QDockWidget *d : window->panels())
        scaledMinima += QStringLiteral(" %1 %2×%3")
                            .arg(d->objectName())
                            .arg(d->minimumSizeHint().width())
                            .arg(d->minimumSizeHint().height());
    QVERIFY2(scaledMin.width() <= 1024 && scaledMin.height() <= 640,
             qPrintable(QStringLiteral("scaled: minimum %1×%2;%3")
                            .arg(scaledMin.width())
                            .arg(scaledMin.height())
                            .arg(scaledMinima)));
    QStringList problems;
    for (const QSize size : {QSize(1024, 640), QSize(1280, 720), QSize(1920, 1080)})
        for (const QString &p : problemsAt(*window, size))
            problems << QStringLiteral("%1×%2: %3").arg(size.width()).arg(size.height()).arg(p);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("\n"))));
}

void LayoutTest::recoversAfterAShrink()
{
    auto window = openWindow(QStringLiteral("en"));
    QVERIFY(window);
    window->resize(1920, 1080);
    QTest::qWait(80);
    QHash<QString, QSize> fresh;
    for (QDockWidget *d : window->panels())
        fresh[d->objectName()] = d->size();
    // Down to a laptop, then back: every panel gets its share again (Qt alone would give all
    // the new room to one of them).
    window->resize(1024, 640);
    QTest::qWait(80);
    window->resize(1920, 1080);
    QTest::qWait(80);
    for (QDockWidget *d : window->panels()) {
        const QSize was = fresh[d->objectName()];
        QVERIFY2(d->width() >= 0.85 * was.width() && d->height() >= 0.85 * was.height(),
                 qPrintable(QStringLiteral("%1: %2×%3 after, %4×%5 before")
                                .arg(d->objectName())
                                .arg(d->width())
                                .arg(d->height())
                                .arg(was.width())
                                .arg(was.height())));
    }
    // The View menu lists every panel, with the ampersand of "Model & Texts" shown as text.
    QAction *model = window->findChild<QAction *>(QStringLiteral("actionShow-dockModel"));
    QVERIFY(model);
    QCOMPARE(model->text(), QStringLiteral("Model && Texts"));
}

void LayoutTest::languageCodesResolveLoosely()
{
    QCOMPARE(UiLanguage::resolve(QStringLiteral("zh")), QStringLiteral("zh_CN"));
    QCOMPARE(UiLanguage::resolve(QStringLiteral("zh-CN")), QStringLiteral("zh_CN"));
    QCOMPARE(UiLanguage::resolve(QStringLiteral("fr_CA")), QStringLiteral("fr"));
    QVERIFY(UiLanguage::isKnown(QStringLiteral("zh")));
    QVERIFY(!UiLanguage::isKnown(QStringLiteral("xx")));
    QVERIFY(!UiLanguage::isKnown(QStringLiteral("zh_TW")));
}

MAMBASCOPE_GUI_TEST_MAIN(LayoutTest)
#include "tst_layout.moc"
