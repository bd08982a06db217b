// SPDX-License-Identifier: GPL-3.0-or-later
#include "ViewExporter.h"

#include "io/SaveFile.h"
#include "support/Error.h"

#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>
#include <cmath>

namespace mscope {

namespace {

void openForWriting(QSaveFile &file)
{
    if (!file.open(QIODevice::WriteOnly))
        throw Error(file.fileName(),
                        ViewExporter::tr("cannot write: %1").arg(file.errorString()));
}

void commit(QSaveFile &file)
{
    QString reason;
    if (!commitSaveFile(file, &reason))
        throw Error(file.fileName(), ViewExporter::tr("cannot write: %1").arg(reason));
}

}  // namespace

void ViewExporter::savePng(QWidget *widget, const QString &path, double scale)
{
    const QSize size = widget->size();
    QImage image(QSize(int(std::ceil(size.width() * scale)), int(std::ceil(size.height() * scale))),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    }
    QSaveFile file(path);
    openForWriting(file);
    if (!image.save(&file, "PNG"))
        throw Error(path, tr("cannot encode the PNG image"));
    commit(file);
}

void ViewExporter::saveSvg(QWidget *widget, const QString &path, const QString &title)
{
    QSaveFile file(path);
    openForWriting(file);
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(widget->size());
    generator.setViewBox(QRect(QPoint(0, 0), widget->size()));
    generator.setTitle(title);
    generator.setDescription(tr("Exported from MambaScope"));
    {
        QPainter painter(&generator);
        painter.setRenderHint(QPainter::Antialiasing);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    }
    commit(file);
}

void ViewExporter::saveText(const QString &text, const QString &path)
{
    QSaveFile file(path);
    openForWriting(file);
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size())
        throw Error(path, tr("cannot write: %1").arg(saveFileError(file)));
    commit(file);
}

QString ViewExporter::csvLine(const QStringList &fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &f : fields) {
        if (f.contains(QLatin1Char(',')) || f.contains(QLatin1Char('"')) ||
            f.contains(QLatin1Char('\n')) || f.contains(QLatin1Char('\r'))) {
            QString q = f;
            q.replace(QLatin1String("\""), QLatin1String("\"\""));
            quoted << QLatin1Char('"') + q + QLatin1Char('"');
        } else {
            quoted << f;
        }
    }
    return quoted.join(QLatin1Char(',')) + QLatin1String("\r\n");
}

}  // namespace mscope
