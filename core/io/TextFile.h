// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace mscope {

/// Reads a text the user chose for evaluation or calibration, refusing what is not text:
/// missing or unreadable files, empty files, binary data (NUL bytes) and invalid UTF-8, each with
/// a Error naming the file and the problem.
class TextFile
{
public:
    static QByteArray readUtf8(const QString &path);
    /// What a text says, for telling whether two files hold the same text (calibration and
    /// evaluation texts must be disjoint): the SHA-256 (hex) of readUtf8() with every run of
    /// whitespace made one space and the ends trimmed, so that one more newline, CRLF line ends or
    /// re-wrapped lines do not make a copy a different text.
    static QString contentKey(const QString &path);
    /// Throws Error(sourceName, "invalid UTF-8 at byte N") / "contains NUL bytes".
    static void validateUtf8(const QByteArray &bytes, const QString &sourceName);
};

}  // namespace mscope
