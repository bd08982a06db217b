// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/TextFile.h"

#include "io/GuardedFile.h"
#include "support/Error.h"

#include <QCryptographicHash>
#include <QFileInfo>

namespace mscope {

namespace {

constexpr qint64 kMaxTextBytes = qint64(1) << 30;

}  // namespace

QByteArray TextFile::readUtf8(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(path, QStringLiteral("no such file"));
    if (info.isDir())
        throw Error(path, QStringLiteral("is a directory, not a text file"));
    // Tokenizing takes several times the text's size in memory.
    QByteArray bytes = GuardedFile::read(path, kMaxTextBytes, QStringLiteral("a text"));
    if (bytes.isEmpty())
        throw Error(path, QStringLiteral("the file is empty"));
    validateUtf8(bytes, path);
    return bytes;
}

QString TextFile::contentKey(const QString &path)
{
    const QByteArray bytes = readUtf8(path);
    QByteArray normalized;
    normalized.reserve(bytes.size());
    bool space = false;
    for (const char c : bytes) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            space = !normalized.isEmpty();
            continue;
        }
        if (space)
            normalized.append(' ');
        space = false;
        normalized.append(c);
    }
    return QString::fromLatin1(
        QCryptographicHash::hash(normalized, QCryptographicHash::Sha256).toHex());
}

void TextFile::validateUtf8(const QByteArray &bytes, const QString &sourceName)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c == 0)
            throw Error(sourceName, QStringLiteral("contains NUL bytes (at byte %1): a binary "
                                                   "file, not text")
                                        .arg(i));
        int len = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            throw Error(sourceName, QStringLiteral("invalid UTF-8 at byte %1").arg(i));
        }
        if (i + len > n)
            throw Error(sourceName, QStringLiteral("invalid UTF-8 at byte %1 (truncated "
                                                   "sequence at the end)")
                                        .arg(i));
        for (int k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                throw Error(sourceName, QStringLiteral("invalid UTF-8 at byte %1").arg(i));
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid too.
        static const uint32_t minimum[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < minimum[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            throw Error(sourceName, QStringLiteral("invalid UTF-8 at byte %1").arg(i));
        i += len;
    }
}

}  // namespace mscope
