// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace mscope {

/// Reading a file the user gave, with the checks every reader needs, once: a regular file (a pipe
/// would block the read, a device never end it), no larger than the kind of file can be (a huge
/// file would exhaust memory), then parsed. Every failure is an Error naming the file:
/// "not a regular file (a device, pipe or socket)", "too large for a config.json (N bytes)",
/// "cannot read (reason)", "not valid JSON (reason at offset N)", "not a JSON object".
class GuardedFile
{
public:
    /// The whole file. `what` names the kind of file in messages: "a config.json".
    static QByteArray read(const QString &path, qint64 maxBytes, const QString &what);
    /// Parses `bytes` read from `path` as JSON.
    static QJsonDocument parseJson(const QByteArray &bytes, const QString &path);
    /// read() and parseJson().
    static QJsonDocument readJson(const QString &path, qint64 maxBytes, const QString &what);
    /// readJson() of a document that must be an object.
    static QJsonObject readJsonObject(const QString &path, qint64 maxBytes, const QString &what);
    /// The SHA-256 of a regular file (hex), read in pieces.
    static QString sha256(const QString &path);
    /// `bytes` bytes at `offset` of the open file `descriptor` (pread: no file position, and no
    /// page faults as through a mapping), into `out`. Error naming `path` when the file ends
    /// before (it was cut short after it was opened) or cannot be read.
    static void readAt(int descriptor, const QString &path, qint64 offset, qint64 bytes, void *out);
};

}  // namespace mscope
