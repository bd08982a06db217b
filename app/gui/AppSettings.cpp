// SPDX-License-Identifier: GPL-3.0-or-later
#include "AppSettings.h"

#include <QSettings>
#include <algorithm>

namespace mscope {

int AppSettings::threads()
{
    return QSettings().value(QStringLiteral("engine/threads"), 0).toInt();
}

void AppSettings::setThreads(int n)
{
    QSettings().setValue(QStringLiteral("engine/threads"), std::max(0, n));
}

int AppSettings::chunkTokens()
{
    return std::clamp(QSettings().value(QStringLiteral("engine/chunkTokens"), 512).toInt(), 16,
                      8192);
}

void AppSettings::setChunkTokens(int n)
{
    QSettings().setValue(QStringLiteral("engine/chunkTokens"), n);
}

int64_t AppSettings::maxTokens()
{
    return std::clamp<int64_t>(
        QSettings().value(QStringLiteral("evaluation/maxTokens"), 16384).toLongLong(), 64,
        int64_t(1) << 24);
}

void AppSettings::setMaxTokens(int64_t n)
{
    QSettings().setValue(QStringLiteral("evaluation/maxTokens"), qint64(n));
}

int AppSettings::cacheMiB()
{
    return std::clamp(QSettings().value(QStringLiteral("evaluation/cacheMiB"), 512).toInt(), 0,
                      1 << 20);
}

void AppSettings::setCacheMiB(int mib)
{
    QSettings().setValue(QStringLiteral("evaluation/cacheMiB"), mib);
}

int AppSettings::fixedWindow()
{
    return std::clamp(QSettings().value(QStringLiteral("evaluation/fixedWindow"), 2048).toInt(), 16,
                      1 << 22);
}

void AppSettings::setFixedWindow(int tokens)
{
    QSettings().setValue(QStringLiteral("evaluation/fixedWindow"), tokens);
}

bool AppSettings::fixedWindowBos()
{
    return QSettings().value(QStringLiteral("evaluation/fixedWindowBos"), false).toBool();
}

void AppSettings::setFixedWindowBos(bool on)
{
    QSettings().setValue(QStringLiteral("evaluation/fixedWindowBos"), on);
}

bool AppSettings::streamingProtocol()
{
    return QSettings().value(QStringLiteral("evaluation/streaming"), true).toBool();
}

void AppSettings::setStreamingProtocol(bool on)
{
    QSettings().setValue(QStringLiteral("evaluation/streaming"), on);
}

void AppSettings::addRecent(const QString &key, const QString &value, int keep)
{
    QSettings s;
    QStringList list = s.value(key).toStringList();
    list.removeAll(value);
    list.prepend(value);
    while (list.size() > keep)
        list.removeLast();
    s.setValue(key, list);
}

QStringList AppSettings::recentModels()
{
    return QSettings().value(QStringLiteral("recent/models")).toStringList();
}

void AppSettings::addRecentModel(const QString &dir)
{
    addRecent(QStringLiteral("recent/models"), dir, 10);
}

void AppSettings::removeRecentModel(const QString &dir)
{
    QSettings s;
    QStringList list = s.value(QStringLiteral("recent/models")).toStringList();
    list.removeAll(dir);
    s.setValue(QStringLiteral("recent/models"), list);
}

QStringList AppSettings::recentPresets()
{
    return QSettings().value(QStringLiteral("recent/presets")).toStringList();
}

void AppSettings::addRecentPreset(const QString &path)
{
    addRecent(QStringLiteral("recent/presets"), path, 10);
}

QStringList AppSettings::extraTexts()
{
    return QSettings().value(QStringLiteral("texts/extra")).toStringList();
}

void AppSettings::setExtraTexts(const QStringList &paths)
{
    QSettings().setValue(QStringLiteral("texts/extra"), paths);
}

QString AppSettings::lastDirectory()
{
    return QSettings().value(QStringLiteral("recent/directory")).toString();
}

void AppSettings::setLastDirectory(const QString &dir)
{
    QSettings().setValue(QStringLiteral("recent/directory"), dir);
}

int AppSettings::trainingLength(const QString &fingerprint)
{
    return QSettings().value(QStringLiteral("trainingLength/") + fingerprint, 0).toInt();
}

void AppSettings::setTrainingLength(const QString &fingerprint, int tokens)
{
    QSettings().setValue(QStringLiteral("trainingLength/") + fingerprint, tokens);
}

QString AppSettings::language()
{
    return QSettings().value(QStringLiteral("ui/language")).toString();
}

void AppSettings::setLanguage(const QString &code)
{
    QSettings().setValue(QStringLiteral("ui/language"), code);
}

QByteArray AppSettings::windowGeometry()
{
    return QSettings().value(QStringLiteral("window/geometry")).toByteArray();
}

QByteArray AppSettings::windowState()
{
    return QSettings().value(QStringLiteral("window/state")).toByteArray();
}

void AppSettings::setWindowLayout(const QByteArray &geometry, const QByteArray &state)
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), geometry);
    s.setValue(QStringLiteral("window/state"), state);
}

}  // namespace mscope
