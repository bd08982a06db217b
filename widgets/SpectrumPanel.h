// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/SpectrumDensity.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSplitter;

namespace mscope {

class LayerSpectrumChart;
class SpectrumHeatmap;

/// The spectrum panel: which quantity to show, the layers × spectrum heat map, and the histogram
/// of the layer picked in it.
class SpectrumPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SpectrumPanel(QWidget *parent = nullptr);

    SpectrumHeatmap *heatmap() const { return m_heatmap; }
    LayerSpectrumChart *layerChart() const { return m_layerChart; }
    QComboBox *quantityBox() const { return m_quantity; }
    void setDensities(const SpectrumDensity &original, const SpectrumDensity &modulated);
    void setLengths(double trainingLength, double targetLength);
    void setSelectedLayer(int layer);
    /// Where Δ̄ came from, or why τ is not available yet.
    void setNote(const QString &note);
    QSize minimumSizeHint() const override;

signals:
    void quantityChanged(mscope::SpectrumQuantity quantity);
    void layerSelected(int layer);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    QComboBox *m_quantity = nullptr;
    QLabel *m_note = nullptr;
    SpectrumHeatmap *m_heatmap = nullptr;
    LayerSpectrumChart *m_layerChart = nullptr;
    QSplitter *m_split = nullptr;
};

}  // namespace mscope
