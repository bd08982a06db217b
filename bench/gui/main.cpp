// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-gui-latency: slider-to-curve latency of the workbench, headless (bench/gui_latency.sh).
#include "LatencyBenchmark.h"
#include "WindowLatency.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <algorithm>

using namespace mscope;

int main(int argc, char **argv)
{
    BlasRuntime::ensureTunedKernels(argv);
    QApplication app(argc, argv);
    // Measurements must not touch the user's settings.
    QApplication::setOrganizationName(QStringLiteral("MambaScope-latency"));
    QApplication::setApplicationName(QStringLiteral("MambaScope"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Measures the workbench's slider-to-curve latency headless, then exits."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("model"),
                                 QStringLiteral("Model folder (default: the demo)."));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Engine threads (default 2)."),
                                     QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption repeats(QStringLiteral("repeats"),
                                     QStringLiteral("Measurements per case (default 5)."),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption tokens(QStringLiteral("tokens"),
                                    QStringLiteral("Tokens of the text (default 16384)."),
                                    QStringLiteral("N"), QStringLiteral("16384"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the results as JSON."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption window(
        QStringLiteral("window"),
        QStringLiteral("Through the whole window: time from a master-fader release until the "
                       "chart shows the complete new curve."));
    parser.addOptions({threads, repeats, tokens, json, window});
    parser.process(app);
    if (parser.isSet(window)) {
        WindowLatency::Options w;
        w.threads = parser.value(threads).toInt();
        w.repeats = std::max(1, parser.value(repeats).toInt());
        w.maxTokens = std::max(64LL, parser.value(tokens).toLongLong());
        return WindowLatency::run(w);
    }
    LatencyBenchmark::Options o;
    o.modelDir = parser.positionalArguments().value(0);
    o.threads = parser.value(threads).toInt();
    o.repeats = std::max(1, parser.value(repeats).toInt());
    o.maxTokens = std::max(64LL, parser.value(tokens).toLongLong());
    o.jsonPath = parser.value(json);
    return LatencyBenchmark::run(o);
}
