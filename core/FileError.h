// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <stdexcept>

namespace mscope {

/// A problem with something the user gave us (a file, a text, an argument), naming the file and the
/// problem so that the message can be shown as it is.
class FileError : public std::runtime_error
{
public:
    FileError(const QString &file, const QString &problem);

    QString file() const { return m_file; }
    QString problem() const { return m_problem; }
    /// "file: problem", or just the problem when no file is involved.
    QString message() const;

private:
    QString m_file;
    QString m_problem;
};

/// Thrown by long jobs when their cancel flag was raised; callers treat it as a clean stop.
class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace mscope
