// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPoint>
#include <QRect>
#include <QString>
#include <QWidget>

class QPainter;

namespace mscope {

/// What the heat maps share: the wheel zooms the x axis about the pointer, a drag pans it, a
/// double-click resets it, and a readout box follows a resting pointer (it is the map's hover
/// text: no generic tooltip of a parent is shown over it). A subclass owns its view range and
/// says how to zoom, pan and reset it, where its plot lies and what the readout says.
class ZoomableHeatmap : public QWidget
{
    Q_OBJECT

public:
    explicit ZoomableHeatmap(QWidget *parent = nullptr);

    /// Zooms by `factor` (> 1 narrows the view) about the widget x position `x`.
    virtual void zoomAt(double x, double factor) = 0;
    /// Back to the whole range.
    virtual void resetZoom() = 0;
    /// The readout a resting pointer shows at `pos` (HTML), empty outside the map.
    virtual QString readoutAt(const QPoint &pos) const = 0;
    /// Shows the readout as if the pointer rested at `pos` (tests, screenshots).
    void showReadoutAt(const QPoint &pos);

protected:
    /// The plot area, in widget coordinates.
    virtual QRect plotRect() const = 0;
    /// Whether there is a map to zoom and pan (not the placeholder).
    virtual bool hasMap() const = 0;
    /// Shifts the view by `fraction` of its width (positive: the content follows the pointer
    /// right).
    virtual void panBy(double fraction) = 0;
    /// A left click that did not become a drag.
    virtual void clickedAt(const QPoint &pos);

    /// The readout to paint now: empty while the pointer is outside, during a drag, or off the map.
    QString currentReadout() const;
    QPoint pointer() const { return m_pointer; }
    /// Paints `html` in a box beside the pointer, inside the widget.
    void paintReadout(QPainter &painter, const QString &html) const;

    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    QPoint m_pointer;
    bool m_pointerInside = false;
    QPoint m_pressAt;
    bool m_panning = false;
};

}  // namespace mscope
