// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSaveFile>
#include <QString>
#include <cerrno>

namespace mscope {

/// Why the last write to `file` failed. Qt 6.4 often leaves only "Unknown error" in errorString()
/// after a failed write or flush; errno still holds the system's reason ("No space left on
/// device", "File too large").
inline QString saveFileError(const QSaveFile &file, int error = errno)
{
    return error != 0 ? qt_error_string(error) : file.errorString();
}

/// Finishes `file`: its buffered bytes written, then renamed over the target. Returns false with
/// the reason when anything failed, the target then left as it was (the temporary file goes with
/// the QSaveFile). Call this instead of commit() alone: Qt 6.4's QSaveFile::commit() ignores a
/// failure to write its buffer (the last bytes of any file, all of a small one), and on a full
/// disk renamed the truncated file over the previous version and returned true.
inline bool commitSaveFile(QSaveFile &file, QString *reason)
{
    errno = 0;
    if (!file.flush()) {
        *reason = saveFileError(file);
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *reason = file.errorString();
        return false;
    }
    return true;
}

/// Writes `bytes` to `path` through a QSaveFile and commitSaveFile: either the whole new file is
/// in place or the previous one is untouched. Throws Error(path, "cannot write (reason)").
void writeFileAtomically(const QString &path, const QByteArray &bytes);

}  // namespace mscope
