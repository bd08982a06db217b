// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/Error.h"

namespace mscope {

static std::string joined(const QString &file, const QString &problem)
{
    return (file.isEmpty() ? problem : file + QStringLiteral(": ") + problem).toStdString();
}

Error::Error(Kind kind, const QString &file, const QString &problem)
    : std::runtime_error(joined(file, problem)), m_kind(kind), m_file(file), m_problem(problem)
{
}

Error::Error(const QString &file, const QString &problem)
    : Error(file.isEmpty() ? Kind::Input : Kind::File, file, problem)
{
}

QString Error::message() const
{
    return QString::fromStdString(what());
}

}  // namespace mscope
