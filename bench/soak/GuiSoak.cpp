// SPDX-License-Identifier: GPL-3.0-or-later
#include "GuiSoak.h"

#include "AppSettings.h"
#include "LayerFactorControl.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ScalingPanel.h"
#include "WorkbenchSession.h"
#include "calibration/CalibrationOptions.h"
#include "modulation/Modulation.h"
#include "support/BlasRuntime.h"
#include "support/SystemMemory.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSlider>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace mscope {

namespace {

// Every message Qt prints at warning level or above: the soak fails on the first.
int g_warnings = 0;
QtMessageHandler g_previousHandler = nullptr;

void countWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) {
        ++g_warnings;
        std::fprintf(stderr, "gui-soak: Qt warning: %s\n", qPrintable(message));
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

double mib(qint64 bytes)
{
    return double(bytes) / double(1 << 20);
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(' ', 0, 2)
                                       : QStringLiteral("?");
}

}  // namespace

int GuiSoak::run(const Options &options)
{
    g_previousHandler = qInstallMessageHandler(countWarnings);
    AppSettings::setThreads(options.threads);
    AppSettings::setMaxTokens(options.maxTokens);
    AppSettings::setStreamingProtocol(true);

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    WorkbenchSession *session = window.session();
    int failures = 0;
    const auto fail = [&](const QString &what) {
        ++failures;
        std::fprintf(stderr, "gui-soak: %s\n", qPrintable(what));
    };
    QObject::connect(session, &WorkbenchSession::modelFailed, [&](const QString &m) { fail(m); });
    QObject::connect(session, &WorkbenchSession::calibrationFailed,
                     [&](const QString &m) { fail(QStringLiteral("calibration failed: ") + m); });
    QObject::connect(session, &WorkbenchSession::textFailed,
                     [&](const QString &m) { fail(QStringLiteral("text failed: ") + m); });
    int passes = 0, calibrationSteps = 0, calibrationsStopped = 0;
    QObject::connect(window.liveCurves(), &LiveCurves::currentFinished, [&] { ++passes; });
    QObject::connect(session, &WorkbenchSession::calibrationStep, [&] { ++calibrationSteps; });
    QObject::connect(session, &WorkbenchSession::calibrationFinished,
                     [&](const ModulationSet &, bool stopped) { calibrationsStopped += stopped; });
    window.openDemo();

    QRandomGenerator rng(options.seed);
    QSlider *master = window.scalingPanel()->masterControl()->slider();
    struct Counts
    {
        int faders = 0, texts = 0, calibrations = 0;
    } counts;
    QElapsedTimer clock;
    clock.start();
    const qint64 endMs = qint64(options.minutes * 60e3);
    qint64 calibrationStopAt = -1;
    // A user also stops and looks: after some releases, nothing happens until the curve is done.
    qint64 pauseUntil = -1;
    int passesAtPause = 0;
    qint64 longestGapMs = 0, lastTick = 0;

    // A user's next move every 250 ms.
    QTimer actions;
    actions.setInterval(250);
    QObject::connect(&actions, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        longestGapMs = std::max(longestGapMs, now - lastTick);
        lastTick = now;
        if (!session->model())
            return;
        if (calibrationStopAt >= 0 && now >= calibrationStopAt) {
            session->stopCalibration();
            calibrationStopAt = -1;
        }
        if (pauseUntil >= 0) {
            if (now < pauseUntil && passes == passesAtPause)
                return;
            pauseUntil = -1;
        }
        const quint32 dice = rng.bounded(100);
        if (dice < 80) {
            // A fader drag: a few steps, released at a value between 0.3 and 1.
            master->setSliderDown(true);
            const int steps = 1 + int(rng.bounded(4));
            for (int i = 0; i < steps; ++i)
                master->setValue(
                    master->minimum() +
                    int(rng.bounded(quint32(master->maximum() - master->minimum() + 1))));
            master->setSliderDown(false);
            ++counts.faders;
            if (rng.bounded(4) == 0) {
                pauseUntil = now + 20000;
                passesAtPause = passes;
            }
        } else if (dice < 92) {
            // Another evaluation text (never one that is ticked for calibration).
            QStringList candidates;
            for (const QString &t : session->texts())
                if (t != session->evaluationText() && !session->calibrationTexts().contains(t))
                    candidates << t;
            if (!candidates.isEmpty()) {
                session->setEvaluationText(
                    candidates[int(rng.bounded(quint32(candidates.size())))]);
                ++counts.texts;
            }
        } else if (!session->isCalibrating() && calibrationStopAt < 0) {
            // A calibration, stopped after 1 to 6 seconds (or left to finish its small budget).
            CalibrationOptions o;
            o.family = ModulationFamily::Power;
            o.method = rng.bounded(2) ? CalibrationOptions::Method::Spsa
                                      : CalibrationOptions::Method::Coordinate;
            o.targetLength = 1024;
            o.budget = 12;
            o.iterations = 3;
            o.seed = rng.generate();
            window.startCalibration(o);
            calibrationStopAt = now + 1000 + qint64(rng.bounded(5000u));
            ++counts.calibrations;
        }
    });

    std::vector<double> samples;  // resident MiB
    std::vector<double> afterWarmup;
    QTimer sampler;
    sampler.setInterval(int(options.sampleSeconds * 1000));
    QObject::connect(&sampler, &QTimer::timeout, [&] {
        const double seconds = clock.elapsed() / 1000.0;
        const double rss = mib(SystemMemory::residentBytes());
        samples.push_back(rss);
        if (seconds >= options.warmupSeconds)
            afterWarmup.push_back(rss);
        std::printf(
            "%7.1f s  RSS %7.1f MiB  passes %d  faders %d  texts %d  calibrations %d  "
            "load %s\n",
            seconds, rss, passes, counts.faders, counts.texts, counts.calibrations,
            qPrintable(loadAverage()));
        std::fflush(stdout);
        if (clock.elapsed() >= endMs)
            QApplication::quit();
    });

    std::printf("gui-soak: %.1f minutes, %d threads, %lld tokens, seed %u, OpenBLAS %s, %s\n",
                options.minutes, options.threads, static_cast<long long>(options.maxTokens),
                options.seed, qPrintable(BlasRuntime::coreName()),
                qPrintable(QApplication::platformName()));
    actions.start();
    sampler.start();
    QApplication::exec();
    actions.stop();
    sampler.stop();
    session->stopCalibration();
    window.close();

    // Caches and calibrations make the memory swing by tens of MiB from one sample to the next:
    // growth is the median of the last minute against the median of the first minute after the
    // warm-up.
    const size_t minute = std::max<size_t>(1, size_t(60.0 / options.sampleSeconds));
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[v.size() / 2];
    };
    const size_t count = std::min(minute, afterWarmup.size() / 2);
    const double first =
        median(std::vector<double>(afterWarmup.begin(), afterWarmup.begin() + long(count)));
    const double last =
        median(std::vector<double>(afterWarmup.end() - long(count), afterWarmup.end()));
    const double growth = last - first;
    const double peak = samples.empty() ? 0.0 : *std::max_element(samples.begin(), samples.end());
    std::printf(
        "gui-soak: %zu samples; RSS (median of a minute) after warm-up %.1f MiB, at the "
        "end %.1f MiB (%+.1f), peak %.1f MiB; %d curve passes, %d fader moves, %d text "
        "switches, %d calibrations (%d stopped, %d steps); longest event-loop gap %lld "
        "ms; %d Qt warnings\n",
        samples.size(), first, last, growth, peak, passes, counts.faders, counts.texts,
        counts.calibrations, calibrationsStopped, calibrationSteps,
        static_cast<long long>(longestGapMs), g_warnings);
    if (count == 0)
        fail(QStringLiteral("the run ended before two samples after the warm-up"));
    if (growth > options.growthBoundMib)
        fail(QStringLiteral("resident memory grew %1 MiB after the warm-up (bound %2 MiB)")
                 .arg(growth, 0, 'f', 1)
                 .arg(options.growthBoundMib));
    if (g_warnings > 0)
        fail(QStringLiteral("%1 Qt warning(s)").arg(g_warnings));
    if (passes == 0)
        fail(QStringLiteral("no curve was ever computed"));
    if (longestGapMs > 30000)
        fail(QStringLiteral("the event loop did not run for %1 s").arg(longestGapMs / 1000.0));
    qInstallMessageHandler(g_previousHandler);
    return failures == 0 ? 0 : 1;
}

}  // namespace mscope
