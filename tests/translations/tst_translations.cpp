// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped translations (translations/*.ts) hold exactly the strings the GUI's sources mark for
// translation today, each one finished, with the source's placeholders, accelerator, HTML tags and
// plural forms; and the translations built into the program translate the window when installed.
// lupdate runs on the sources at test time, so a tr() string added without updating the
// translations fails here.
#include "AppSettings.h"
#include "CalibrationDialog.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "UiLanguage.h"
#include "WorkbenchSession.h"
#include "widgets/GuiTestMain.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QKeySequence>
#include <QMenuBar>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>

using namespace mscope;

namespace {

struct Message
{
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString type;              // "", "unfinished", "vanished", "obsolete"
    QStringList translations;  // one, or one per plural form
};

struct TsFile
{
    QString language;
    QList<Message> messages;
};

TsFile readTs(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ts;
    QXmlStreamReader xml(&file);
    QString context;
    Message m;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("TS")) {
                ts.language = xml.attributes().value(QLatin1String("language")).toString();
            } else if (name == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                m = Message{};
                m.context = context;
                m.numerus =
                    xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            } else if (name == QLatin1String("source")) {
                m.source = xml.readElementText();
            } else if (name == QLatin1String("comment")) {
                m.comment = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                m.type = xml.attributes().value(QLatin1String("type")).toString();
                if (!m.numerus)
                    m.translations << xml.readElementText();
            } else if (name == QLatin1String("numerusform")) {
                m.translations << xml.readElementText();
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            ts.messages << m;
        }
    }
    if (xml.hasError())
        qWarning("%s: %s", qPrintable(path), qPrintable(xml.errorString()));
    return ts;
}

QString key(const Message &m)
{
    return m.context + QLatin1String(" | ") + m.source +
           (m.comment.isEmpty() ? QString() : QLatin1String(" | ") + m.comment);
}

QString shipped(const QString &language)
{
    return QStringLiteral(MAMBASCOPE_TRANSLATIONS_DIR "/mambascope_%1.ts").arg(language);
}

// %1 … %99 and %n, sorted, with repeats.
QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d{1,2}|n)"));
    QStringList found;
    for (const auto &match : re.globalMatch(text))
        found << match.captured(0);
    found.sort();
    return found;
}

QStringList htmlTags(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("<\\s*(/?)\\s*([A-Za-z][A-Za-z0-9]*)"));
    QStringList found;
    for (const auto &match : re.globalMatch(text))
        found << match.captured(1) + match.captured(2).toLower();
    found.sort();
    return found;
}

// Keyboard accelerators: "&X" (not "&&", not "& " as in "Model & Texts").
int accelerators(QString text)
{
    text.remove(QLatin1String("&&"));
    static const QRegularExpression re(QStringLiteral("&[^\\s&]"));
    int n = 0;
    for (auto it = re.globalMatch(text); it.hasNext(); it.next())
        ++n;
    return n;
}

}  // namespace

class TranslationsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void everySourceStringIsInTheTranslations_data();
    void everySourceStringIsInTheTranslations();
    void everyTranslationIsFinishedAndFaithful_data();
    void everyTranslationIsFinishedAndFaithful();
    void translationsAreBuiltIn();
    void chineseTranslatesTheWindow();
    void frenchAndEnglishPluralForms();
    void languageMenuStoresTheChoice();

private:
    QList<Message> m_fromSources;  // what lupdate finds in the sources now
};

void TranslationsTest::initTestCase()
{
    // lupdate over the GUI's sources (the list CMake made from the targets) into a new .ts.
    QFile list(QStringLiteral(MAMBASCOPE_TRANSLATABLE_SOURCES));
    QVERIFY2(list.open(QIODevice::ReadOnly), MAMBASCOPE_TRANSLATABLE_SOURCES);
    const QStringList sources =
        QString::fromUtf8(list.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(sources.size() > 10);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fresh = dir.filePath(QStringLiteral("fresh_fr.ts"));
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(MAMBASCOPE_LUPDATE),
                  {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"),
                   QStringLiteral("none"), QStringLiteral("-source-language"), QStringLiteral("en"),
                   QLatin1Char('@') + list.fileName(), QStringLiteral("-ts"), fresh});
    QVERIFY2(lupdate.waitForFinished(120000), MAMBASCOPE_LUPDATE);
    const QString output = QString::fromLocal8Bit(lupdate.readAll());
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
             qPrintable(output));
    m_fromSources = readTs(fresh).messages;
    QVERIFY2(m_fromSources.size() > 100, qPrintable(output));
}

