// SPDX-License-Identifier: GPL-3.0-or-later
// writeToTarget, the one way a target the user named is written (SECURITY.md, "No lost work"):
// what is at the target decides how. A descriptor of the process (/dev/fd/N, as `>> log` leaves
// one) is written where it stands, a FIFO or device in place, a regular file or a new name replaced
// atomically with its permissions, a symlink resolved so that the link stays a link. Every failure
// is an Error naming the target. Devices are made with mknod in a temporary folder (root only), so
// that a regression replaces a copy, never /dev/null itself.
#include "TestMain.h"
#include "io/SaveFile.h"
#include "support/Error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace mscope;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(unreadable)");
}

void writePlain(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

struct stat statOf(const QString &path, bool follow = true)
{
    struct stat st = {};
    const QByteArray p = QFile::encodeName(path);
    if ((follow ? ::stat(p.constData(), &st) : ::lstat(p.constData(), &st)) != 0)
        st.st_mode = 0;
    return st;
}

// The problem of the Error writeToTarget throws, or "" when it throws none.
QString failureOf(const QString &target, const QByteArray &bytes = "x")
{
    try {
        writeToTarget(target, bytes);
    } catch (const Error &e) {
        return e.message();
    }
    return {};
}

}  // namespace

class SafeWritesTest : public QObject
{
    Q_OBJECT

private slots:
    void descriptorIsWrittenWhereItStands();
    void fifoStaysAFifo();
    void devicesAreWrittenInPlace();
    void symlinkIntoAnotherFolderStaysALink();
    void regularFileKeepsItsPermissions();
    void newNameAndDanglingLink();
    void failuresNameTheTarget();
    void closedPipeIsAnErrorNotADeath();
    void writableCheckBeforeLongJobs();
};

void SafeWritesTest::descriptorIsWrittenWhereItStands()
{
    // `mambascope-cli trace --json /dev/stdout >> log`: the shell's descriptor, opened for
    // appending. log keeps its inode and its content, the new bytes come after it.
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("log"));
    writePlain(log, "earlier line\n");
    const ino_t inode = statOf(log).st_ino;
    const int fd = ::open(QFile::encodeName(log).constData(), O_WRONLY | O_APPEND);
    QVERIFY(fd > 2);
    const QStringList targets{QStringLiteral("/dev/fd/%1").arg(fd),
                              QStringLiteral("/proc/self/fd/%1").arg(fd),
                              QStringLiteral("/proc/%1/fd/%2").arg(qint64(getpid())).arg(fd)};
    for (const QString &target : targets) {
        QCOMPARE(OutputTarget::resolve(target).kind, OutputTarget::Kind::Descriptor);
        QCOMPARE(OutputTarget::resolve(target).descriptor, fd);
        writeToTarget(target, "new line\n");
    }
    ::close(fd);
    QCOMPARE(statOf(log).st_ino, inode);
    QCOMPARE(readAll(log), QByteArray("earlier line\nnew line\nnew line\nnew line\n"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{QStringLiteral("log")});
    QCOMPARE(OutputTarget::resolve(QStringLiteral("-")).descriptor, 1);
    QCOMPARE(OutputTarget::resolve(QStringLiteral("/dev/stdout")).descriptor, 1);
}

void SafeWritesTest::fifoStaysAFifo()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QByteArray received;
    std::thread reader([&] { received = readAll(fifo); });
    writeToTarget(fifo, "through the fifo\n");
    reader.join();
    QCOMPARE(received, QByteArray("through the fifo\n"));
    QVERIFY(S_ISFIFO(statOf(fifo).st_mode));
    QCOMPARE(OutputTarget::resolve(fifo).kind, OutputTarget::Kind::Stream);
}

