// SPDX-License-Identifier: GPL-3.0-or-later
#include "UiLanguage.h"

#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QTranslator>

namespace mscope {

namespace {

const QString kResourceDir = QStringLiteral(":/i18n");
const QString kPrefix = QStringLiteral("mambascope_");

QString g_current = QStringLiteral("en");
QPointer<QTranslator> g_app;
QPointer<QTranslator> g_qt;

void removeTranslator(QPointer<QTranslator> &t)
{
    if (t) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
}

}  // namespace

QString UiLanguage::qmFile(const QString &code)
{
    const QString path = kResourceDir + QLatin1Char('/') + kPrefix + code + QStringLiteral(".qm");
    return QFileInfo::exists(path) ? path : QString();
}

QStringList UiLanguage::available()
{
    QStringList codes{QStringLiteral("en")};
    const QStringList files =
        QDir(kResourceDir).entryList({kPrefix + QStringLiteral("*.qm")}, QDir::Files, QDir::Name);
    for (const QString &f : files) {
        const QString code = f.mid(kPrefix.size()).chopped(3);
        if (!codes.contains(code))
            codes << code;
    }
    return codes;
}

QString UiLanguage::nativeName(const QString &code)
{
    // Written out rather than QLocale::nativeLanguageName(), which says "中文" for zh_CN and
    // "American English" for en.
    if (code == QLatin1String("en"))
        return QStringLiteral("English");
    if (code == QLatin1String("zh_CN"))
        return QStringLiteral("简体中文");
    if (code == QLatin1String("fr"))
        return QStringLiteral("Français");
    const QString name = QLocale(code).nativeLanguageName();
    return name.isEmpty() ? code : name.left(1).toUpper() + name.mid(1);
}

namespace {

// The available code of the same language (and, for Chinese, script) as `name`, or "".
QString matchLanguage(const QString &name, const QStringList &codes)
{
    QString spelled = name;
    spelled.replace(QLatin1Char('-'), QLatin1Char('_'));
    const QLocale locale(spelled);
    if (spelled.isEmpty() || locale.language() == QLocale::C)
        return {};
    for (const QString &code : codes) {
        const QLocale candidate(code);
        if (candidate.language() != locale.language())
            continue;
        // Chinese: only the Simplified script matches zh_CN (a zh_TW user reads English
        // sooner than the other script).
        if (locale.language() == QLocale::Chinese && locale.script() != candidate.script())
            continue;
        return code;
    }
    return {};
}

}  // namespace

bool UiLanguage::isKnown(const QString &setting)
{
    const QStringList codes = available();
    return setting.isEmpty() || setting == QLatin1String("system") || codes.contains(setting) ||
           !matchLanguage(setting, codes).isEmpty();
}

QString UiLanguage::resolve(const QString &setting)
{
    const QStringList codes = available();
    if (codes.contains(setting))
        return setting;
    if (const QString loose = matchLanguage(setting, codes); !loose.isEmpty())
        return loose;
    // uiLanguages() is the user's preference list (LANGUAGE, then LC_ALL / LC_MESSAGES / LANG),
    // in BCP 47 spelling: "zh-CN", "zh-Hans-CN", "fr-CA", "fr", ...
    for (QString ui : QLocale::system().uiLanguages()) {
        ui.replace(QLatin1Char('-'), QLatin1Char('_'));
        const QLocale locale(ui);
        if (locale.language() == QLocale::C)
            continue;
        for (const QString &code : codes) {
            const QLocale candidate(code);
            if (candidate.language() != locale.language())
                continue;
            // Chinese: only the Simplified script matches zh_CN (a zh_TW user reads English
            // sooner than the other script).
            if (locale.language() == QLocale::Chinese && locale.script() != candidate.script())
                continue;
            return code;
        }
    }
    return QStringLiteral("en");
}

QString UiLanguage::install(const QString &setting)
{
    removeTranslator(g_app);
    removeTranslator(g_qt);
    const QString code = resolve(setting);
    g_current = code;
    // English needs its own file only for plural forms ("1 layer", "6 layers").
    auto *app = new QTranslator(QCoreApplication::instance());
    if (!qmFile(code).isEmpty() && app->load(qmFile(code))) {
        QCoreApplication::installTranslator(app);
        g_app = app;
    } else {
        delete app;
    }
    if (code != QLatin1String("en")) {
        auto *qt = new QTranslator(QCoreApplication::instance());
        if (qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(qt);
            g_qt = qt;
        } else {
            delete qt;
        }
    }
    return code;
}

QString UiLanguage::current()
{
    return g_current;
}

QString UiLanguage::translate(const QString &code, const char *context, const char *source)
{
    QTranslator translator;
    if (!qmFile(code).isEmpty() && translator.load(qmFile(code))) {
        const QString text = translator.translate(context, source);
        if (!text.isEmpty())
            return text;
    }
    return QString::fromUtf8(source);
}

}  // namespace mscope
