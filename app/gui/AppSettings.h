// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <cstdint>

namespace mscope {

/// The workbench's persistent settings (QSettings), with their defaults in one place.
class AppSettings
{
public:
    /// Engine threads; 0 = every core.
    static int threads();
    static void setThreads(int n);
    /// Tokens per chunk of the forward pass.
    static int chunkTokens();
    static void setChunkTokens(int n);
    /// Tokens of the evaluation text the live curves use.
    static int64_t maxTokens();
    static void setMaxTokens(int64_t n);
    /// Memory the live curve may use to cache layer inputs, in MiB.
    static int cacheMiB();
    static void setCacheMiB(int mib);
    /// Fixed-window protocol: window length, and whether windows start with BOS.
    static int fixedWindow();
    static void setFixedWindow(int tokens);
    static bool fixedWindowBos();
    static void setFixedWindowBos(bool on);
    static bool streamingProtocol();
    static void setStreamingProtocol(bool on);

    static QStringList recentModels();
    static void addRecentModel(const QString &dir);
    static void removeRecentModel(const QString &dir);
    static QStringList recentPresets();
    static void addRecentPreset(const QString &path);
    /// Texts the user added (the bundled ones are always listed).
    static QStringList extraTexts();
    static void setExtraTexts(const QStringList &paths);
    static QString lastDirectory();
    static void setLastDirectory(const QString &dir);

    /// The training length the user set for a model (by fingerprint), or 0.
    static int trainingLength(const QString &fingerprint);
    static void setTrainingLength(const QString &fingerprint, int tokens);

    /// The interface language chosen in View ▸ Language ("en", "zh_CN", "fr"), or "" for the
    /// system's; read once at start (UiLanguage::install).
    static QString language();
    static void setLanguage(const QString &code);

    static QByteArray windowGeometry();
    static QByteArray windowState();
    static void setWindowLayout(const QByteArray &geometry, const QByteArray &state);

private:
    static void addRecent(const QString &key, const QString &value, int keep);
};

}  // namespace mscope