void SafeWritesTest::devicesAreWrittenInPlace()
{
    QTemporaryDir dir;
    const QString null = dir.filePath(QStringLiteral("null")),
                  full = dir.filePath(QStringLiteral("full"));
    if (::mknod(QFile::encodeName(null).constData(), S_IFCHR | 0666, makedev(1, 3)) != 0 ||
        ::mknod(QFile::encodeName(full).constData(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
        // Without root: /dev's own nodes, which a regression could not replace either.
        QCOMPARE(failureOf(QStringLiteral("/dev/null")), QString());
        QVERIFY(failureOf(QStringLiteral("/dev/full")).contains(QLatin1String("No space left")));
        QSKIP("mknod needs root: the copies of /dev/null and /dev/full were not made");
    }
    QCOMPARE(failureOf(null), QString());
    QVERIFY(S_ISCHR(statOf(null).st_mode));
    QCOMPARE(failureOf(full), full + QStringLiteral(": cannot write (No space left on device)"));
    QVERIFY(S_ISCHR(statOf(full).st_mode));
    // A link to a device is the device.
    const QString link = dir.filePath(QStringLiteral("to-null"));
    QVERIFY(QFile::link(null, link));
    QCOMPARE(failureOf(link), QString());
    QVERIFY(S_ISCHR(statOf(null).st_mode));
    QVERIFY(S_ISLNK(statOf(link, false).st_mode));
    QCOMPARE(QDir(dir.path())
                 .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot | QDir::Hidden)
                 .size(),
             3);
}

void SafeWritesTest::symlinkIntoAnotherFolderStaysALink()
{
    QTemporaryDir here, there;
    const QString real = there.filePath(QStringLiteral("trace.json"));
    writePlain(real, "old");
    QVERIFY(QFile::setPermissions(real, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
    const QString link = here.filePath(QStringLiteral("trace.json"));
    // Relative, across folders: resolved from the link's folder.
    QVERIFY(QFile::link(QDir(here.path()).relativeFilePath(real), link));
    writeToTarget(link, "new");
    QVERIFY(S_ISLNK(statOf(link, false).st_mode));
    QCOMPARE(QFileInfo(link).canonicalFilePath(), QFileInfo(real).canonicalFilePath());
    QCOMPARE(readAll(real), QByteArray("new"));
    QCOMPARE(statOf(real).st_mode & 0777, mode_t(0640));
    QCOMPARE(QDir(here.path())
                 .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{QStringLiteral("trace.json")});
}

void SafeWritesTest::regularFileKeepsItsPermissions()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("preset.json"));
    writePlain(path, "old");
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0604), 0);
    const ino_t before = statOf(path).st_ino;
    writeToTarget(path, "new");
    QCOMPARE(readAll(path), QByteArray("new"));
    QCOMPARE(statOf(path).st_mode & 0777, mode_t(0604));
    QVERIFY(statOf(path).st_ino != before);  // replaced, not rewritten in place
    QCOMPARE(OutputTarget::resolve(path).kind, OutputTarget::Kind::File);
}

void SafeWritesTest::newNameAndDanglingLink()
{
    QTemporaryDir dir;
    const QString fresh = dir.filePath(QStringLiteral("fresh.json"));
    writeToTarget(fresh, "a");
    QCOMPARE(readAll(fresh), QByteArray("a"));
    const QString link = dir.filePath(QStringLiteral("link.json"));
    QVERIFY(QFile::link(QStringLiteral("named.json"), link));
    writeToTarget(link, "b");
    QVERIFY(S_ISLNK(statOf(link, false).st_mode));
    QCOMPARE(readAll(dir.filePath(QStringLiteral("named.json"))), QByteArray("b"));
}

void SafeWritesTest::failuresNameTheTarget()
{
    QTemporaryDir dir;
    try {
        writeToTarget(QString(), "x");
        QFAIL("an empty name was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::Input);
    }
    QCOMPARE(failureOf(dir.path()), dir.path() + QStringLiteral(": cannot write (is a directory)"));
    const QString missing = dir.filePath(QStringLiteral("no/such/folder/p.json"));
    QVERIFY2(failureOf(missing).startsWith(missing + QStringLiteral(": cannot write (")),
             qPrintable(failureOf(missing)));
    const QString loop = dir.filePath(QStringLiteral("loop"));
    QVERIFY(QFile::link(loop, loop));
    QVERIFY2(failureOf(loop).contains(QLatin1String("symbolic links")),
             qPrintable(failureOf(loop)));
    try {
        writeToTarget(missing, "x");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::File);
        QCOMPARE(e.file(), missing);
    }
}

void SafeWritesTest::closedPipeIsAnErrorNotADeath()
{
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    ::close(fds[0]);
    const QString target = QStringLiteral("/dev/fd/%1").arg(fds[1]);
    // Without SIGPIPE blocked this would end the test program.
    QCOMPARE(failureOf(target), target + QStringLiteral(": cannot write (Broken pipe)"));
    ::close(fds[1]);
    // A descriptor that is not open.
    QVERIFY2(
        failureOf(QStringLiteral("/dev/fd/%1").arg(fds[1])).contains(QLatin1String("Bad file")),
        qPrintable(failureOf(QStringLiteral("/dev/fd/%1").arg(fds[1]))));
}

void SafeWritesTest::writableCheckBeforeLongJobs()
{
    QTemporaryDir dir;
    auto checkFails = [](const QString &target) -> QString {
        try {
            checkTargetWritable(target);
        } catch (const Error &e) {
            return e.message();
        }
        return {};
    };
    QCOMPARE(checkFails(dir.filePath(QStringLiteral("p.json"))), QString());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("p.json"))));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList());
    QCOMPARE(checkFails(QStringLiteral("/nonexistent/p.json")),
             QStringLiteral("/nonexistent/p.json: cannot write (the folder /nonexistent does not "
                            "exist)"));
    QVERIFY(checkFails(dir.path()).contains(QLatin1String("is a directory")));
    // A FIFO is checked without opening it: opening would wait for a reader.
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QCOMPARE(checkFails(fifo), QString());
    QCOMPARE(checkFails(QStringLiteral("-")), QString());
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    QVERIFY(
        checkFails(QStringLiteral("/dev/fd/%1").arg(fds[0])).contains(QLatin1String("Bad file")));
    ::close(fds[0]);
    ::close(fds[1]);
    // Nothing the checks made is left behind.
    QCOMPARE(QDir(dir.path())
                 .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{QStringLiteral("fifo")});
}

MAMBASCOPE_TEST_MAIN(SafeWritesTest)
#include "tst_safe_writes.moc"
