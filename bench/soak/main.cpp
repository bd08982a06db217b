// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-gui-soak: the workbench driven for minutes, its memory and Qt's warnings watched
// (bench/soak/README.md).
#include "GuiSoak.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

using namespace mscope;

int main(int argc, char **argv)
{
    BlasRuntime::ensureTunedKernels(argv);
    QApplication app(argc, argv);
    // The soak must not touch the user's settings.
    QApplication::setOrganizationName(QStringLiteral("MambaScope-soak"));
    QApplication::setApplicationName(QStringLiteral("MambaScope"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Drives the workbench with fader moves, text switches and calibrations started and "
        "stopped, sampling resident memory; fails on growth past a bound or any Qt warning."));
    parser.addHelpOption();
    const QCommandLineOption minutes(QStringLiteral("minutes"),
                                     QStringLiteral("How long (default 10)."), QStringLiteral("M"),
                                     QStringLiteral("10"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Engine threads (default 2)."),
                                     QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption bound(QStringLiteral("bound"),
                                   QStringLiteral("Allowed growth of resident memory after the "
                                                  "warm-up, MiB (default 64)."),
                                   QStringLiteral("MIB"), QStringLiteral("64"));
    const QCommandLineOption warmup(QStringLiteral("warmup"),
                                    QStringLiteral("Seconds before the memory baseline is taken "
                                                   "(default 60)."),
                                    QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption seed(QStringLiteral("seed"),
                                  QStringLiteral("Seed of the random script (default 1)."),
                                  QStringLiteral("S"), QStringLiteral("1"));
    parser.addOptions({minutes, threads, bound, warmup, seed});
    parser.process(app);
    GuiSoak::Options o;
    bool ok[5] = {};
    o.minutes = parser.value(minutes).toDouble(&ok[0]);
    o.threads = parser.value(threads).toInt(&ok[1]);
    o.growthBoundMib = parser.value(bound).toDouble(&ok[2]);
    o.warmupSeconds = parser.value(warmup).toDouble(&ok[3]);
    o.seed = parser.value(seed).toUInt(&ok[4]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || !ok[4] || !(o.minutes > 0) || o.threads < 1 ||
        o.threads > 1024 || !(o.growthBoundMib > 0) || !(o.warmupSeconds >= 0) ||
        o.warmupSeconds >= o.minutes * 60) {
        std::fprintf(stderr,
                     "mambascope-gui-soak: --minutes, --bound > 0, --threads 1..1024, "
                     "--warmup shorter than the run, --seed a whole number\n");
        return 2;
    }
    return GuiSoak::run(o);
}
