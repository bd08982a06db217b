// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/SaveFile.h"

#include "support/Error.h"

namespace mscope {

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

}  // namespace mscope
