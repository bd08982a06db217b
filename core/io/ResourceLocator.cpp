// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/ResourceLocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace mscope {

QString ResourceLocator::resourcesDir()
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("MAMBASCOPE_RESOURCES");
    if (!env.isEmpty())
        candidates << env;
    if (QCoreApplication::instance()) {
        // Relocatable install: <prefix>/bin/program and <prefix>/share/mambascope.
        candidates << QDir(QCoreApplication::applicationDirPath())
                          .absoluteFilePath(QStringLiteral("../share/mambascope"));
    }
    candidates << QStringLiteral(MAMBASCOPE_INSTALLED_RESOURCES)
               << QStringLiteral(MAMBASCOPE_SOURCE_RESOURCES);
    for (const QString &c : candidates) {
        if (QFileInfo(QDir(c).filePath(QStringLiteral("models"))).isDir())
            return QDir(c).absolutePath();
    }
    return {};
}

QString ResourceLocator::demoModelDir()
{
    const QString base = resourcesDir();
    return base.isEmpty() ? QString() : base + QStringLiteral("/models/demo-mamba-3.7m");
}

QString ResourceLocator::retrievalModelDir()
{
    const QString base = resourcesDir();
    return base.isEmpty() ? QString() : base + QStringLiteral("/models/demo-retrieval-3.7m");
}

QStringList ResourceLocator::demoTexts()
{
    const QString base = resourcesDir();
    if (base.isEmpty())
        return {};
    const QDir texts(base + QStringLiteral("/texts"));
    QStringList out;
    for (const QString &f :
         texts.entryList({QStringLiteral("test_*.txt")}, QDir::Files, QDir::Name))
        out << texts.absoluteFilePath(f);
    for (const QString &f : texts.entryList({QStringLiteral("val_*.txt")}, QDir::Files, QDir::Name))
        out << texts.absoluteFilePath(f);
    return out;
}

QString ResourceLocator::calibrationText()
{
    const QString base = resourcesDir();
    return base.isEmpty() ? QString() : base + QStringLiteral("/texts/val_senseandsensibility.txt");
}

QString ResourceLocator::neoxTokenizer()
{
    const QString base = resourcesDir();
    return base.isEmpty() ? QString()
                          : base + QStringLiteral("/tokenizers/gpt-neox-20b/tokenizer.json");
}

}  // namespace mscope
