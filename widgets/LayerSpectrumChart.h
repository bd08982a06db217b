// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "InteractiveChart.h"
#include "analysis/SpectrumDensity.h"

class QAreaSeries;
class QGraphicsSimpleTextItem;
class QLineSeries;

namespace mscope {

class ChartMarker;

/// The spectrum of one layer as a histogram: grey filled as loaded, blue outline scaled, with the
/// training and target lengths marked when the axis is τ. Plotted in the heat map's coordinates
/// (log10 of the quantity), labelled in plain numbers (1, 10, 100, 1k, ...). The x range fits
/// the bins that hold modes; a lone spike taller than four times everything else is cut, with
/// its height written on it, so the rest of the spectrum stays readable.
class LayerSpectrumChart : public InteractiveChart
{
    Q_OBJECT

public:
    explicit LayerSpectrumChart(QWidget *parent = nullptr);

    /// Densities of every layer (`modulated` may be empty); shows the chosen layer.
    void setDensities(const SpectrumDensity &original, const SpectrumDensity &modulated);
    void setLayer(int layer);
    int layer() const { return m_layer; }
    void setTrainingLength(double tokens);
    void setTargetLength(double tokens);

    QString exportName() const override { return QStringLiteral("layer-spectrum"); }
    QString toCsv() const override;

protected:
    QString readoutText(const QPointF &value, const QPointF &pos) const override;
    void rangesChanged() override;
    void plotResized() override { rebuild(); }

private:
    void rebuild();

    SpectrumDensity m_original;
    SpectrumDensity m_modulated;
    int m_layer = 0;
    double m_trainingLength = 0.0;
    double m_targetLength = 0.0;
    double m_spike = 0.0;  // height of a cut spike (%), 0 when none
    double m_spikeAt = 0.0;
    QLineSeries *m_originalUpper = nullptr;
    QLineSeries *m_originalLower = nullptr;
    QAreaSeries *m_originalArea = nullptr;
    QLineSeries *m_scaled = nullptr;
    ChartMarker *m_trainingMarker = nullptr;
    ChartMarker *m_targetMarker = nullptr;
    QGraphicsSimpleTextItem *m_spikeLabel = nullptr;
};

}  // namespace mscope
