// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSaveFile>
#include <QString>
#include <cerrno>
#include <memory>

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
/// in place or the previous one is untouched. Throws Error(path, "cannot write (reason)"). For
/// files the program names itself (inside a folder it is filling); a target the user named goes
/// through writeToTarget().
void writeFileAtomically(const QString &path, const QByteArray &bytes);

/// What a target the user named is, and so how writeToTarget() writes to it.
struct OutputTarget
{
    enum class Kind {
        Descriptor,  // "-", /dev/stdout, /dev/fd/N, /proc/self/fd/N: the open descriptor itself
        Stream,      // a FIFO, terminal, device or socket: written in place, never replaced
        File,        // a regular file or a new name: replaced atomically (QSaveFile)
    };
    Kind kind = Kind::File;
    /// File and Stream: the path written, symlinks resolved (the link stays a link).
    QString path;
    /// Descriptor: the descriptor.
    int descriptor = -1;
    /// How messages name the target: the name the user gave, "standard output" for "-".
    QString name;

    /// Resolves `target`. Throws Error (kind Input) for an empty name, Error naming the target
    /// for a directory, a link loop or a closed descriptor.
    static OutputTarget resolve(const QString &target);
};

/// A target the user named, written in pieces (for outputs too large to hold in memory: a GGUF
/// file), by the rules of writeToTarget(). Opened by the constructor; commit() finishes it. A
/// writer destroyed without commit() cancels: a file target keeps its previous version.
class TargetWriter
{
public:
    /// Throws Error(kind File, target, "cannot write (reason)") when the target cannot be opened.
    explicit TargetWriter(const QString &target);
    ~TargetWriter();
    TargetWriter(const TargetWriter &) = delete;
    TargetWriter &operator=(const TargetWriter &) = delete;

    const OutputTarget &target() const { return m_target; }
    /// Throws Error naming the target on a failed write (a full disk, a closed pipe).
    void write(const QByteArray &bytes);
    /// Throws Error naming the target when the last bytes cannot be written or the file renamed.
    void commit();

private:
    OutputTarget m_target;
    std::unique_ptr<QSaveFile> m_file;  // Kind::File
    int m_fd = -1;                      // Kind::Stream: opened here; Descriptor: borrowed
    bool m_done = false;
};

/// Writes `bytes` to a target the user named (--json FILE, --out FILE, a preset, an export): "-"
/// is standard output; a descriptor of this process (/dev/stdout, /dev/fd/N) is written at its
/// position, as the shell opened it (`>> log` appends and keeps the file); an existing FIFO,
/// terminal, device or socket is written in place as a stream; a regular file or a new name is
/// replaced atomically, keeping the old file's permissions, and a symlink is resolved so that the
/// file it names is replaced and the link stays. Any failure (a full disk, a closed pipe, a
/// closed stdout) throws Error(kind File, target, "cannot write (reason)").
void writeToTarget(const QString &target, const QByteArray &bytes);

/// Checks before a long job that writeToTarget(target, ...) can succeed at its end: a new or
/// regular file's folder takes a new file (one is created and removed) and an existing file is
/// writable; a stream is writable by this user; a descriptor is open for writing. Throws the
/// Error writeToTarget would, naming the target.
void checkTargetWritable(const QString &target);

}  // namespace mscope
