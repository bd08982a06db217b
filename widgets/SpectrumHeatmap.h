// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/SpectrumDensity.h"
#include "ExportableView.h"

#include <QImage>
#include <QWidget>

namespace mscope {

/// Layers × spectrum heat map: one row per layer, the darker a cell the more of the layer's modes
/// have that time constant (or decay rate, or eigenvalue). With a modulation, each row is split:
/// grey above (as loaded), blue below (scaled). Painted from a small QImage, one pixel per bin,
/// so it stays instant for deep, wide models. Click a row to inspect that layer.
class SpectrumHeatmap : public QWidget, public ExportableView
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
    QSize minimumSizeHint() const override { return QSize(260, 160); }

    QString exportName() const override { return QStringLiteral("spectrum-heatmap"); }
    QWidget *exportWidget() override { return this; }
    QString toCsv() const override;

signals:
    void layerSelected(int layer);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QRect plotRect() const;
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
};

}  // namespace mscope
