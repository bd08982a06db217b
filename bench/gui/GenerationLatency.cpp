// SPDX-License-Identifier: GPL-3.0-or-later
#include "GenerationLatency.h"

#include "AppSettings.h"
#include "BenchmarkHelpers.h"
#include "GenerationPanel.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "WorkbenchSession.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace mscope {

int GenerationLatency::run(const Options &options)
{
    AppSettings::setThreads(options.threads);
    AppSettings::setMaxTokens(16384);
    AppSettings::setChunkTokens(512);
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    int passes = 0;
    QObject::connect(window.liveCurves(), &LiveCurves::currentFinished, [&] { ++passes; });
    window.openDemo();
    auto idle = [&] { return passes > 0 && window.session()->jobs().isEmpty(); };
    // The curves first, and the evaluation text counted (the prompt is its first tokens).
    const QString text = window.session()->evaluationText();
    const auto curvesAndTextReady = [&] {
        return idle() && window.session()->tokenCount(text) > 0;
    };
    if (!bench::waitFor(curvesAndTextReady, 600000, 20)) {
        std::fprintf(stderr, "gui-latency: the first curves never finished\n");
        return 1;
    }
    window.editor()->setAllFactors(0.45);
    bench::waitFor([&] { return passes > 1 && idle(); }, 600000, 20);
    GenerationPanel *panel = window.generationPanel();
    for (QDockWidget *d : window.panels())
        if (d->widget() == panel)
            d->raise();
    panel->setPromptFromText(text, options.promptTokens);
    panel->setGreedy(true);
    panel->setMaxNewTokens(options.newTokens);
    std::printf(
        "generation: demo model, first %d tokens of %s, %d new tokens, %d threads, "
        "OpenBLAS %s, load %s, %s\n",
        options.promptTokens, qPrintable(QFileInfo(text).fileName()), options.newTokens,
        options.threads, qPrintable(BlasRuntime::coreName()), qPrintable(bench::loadAverage()),
        qPrintable(QApplication::platformName()));
    std::vector<double> shown[2], prefill[2], clickToFirst;
    for (int i = 0; i < options.repeats; ++i) {
        bool finished = false;
        double firstAt = -1.0;
        QElapsedTimer clock;
        const auto f =
            QObject::connect(panel, &GenerationPanel::finished, [&] { finished = true; });
        const auto s = QObject::connect(panel, &GenerationPanel::firstTokenShown,
                                        [&](GenerationPanel::Side side, double) {
                                            if (side == GenerationPanel::Side::Baseline)
                                                firstAt = clock.nsecsElapsed() / 1e6;
                                        });
        clock.start();
        panel->generate();
        if (!bench::waitFor([&] { return finished; }, 600000, 20)) {
            std::fprintf(stderr, "gui-latency: a generation never finished\n");
            return 1;
        }
        QObject::disconnect(f);
        QObject::disconnect(s);
        for (int side = 0; side < 2; ++side) {
            const auto which =
                side == 0 ? GenerationPanel::Side::Baseline : GenerationPanel::Side::Current;
            shown[side].push_back(panel->firstTokenLatencyMs(which));
            prefill[side].push_back(panel->prefillSeconds(which) * 1e3);
        }
        clickToFirst.push_back(firstAt);
        std::printf(
            "  run %d: prefill %.1f / %.1f ms, first token shown %.2f / %.2f ms after it "
            "(as loaded / power 0.45); Generate to first token %.1f ms\n",
            i + 1, prefill[0].back(), prefill[1].back(), shown[0].back(), shown[1].back(),
            clickToFirst.back());
    }
    std::printf(
        "generation: first token on screen after the prefill, median %.2f ms as loaded, "
        "%.2f ms under power 0.45 (max %.2f; target <= 300 ms); prefill of %d tokens "
        "median %.1f ms; Generate to first token median %.1f ms; %d runs, load %s\n",
        bench::median(shown[0]), bench::median(shown[1]),
        std::max(*std::max_element(shown[0].begin(), shown[0].end()),
                 *std::max_element(shown[1].begin(), shown[1].end())),
        options.promptTokens, bench::median(prefill[0]), bench::median(clickToFirst),
        options.repeats, qPrintable(bench::loadAverage()));
    return 0;
}

}  // namespace mscope
