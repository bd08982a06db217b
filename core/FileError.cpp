// SPDX-License-Identifier: GPL-3.0-or-later
#include "FileError.h"

namespace mscope {

static std::string joined(const QString &file, const QString &problem)
{
    return (file.isEmpty() ? problem : file + QStringLiteral(": ") + problem).toStdString();
}

FileError::FileError(const QString &file, const QString &problem)
    : std::runtime_error(joined(file, problem)), m_file(file), m_problem(problem)
{
}

QString FileError::message() const
{
    return QString::fromStdString(what());
}

}  // namespace mscope
