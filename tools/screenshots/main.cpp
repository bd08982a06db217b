// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-screenshots: renders the pictures of docs/ (docs/screenshots.sh).
#include "ScreenshotTour.h"
#include "support/BlasRuntime.h"
#include "UiLanguage.h"

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
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("Output folder."));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("Interface language (default: en)."),
                                      QStringLiteral("CODE"), QStringLiteral("en"));
    parser.addOption(language);
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    UiLanguage::install(parser.value(language));
    return ScreenshotTour::run(parser.positionalArguments().first());
}
