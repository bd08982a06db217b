// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/SaveFile.h"

#include "support/Error.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <optional>

namespace mscope {

namespace {

// Symlinks followed before giving up, as the kernel does (ELOOP).
constexpr int kMaxLinks = 40;

[[noreturn]] void cannotWrite(const QString &name, int error)
{
    throw Error(Error::Kind::File, name,
                QStringLiteral("cannot write (%1)").arg(qt_error_string(error)));
}

// The descriptor a path names when it is one of this process's own (/dev/stdout, /dev/fd/3,
// /proc/self/fd/3): writing there must go to the descriptor the shell opened (`>> log` appends to
// log), not replace whatever file it happens to point at.
std::optional<int> descriptorNamedBy(const QString &path)
{
    const QString clean = QDir::cleanPath(QDir::current().absoluteFilePath(path));
    if (clean == QLatin1String("/dev/stdin"))
        return 0;
    if (clean == QLatin1String("/dev/stdout"))
        return 1;
    if (clean == QLatin1String("/dev/stderr"))
        return 2;
    static const QRegularExpression fdPath(
        QStringLiteral("^/(?:dev/fd|proc/(self|thread-self|\\d+)/fd)/(\\d{1,9})$"));
    const QRegularExpressionMatch m = fdPath.match(clean);
    if (!m.hasMatch())
        return std::nullopt;
    const QString process = m.captured(1);
    if (!process.isEmpty() && process != QLatin1String("self") &&
        process != QLatin1String("thread-self") && process.toLongLong() != qint64(getpid()))
        return std::nullopt;
    return m.captured(2).toInt();
}

// write(2) until everything is out. SIGPIPE is blocked meanwhile (and a pending one taken back),
// so a closed pipe is an error to report, not the end of the program.
void writeAll(int fd, const QByteArray &bytes, const QString &name)
{
    sigset_t pipeSignal, previous;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
    const char *p = bytes.constData();
    qsizetype left = bytes.size();
    int error = 0;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
            break;
        }
        p += n;
        left -= n;
    }
    if (error == EPIPE) {
        const timespec now{};
        sigtimedwait(&pipeSignal, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (error != 0)
        cannotWrite(name, error);
}

}  // namespace

void writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        throw Error(path, QStringLiteral("cannot write (%1)").arg(f.errorString()));
    QString reason;
    if (f.write(bytes) != bytes.size())
        reason = saveFileError(f);
    if (!reason.isEmpty() || !commitSaveFile(f, &reason))
        throw Error(path, QStringLiteral("cannot write (%1)").arg(reason));
}

OutputTarget OutputTarget::resolve(const QString &target)
{
    if (target.isEmpty())
        throw Error(Error::Kind::Input, {}, QStringLiteral("an output file name is empty"));
    OutputTarget t;
    t.name = target;
    if (target == QLatin1String("-")) {
        t.kind = Kind::Descriptor;
        t.descriptor = 1;
        t.name = QStringLiteral("standard output");
        return t;
    }
    // Follow the links one by one: a descriptor of ours may be named at any step
    // (/dev/stdout -> /proc/self/fd/1 -> pipe:[123], which is no path at all).
    QString path = target;
    for (int hop = 0;; ++hop) {
        if (const std::optional<int> fd = descriptorNamedBy(path)) {
            t.kind = Kind::Descriptor;
            t.descriptor = *fd;
            return t;
        }
        struct stat st;
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISLNK(st.st_mode))
            break;
        if (hop == kMaxLinks)
            cannotWrite(target, ELOOP);
        char buffer[4096];
        const ssize_t n =
            ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer - 1);
        if (n < 0)
            cannotWrite(target, errno);
        const QString next = QFile::decodeName(QByteArray(buffer, qsizetype(n)));
        path = QDir::isAbsolutePath(next) ? next : QFileInfo(path).path() + QLatin1Char('/') + next;
    }
    t.path = path;
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        t.kind = Kind::File;  // a new name (or one the save will explain: a missing folder)
        return t;
    }
    if (S_ISDIR(st.st_mode))
        throw Error(Error::Kind::File, target, QStringLiteral("cannot write (is a directory)"));
    t.kind = S_ISREG(st.st_mode) ? Kind::File : Kind::Stream;
    return t;
}

