// SPDX-License-Identifier: GPL-3.0-or-later
#include "InteractiveChart.h"

#include "ChartStyle.h"

#include <QApplication>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QKeyEvent>
#include <QLegend>
#include <QMouseEvent>
#include <QPainter>
#include <QTextDocument>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// The first candidate whose width fits `space` (the last one when none does).
QString fitting(const QStringList &candidates, const QFont &font, double space)
{
    const QFontMetricsF fm(font);
    for (const QString &c : candidates)
        if (fm.horizontalAdvance(c) <= space)
            return c;
    return candidates.isEmpty() ? QString() : candidates.last();
}

}  // namespace

InteractiveChart::InteractiveChart(ScaleAxis::Kind xKind, ScaleAxis::Kind yKind, QWidget *parent)
    : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setRubberBand(QChartView::NoRubberBand);
    auto *chart = new QChart;
    ChartStyle::apply(chart);
    // Room on the right for the last x label ("16k" centred on the axis end).
    chart->setMargins(QMargins(4, 4, 16, 4));
    // setChart() releases the chart QChartView made for itself, without deleting it.
    QChart *const own = QChartView::chart();
    setChart(chart);
    delete own;
    m_x = new ScaleAxis(xKind, this);
    m_y = new ScaleAxis(yKind, this);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    connect(chart, &QChart::plotAreaChanged, this, [this](const QRectF &plot) {
        m_x->setPixelLength(plot.width());
        m_y->setPixelLength(plot.height());
        if (std::fabs(plot.height() - m_plotHeight) > 0.5) {
            m_plotHeight = plot.height();
            plotResized();
        }
        updateReadout();
    });

    QPen cross(QColor(0x40, 0x40, 0x40, 140), 1.0, Qt::DotLine);
    cross.setCosmetic(true);
    m_vLine = new QGraphicsLineItem(chart);
    m_hLine = new QGraphicsLineItem(chart);
    m_vLine->setPen(cross);
    m_hLine->setPen(cross);
    m_readoutBox = new QGraphicsRectItem(chart);
    m_readoutBox->setBrush(QColor(255, 255, 255, 235));
    m_readoutBox->setPen(QPen(QColor(0xa0, 0xa0, 0xa0), 1.0));
    m_readoutText = new QGraphicsTextItem(m_readoutBox);
    for (QGraphicsItem *item :
         {static_cast<QGraphicsItem *>(m_vLine), static_cast<QGraphicsItem *>(m_hLine),
          static_cast<QGraphicsItem *>(m_readoutBox)}) {
        item->setZValue(100);
        item->hide();
    }
}

void InteractiveChart::setTitles(const QStringList &fullestFirst)
{
    m_titles = fullestFirst;
    fitTexts();
}

void InteractiveChart::setXTitles(const QStringList &fullestFirst)
{
    m_xTitles = fullestFirst;
    fitTexts();
}

void InteractiveChart::setYTitles(const QStringList &fullestFirst)
{
    m_yTitles = fullestFirst;
    fitTexts();
}

void InteractiveChart::fitTexts()
{
    const QRectF plot = chart()->plotArea();
    // Before the first layout the plot area is empty: measure against the widget.
    const double width = plot.width() > 10 ? plot.width() : std::max(100, this->width() - 80);
    const double height = plot.height() > 10 ? plot.height() : std::max(60, this->height() - 80);
    const QString title = fitting(m_titles, chart()->titleFont(), this->width() - 16);
    if (chart()->title() != title)
        chart()->setTitle(title);
    const QString x = fitting(m_xTitles, m_x->titleFont(), width);
    if (m_x->titleText() != x)
        m_x->setTitleText(x);
    const QString y = fitting(m_yTitles, m_y->titleFont(), height);
    if (m_y->titleText() != y)
        m_y->setTitleText(y);
}

QStringList InteractiveChart::overflowingTexts() const
{
    QStringList out;
    const QRectF plot = chart()->plotArea();
    auto check = [&](const QString &text, const QFont &font, double space) {
        if (!text.isEmpty() && QFontMetricsF(font).horizontalAdvance(text) > space)
            out << text;
    };
    check(chart()->title(), chart()->titleFont(), width() - 8);
    check(m_x->titleText(), m_x->titleFont(), plot.width());
    check(m_y->titleText(), m_y->titleFont(), plot.height());
    return out;
}

void InteractiveChart::setHomeRange(double x0, double x1, double y0, double y1)
{
    if (!(x1 > x0) || !(y1 > y0) || !std::isfinite(x0 + x1 + y0 + y1))
        return;
    m_home = QRectF(QPointF(x0, y0), QPointF(x1, y1));
    if (!m_zoomed)
        applyRanges(x0, x1, y0, y1);
}

