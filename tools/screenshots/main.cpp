// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-screenshots: renders the pictures of docs/ (docs/screenshots.sh).
#include "ScreenshotTour.h"
#include "UiLanguage.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QCommandLineParser>

using namespace mscope;

int main(int argc, char **argv)
{
    BlasRuntime::ensureTunedKernels(argv);
    QApplication app(argc, argv);
    // Screenshots must not touch the user's settings.
    QApplication::setOrganizationName(QStringLiteral("MambaScope-screenshots"));
    QApplication::setApplicationName(QStringLiteral("MambaScope"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Saves screenshots of the workbench's views into DIR, then exits."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR"),
                                 QStringLiteral("Output folder for the documentation pictures."));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("Interface language (default: en)."),
                                      QStringLiteral("CODE"), QStringLiteral("en"));
    parser.addOption(language);
    const QCommandLineOption windows(
        QStringLiteral("windows"),
        QStringLiteral("Also save the whole window at each size (WxH,WxH,...) into FOLDER."),
        QStringLiteral("FOLDER"));
    const QCommandLineOption sizes(QStringLiteral("sizes"),
                                   QStringLiteral("Window sizes (default: "
                                                  "1024x640,1280x720,1920x1080)."),
                                   QStringLiteral("WxH,..."),
                                   QStringLiteral("1024x640,1280x720,1920x1080"));
    const QCommandLineOption windowsOnly(QStringLiteral("windows-only"),
                                         QStringLiteral("Only the window pictures (no DIR)."));
    parser.addOption(windows);
    parser.addOption(sizes);
    parser.addOption(windowsOnly);
    parser.process(app);
    if (parser.positionalArguments().size() != (parser.isSet(windowsOnly) ? 0 : 1))
        parser.showHelp(2);
    ScreenshotTour::Options options;
    options.language = UiLanguage::install(parser.value(language));
    options.outDir = parser.positionalArguments().value(0);
    options.windowDir = parser.value(windows);
    for (const QString &s : parser.value(sizes).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList wh = s.split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            options.sizes << QSize(wh[0].toInt(), wh[1].toInt());
    }
    return ScreenshotTour::run(options);
}
