// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayerSpectrumChart.h"

#include "ChartMarker.h"
#include "ChartStyle.h"
#include "SpectrumQuantityName.h"
#include "ViewExporter.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace mscope {

LayerSpectrumChart::LayerSpectrumChart(QWidget *parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(280, 180);
    auto *chart = new QChart;
    ChartStyle::apply(chart);
    // setChart() releases the chart QChartView made for itself, without deleting it.
    QChart *const own = QChartView::chart();
    setChart(chart);
    delete own;

    m_originalUpper = new QLineSeries(this);
    m_originalLower = new QLineSeries(this);
    m_originalArea = new QAreaSeries(m_originalUpper, m_originalLower);
    QColor fill = ChartStyle::baseline();
    fill.setAlpha(80);
    m_originalArea->setBrush(fill);
    QPen edge(ChartStyle::baseline(), 1.0);
    edge.setCosmetic(true);
    m_originalArea->setPen(edge);
    m_originalArea->setName(tr("as loaded"));
    chart->addSeries(m_originalArea);

    m_scaled = new QLineSeries;
    QPen scaledPen(ChartStyle::current(), 2.0);
    scaledPen.setCosmetic(true);
    m_scaled->setPen(scaledPen);
    m_scaled->setName(tr("scaled"));
    chart->addSeries(m_scaled);

    m_x = new QCategoryAxis;
    m_x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_x->setGridLineVisible(true);
    m_y = ChartStyle::valueAxis(tr("% of modes"));
    m_y->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractSeries *s : chart->series()) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    m_trainingMarker = new ChartMarker(chart, ChartStyle::trainingLength(), this);
    m_trainingMarker->attachAxes(m_x, m_y);
    m_targetMarker = new ChartMarker(chart, ChartStyle::targetLength(), this);
    m_targetMarker->attachAxes(m_x, m_y);

    setToolTip(
        tr("Histogram of one layer's spectrum: how many of its modes have each memory "
           "length τ (or decay rate α, or eigenvalue λ). Grey: as loaded; blue: with the "
           "current scaling."));
    setWhatsThis(toolTip() + tr(" Choose the layer by clicking its row in the heat map above."));
    rebuild();
}

void LayerSpectrumChart::setDensities(const SpectrumDensity &original,
                                      const SpectrumDensity &modulated)
{
    m_original = original;
    m_modulated = modulated;
    rebuild();
}

void LayerSpectrumChart::setLayer(int layer)
{
    m_layer = layer;
    rebuild();
}

void LayerSpectrumChart::setTrainingLength(double tokens)
{
    m_trainingLength = tokens;
    rebuild();
}

void LayerSpectrumChart::setTargetLength(double tokens)
{
    m_targetLength = tokens;
    rebuild();
}

void LayerSpectrumChart::relabelAxis()
{
    for (const QString &label : m_x->categoriesLabels())
        m_x->remove(label);
    const double lo = m_original.axisMin, hi = m_original.axisMax;
    m_x->setRange(lo, hi);
    if (m_original.logarithmic) {
        const int first = int(std::ceil(lo - 1e-9)), last = int(std::floor(hi + 1e-9));
        const int step = std::max(1, (last - first) / 8 + 1);
        for (int k = first; k <= last; k += step)
            m_x->append(ChartStyle::compactNumber(std::pow(10.0, k)), k);
    } else {
        for (int k = 0; k <= 5; ++k) {
            const double v = lo + (hi - lo) * k / 5.0;
            m_x->append(QString::number(v, 'g', 3), v);
        }
    }
    m_x->setTitleText(spectrumQuantityName(m_original.quantity) +
                      (m_original.logarithmic ? tr(", log scale") : QString()));
}

void LayerSpectrumChart::rebuild()
{
    const bool valid = m_layer >= 0 && m_layer < m_original.layers();
    chart()->setTitle(valid ? tr("Layer %1").arg(m_layer) : tr("Layer spectrum"));
    if (!valid) {
        m_originalUpper->clear();
        m_originalLower->clear();
        m_scaled->clear();
        m_trainingMarker->set(0, QString());
        m_targetMarker->set(0, QString());
        return;
    }
    relabelAxis();
    auto steps = [&](const SpectrumDensity &d, double &peak) {
        QList<QPointF> pts;
        pts.reserve(2 * d.bins);
        for (int b = 0; b < d.bins; ++b) {
            const double v = 100.0 * d.share[size_t(m_layer)][size_t(b)];
            pts << QPointF(d.binLow(b), v) << QPointF(d.binHigh(b), v);
            peak = std::max(peak, v);
        }
        return pts;
    };
    double peak = 0.0;
    m_originalUpper->replace(steps(m_original, peak));
    m_originalLower->replace({QPointF(m_original.axisMin, 0.0), QPointF(m_original.axisMax, 0.0)});
    const bool scaled = m_layer < m_modulated.layers();
    m_scaled->replace(scaled ? steps(m_modulated, peak) : QList<QPointF>());
    for (QLegendMarker *m : chart()->legend()->markers(m_scaled))
        m->setVisible(scaled);
    m_y->setRange(0.0, std::max(0.5, peak * 1.12));
    m_y->applyNiceNumbers();

    const bool tau = m_original.quantity == SpectrumQuantity::Tau;
    auto place = [&](ChartMarker *marker, double tokens, const QString &label) {
        marker->setYRange(m_y->min(), m_y->max());
        marker->set(tau && tokens > 0 ? m_original.coordinate(tokens) : 0.0, label);
    };
    // Coordinates can be <= 0 (τ < 1 token): the marker hides then, which is what we want.
    place(m_trainingMarker, m_trainingLength,
          tr("training %1").arg(ChartStyle::tokenCount(m_trainingLength, true)));
    place(m_targetMarker, m_targetLength,
          tr("target %1").arg(ChartStyle::tokenCount(m_targetLength, true)));
}

QString LayerSpectrumChart::toCsv() const
{
    QString out =
        ViewExporter::csvLine({QStringLiteral("bin_low"), QStringLiteral("bin_high"),
                               QStringLiteral("share_as_loaded"), QStringLiteral("share_scaled")});
    if (m_layer < 0 || m_layer >= m_original.layers())
        return out;
    const bool scaled = m_layer < m_modulated.layers();
    for (int b = 0; b < m_original.bins; ++b) {
        out += ViewExporter::csvLine(
            {QString::number(m_original.valueAt(m_original.binLow(b)), 'g', 8),
             QString::number(m_original.valueAt(m_original.binHigh(b)), 'g', 8),
             QString::number(m_original.share[size_t(m_layer)][size_t(b)], 'g', 8),
             scaled ? QString::number(m_modulated.share[size_t(m_layer)][size_t(b)], 'g', 8)
                    : QString()});
    }
    return out;
}

}  // namespace mscope