void TranslationsTest::cleanup()
{
    UiLanguage::install(QStringLiteral("en"));
}

void TranslationsTest::everySourceStringIsInTheTranslations_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<bool>("pluralsOnly");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN") << false;
    QTest::newRow("fr") << QStringLiteral("fr") << false;
    // English is the source language: its file holds the plural forms only.
    QTest::newRow("en") << QStringLiteral("en") << true;
}

void TranslationsTest::everySourceStringIsInTheTranslations()
{
    QFETCH(QString, language);
    QFETCH(bool, pluralsOnly);
    const TsFile ts = readTs(shipped(language));
    QVERIFY2(!ts.messages.isEmpty(), qPrintable(shipped(language)));
    QSet<QString> expected, present;
    for (const Message &m : m_fromSources)
        if (!pluralsOnly || m.numerus)
            expected.insert(key(m));
    for (const Message &m : ts.messages)
        present.insert(key(m));
    QStringList missing, stale;
    for (const QString &k : expected)
        if (!present.contains(k))
            missing << k;
    for (const QString &k : present)
        if (!expected.contains(k))
            stale << k;
    missing.sort();
    stale.sort();
    const QString hint = QStringLiteral(
        "\nRun `cmake --build build --target update_translations` "
        "and translate the new strings in %1 (Qt Linguist, or "
        "by hand).");
    const QString advice = hint.arg(shipped(language));
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("%1 source string(s) missing from %2:\n  %3")
                            .arg(missing.size())
                            .arg(shipped(language), missing.join(QStringLiteral("\n  "))) +
                        advice));
    QVERIFY2(stale.isEmpty(),
             qPrintable(QStringLiteral("%1 string(s) in %2 no longer in the sources:\n  %3")
                            .arg(stale.size())
                            .arg(shipped(language), stale.join(QStringLiteral("\n  "))) +
                        advice));
}

void TranslationsTest::everyTranslationIsFinishedAndFaithful_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<int>("pluralForms");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN") << 1;
    QTest::newRow("fr") << QStringLiteral("fr") << 2;
    QTest::newRow("en") << QStringLiteral("en") << 2;
}

void TranslationsTest::everyTranslationIsFinishedAndFaithful()
{
    QFETCH(QString, language);
    QFETCH(int, pluralForms);
    const TsFile ts = readTs(shipped(language));
    QVERIFY(!ts.messages.isEmpty());
    QVERIFY2(ts.language.startsWith(language.left(2)), qPrintable(ts.language));
    static const QRegularExpression shortcut(QStringLiteral("^(Ctrl|Alt|Shift|Meta)\\+"));
    QStringList problems;
    for (const Message &m : ts.messages) {
        const QString where = key(m) + QLatin1String(": ");
        if (!m.type.isEmpty()) {
            problems << where + m.type;
            continue;
        }
        if (m.numerus && m.translations.size() != pluralForms) {
            problems << where + QStringLiteral("%1 plural forms, %2 expected")
                                    .arg(m.translations.size())
                                    .arg(pluralForms);
            continue;
        }
        for (const QString &t : m.translations) {
            if (t.trimmed().isEmpty()) {
                problems << where + QStringLiteral("empty translation");
                continue;
            }
            if (placeholders(t) != placeholders(m.source))
                problems << where + QStringLiteral("placeholders %1 in \"%2\"")
                                        .arg(placeholders(t).join(QLatin1Char(' ')), t);
            if (htmlTags(t) != htmlTags(m.source))
                problems << where + QStringLiteral("HTML tags differ in \"%1\"").arg(t);
            if (accelerators(t) != accelerators(m.source))
                problems << where + QStringLiteral("%1 keyboard accelerator(s) in \"%2\"")
                                        .arg(accelerators(t))
                                        .arg(t);
            if (shortcut.match(m.source).hasMatch() && QKeySequence(t).isEmpty())
                problems << where + QStringLiteral("not a key sequence: \"%1\"").arg(t);
        }
    }
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("%1 problem(s) in %2:\n  %3")
                            .arg(problems.size())
                            .arg(shipped(language), problems.join(QStringLiteral("\n  ")))));
    qInfo("%s: %lld messages, all finished", qPrintable(language),
          static_cast<long long>(ts.messages.size()));
}

