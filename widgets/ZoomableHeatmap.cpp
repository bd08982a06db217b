// SPDX-License-Identifier: GPL-3.0-or-later
#include "ZoomableHeatmap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QTextDocument>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace mscope {

ZoomableHeatmap::ZoomableHeatmap(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
}

void ZoomableHeatmap::showReadoutAt(const QPoint &pos)
{
    m_pointer = pos;
    m_pointerInside = true;
    update();
}

void ZoomableHeatmap::clickedAt(const QPoint &) {}

QString ZoomableHeatmap::currentReadout() const
{
    return m_pointerInside && !m_panning ? readoutAt(m_pointer) : QString();
}

void ZoomableHeatmap::paintReadout(QPainter &painter, const QString &html) const
{
    QTextDocument doc;
    doc.setDefaultFont(font());
    doc.setHtml(html);
    doc.setDocumentMargin(4);
    const QSizeF size = doc.size();
    // Below right of the pointer, flipped to the other side where it would leave the widget.
    double x = m_pointer.x() + 12, y = m_pointer.y() + 12;
    if (x + size.width() > width())
        x = m_pointer.x() - 12 - size.width();
    if (y + size.height() > height())
        y = m_pointer.y() - 12 - size.height();
    x = std::max(0.0, x);
    y = std::max(0.0, y);
    painter.save();
    painter.setPen(QColor(0xa0, 0xa0, 0xa0));
    painter.setBrush(QColor(255, 255, 255, 235));
    painter.drawRect(QRectF(QPointF(x, y), size));
    painter.translate(x, y);
    doc.drawContents(&painter);
    painter.restore();
}

void ZoomableHeatmap::mousePressEvent(QMouseEvent *event)
{
    m_pressAt = event->position().toPoint();
    m_panning = false;
    QWidget::mousePressEvent(event);
}

void ZoomableHeatmap::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if ((event->buttons() & Qt::LeftButton) && hasMap()) {
        // A few pixels of slack, so that a click with a shaky hand is still a click.
        if (!m_panning && (pos - m_pressAt).manhattanLength() > 4) {
            m_panning = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_panning) {
            panBy(double(pos.x() - m_pressAt.x()) / std::max(1, plotRect().width()));
            m_pressAt = pos;
        }
    }
    m_pointer = pos;
    m_pointerInside = true;
    update();
}

void ZoomableHeatmap::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_panning && event->button() == Qt::LeftButton)
        clickedAt(event->position().toPoint());
    m_panning = false;
    unsetCursor();
    update();  // the readout, hidden during the drag, comes back where the pointer rests
    QWidget::mouseReleaseEvent(event);
}

void ZoomableHeatmap::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        resetZoom();
}

void ZoomableHeatmap::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0 || !hasMap()) {
        event->ignore();
        return;
    }
    zoomAt(event->position().x(), std::pow(1.25, steps));
    event->accept();
}

void ZoomableHeatmap::leaveEvent(QEvent *event)
{
    m_pointerInside = false;
    update();
    QWidget::leaveEvent(event);
}

bool ZoomableHeatmap::event(QEvent *event)
{
    // The readout is the map's hover text: no generic tooltip of a parent panel over it.
    if (event->type() == QEvent::ToolTip)
        return true;
    return QWidget::event(event);
}

}  // namespace mscope
