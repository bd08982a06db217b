// SPDX-License-Identifier: GPL-3.0-or-later
#include "WindowLatency.h"

#include "AppSettings.h"
#include "BenchmarkHelpers.h"
#include "LayerFactorControl.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "PerplexityChart.h"
#include "PerplexityPanel.h"
#include "RetrievalPanel.h"
#include "ScalingPanel.h"
#include "WorkbenchSession.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSlider>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace mscope {

int WindowLatency::run(const Options &options)
{
    AppSettings::setThreads(options.threads);
    AppSettings::setMaxTokens(options.maxTokens);
    AppSettings::setChunkTokens(512);
    AppSettings::setStreamingProtocol(true);
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    int passes = 0;
    QObject::connect(window.liveCurves(), &LiveCurves::currentFinished, [&] { ++passes; });
    window.openDemo();
    PerplexityChart *chart = window.perplexityPanel()->chart();
    auto settled = [&] {
        return passes > 0 && window.liveCurves()->currentComplete() &&
               window.liveCurves()->baselineComplete() && !chart->isUpdating() &&
               window.session()->jobs().isEmpty();
    };
    if (!bench::waitFor(settled, 600000, 20)) {
        std::fprintf(stderr, "gui-latency: the first curves never finished\n");
        return 1;
    }
    std::printf("window: demo model, %lld tokens, %d threads, OpenBLAS %s, load %s, %s\n",
                static_cast<long long>(options.maxTokens), options.threads,
                qPrintable(BlasRuntime::coreName()), qPrintable(bench::loadAverage()),
                qPrintable(QApplication::platformName()));
    QSlider *master = window.scalingPanel()->masterControl()->slider();
    // Two times per release: the perplexity chart showing the whole new curve (what the user
    // waits for), and every panel settled (any other job the change started, listed as they were
    // when the curve was done, and the retrieval grid when its panel is shown).
    std::vector<double> curveSeconds, seconds;
    // The retrieval grid under the faders follows the curve (it waits for it): when its panel is
    // on screen, "settled" includes it.
    int retrievals = 0;
    QObject::connect(window.retrievalPanel(), &RetrievalPanel::finished, [&] { ++retrievals; });
    for (int i = 0; i < options.repeats; ++i) {
        // A release of the master fader at a new value, as a hand does it.
        const int target = i % 2 == 0 ? 44 : 54;  // power 0.45 and 0.55
        const int before = passes;
        QElapsedTimer t;
        master->setSliderDown(true);
        t.start();
        master->setValue(target);
        master->setSliderDown(false);
        double curveAt = -1.0;
        const int retrievalsBefore = retrievals;
        const bool retrievalShown = window.retrievalPanel()->isVisible();
        QStringList busy;
        auto curveDone = [&] {
            return passes > before && window.liveCurves()->currentComplete() &&
                   window.liveCurves()->baselineComplete() && !chart->isUpdating();
        };
        if (!bench::waitFor(
                [&] {
                    if (curveAt < 0.0 && curveDone()) {
                        curveAt = t.elapsed() / 1000.0;
                        for (const auto &job : window.session()->jobs())
                            busy << job.label;
                    }
                    return curveAt >= 0.0 && settled() &&
                           (!retrievalShown || retrievals > retrievalsBefore);
                },
                600000, 20)) {
            std::fprintf(stderr, "gui-latency: a curve never finished\n");
            return 1;
        }
        seconds.push_back(t.elapsed() / 1000.0);
        curveSeconds.push_back(curveAt);
        std::printf(
            "  release at power %.2f: whole curve on screen after %.2f s, every panel "
            "settled after %.2f s%s\n",
            target / 100.0 + 0.01, curveAt, seconds.back(),
            busy.isEmpty() ? ""
                           : qPrintable(QStringLiteral(" (still running at the curve: %1)")
                                            .arg(busy.join(QStringLiteral(", ")))));
    }
    std::sort(seconds.begin(), seconds.end());
    std::sort(curveSeconds.begin(), curveSeconds.end());
    std::printf(
        "window: whole %lld-token curve after a master-fader release, median %.2f s "
        "(min %.2f, max %.2f, %d runs); every panel settled, median %.2f s (min %.2f, max "
        "%.2f); load %s\n",
        static_cast<long long>(options.maxTokens), curveSeconds[curveSeconds.size() / 2],
        curveSeconds.front(), curveSeconds.back(), int(curveSeconds.size()),
        seconds[seconds.size() / 2], seconds.front(), seconds.back(),
        qPrintable(bench::loadAverage()));
    return 0;
}

}  // namespace mscope
