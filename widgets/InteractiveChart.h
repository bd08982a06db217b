// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportableView.h"
#include "ScaleAxis.h"

#include <QChartView>
#include <QRectF>
#include <QStringList>

class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsTextItem;

namespace mscope {

/// What every chart of the workbench shares, for the charts there are and those still to come:
/// - a crosshair with a readout that stays while the pointer rests (the subclass says what to
///   read: value, position, layer, channel), instead of tooltips that come and go;
/// - zoom (mouse wheel; Ctrl+wheel: x only, Shift+wheel: y only), pan (drag) and reset
///   (double-click, or the R key); live data updates keep the zoom until it is reset;
/// - axes with nice labels (ScaleAxis), ranges fitted to the data by the subclass;
/// - titles that never elide: the longest of the candidate titles that fits is shown, the full
///   one in exported figures, with the caption block under it (ExportableView).
class InteractiveChart : public QChartView, public ExportableView
{
    Q_OBJECT

public:
    InteractiveChart(ScaleAxis::Kind xKind, ScaleAxis::Kind yKind, QWidget *parent = nullptr);

    ScaleAxis *xAxis() const { return m_x; }
    ScaleAxis *yAxis() const { return m_y; }

    /// The chart title, fullest first: the first that fits the width is shown.
    void setTitles(const QStringList &fullestFirst);
    void setXTitles(const QStringList &fullestFirst);
    void setYTitles(const QStringList &fullestFirst);
    QString fullTitle() const { return m_titles.value(0); }

    /// The ranges (axis coordinates) that show all the data; applied unless the user zoomed.
    void setHomeRange(double x0, double x1, double y0, double y1);
    bool isZoomed() const { return m_zoomed; }
    /// Back to the data's ranges.
    void resetZoom();
    /// Zooms by `factor` (> 1: in) around the point `at` (widget pixels) along the axes chosen.
    void zoomAt(const QPointF &at, double factor, bool alongX = true, bool alongY = true);
    /// Moves the view by a pixel offset, as a drag does.
    void panBy(const QPointF &pixels);

    /// Axis coordinates under a widget position.
    QPointF valueAt(const QPointF &widgetPos) const;
    /// The readout's text at widget position `pos` (empty while the pointer is off the plot).
    QString readout() const;
    /// Places the crosshair and readout as a resting pointer would (tests, the tour).
    void showReadoutAt(const QPointF &widgetPos);
    void hideReadout();

    /// Texts on screen that do not fit their space (chart title, axis titles): should be none.
    QStringList overflowingTexts() const;

    QWidget *exportWidget() override { return this; }
    QSize figureSize() const override;
    void renderFigure(QPainter *painter, const QSize &size) override;

signals:
    void zoomChanged(bool zoomed);

protected:
    /// Rich text for the readout at axis point `value` (pixel `pos`); empty hides it.
    virtual QString readoutText(const QPointF &value, const QPointF &pos) const = 0;
    /// After the visible ranges changed: move markers, shades, labels.
    virtual void rangesChanged() {}
    /// After the plot area changed size: ranges that depend on it (room for labels) again.
    virtual void plotResized() {}

    bool event(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void applyRanges(double x0, double x1, double y0, double y1);
    void fitTexts();
    void updateReadout();
    void applyFonts();

    ScaleAxis *m_x = nullptr;
    ScaleAxis *m_y = nullptr;
    QStringList m_titles;
    QStringList m_xTitles;
    QStringList m_yTitles;
    QRectF m_home;  // x0, y0, width, height in axis coordinates
    bool m_zoomed = false;
    double m_plotHeight = 0.0;
    bool m_dragging = false;
    QPointF m_lastDrag;
    QPointF m_pointer;
    bool m_pointerInside = false;
    QGraphicsLineItem *m_vLine = nullptr;
    QGraphicsLineItem *m_hLine = nullptr;
    QGraphicsRectItem *m_readoutBox = nullptr;
    QGraphicsTextItem *m_readoutText = nullptr;
};

}  // namespace mscope
