// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-gui-latency: slider-to-curve latency of the workbench, headless
// (bench/gui_latency.sh).
#include "GenerationLatency.h"
#include "LatencyBenchmark.h"
#include "WindowLatency.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <algorithm>
#include <cstdio>
#include <tuple>

using namespace mscope;

int main(int argc, char **argv)
{
    BlasRuntime::ensureTunedKernels(argv);
    QApplication app(argc, argv);
    // Measurements must not touch the user's settings.
    QApplication::setOrganizationName(QStringLiteral("MambaScope-latency"));
    QApplication::setApplicationName(QStringLiteral("MambaScope"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures the workbench's slider-to-curve latency headless, then exits."));
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
    const QCommandLineOption generation(
        QStringLiteral("generation"),
        QStringLiteral("Through the Generation panel: time from the prompt's prefill to the first "
                       "token on screen (--tokens: the prompt's length, default 2048 here)."));
    parser.addOptions({threads, repeats, tokens, json, window, generation});
    parser.process(app);
    // Whole numbers in range or nothing: "-5" and "abc" used to run as -5 and 0 threads.
    for (const auto &[option, min, max] :
         {std::tuple{&threads, 1, 1024}, std::tuple{&repeats, 1, 1000},
          std::tuple{&tokens, 64, 1 << 30}}) {
        bool ok = false;
        const int v = parser.value(*option).toInt(&ok);
        if (!ok || v < min || v > max) {
            std::fprintf(stderr,
                         "mambascope-gui-latency: --%s must be an integer between %d and %d "
                         "(got '%s')\n",
                         qPrintable(option->names().first()), min, max,
                         qPrintable(parser.value(*option)));
            return 2;
        }
    }
    if (parser.isSet(generation)) {
        GenerationLatency::Options g;
        g.threads = parser.value(threads).toInt();
        g.repeats = parser.value(repeats).toInt();
        if (parser.isSet(tokens))
            g.promptTokens = parser.value(tokens).toInt();
        return GenerationLatency::run(g);
    }
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