void InteractiveChart::applyRanges(double x0, double x1, double y0, double y1)
{
    if (m_x->min() != x0 || m_x->max() != x1)
        m_x->setRange(x0, x1);
    if (m_y->min() != y0 || m_y->max() != y1)
        m_y->setRange(y0, y1);
    rangesChanged();
    updateReadout();
}

void InteractiveChart::resetZoom()
{
    const bool was = m_zoomed;
    m_zoomed = false;
    if (m_home.isValid())
        applyRanges(m_home.left(), m_home.right(), m_home.top(), m_home.bottom());
    if (was)
        emit zoomChanged(false);
}

void InteractiveChart::zoomAt(const QPointF &at, double factor, bool alongX, bool alongY)
{
    if (!(factor > 0))
        return;
    const QPointF v = valueAt(at);
    double x0 = m_x->min(), x1 = m_x->max(), y0 = m_y->min(), y1 = m_y->max();
    if (alongX) {
        x0 = v.x() - (v.x() - x0) / factor;
        x1 = v.x() + (x1 - v.x()) / factor;
    }
    if (alongY) {
        y0 = v.y() - (v.y() - y0) / factor;
        y1 = v.y() + (y1 - v.y()) / factor;
    }
    // Not beyond a millionth of the home range (the labels would all be equal).
    if (x1 - x0 < 1e-6 * std::max(1e-12, m_home.width()) ||
        y1 - y0 < 1e-6 * std::max(1e-12, m_home.height()))
        return;
    const bool was = m_zoomed;
    m_zoomed = true;
    applyRanges(x0, x1, y0, y1);
    if (!was)
        emit zoomChanged(true);
}

void InteractiveChart::panBy(const QPointF &pixels)
{
    const QRectF plot = chart()->plotArea();
    if (plot.width() <= 0 || plot.height() <= 0)
        return;
    const double dx = -pixels.x() / plot.width() * (m_x->max() - m_x->min());
    const double dy = pixels.y() / plot.height() * (m_y->max() - m_y->min());
    const bool was = m_zoomed;
    m_zoomed = true;
    applyRanges(m_x->min() + dx, m_x->max() + dx, m_y->min() + dy, m_y->max() + dy);
    if (!was)
        emit zoomChanged(true);
}

QPointF InteractiveChart::valueAt(const QPointF &widgetPos) const
{
    const QRectF plot = chart()->plotArea();
    const QPointF scenePos = mapToScene(widgetPos.toPoint());
    const QPointF p = chart()->mapFromScene(scenePos);
    const double u = plot.width() > 0 ? (p.x() - plot.left()) / plot.width() : 0.0;
    const double w = plot.height() > 0 ? (plot.bottom() - p.y()) / plot.height() : 0.0;
    return QPointF(m_x->min() + u * (m_x->max() - m_x->min()),
                   m_y->min() + w * (m_y->max() - m_y->min()));
}

QString InteractiveChart::readout() const
{
    return m_readoutBox->isVisible() ? m_readoutText->toPlainText() : QString();
}

void InteractiveChart::showReadoutAt(const QPointF &widgetPos)
{
    m_pointer = widgetPos;
    m_pointerInside = true;
    updateReadout();
}

void InteractiveChart::hideReadout()
{
    m_pointerInside = false;
    updateReadout();
}

void InteractiveChart::updateReadout()
{
    const QRectF plot = chart()->plotArea();
    const QPointF p = chart()->mapFromScene(mapToScene(m_pointer.toPoint()));
    const bool inside = m_pointerInside && !m_dragging && plot.contains(p);
    QString text;
    if (inside)
        text = readoutText(valueAt(m_pointer), m_pointer);
    const bool show = inside && !text.isEmpty();
    m_vLine->setVisible(inside);
    m_hLine->setVisible(inside);
    m_readoutBox->setVisible(show);
    if (!inside)
        return;
    m_vLine->setLine(p.x(), plot.top(), p.x(), plot.bottom());
    m_hLine->setLine(plot.left(), p.y(), plot.right(), p.y());
    if (!show)
        return;
    m_readoutText->setFont(font());
    m_readoutText->setHtml(text);
    const QRectF r = m_readoutText->boundingRect();
    m_readoutBox->setRect(QRectF(QPointF(0, 0), r.size()));
    // Beside the pointer, flipped to stay inside the plot.
    double x = p.x() + 12, y = p.y() + 12;
    if (x + r.width() > plot.right())
        x = p.x() - 12 - r.width();
    if (y + r.height() > plot.bottom())
        y = p.y() - 12 - r.height();
    m_readoutBox->setPos(std::max(plot.left(), x), std::max(plot.top(), y));
}

