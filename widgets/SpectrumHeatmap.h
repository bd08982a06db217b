// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportableView.h"
#include "ZoomableHeatmap.h"
#include "analysis/SpectrumDensity.h"

#include <QImage>

namespace mscope {

/// Layers × spectrum heat map: one row per layer, the darker a cell the more of the layer's modes
/// have that time constant (or decay rate, or eigenvalue). With a modulation, each row is split:
/// grey above (as loaded), blue below (scaled). Painted from a small QImage, one pixel per bin,
/// so it stays instant for deep, wide models. Click a row to inspect that layer.
class SpectrumHeatmap : public ZoomableHeatmap, public ExportableView
{
    Q_OBJECT

public:
    explicit SpectrumHeatmap(QWidget *parent = nullptr);

    /// `modulated` may be empty (no modulation: full rows of the original).
    void setDensities(const SpectrumDensity &original, const SpectrumDensity &modulated);
    const SpectrumDensity &original() const { return m_original; }
    const SpectrumDensity &modulated() const { return m_modulated; }
    /// Marked when the quantity is τ (tokens).
    void setTrainingLength(double tokens);
    void setTargetLength(double tokens);
    void setSelectedLayer(int layer);
    int selectedLayer() const { return m_selected; }
    /// Shown instead of the map while there is nothing to draw (e.g. "Measuring Δ…").
    void setPlaceholder(const QString &text);

    QSize sizeHint() const override { return QSize(520, 300); }
    QSize minimumSizeHint() const override;

    /// The visible x range (axis coordinates): fitted to the bins that hold modes until the user
    /// zooms (wheel), pans (drag) or resets it (double-click).
    double viewMin() const { return m_view0; }
    double viewMax() const { return m_view1; }
    bool isZoomed() const { return m_zoomed; }
    void resetZoom() override;
    void zoomAt(double x, double factor) override;
    /// Every how many layers a row is labelled (1: every layer; more only when rows are shorter
    /// than the smallest readable font, and then the map says so).
    int labelStep() const;
    /// The crosshair readout at a widget position, as a resting pointer shows it.
    QString readoutAt(const QPoint &pos) const override;
    /// Texts that do not fit their space (the title): should be none.
    QStringList overflowingTexts() const;

    QString exportName() const override { return QStringLiteral("spectrum-heatmap"); }
    QWidget *exportWidget() override { return this; }
    QString toCsv() const override;

signals:
    void layerSelected(int layer);

protected:
    void paintEvent(QPaintEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    QRect plotRect() const override;
    bool hasMap() const override { return !m_original.isEmpty(); }
    void panBy(double fraction) override;
    /// Selects the layer clicked.
    void clickedAt(const QPoint &pos) override;

private:
    QString title() const;
    void fitView();
    double xOf(double coordinate, const QRect &plot) const;
    double coordinateAt(int x, const QRect &plot) const;
    QFont labelFont() const;
    bool split() const { return !m_modulated.isEmpty(); }
    int layerAt(const QPoint &pos) const;
    void rebuildImage();
    QString tickLabel(double value) const;

    SpectrumDensity m_original;
    SpectrumDensity m_modulated;
    QImage m_image;
    double m_trainingLength = 0.0;
    double m_targetLength = 0.0;
    int m_selected = -1;
    QString m_placeholder;
    double m_view0 = 0.0;
    double m_view1 = 1.0;
    bool m_zoomed = false;
};

}  // namespace mscope
