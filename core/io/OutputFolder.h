// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

/// A folder of files written as a whole (`bake --out`, `synth --out`, the workbench's Bake): the
/// files go into a hidden sibling staging folder, which commit() moves into place at the end, so
/// that a failed, cancelled or interrupted write leaves nothing behind and the target is never a
/// mix of old and new files.
///
/// The target: an empty name is a usage error (Error kind Input); a trailing slash is fine; a
/// missing folder is created (its parent must exist); an existing empty folder is used and keeps
/// its mode; a folder with files in it is refused unless `replace` is set, and even then only when
/// it holds a model (a config.json: an earlier bake or synth), never the user's other files; a
/// file that is not a folder is refused. A symlink to a folder is resolved (the link stays). The
/// staging folder is made with the process umask's normal mode (0755 typically), not 0700.
class OutputFolder
{
public:
    /// Checks `target` and makes the staging folder. `purpose` names the staging folder
    /// (".NAME.bake-XXXXXX"). Throws Error naming the target.
    OutputFolder(const QString &target, bool replace, const QString &purpose);
    /// Removes the staging folder and everything in it unless commit() succeeded.
    ~OutputFolder();
    OutputFolder(const OutputFolder &) = delete;
    OutputFolder &operator=(const OutputFolder &) = delete;

    /// The target as given, cleaned (absolute, no trailing slash, links resolved).
    QString target() const { return m_target; }
    /// Where to write the files now.
    QString stagingPath() const { return m_staging; }
    QString filePath(const QString &relative) const;

    /// Moves the staging folder into place: renamed to a missing target; exchanged with an
    /// existing one (renameat2 RENAME_EXCHANGE), whose mode it takes and whose old content is
    /// then removed. Throws Error naming the target; the staging folder is then removed.
    void commit();

    /// Whether `dir` is a staging folder this class makes (".NAME.PURPOSE-XXXXXX"): for tests and
    /// for messages that should name the user's target instead.
    static bool isStagingName(const QString &fileName);

private:
    QString m_target;
    QString m_staging;
    bool m_targetExists = false;
    bool m_committed = false;
};

}  // namespace mscope
