// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/GuardedFile.h"

#include "support/Error.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonParseError>

#include <unistd.h>
#include <algorithm>
#include <cerrno>

namespace mscope {

namespace {

// Opens a file for reading after checking it is not a pipe, socket or device (a directory is
// left to open(), which names it).
void openRegular(QFile &file, const QString &path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile() && !info.isDir())
        throw Error(path, QStringLiteral("not a regular file (a device, pipe or socket)"));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, QStringLiteral("cannot read (%1)").arg(file.errorString()));
}

}  // namespace

QByteArray GuardedFile::read(const QString &path, qint64 maxBytes, const QString &what)
{
    QFile file(path);
    openRegular(file, path);
    if (file.size() > maxBytes)
        throw Error(path, QStringLiteral("too large for %1 (%2 bytes)").arg(what).arg(file.size()));
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        throw Error(path, QStringLiteral("cannot read (%1)").arg(file.errorString()));
    return bytes;
}

QJsonDocument GuardedFile::parseJson(const QByteArray &bytes, const QString &path)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        throw Error(path, QStringLiteral("not valid JSON (%1 at offset %2)")
                              .arg(error.errorString())
                              .arg(error.offset));
    }
    return doc;
}

QJsonDocument GuardedFile::readJson(const QString &path, qint64 maxBytes, const QString &what)
{
    return parseJson(read(path, maxBytes, what), path);
}

QJsonObject GuardedFile::readJsonObject(const QString &path, qint64 maxBytes, const QString &what)
{
    const QJsonDocument doc = readJson(path, maxBytes, what);
    if (!doc.isObject())
        throw Error(path, QStringLiteral("not a JSON object"));
    return doc.object();
}

void GuardedFile::readAt(int descriptor, const QString &path, qint64 offset, qint64 bytes,
                         void *out)
{
    auto *at = static_cast<char *>(out);
    while (bytes > 0) {
        const ssize_t got =
            ::pread(descriptor, at, size_t(std::min<qint64>(bytes, 1 << 30)), off_t(offset));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw Error(path, QStringLiteral("cannot read (%1)").arg(qt_error_string(errno)));
        if (got == 0)
            throw Error(path, QStringLiteral("the file ends at byte %1, before the data it "
                                             "declared (was it cut short while open?)")
                                  .arg(offset));
        at += got;
        offset += got;
        bytes -= got;
    }
}

QString GuardedFile::sha256(const QString &path)
{
    QFile file(path);
    openRegular(file, path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file) || file.error() != QFileDevice::NoError)
        throw Error(path, QStringLiteral("cannot read (%1)").arg(file.errorString()));
    return QString::fromLatin1(hash.result().toHex());
}

}  // namespace mscope
