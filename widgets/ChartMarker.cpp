// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChartMarker.h"

#include "ChartStyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

namespace mscope {

ChartMarker::ChartMarker(QChart *chart, const QColor &color, QObject *parent)
    : QObject(parent),
      m_chart(chart),
      m_series(new QLineSeries),
      m_label(new QGraphicsSimpleTextItem(chart))
{
    m_series->setPen(ChartStyle::markerPen(color));
    chart->addSeries(m_series);
    for (QLegendMarker *m : chart->legend()->markers(m_series))
        m->setVisible(false);
    m_label->setBrush(color.darker(125));
    QFont f = m_label->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    m_label->setFont(f);
    m_label->setZValue(20);
    m_label->hide();
    connect(chart, &QChart::plotAreaChanged, this, &ChartMarker::reposition);
}

void ChartMarker::attachAxes(QAbstractAxis *x, QAbstractAxis *y)
{
    for (QAbstractAxis *a : m_series->attachedAxes())
        m_series->detachAxis(a);
    m_series->attachAxis(x);
    m_series->attachAxis(y);
    reposition();
}

void ChartMarker::set(double x, const QString &label)
{
    m_x = x;
    m_label->setText(label);
    reposition();
}

void ChartMarker::setRow(int row)
{
    m_row = row;
    reposition();
}

double ChartMarker::labelBandHeight() const
{
    return 2.0 * QFontMetricsF(m_label->font()).height() + 6.0;
}

void ChartMarker::setYRange(double low, double high)
{
    m_low = low;
    m_high = high;
    reposition();
}

void ChartMarker::reposition()
{
    bool attached = false;
    for (const QAbstractAxis *a : m_series->attachedAxes())
        attached |= a->orientation() == Qt::Horizontal;
    bool inside = std::isfinite(m_x) && attached;
    if (inside) {
        const QPointF top = m_chart->mapToPosition(QPointF(m_x, m_high), m_series);
        const QRectF plot = m_chart->plotArea();
        inside = top.x() >= plot.left() - 0.5 && top.x() <= plot.right() + 0.5;
        if (inside) {
            const QRectF text = m_label->boundingRect();
            // Left of the line when the label would run off the right edge.
            const double lx = top.x() + 3 + text.width() > plot.right() ? top.x() - 3 - text.width()
                                                                        : top.x() + 3;
            m_label->setPos(lx, plot.top() + 2 + m_row * QFontMetricsF(m_label->font()).height());
        }
    }
    if (inside)
        m_series->replace({QPointF(m_x, m_low), QPointF(m_x, m_high)});
    else
        m_series->clear();
    m_label->setVisible(inside && !m_label->text().isEmpty());
}

}  // namespace mscope
