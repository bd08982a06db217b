// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope: the workbench window. Opens the model given on the command line, else the demo.
#include "AppSettings.h"
#include "MainWindow.h"
#include "UiLanguage.h"
#include "io/ResourceLocator.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <cstdio>

using namespace mscope;

int main(int argc, char **argv)
{
    BlasRuntime::ensureTunedKernels(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MambaScope"));
    QApplication::setOrganizationName(QStringLiteral("MambaScope"));
    QApplication::setApplicationVersion(QStringLiteral(MAMBASCOPE_VERSION));
    // The installed .desktop file and icon (packaging/), or the icon in the source tree.
    QApplication::setDesktopFileName(QStringLiteral("org.mambascope.MambaScope"));
    QIcon icon = QIcon::fromTheme(QStringLiteral("org.mambascope.MambaScope"));
    if (icon.isNull() && !ResourceLocator::resourcesDir().isEmpty())
        icon = QIcon(ResourceLocator::resourcesDir() + QStringLiteral("/icons/mambascope.svg"));
    QApplication::setWindowIcon(icon);

    // The language is installed before any text is made, so that --help is translated too;
    // --language (for one run) wins over View ▸ Language, which wins over the system's.
    QString language = AppSettings::language();
    const QStringList arguments = QApplication::arguments();
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == QLatin1String("--language") && i + 1 < arguments.size())
            language = arguments[i + 1];
        else if (arguments[i].startsWith(QLatin1String("--language=")))
            language = arguments[i].mid(11);
    }
    UiLanguage::install(language);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main",
        "Workbench for the length generalization of Mamba models: spectra, scaling, "
        "perplexity against context length."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("model"),
        QApplication::translate("main", "Model folder (default: the demo)."));
    const QCommandLineOption languageOption(
        QStringLiteral("language"),
        QApplication::translate("main",
                                "Interface language for this run: %1 (default: View ▸ Language, "
                                "else the system's).")
            .arg(UiLanguage::available().join(QStringLiteral(", "))),
        QStringLiteral("CODE"));
    parser.addOption(languageOption);
    parser.process(app);
    // A language that is not there says so instead of silently showing English.
    if (parser.isSet(languageOption) && !UiLanguage::isKnown(parser.value(languageOption)))
        std::fprintf(stderr, "%s\n",
                     qPrintable(QApplication::translate("main",
                                                        "mambascope: no interface language \"%1\"; "
                                                        "available: %2. Using %3.")
                                    .arg(parser.value(languageOption),
                                         UiLanguage::available().join(QStringLiteral(", ")),
                                         UiLanguage::current())));

    MainWindow window;
    window.show();
    const QString model = parser.positionalArguments().value(0);
    if (model.isEmpty())
        window.openDemo();
    else
        window.openModel(QDir(model).absolutePath());
    return app.exec();
}
