// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <stdexcept>

namespace mscope {

/// Every failure the engine reports: what went wrong, in one line that can be shown as it is
/// ("file: problem", or the problem alone), and what kind of failure it is, so that a program can
/// react (the CLI's exit code, the GUI's message) without parsing the text.
class Error : public std::runtime_error
{
public:
    enum class Kind {
        File,       // a file cannot be read or written, or its content is not what it must be
        Input,      // an argument or value the user gave (no file involved)
        Model,      // the model cannot do what was asked (architecture, shapes, vocabulary)
        Resource,   // not enough memory or disk for the request
        Cancelled,  // the user stopped a job: not a failure to report
    };

    Error(Kind kind, const QString &file, const QString &problem);
    /// Kind File when a file is named, else Input.
    Error(const QString &file, const QString &problem);

    Kind kind() const { return m_kind; }
    QString file() const { return m_file; }
    QString problem() const { return m_problem; }
    /// "file: problem", or just the problem when no file is involved.
    QString message() const;

private:
    Kind m_kind;
    QString m_file;
    QString m_problem;
};

/// Thrown by long jobs when their cancel flag was raised; callers treat it as a clean stop.
class Cancelled : public Error
{
public:
    Cancelled() : Error(Kind::Cancelled, {}, QStringLiteral("cancelled")) {}
};

}  // namespace mscope
