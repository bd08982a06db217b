// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/SpectrumDensity.h"
#include "ExportableView.h"

#include <QChartView>

class QAreaSeries;
class QCategoryAxis;
class QLineSeries;
class QValueAxis;

namespace mscope {

class ChartMarker;

/// The spectrum of one layer as a histogram: grey filled as loaded, blue outline scaled, with the
/// training and target lengths marked when the axis is τ. Plotted in the heat map's coordinates
/// (log10 of the quantity), labelled in plain numbers (1, 10, 100, 1k, ...).
class LayerSpectrumChart : public QChartView, public ExportableView
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
    QWidget *exportWidget() override { return this; }
    QString toCsv() const override;

private:
    void rebuild();
    void relabelAxis();

    SpectrumDensity m_original;
    SpectrumDensity m_modulated;
    int m_layer = 0;
    double m_trainingLength = 0.0;
    double m_targetLength = 0.0;
    QCategoryAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
    QLineSeries *m_originalUpper = nullptr;
    QLineSeries *m_originalLower = nullptr;
    QAreaSeries *m_originalArea = nullptr;
    QLineSeries *m_scaled = nullptr;
    ChartMarker *m_trainingMarker = nullptr;
    ChartMarker *m_targetMarker = nullptr;
};

}  // namespace mscope
