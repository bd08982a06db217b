// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/OutputFolder.h"

#include "support/Error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <cerrno>
#include <cstdio>

namespace mscope {

namespace {

QString randomSuffix()
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QString s;
    for (int i = 0; i < 6; ++i)
        s += QLatin1Char(letters[QRandomGenerator::global()->bounded(int(sizeof letters) - 1)]);
    return s;
}

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode & 07777 : 0;
}

// Swaps two entries of one folder in one step: no moment without a target folder.
bool exchange(const QString &a, const QString &b)
{
    return ::renameat2(AT_FDCWD, QFile::encodeName(a).constData(), AT_FDCWD,
                       QFile::encodeName(b).constData(), RENAME_EXCHANGE) == 0;
}

}  // namespace

OutputFolder::OutputFolder(const QString &target, bool replace, const QString &purpose)
{
    if (target.trimmed().isEmpty())
        throw Error(Error::Kind::Input, {}, QStringLiteral("the output folder name is empty"));
    QString clean = QDir::cleanPath(QDir::current().absoluteFilePath(target));
    const QFileInfo info(clean);
    if (info.isSymLink() && info.exists())
        clean = info.canonicalFilePath();
    m_target = clean;
    const QFileInfo resolved(m_target);
    if (resolved.exists() || resolved.isSymLink()) {
        if (!resolved.isDir())
            throw Error(Error::Kind::File, target,
                        QStringLiteral("already exists and is not a folder; choose a new output "
                                       "folder"));
        const QDir dir(m_target);
        if (!resolved.isReadable() || !resolved.isExecutable())
            throw Error(Error::Kind::File, target, QStringLiteral("cannot read the folder"));
        const bool empty =
            dir.entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot)
                .isEmpty();
        if (!empty && !replace)
            throw Error(Error::Kind::File, target,
                        QStringLiteral("is not empty; choose a new or empty folder, or --force "
                                       "to replace the model in it"));
        if (!empty && !QFileInfo(dir.filePath(QStringLiteral("config.json"))).isFile())
            throw Error(Error::Kind::File, target,
                        QStringLiteral("is not empty and holds no model (no config.json); it is "
                                       "not replaced even with --force"));
        m_targetExists = true;
    }
    const QString parent = QFileInfo(m_target).path();
    if (!QFileInfo(parent).isDir())
        throw Error(Error::Kind::File, target,
                    QStringLiteral("the parent folder %1 does not exist").arg(parent));

    // Beside the target, so that the final rename stays within one file system.
    const QString prefix = parent + QStringLiteral("/.") + QFileInfo(m_target).fileName() +
                           QLatin1Char('.') + purpose + QLatin1Char('-');
    for (int attempt = 0; attempt < 100 && m_staging.isEmpty(); ++attempt) {
        const QString candidate = prefix + randomSuffix();
        // mkdir(2) with 0777: the umask makes it 0755 typically (QTemporaryDir would make 0700).
        if (::mkdir(QFile::encodeName(candidate).constData(), 0777) == 0)
            m_staging = candidate;
        else if (errno != EEXIST)
            throw Error(Error::Kind::File, target,
                        QStringLiteral("cannot create a folder in %1 (%2)")
                            .arg(parent, qt_error_string(errno)));
    }
    if (m_staging.isEmpty())
        throw Error(Error::Kind::File, target,
                    QStringLiteral("cannot create a temporary folder in %1").arg(parent));
}

OutputFolder::~OutputFolder()
{
    if (!m_committed && !m_staging.isEmpty())
        QDir(m_staging).removeRecursively();
}

QString OutputFolder::filePath(const QString &relative) const
{
    return m_staging + QLatin1Char('/') + relative;
}

void OutputFolder::commit()
{
    const QByteArray staging = QFile::encodeName(m_staging);
    const QByteArray target = QFile::encodeName(m_target);
    if (!m_targetExists) {
        if (::rename(staging.constData(), target.constData()) != 0)
            throw Error(Error::Kind::File, m_target,
                        QStringLiteral("cannot move the new folder into place (%1)")
                            .arg(qt_error_string(errno)));
        m_committed = true;
        return;
    }
    // The folder the user chose keeps its mode.
    if (const mode_t mode = modeOf(m_target))
        ::chmod(staging.constData(), mode);
    if (!exchange(m_staging, m_target)) {
        // File systems without RENAME_EXCHANGE: the old folder moves aside first.
        if (errno != EINVAL && errno != ENOSYS)
            throw Error(Error::Kind::File, m_target,
                        QStringLiteral("cannot move the new folder into place (%1)")
                            .arg(qt_error_string(errno)));
        const QString aside = m_staging + QStringLiteral("-old");
        if (::rename(target.constData(), QFile::encodeName(aside).constData()) != 0)
            throw Error(Error::Kind::File, m_target,
                        QStringLiteral("cannot move the old folder aside (%1)")
                            .arg(qt_error_string(errno)));
        if (::rename(staging.constData(), target.constData()) != 0) {
            const int error = errno;
            ::rename(QFile::encodeName(aside).constData(), target.constData());
            throw Error(Error::Kind::File, m_target,
                        QStringLiteral("cannot move the new folder into place (%1)")
                            .arg(qt_error_string(error)));
        }
        m_committed = true;
        QDir(aside).removeRecursively();
        return;
    }
    // The staging name now holds the old folder: what the destructor removes.
    m_committed = false;
    QDir(m_staging).removeRecursively();
    m_committed = true;
}

bool OutputFolder::isStagingName(const QString &fileName)
{
    static const QRegularExpression name(QStringLiteral("^\\..+\\.[a-z]+-[A-Za-z0-9]{6}(-old)?$"));
    return name.match(fileName).hasMatch();
}

}  // namespace mscope
