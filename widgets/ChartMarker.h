// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QObject>
#include <QString>

class QAbstractAxis;
class QChart;
class QGraphicsSimpleTextItem;
class QLineSeries;

namespace mscope {

/// A vertical line across a chart at one x value with its label written at the top of the plot
/// (the training and target lengths), so that the legend keeps room for the curves.
class ChartMarker : public QObject
{
    Q_OBJECT

public:
    ChartMarker(QChart *chart, const QColor &color, QObject *parent = nullptr);

    /// Attaches the line to the chart's axes (call again after swapping an axis).
    void attachAxes(QAbstractAxis *x, QAbstractAxis *y);
    /// `x` <= 0 or outside the x range hides the marker.
    void set(double x, const QString &label);
    /// The y extent of the line: the y axis range, set after each change of range.
    void setYRange(double low, double high);
    /// Places the label again (after the axes or the plot area changed).
    void reposition();
    QLineSeries *series() const { return m_series; }

private:
    QChart *m_chart;
    QLineSeries *m_series;
    QGraphicsSimpleTextItem *m_label;
    double m_x = 0.0;
    double m_low = 0.0;
    double m_high = 1.0;
};

}  // namespace mscope
