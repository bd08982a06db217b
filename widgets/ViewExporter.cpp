// SPDX-License-Identifier: GPL-3.0-or-later
#include "ViewExporter.h"

#include "ExportableView.h"
#include "io/SaveFile.h"
#include "support/Error.h"

#include <QBuffer>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QTextDocument>
#include <QWidget>
#include <cmath>
#include <memory>

namespace mscope {

namespace {

// What an export draws goes to memory first, then to its target in one piece through
// writeToTarget: a file is replaced atomically (a failed export keeps the previous one), a FIFO,
// device or /dev/stdout is written in place, never replaced by a file.
class ExportBuffer : public QBuffer
{
public:
    explicit ExportBuffer(QString path) : m_path(std::move(path)) {}
    QString fileName() const { return m_path; }

private:
    QString m_path;
};

void openForWriting(ExportBuffer &file)
{
    if (!file.open(QIODevice::WriteOnly))
        throw Error(file.fileName(), ViewExporter::tr("cannot write: %1").arg(file.errorString()));
}

void commit(ExportBuffer &file)
{
    file.close();
    try {
        writeToTarget(file.fileName(), file.data());
    } catch (const Error &e) {
        // The reason in the words the window uses (translated).
        QString reason = e.problem();
        const QString prefix = QStringLiteral("cannot write (");
        if (reason.startsWith(prefix) && reason.endsWith(QLatin1Char(')')))
            reason = reason.mid(prefix.size()).chopped(1);
        throw Error(e.kind(), e.file(), ViewExporter::tr("cannot write: %1").arg(reason));
    }
}

// The caption block: plain text wrapped to the figure's width, in a smaller font.
std::unique_ptr<QTextDocument> captionDocument(const QString &caption, int width, const QFont &font)
{
    if (caption.trimmed().isEmpty())
        return nullptr;
    auto doc = std::make_unique<QTextDocument>();
    QFont f = font;
    f.setPointSizeF(f.pointSizeF() * 0.9);
    doc->setDefaultFont(f);
    doc->setDocumentMargin(8);
    doc->setPlainText(caption);
    doc->setTextWidth(width);
    return doc;
}

// Paints the figure and its caption over (0, 0, size.width, size.height + caption height).
void paintFigure(QPainter &painter, ExportableView *view, const QSize &size, QTextDocument *caption)
{
    painter.setRenderHint(QPainter::Antialiasing);
    painter.save();
    view->renderFigure(&painter, size);
    painter.restore();
    if (caption) {
        painter.save();
        painter.translate(0, size.height());
        painter.setPen(QColor(0xd0, 0xd0, 0xd0));
        painter.drawLine(8, 0, size.width() - 8, 0);
        caption->drawContents(&painter);
        painter.restore();
    }
}

}  // namespace

QSize ExportableView::figureSize() const
{
    return const_cast<ExportableView *>(this)->exportWidget()->size();
}

void ExportableView::renderFigure(QPainter *painter, const QSize &)
{
    exportWidget()->render(painter, QPoint(), QRegion(), QWidget::DrawChildren);
}

QImage ViewExporter::figureImage(ExportableView *view, const QString &caption, double scale)
{
    const QSize size = view->figureSize();
    const auto doc = captionDocument(caption, size.width(), view->exportWidget()->font());
    const int captionHeight = doc ? int(std::ceil(doc->size().height())) : 0;
    const QSize total(size.width(), size.height() + captionHeight);
    QImage image(
        QSize(int(std::ceil(total.width() * scale)), int(std::ceil(total.height() * scale))),
        QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    paintFigure(painter, view, size, doc.get());
    return image;
}

void ViewExporter::saveFigure(ExportableView *view, const QString &path, const QString &format,
                              const QString &caption)
{
    if (format == QLatin1String("png")) {
        const QImage image = figureImage(view, caption);
        ExportBuffer file(path);
        openForWriting(file);
        if (!image.save(&file, "PNG"))
            throw Error(path, tr("cannot encode the PNG image"));
        commit(file);
        return;
    }
    const QSize size = view->figureSize();
    const auto doc = captionDocument(caption, size.width(), view->exportWidget()->font());
    const int captionHeight = doc ? int(std::ceil(doc->size().height())) : 0;
    const QSize total(size.width(), size.height() + captionHeight);
    ExportBuffer file(path);
    openForWriting(file);
    if (format == QLatin1String("svg")) {
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(total);
        generator.setViewBox(QRect(QPoint(0, 0), total));
        generator.setTitle(view->exportName());
        generator.setDescription(caption.isEmpty() ? tr("Exported from MambaScope") : caption);
        QPainter painter(&generator);
        paintFigure(painter, view, size, doc.get());
    } else if (format == QLatin1String("pdf")) {
        QPdfWriter writer(&file);
        writer.setCreator(QStringLiteral("MambaScope"));
        writer.setTitle(view->exportName());
        writer.setResolution(96);  // one logical pixel = 1/96 inch, as on screen
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setPageSize(QPageSize(QSizeF(total) * 72.0 / 96.0, QPageSize::Point, QString(),
                                     QPageSize::ExactMatch));
        QPainter painter(&writer);
        paintFigure(painter, view, size, doc.get());
    } else {
        throw Error(path, tr("unknown figure format: %1").arg(format));
    }
    commit(file);
}

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
    ExportBuffer file(path);
    openForWriting(file);
    if (!image.save(&file, "PNG"))
        throw Error(path, tr("cannot encode the PNG image"));
    commit(file);
}

void ViewExporter::saveSvg(QWidget *widget, const QString &path, const QString &title)
{
    ExportBuffer file(path);
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
    ExportBuffer file(path);
    openForWriting(file);
    const QByteArray bytes = text.toUtf8();
    file.write(bytes);
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
