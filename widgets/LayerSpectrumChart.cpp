// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayerSpectrumChart.h"

#include "ChartMarker.h"
#include "ChartStyle.h"
#include "SpectrumQuantityName.h"
#include "ViewExporter.h"

#include <QAreaSeries>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <algorithm>
#include <cmath>

namespace mscope {

LayerSpectrumChart::LayerSpectrumChart(QWidget *parent)
    : InteractiveChart(ScaleAxis::Kind::Log10, ScaleAxis::Kind::Linear, parent)
{
    setMinimumSize(200, 96);
    QChart *chart = this->chart();

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
    for (QAbstractSeries *s : chart->series()) {
        s->attachAxis(xAxis());
        s->attachAxis(yAxis());
    }
    yAxis()->setFormatter([](double v) { return QString::number(v, 'g', 3); });
    setYTitles({tr("% of modes"), tr("%")});
    m_trainingMarker = new ChartMarker(chart, ChartStyle::trainingLength(), this);
    m_trainingMarker->attachAxes(xAxis(), yAxis());
    m_targetMarker = new ChartMarker(chart, ChartStyle::targetLength(), this);
    m_targetMarker->attachAxes(xAxis(), yAxis());
    m_targetMarker->setRow(1);
    m_spikeLabel = new QGraphicsSimpleTextItem(chart);
    m_spikeLabel->setZValue(30);
    m_spikeLabel->hide();

    setWhatsThis(tr("Histogram of one layer's spectrum: how many of its modes have each memory "
                    "length τ (or decay rate α, or eigenvalue λ). Grey: as loaded; blue: with the "
                    "current scaling.") +
                 tr(" Choose the layer by clicking its row in the heat map above."));
    rebuild();
}

void LayerSpectrumChart::setDensities(const SpectrumDensity &original,
                                      const SpectrumDensity &modulated)
{
    const bool axisChanged = original.quantity != m_original.quantity ||
                             original.axisMin != m_original.axisMin ||
                             original.axisMax != m_original.axisMax;
    m_original = original;
    m_modulated = modulated;
    if (axisChanged)
        resetZoom();
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
    rangesChanged();
}

void LayerSpectrumChart::setTargetLength(double tokens)
{
    m_targetLength = tokens;
    rangesChanged();
}

void LayerSpectrumChart::rebuild()
{
    const bool valid = m_layer >= 0 && m_layer < m_original.layers();
    setTitles({valid ? tr("Layer %1").arg(m_layer) : tr("Layer spectrum")});
    if (!valid) {
        m_originalUpper->clear();
        m_originalLower->clear();
        m_scaled->clear();
        m_spike = 0;
        rangesChanged();
        return;
    }
    const bool log = m_original.logarithmic;
    xAxis()->setKind(log ? ScaleAxis::Kind::Log10 : ScaleAxis::Kind::Linear);
    const QString quantity = spectrumQuantityName(m_original.quantity);
    setXTitles({quantity + (log ? tr(", log scale") : QString()), quantity});

    const bool scaled = m_layer < m_modulated.layers();
    std::vector<double> heights;
    int first = m_original.bins, last = -1;
    auto steps = [&](const SpectrumDensity &d) {
        QList<QPointF> pts;
        pts.reserve(2 * d.bins);
        for (int b = 0; b < d.bins; ++b) {
            const double v = 100.0 * d.share[size_t(m_layer)][size_t(b)];
            pts << QPointF(d.binLow(b), v) << QPointF(d.binHigh(b), v);
            heights.push_back(v);
            if (v > 0) {
                first = std::min(first, b);
                last = std::max(last, b);
            }
        }
        return pts;
    };
    m_originalUpper->replace(steps(m_original));
    m_originalLower->replace({QPointF(m_original.axisMin, 0.0), QPointF(m_original.axisMax, 0.0)});
    m_scaled->replace(scaled ? steps(m_modulated) : QList<QPointF>());
    for (QLegendMarker *m : chart()->legend()->markers(m_scaled))
        m->setVisible(scaled);

    // A lone spike (λ of fast modes all near 0) would flatten everything else: cut it.
    std::vector<double> sorted = heights;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const double peak = sorted.empty() ? 0.0 : sorted.front();
    double next = 0.0;
    for (double v : sorted)
        if (v < peak * 0.999) {
            next = v;
            break;
        }
    m_spike = 0;
    double top = std::max(0.5, peak * 1.12);
    if (next > 0 && peak > 4.0 * next) {
        m_spike = peak;
        top = next * 1.6;
        for (int b = 0; b < m_original.bins; ++b) {
            const double o = 100.0 * m_original.share[size_t(m_layer)][size_t(b)];
            const double s = scaled ? 100.0 * m_modulated.share[size_t(m_layer)][size_t(b)] : 0.0;
            if (std::max(o, s) == peak)
                m_spikeAt = 0.5 * (m_original.binLow(b) + m_original.binHigh(b));
        }
    }
    // The x range: the bins that hold modes, with one empty bin each side.
    double x0 = m_original.axisMin, x1 = m_original.axisMax;
    if (last >= first) {
        x0 = m_original.binLow(std::max(0, first - 1));
        x1 = m_original.binHigh(std::min(m_original.bins - 1, last + 1));
    }
    const bool tau = m_original.quantity == SpectrumQuantity::Tau;
    // Keep the length markers in view on the τ axis.
    for (double tokens : {m_trainingLength, m_targetLength})
        if (tau && tokens > 0) {
            x0 = std::min(x0, m_original.coordinate(tokens) - 0.1);
            x1 = std::max(x1, m_original.coordinate(tokens) + 0.1);
        }
    const double plotHeight = std::max(60.0, chart()->plotArea().height());
    const double band = std::min(0.4, m_trainingMarker->labelBandHeight() / plotHeight);
    top += band / (1.0 - band) * top;
    setHomeRange(x0, x1, 0.0, top);
    rangesChanged();
}

void LayerSpectrumChart::rangesChanged()
{
    const bool tau = m_original.quantity == SpectrumQuantity::Tau && !m_original.isEmpty();
    auto place = [&](ChartMarker *marker, double tokens, const QString &label) {
        marker->setYRange(yAxis()->min(), yAxis()->max());
        marker->set(tau && tokens > 0 ? m_original.coordinate(tokens) : double(NAN), label);
    };
    place(m_trainingMarker, m_trainingLength,
          tr("training %1").arg(ChartStyle::tokenCount(m_trainingLength, true)));
    place(m_targetMarker, m_targetLength,
          tr("target %1").arg(ChartStyle::tokenCount(m_targetLength, true)));
    if (m_spike > 0 && !m_original.isEmpty()) {
        const QRectF plot = chart()->plotArea();
        const double u = (m_spikeAt - xAxis()->min()) / (xAxis()->max() - xAxis()->min());
        m_spikeLabel->setText(tr("▲ %1%").arg(m_spike, 0, 'f', 1));
        const double x = plot.left() + u * plot.width();
        const double w = m_spikeLabel->boundingRect().width();
        m_spikeLabel->setPos(std::clamp(x - w / 2, plot.left(), plot.right() - w),
                             plot.top() + m_trainingMarker->labelBandHeight());
        m_spikeLabel->setVisible(u >= 0 && u <= 1);
    } else {
        m_spikeLabel->hide();
    }
}

QString LayerSpectrumChart::readoutText(const QPointF &value, const QPointF &) const
{
    if (m_layer < 0 || m_layer >= m_original.layers() || m_original.bins <= 0)
        return QString();
    const int bin = int(std::floor((value.x() - m_original.axisMin) /
                                   (m_original.axisMax - m_original.axisMin) * m_original.bins));
    if (bin < 0 || bin >= m_original.bins)
        return QString();
    const QString range =
        tr("%1 – %2").arg(ChartStyle::compactNumber(m_original.valueAt(m_original.binLow(bin))),
                          ChartStyle::compactNumber(m_original.valueAt(m_original.binHigh(bin))));
    QString text = tr("<b>Layer %1</b>, %2 %3<br>as loaded: %4% of modes")
                       .arg(m_layer)
                       .arg(spectrumQuantityName(m_original.quantity), range)
                       .arg(100.0 * m_original.share[size_t(m_layer)][size_t(bin)], 0, 'f', 2);
    if (m_layer < m_modulated.layers())
        text += tr("<br>scaled: %1% of modes")
                    .arg(100.0 * m_modulated.share[size_t(m_layer)][size_t(bin)], 0, 'f', 2);
    return text;
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
