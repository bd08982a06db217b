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
/// (the training and target lengths), so that the legend keeps room for the curves. The label
/// sits right of the line, or left of it at the right edge.
class ChartMarker : public QObject
{
    Q_OBJECT

public:
    ChartMarker(QChart *chart, const QColor &color, QObject *parent = nullptr);

    /// Attaches the line to the chart's axes (call again after swapping an axis).
    void attachAxes(QAbstractAxis *x, QAbstractAxis *y);
    /// `x` (axis coordinate) not finite, or outside the x range, hides the marker.
    void set(double x, const QString &label);
    /// Labels of different rows never collide: row 0 at the top of the plot, row 1 under it.
    void setRow(int row);
    /// Pixels at the top of the plot that two rows of labels need: charts keep their data
    /// below them.
    double labelBandHeight() const;
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
    int m_row = 0;
    double m_low = 0.0;
    double m_high = 1.0;
};

}  // namespace mscope