void TranslationsTest::translationsAreBuiltIn()
{
    const QStringList codes = UiLanguage::available();
    QCOMPARE(codes.value(0), QStringLiteral("en"));
    for (const char *code : {"en", "zh_CN", "fr"}) {
        QVERIFY2(!UiLanguage::qmFile(QString::fromLatin1(code)).isEmpty(), code);
        QCOMPARE(UiLanguage::resolve(QString::fromLatin1(code)), QString::fromLatin1(code));
    }
    QVERIFY(codes.contains(QStringLiteral("zh_CN")));
    QVERIFY(codes.contains(QStringLiteral("fr")));
    // Names in their own language, for the menu.
    QCOMPARE(UiLanguage::nativeName(QStringLiteral("zh_CN")), QStringLiteral("简体中文"));
    QCOMPARE(UiLanguage::nativeName(QStringLiteral("fr")), QStringLiteral("Français"));
    // An unknown setting falls back to a language there is (the system's, else English).
    QVERIFY(codes.contains(UiLanguage::resolve(QStringLiteral("xx"))));
}

void TranslationsTest::chineseTranslatesTheWindow()
{
    QCOMPARE(UiLanguage::install(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QCOMPARE(UiLanguage::current(), QStringLiteral("zh_CN"));
    SettingsDialog settings;
    QCOMPARE(settings.windowTitle(), QStringLiteral("设置"));
    WorkbenchSession session;
    CalibrationDialog calibration(&session, 0.0);
    QCOMPARE(calibration.windowTitle(), QStringLiteral("校准缩放"));

    MainWindow window;
    QStringList menus;
    for (QAction *a : window.menuBar()->actions())
        menus << a->text();
    QCOMPARE(menus.value(0), QStringLiteral("文件(&F)"));
    QVERIFY2(menus.contains(QStringLiteral("视图(&V)")), qPrintable(menus.join(QLatin1Char(','))));
    QStringList docks;
    for (QDockWidget *d : window.findChildren<QDockWidget *>())
        docks << d->windowTitle();
    QVERIFY2(docks.contains(QStringLiteral("谱")), qPrintable(docks.join(QLatin1Char(','))));
    QVERIFY(docks.contains(QStringLiteral("困惑度与上下文长度")));
    QCOMPARE(window.action(QStringLiteral("actionOpenModel"))->text(),
             QStringLiteral("打开模型(&O)…"));

    // Back to English: the source texts again.
    UiLanguage::install(QStringLiteral("en"));
    SettingsDialog english;
    QCOMPARE(english.windowTitle(), QStringLiteral("Settings"));
}

void TranslationsTest::frenchAndEnglishPluralForms()
{
    auto layers = [](int n) {
        return QCoreApplication::translate("mscope::ModelPanel", "Mamba-1, %n layer(s)", nullptr,
                                           n);
    };
    UiLanguage::install(QStringLiteral("en"));
    QCOMPARE(layers(1), QStringLiteral("Mamba-1, 1 layer"));
    QCOMPARE(layers(6), QStringLiteral("Mamba-1, 6 layers"));
    UiLanguage::install(QStringLiteral("fr"));
    QCOMPARE(layers(1), QStringLiteral("Mamba-1, 1 couche"));
    QCOMPARE(layers(6), QStringLiteral("Mamba-1, 6 couches"));
    QCOMPARE(SettingsDialog().windowTitle(), QStringLiteral("Réglages"));
    UiLanguage::install(QStringLiteral("zh_CN"));
    QCOMPARE(layers(6), QStringLiteral("Mamba-1，6 层"));
}

void TranslationsTest::languageMenuStoresTheChoice()
{
    const QString before = AppSettings::language();
    MainWindow window;
    QStringList names;
    for (const char *code : {"system", "en", "zh_CN", "fr"}) {
        QAction *a = window.action(QStringLiteral("actionLanguage-%1").arg(QLatin1String(code)));
        QVERIFY2(a, code);
        QVERIFY(a->isCheckable());
        names << a->text();
    }
    QVERIFY(names.contains(QStringLiteral("简体中文")));
    QVERIFY(names.contains(QStringLiteral("Français")));
    window.action(QStringLiteral("actionLanguage-fr"))->trigger();
    QCOMPARE(AppSettings::language(), QStringLiteral("fr"));
    QVERIFY(window.action(QStringLiteral("actionLanguage-fr"))->isChecked());
    window.action(QStringLiteral("actionLanguage-system"))->trigger();
    QCOMPARE(AppSettings::language(), QString());
    AppSettings::setLanguage(before);
}

MAMBASCOPE_GUI_TEST_MAIN(TranslationsTest)
#include "tst_translations.moc"
