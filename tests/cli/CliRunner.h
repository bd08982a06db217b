// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtGlobal>

/// One run of mambascope-cli (the MAMBASCOPE_CLI the tests are built with).
struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    /// The last line of stderr: where a failing command says what went wrong.
    QString errorLine() const
    {
        const QList<QByteArray> lines = err.trimmed().split('\n');
        return QString::fromUtf8(lines.isEmpty() ? QByteArray() : lines.last());
    }
};

inline CliRun runCli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(MAMBASCOPE_CLI), args);
    if (!p.waitForFinished(300000))
        qFatal("mambascope-cli did not finish");
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return path;
}
