// SPDX-License-Identifier: GPL-3.0-or-later
#include "LatencyBenchmark.h"

#include "AppSettings.h"
#include "BenchmarkHelpers.h"
#include "LiveCurves.h"
#include "WorkbenchSession.h"
#include "io/ResourceLocator.h"
#include "io/SaveFile.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/BlasRuntime.h"
#include "support/Error.h"
#include "support/ProcessClock.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cstdio>

namespace mscope {

namespace {

struct Sample
{
    double firstPointsMs = 0;
    double completeMs = 0;
    double cpuMs = 0;  // process CPU time over the pass: what it costs with no one else around
    int firstLayer = 0;
};

}  // namespace

int LatencyBenchmark::run(const Options &options)
{
    AppSettings::setThreads(options.threads);
    AppSettings::setMaxTokens(options.maxTokens);
    AppSettings::setChunkTokens(512);
    AppSettings::setStreamingProtocol(true);
    WorkbenchSession session;
    LiveCurves curves(session.liveEvaluation());
    if (!options.textPath.isEmpty()) {
        session.addText(options.textPath);
        session.setEvaluationText(QFileInfo(options.textPath).absoluteFilePath());
    }
    bool loaded = false, failed = false;
    QObject::connect(&session, &WorkbenchSession::modelLoaded, [&] { loaded = true; });
    QObject::connect(&session, &WorkbenchSession::modelFailed, [&](const QString &m) {
        std::fprintf(stderr, "mambascope-gui-latency: %s\n", qPrintable(m));
        failed = true;
    });
    QObject::connect(&curves, &LiveCurves::updated, [] {});
    session.openModel(options.modelDir.isEmpty() ? ResourceLocator::demoModelDir()
                                                 : options.modelDir);
    if (!bench::waitFor([&] { return loaded || failed; }, 120000, 100) || failed)
        return 1;
    const auto model = session.model();
    const int layers = model->config().nLayer;

    // The first passes (baseline, then the identity) warm everything up.
    bool finished = false;
    int lastFirstLayer = 0;
    QObject::connect(&curves, &LiveCurves::currentFinished, [&](int first, qint64, double) {
        finished = true;
        lastFirstLayer = first;
    });
    if (!bench::waitFor([&] { return finished; }, 600000, 100)) {
        std::fprintf(stderr, "mambascope-gui-latency: the baseline never finished\n");
        return 1;
    }

    auto measure = [&](const ModulationSet &set) {
        Sample s;
        bool sawPoints = false;
        finished = false;
        QElapsedTimer timer;
        const auto c = QObject::connect(&curves, &LiveCurves::updated, [&] {
            if (!sawPoints && !curves.currentComplete() && !curves.current().isEmpty()) {
                sawPoints = true;
                s.firstPointsMs = timer.nsecsElapsed() * 1e-6;
            }
        });
        const double cpu0 = ProcessClock::cpuSeconds();
        timer.start();
        // As a fader does: through the editor, which tells the curves the first layer changed.
        session.editor()->setFactors(set.steps.front().layerFactors, QStringLiteral("latency"));
        session.applyModulation();
        bench::waitFor([&] { return finished; }, 600000, 100);
        s.completeMs = timer.nsecsElapsed() * 1e-6;
        s.cpuMs = 1e3 * (ProcessClock::cpuSeconds() - cpu0);
        if (!sawPoints)
            s.firstPointsMs = s.completeMs;
        s.firstLayer = lastFirstLayer;
        QObject::disconnect(c);
        return s;
    };

    struct Scenario
    {
        QString name;
        int layer;  // -1: every layer
    };
    const std::vector<Scenario> scenarios{{QStringLiteral("every layer"), -1},
                                          {QStringLiteral("middle layer"), layers / 2},
                                          {QStringLiteral("last layer"), layers - 1}};
    // Other processes slow the wall-clock times down; the load says how busy the machine was.
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    const QByteArray load =
        loadavg.open(QIODevice::ReadOnly) ? loadavg.readAll().split(' ').value(0) : "?";
    std::printf(
        "MambaScope GUI latency: %s, %lld tokens, %d threads, OpenBLAS %s, load average %s\n",
        qPrintable(session.modelName()), static_cast<long long>(curves.length() + 1),
        options.threads, qPrintable(BlasRuntime::coreName()), load.constData());
    std::printf("%-14s %8s %14s %14s %14s\n", "changed", "restart", "first points", "whole curve",
                "CPU time");
    QJsonArray rows;
    for (const Scenario &sc : scenarios) {
        std::vector<double> first, complete, cpu;
        int restart = 0;
        for (int r = 0; r < options.repeats; ++r) {
            // Alternate between two values so every measurement is a real change, always starting
            // from a state where the other layers hold the common setting.
            ModulationSet set;
            Modulation m = Modulation::uniform(ModulationFamily::Power, 0.6, layers);
            const double value = r % 2 == 0 ? 0.45 : 0.55;
            if (sc.layer < 0)
                std::fill(m.layerFactors.begin(), m.layerFactors.end(), value);
            else
                m.layerFactors[size_t(sc.layer)] = value;
            set.steps.push_back(m);
            const Sample s = measure(set);
            first.push_back(s.firstPointsMs);
            complete.push_back(s.completeMs);
            cpu.push_back(s.cpuMs);
            restart = s.firstLayer;
        }
        std::printf("%-14s %8d %11.0f ms %11.0f ms %11.0f ms\n", qPrintable(sc.name), restart,
                    bench::median(first), bench::median(complete), bench::median(cpu));
        rows.append(QJsonObject{
            {QStringLiteral("changed"), sc.name},
            {QStringLiteral("restart_layer"), restart},
            {QStringLiteral("first_points_ms_median"), bench::median(first)},
            {QStringLiteral("whole_curve_ms_median"), bench::median(complete)},
            {QStringLiteral("first_points_ms"),
             QJsonArray::fromVariantList(QVariantList(first.begin(), first.end()))},
            {QStringLiteral("whole_curve_ms"),
             QJsonArray::fromVariantList(QVariantList(complete.begin(), complete.end()))}});
        // Back to the common setting before the next scenario.
        ModulationSet base;
        base.steps.push_back(Modulation::uniform(ModulationFamily::Power, 0.6, layers));
        measure(base);
    }
    if (!options.jsonPath.isEmpty()) {
        // Any target: a file replaced atomically, or stdout, a pipe or a FIFO written in place.
        try {
            writeToTarget(
                options.jsonPath,
                QJsonDocument(QJsonObject{{QStringLiteral("model"), session.modelName()},
                                          {QStringLiteral("tokens"), double(curves.length() + 1)},
                                          {QStringLiteral("threads"), options.threads},
                                          {QStringLiteral("blas"), BlasRuntime::coreName()},
                                          {QStringLiteral("scenarios"), rows}})
                    .toJson());
        } catch (const Error &e) {
            std::fprintf(stderr, "mambascope-gui-latency: %s\n", e.what());
            return 1;
        }
    }
    return 0;
}

}  // namespace mscope
