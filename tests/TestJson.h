// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QtGlobal>
#include <cstdint>
#include <vector>

// Reading the reference data of tests/data: a missing file is a broken checkout, not a failure
// of the code under test, so it stops the test program.
namespace testjson {

inline QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// A JSON array of token ids.
inline std::vector<int32_t> tokenIds(const QJsonArray &array)
{
    std::vector<int32_t> out;
    out.reserve(size_t(array.size()));
    for (const QJsonValue &v : array)
        out.push_back(v.toInt());
    return out;
}

}  // namespace testjson
