// SPDX-License-Identifier: GPL-3.0-or-later
#include "StateNormChart.h"

#include "ChartMarker.h"
#include "ChartStyle.h"
#include "ViewExporter.h"

#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <algorithm>
#include <cmath>

namespace mscope {

StateNormChart::StateNormChart(QWidget *parent)
    : InteractiveChart(ScaleAxis::Kind::LogTokens, ScaleAxis::Kind::Log10, parent)
{
    setMinimumSize(200, 110);
    QChart *chart = this->chart();
    setTitles({tr("Recurrent state size against position"), tr("State size against position"),
               tr("State size")});
    setXTitles({tr("Tokens seen")});
    setYTitles({tr("State norm (log scale)"), tr("State norm"), tr("norm")});

    m_trainingMarker = new ChartMarker(chart, ChartStyle::trainingLength(), this);
    m_trainingMarker->attachAxes(xAxis(), yAxis());
    m_targetMarker = new ChartMarker(chart, ChartStyle::targetLength(), this);
    m_targetMarker->attachAxes(xAxis(), yAxis());
    m_targetMarker->setRow(1);
    QPen keyPen(ChartStyle::baseline(), 1.5, Qt::DashLine);
    keyPen.setCosmetic(true);
    m_baselineKey = addSeries(keyPen);
    m_baselineKey->setName(tr("dashed: as loaded"));
    setTrainingLength(0);
    setTargetLength(0);
    updateAxes();

    // No tooltip: the crosshair readout is the chart's hover text.
    setWhatsThis(
        tr("How large each layer's recurrent state grows as the model reads on (L2 over "
           "the state dimension; max or mean over channels). It levels off within the "
           "training length in a healthy layer; a state that keeps growing past it has left "
           "what the model saw in training.") +
        tr(" Dashed: the model as loaded. Solid: the current scaling. Choose "
           "the layers shown in the panel's Layers menu."));
}

QLineSeries *StateNormChart::addSeries(const QPen &pen)
{
    auto *series = new QLineSeries;
    QPen p = pen;
    p.setCosmetic(true);
    series->setPen(p);
    chart()->addSeries(series);
    series->attachAxis(xAxis());
    series->attachAxis(yAxis());
    return series;
}

void StateNormChart::setLayerCount(int layers)
{
    for (LayerSeries &l : m_layers) {
        chart()->removeSeries(l.baseline);
        chart()->removeSeries(l.current);
        delete l.baseline;
        delete l.current;
    }
    m_layers.clear();
    // Deep models: show a handful of layers spread over the depth by default.
    const int shown = std::min(layers, 6);
    for (int l = 0; l < layers; ++l) {
        LayerSeries s;
        const QColor color = ChartStyle::layer(l);
        s.baseline = addSeries(QPen(color, 1.3, Qt::DashLine));
        s.current = addSeries(QPen(color, 2.2, Qt::SolidLine));
        s.current->setName(tr("L%1").arg(l));
        const auto markers = chart()->legend()->markers(s.baseline);
        for (QLegendMarker *m : markers)
            m->setVisible(false);
        s.visible = layers <= shown;
        m_layers.push_back(s);
    }
    if (layers > shown) {
        // Evenly spread: layer round(i·(L-1)/(shown-1)).
        for (LayerSeries &s : m_layers)
            s.visible = false;
        for (int i = 0; i < shown; ++i)
            m_layers[size_t(std::lround(double(i) * (layers - 1) / (shown - 1)))].visible = true;
    }
    refill();
}

void StateNormChart::setLayerVisible(int layer, bool visible)
{
    if (layer < 0 || layer >= int(m_layers.size()))
        return;
    m_layers[size_t(layer)].visible = visible;
    refill();
}

bool StateNormChart::isLayerVisible(int layer) const
{
    return layer >= 0 && layer < int(m_layers.size()) && m_layers[size_t(layer)].visible;
}

void StateNormChart::setStatistic(StateNormHistory::Statistic statistic)
{
    m_statistic = statistic;
    refill();
}

void StateNormChart::setBaseline(const StateNormHistory &history)
{
    m_baselineHistory = history;
    refill();
}

void StateNormChart::setCurrent(const StateNormHistory &history, bool complete)
{
    m_currentHistory = history;
    m_currentComplete = complete;
    refill();
}

void StateNormChart::clearCurves()
{
    m_baselineHistory.clear();
    m_currentHistory.clear();
    refill();
}

void StateNormChart::setTrainingLength(int64_t tokens)
{
    m_trainingLength = tokens;
    updateAxes();
}

void StateNormChart::setTargetLength(int64_t tokens)
{
    m_targetLength = tokens;
    updateAxes();
}

void StateNormChart::refill()
{
    for (int l = 0; l < int(m_layers.size()); ++l) {
        LayerSeries &s = m_layers[size_t(l)];
        s.baseline->setVisible(s.visible);
        s.current->setVisible(s.visible);
        auto toAxis = [this](const QList<QPointF> &points) {
            QList<QPointF> out;
            out.reserve(points.size());
            for (const QPointF &p : points)
                if (p.x() > 0 && p.y() > 0 && std::isfinite(p.y()))
                    out << QPointF(xAxis()->toAxis(p.x()), yAxis()->toAxis(p.y()));
            return out;
        };
        s.baseline->replace(s.visible ? toAxis(m_baselineHistory.points(l, m_statistic))
                                      : QList<QPointF>());
        s.current->replace(s.visible ? toAxis(m_currentHistory.points(l, m_statistic))
                                     : QList<QPointF>());
        // Hidden series keep their legend marker unless told otherwise.
        const auto markers = chart()->legend()->markers(s.current);
        for (QLegendMarker *m : markers)
            m->setVisible(s.visible);
        const auto baselineMarkers = chart()->legend()->markers(s.baseline);
        for (QLegendMarker *m : baselineMarkers)
            m->setVisible(false);
    }
    updateAxes();
}

void StateNormChart::updateAxes()
{
    double xMax = 32.0;
    double lo = INFINITY, hi = -INFINITY;
    for (int l = 0; l < int(m_layers.size()); ++l) {
        if (!m_layers[size_t(l)].visible)
            continue;
        for (const StateNormHistory *h : {&m_baselineHistory, &m_currentHistory}) {
            for (const QPointF &p : h->points(l, m_statistic)) {
                xMax = std::max(xMax, p.x());
                if (p.y() > 0 && std::isfinite(p.y())) {
                    lo = std::min(lo, p.y());
                    hi = std::max(hi, p.y());
                }
            }
        }
    }
    if (!std::isfinite(lo)) {
        lo = 0.1;
        hi = 100.0;
    }
    // Axis coordinates are log10: at least a factor of 2, padded, with room for the labels.
    double y0 = std::log10(lo), y1 = std::log10(hi);
    if (y1 - y0 < std::log10(2.0)) {
        const double mid = 0.5 * (y0 + y1);
        y0 = mid - std::log10(2.0) / 2;
        y1 = mid + std::log10(2.0) / 2;
    }
    const double pad = 0.06 * (y1 - y0);
    y0 -= pad;
    y1 += pad;
    const double plotHeight = std::max(60.0, chart()->plotArea().height());
    const double band = std::min(0.4, m_trainingMarker->labelBandHeight() / plotHeight);
    y1 += band / (1.0 - band) * (y1 - y0);
    // End on the power of two just above (16,383 tokens seen: 16,384, a labelled tick).
    const double pow2 = std::exp2(std::ceil(std::log2(xMax)));
    if (pow2 - xMax <= 0.01 * xMax)
        xMax = pow2;
    setHomeRange(std::log10(8.0), std::log10(xMax), y0, y1);
}

void StateNormChart::rangesChanged()
{
    const double y0 = yAxis()->min(), y1 = yAxis()->max();
    m_trainingMarker->setYRange(y0, y1);
    m_targetMarker->setYRange(y0, y1);
    auto at = [this](int64_t tokens) {
        return tokens > 0 ? xAxis()->toAxis(double(tokens)) : double(NAN);
    };
    m_trainingMarker->set(
        at(m_trainingLength),
        tr("training %1").arg(ChartStyle::tokenCount(double(m_trainingLength), true)));
    m_targetMarker->set(at(m_targetLength),
                        tr("target %1").arg(ChartStyle::tokenCount(double(m_targetLength), true)));
}

QString StateNormChart::readoutText(const QPointF &value, const QPointF &) const
{
    // The nearest recorded position, and every shown layer's norm there.
    const double x = xAxis()->fromAxis(value.x());
    std::vector<int64_t> positions = m_currentHistory.positions();
    if (positions.empty())
        positions = m_baselineHistory.positions();
    if (positions.empty())
        return QString();
    int64_t best = positions.front();
    for (int64_t p : positions)
        if (std::fabs(std::log(double(p)) - std::log(x)) <
            std::fabs(std::log(double(best)) - std::log(x)))
            best = p;
    QString text =
        tr("<b>after %1 tokens</b> (as loaded → scaled)").arg(ChartStyle::tokenCount(double(best)));
    int shown = 0;
    for (int l = 0; l < int(m_layers.size()); ++l) {
        if (!m_layers[size_t(l)].visible)
            continue;
        const double b = m_baselineHistory.value(best, l, m_statistic);
        const double c = m_currentHistory.value(best, l, m_statistic);
        text += QStringLiteral("<br><span style=\"color:%1\">■</span> ")
                    .arg(ChartStyle::layer(l).name());
        text += tr("L%1: %2 → %3")
                    .arg(l)
                    .arg(std::isfinite(b) ? QString::number(b, 'g', 4) : QStringLiteral("–"),
                         std::isfinite(c) ? QString::number(c, 'g', 4) : QStringLiteral("–"));
        if (++shown >= 12)
            break;
    }
    return text;
}

QString StateNormChart::toCsv() const
{
    const bool useMax = m_statistic == StateNormHistory::Statistic::MaxOverChannels;
    QStringList header{QStringLiteral("tokens_seen")};
    for (int l = 0; l < int(m_layers.size()); ++l) {
        header << QStringLiteral("layer%1_baseline_%2").arg(l).arg(useMax ? "max" : "mean");
        header << QStringLiteral("layer%1_current_%2").arg(l).arg(useMax ? "max" : "mean");
    }
    QString out = ViewExporter::csvLine(header);
    std::vector<int64_t> positions = m_baselineHistory.positions();
    for (int64_t p : m_currentHistory.positions())
        if (std::find(positions.begin(), positions.end(), p) == positions.end())
            positions.push_back(p);
    std::sort(positions.begin(), positions.end());
    auto field = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 8) : QString(); };
    for (int64_t p : positions) {
        QStringList row{QString::number(p)};
        for (int l = 0; l < int(m_layers.size()); ++l) {
            row << field(m_baselineHistory.value(p, l, m_statistic));
            row << field(m_currentHistory.value(p, l, m_statistic));
        }
        out += ViewExporter::csvLine(row);
    }
    return out;
}

}  // namespace mscope