bool InteractiveChart::event(QEvent *event)
{
    // The readout is the chart's tooltip: no generic tooltip of a parent panel over it.
    if (event->type() == QEvent::ToolTip)
        return true;
    return QChartView::event(event);
}

void InteractiveChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    fitTexts();
}

void InteractiveChart::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_lastDrag = event->position();
        setCursor(Qt::ClosedHandCursor);
        updateReadout();
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void InteractiveChart::mouseMoveEvent(QMouseEvent *event)
{
    m_pointer = event->position();
    m_pointerInside = true;
    if (m_dragging) {
        panBy(event->position() - m_lastDrag);
        m_lastDrag = event->position();
        return;
    }
    updateReadout();
}

void InteractiveChart::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        unsetCursor();
        updateReadout();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void InteractiveChart::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        resetZoom();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void InteractiveChart::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    const bool xOnly = event->modifiers() & Qt::ControlModifier;
    const bool yOnly = event->modifiers() & Qt::ShiftModifier;
    zoomAt(event->position(), std::pow(1.25, steps), !yOnly, !xOnly);
    event->accept();
}

void InteractiveChart::keyPressEvent(QKeyEvent *event)
{
    const QPointF centre = mapFromScene(chart()->mapToScene(chart()->plotArea().center()));
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomAt(centre, 1.25);
            return;
        case Qt::Key_Minus:
            zoomAt(centre, 0.8);
            return;
        case Qt::Key_R:
        case Qt::Key_0:
            resetZoom();
            return;
        default:
            break;
    }
    QChartView::keyPressEvent(event);
}

void InteractiveChart::leaveEvent(QEvent *event)
{
    m_pointerInside = false;
    updateReadout();
    QChartView::leaveEvent(event);
}

void InteractiveChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyFonts();
}

void InteractiveChart::applyFonts()
{
    // Charts keep their own fonts: follow the widget's (presentation mode, settings).
    QFont base = font();
    QFont title = base;
    title.setBold(true);
    chart()->setTitleFont(title);
    QFont legend = base;
    legend.setPointSizeF(base.pointSizeF() * 0.9);
    chart()->legend()->setFont(legend);
    for (QAbstractAxis *a :
         {static_cast<QAbstractAxis *>(m_x), static_cast<QAbstractAxis *>(m_y)}) {
        QFont labels = base;
        labels.setPointSizeF(base.pointSizeF() * 0.85);
        a->setLabelsFont(labels);
        a->setTitleFont(base);
    }
    fitTexts();
}

QSize InteractiveChart::figureSize() const
{
    // Wide enough for the full titles, at least as large as on screen.
    const QFontMetricsF title(chart()->titleFont());
    const QFontMetricsF axis(m_x->titleFont());
    int w = width();
    w = std::max(w, int(std::ceil(title.horizontalAdvance(m_titles.value(0)))) + 40);
    w = std::max(w, int(std::ceil(axis.horizontalAdvance(m_xTitles.value(0)))) + 140);
    int h = std::max(height(), int(std::ceil(axis.horizontalAdvance(m_yTitles.value(0)))) + 140);
    return QSize(w, h);
}

void InteractiveChart::renderFigure(QPainter *painter, const QSize &size)
{
    // Lay the chart out at the figure's size with its full titles, paint it, and put it back.
    const QRectF before = chart()->geometry();
    const QString title = chart()->title(), x = m_x->titleText(), y = m_y->titleText();
    const bool readout = m_readoutBox->isVisible();
    for (QGraphicsItem *item :
         {static_cast<QGraphicsItem *>(m_vLine), static_cast<QGraphicsItem *>(m_hLine),
          static_cast<QGraphicsItem *>(m_readoutBox)})
        item->hide();
    chart()->setTitle(m_titles.value(0));
    m_x->setTitleText(m_xTitles.value(0));
    m_y->setTitleText(m_yTitles.value(0));
    chart()->resize(size);
    chart()->layout()->activate();
    scene()->render(painter, QRectF(QPointF(0, 0), size), QRectF(QPointF(0, 0), size));
    chart()->resize(before.size());
    chart()->layout()->activate();
    chart()->setTitle(title);
    m_x->setTitleText(x);
    m_y->setTitleText(y);
    if (readout)
        updateReadout();
}

}  // namespace mscope