TargetWriter::TargetWriter(const QString &target) : m_target(OutputTarget::resolve(target))
{
    switch (m_target.kind) {
        case OutputTarget::Kind::Descriptor:
            // What was printed before through stdio goes first.
            if (m_target.descriptor == 1 && std::fflush(stdout) != 0)
                cannotWrite(m_target.name, errno);
            m_fd = m_target.descriptor;
            return;
        case OutputTarget::Kind::Stream:
            // No O_CREAT, no O_TRUNC: the thing is there and stays what it is.
            m_fd = ::open(QFile::encodeName(m_target.path).constData(),
                          O_WRONLY | O_CLOEXEC | O_NOCTTY);
            if (m_fd < 0)
                cannotWrite(m_target.name, errno);
            return;
        case OutputTarget::Kind::File:
            // The resolved path: QSaveFile replaces it, so a link given by the user stays a link.
            m_file = std::make_unique<QSaveFile>(m_target.path);
            if (!m_file->open(QIODevice::WriteOnly))
                throw Error(Error::Kind::File, m_target.name,
                            QStringLiteral("cannot write (%1)").arg(m_file->errorString()));
            return;
    }
}

TargetWriter::~TargetWriter()
{
    if (m_file && !m_done)
        m_file->cancelWriting();
    if (m_target.kind == OutputTarget::Kind::Stream && m_fd >= 0)
        ::close(m_fd);
}

void TargetWriter::write(const QByteArray &bytes)
{
    if (!m_file) {
        writeAll(m_fd, bytes, m_target.name);
        return;
    }
    errno = 0;
    if (m_file->write(bytes) != bytes.size()) {
        const QString reason = saveFileError(*m_file);
        m_file->cancelWriting();
        throw Error(Error::Kind::File, m_target.name,
                    QStringLiteral("cannot write (%1)").arg(reason));
    }
}

void TargetWriter::commit()
{
    m_done = true;
    if (m_file) {
        QString reason;
        if (!commitSaveFile(*m_file, &reason))
            throw Error(Error::Kind::File, m_target.name,
                        QStringLiteral("cannot write (%1)").arg(reason));
        return;
    }
    if (m_target.kind == OutputTarget::Kind::Stream) {
        const int fd = m_fd;
        m_fd = -1;
        if (::close(fd) != 0 && errno != EINTR)
            cannotWrite(m_target.name, errno);
    }
}

void writeToTarget(const QString &target, const QByteArray &bytes)
{
    TargetWriter writer(target);
    writer.write(bytes);
    writer.commit();
}

void checkTargetWritable(const QString &target)
{
    const OutputTarget t = OutputTarget::resolve(target);
    switch (t.kind) {
        case OutputTarget::Kind::Descriptor: {
            const int flags = ::fcntl(t.descriptor, F_GETFL);
            if (flags < 0)
                cannotWrite(t.name, errno);
            if ((flags & O_ACCMODE) == O_RDONLY)
                cannotWrite(t.name, EBADF);
            return;
        }
        case OutputTarget::Kind::Stream:
            // Not opened: opening a FIFO waits for its reader, who would then read nothing.
            if (::access(QFile::encodeName(t.path).constData(), W_OK) != 0)
                cannotWrite(t.name, errno);
            return;
        case OutputTarget::Kind::File: {
            const QFileInfo info(t.path);
            const QString folder = info.absolutePath();
            if (!QFileInfo(folder).isDir())
                throw Error(
                    Error::Kind::File, t.name,
                    QStringLiteral("cannot write (the folder %1 does not exist)").arg(folder));
            if (info.exists() && ::access(QFile::encodeName(t.path).constData(), W_OK) != 0)
                cannotWrite(t.name, errno);
            // The save writes a temporary file beside the target and renames it: try exactly that.
            QTemporaryFile probe(folder + QStringLiteral("/.") + info.fileName() +
                                 QStringLiteral(".XXXXXX"));
            if (!probe.open())
                throw Error(Error::Kind::File, t.name,
                            QStringLiteral("cannot write (%1)").arg(probe.errorString()));
            return;
        }
    }
}

}  // namespace mscope
