// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace mscope {

/// The user interface language: which translations are built into the program (Qt resources
/// under :/i18n), which one a start uses, and installing it together with Qt's own.
class UiLanguage
{
    Q_DECLARE_TR_FUNCTIONS(mscope::UiLanguage)

public:
    /// Codes of the languages the interface can be shown in: "en" (the source language) first,
    /// then every translation built in ("zh_CN", "fr", ...).
    static QStringList available();
    /// The language's name in itself ("English", "简体中文", "Français"), for the Language menu.
    static QString nativeName(const QString &code);
    /// The language a start with `setting` shows: the setting when it names an available language,
    /// else the first of the system's preferred languages that is available, else "en".
    /// A setting may also name a language loosely ("zh", "zh-CN", "fr_FR"): the available
    /// translation of that language (and script) is used.
    static QString resolve(const QString &setting);
    /// Whether `setting` names an available language, exactly or loosely ("" = system: yes).
    static bool isKnown(const QString &setting);
    /// Installs the translators for resolve(setting) on the application (replacing any installed
    /// before): the workbench's own and, when the system has it, Qt's qtbase translation for the
    /// dialogs and buttons Qt draws. Returns the language now in effect.
    static QString install(const QString &setting);
    /// The language install() put in effect ("en" before any call).
    static QString current();
    /// `source` of `context` in `code`'s language, without installing anything (for a notice
    /// written in the language just chosen).
    static QString translate(const QString &code, const char *context, const char *source);
    /// The built-in translation file for `code` (empty when there is none).
    static QString qmFile(const QString &code);
};

}  // namespace mscope
