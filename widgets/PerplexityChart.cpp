// SPDX-License-Identifier: GPL-3.0-or-later
#include "PerplexityChart.h"

#include "ChartMarker.h"
#include "ChartStyle.h"
#include "ViewExporter.h"

#include <QAreaSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// Dash patterns of pinned curves, so they differ from each other in print and for readers who
// do not tell the colours apart.
constexpr Qt::PenStyle kPinnedStyles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine,
                                          Qt::DashDotDotLine};

// The bucket of `curve` nearest to position `x` (tokens), or nullptr.
const PositionBucket *nearestBucket(const PositionBuckets &curve, double x)
{
    const PositionBucket *best = nullptr;
    double bestDistance = INFINITY;
    for (const auto &b : curve.buckets()) {
        if (b.count == 0)
            continue;
        const double d = std::fabs(std::log(b.center()) - std::log(std::max(x, 1e-9)));
        if (d < bestDistance) {
            bestDistance = d;
            best = &b;
        }
    }
    return best;
}

// The same bucket (by its range) in another curve.
const PositionBucket *sameBucket(const PositionBuckets &curve, const PositionBucket &b)
{
    for (const auto &c : curve.buckets())
        if (c.begin == b.begin && c.end == b.end && c.count > 0)
            return &c;
    return nullptr;
}

}  // namespace

PerplexityChart::PerplexityChart(QWidget *parent)
    : InteractiveChart(ScaleAxis::Kind::LogTokens, ScaleAxis::Kind::Log10, parent)
{
    setMinimumSize(240, 170);
    QChart *chart = this->chart();

    // Shaded region past the training length: where Mamba models are on their own.
    m_beyondUpper = new QLineSeries(this);
    m_beyondLower = new QLineSeries(this);
    m_beyondTraining = new QAreaSeries(m_beyondUpper, m_beyondLower);
    QColor shade = ChartStyle::trainingLength();
    shade.setAlpha(22);
    m_beyondTraining->setBrush(shade);
    m_beyondTraining->setPen(Qt::NoPen);
    m_beyondTraining->setName(tr("beyond the training length"));
    chart->addSeries(m_beyondTraining);
    m_beyondTraining->attachAxis(xAxis());
    m_beyondTraining->attachAxis(yAxis());

    m_trainingMarker = new ChartMarker(chart, ChartStyle::trainingLength(), this);
    m_targetMarker = new ChartMarker(chart, ChartStyle::targetLength(), this);
    m_targetMarker->setRow(1);
    m_trainingMarker->attachAxes(xAxis(), yAxis());
    m_targetMarker->attachAxes(xAxis(), yAxis());

    m_baseline = addCurveSeries(ChartStyle::baseline(), 2.0, Qt::SolidLine);
    QColor faded = ChartStyle::current();
    faded.setAlpha(110);
    m_previous = addCurveSeries(faded, 1.5, Qt::DotLine);
    m_previous->setPointsVisible(false);
    m_current = addCurveSeries(ChartStyle::current(), 2.5, Qt::SolidLine);

    for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(m_previous),
                               static_cast<QAbstractSeries *>(m_beyondTraining)}) {
        const auto markers = chart->legend()->markers(s);
        for (QLegendMarker *m : markers)
            m->setVisible(false);
    }
    updateNames();
    updateAxes();

    // No tooltip: the crosshair readout is the chart's hover text.
    setWhatsThis(
        tr("Perplexity of the next token against its position in the text, averaged over "
           "log-spaced position buckets. A curve that climbs past the training length "
           "(shaded) is the length-generalization failure; spectrum scaling flattens it. "
           "Grey: the model as loaded. Blue: the current scaling, recomputed each time a "
           "slider moves. Pinned curves keep earlier settings for comparison. Rest the pointer "
           "on the chart for the values under it; wheel zooms, drag pans, double-click resets."));
}

PerplexityChart::~PerplexityChart() = default;

QLineSeries *PerplexityChart::addCurveSeries(const QColor &color, qreal width, Qt::PenStyle style)
{
    auto *series = new QLineSeries;
    QPen pen(color, width, style);
    pen.setCosmetic(true);
    series->setPen(pen);
    series->setPointsVisible(true);
    series->setMarkerSize(5.0);
    chart()->addSeries(series);
    series->attachAxis(xAxis());
    series->attachAxis(yAxis());
    return series;
}

QList<QPointF> PerplexityChart::toAxis(const PositionBuckets &curve) const
{
    QList<QPointF> out;
    for (const auto &b : curve.buckets()) {
        if (b.count == 0)
            continue;
        double y = b.perplexity();
        if (m_ratio) {
            const PositionBucket *base = sameBucket(m_baselineCurve, b);
            if (!base)
                continue;
            y /= base->perplexity();
        }
        const double ay = yAxis()->toAxis(y);
        if (std::isfinite(ay))
            out << QPointF(xAxis()->toAxis(b.center()), ay);
    }
    return out;
}

void PerplexityChart::refill()
{
    m_baseline->replace(toAxis(m_baselineCurve));
    m_previous->replace(toAxis(m_previousCurve));
    m_current->replace(m_currentIsBaseline ? QList<QPointF>() : toAxis(m_currentCurve));
    for (Pinned &p : m_pinned)
        p.series->replace(toAxis(p.curve));
    updateNames();
    updateAxes();
}

void PerplexityChart::setLogPerplexity(bool log)
{
    if (log == m_logY && yAxis()->logarithmic() == log)
        return;
    m_logY = log;
    yAxis()->setKind(log ? ScaleAxis::Kind::Log10 : ScaleAxis::Kind::Linear);
    resetZoom();
    refill();
}

void PerplexityChart::setRatioToBaseline(bool ratio)
{
    if (ratio == m_ratio)
        return;
    m_ratio = ratio;
    resetZoom();
    refill();
}

void PerplexityChart::setContext(const QString &textName, const QString &protocol)
{
    m_textName = textName;
    m_protocol = protocol;
    updateNames();
}

void PerplexityChart::setBaseline(const PositionBuckets &curve)
{
    m_baselineCurve = curve;
    if (m_ratio) {
        refill();
        return;
    }
    m_baseline->replace(toAxis(curve));
    updateNames();
    updateAxes();
}

void PerplexityChart::setCurrent(const PositionBuckets &curve, bool complete)
{
    // The first points of a new pass: keep the last complete curve visible, faded.
    if (m_currentComplete && !complete && !m_currentCurve.isEmpty()) {
        m_previousCurve = m_currentCurve;
        m_previous->replace(toAxis(m_previousCurve));
    }
    m_currentCurve = curve;
    m_currentComplete = complete;
    m_current->replace(m_currentIsBaseline ? QList<QPointF>() : toAxis(curve));
    if (complete) {
        m_previousCurve = PositionBuckets();
        m_previous->clear();
    }
    updateNames();
    updateAxes();
}

void PerplexityChart::setCurrentLabel(const QString &label)
{
    m_currentLabel = label;
    updateNames();
}

void PerplexityChart::setCurrentIsBaseline(bool same)
{
    if (same == m_currentIsBaseline)
        return;
    m_currentIsBaseline = same;
    m_current->replace(same ? QList<QPointF>() : toAxis(m_currentCurve));
    updateNames();
}

void PerplexityChart::setUpdating(bool updating)
{
    if (updating == m_updating)
        return;
    m_updating = updating;
    updateNames();
}

void PerplexityChart::clearCurves()
{
    m_baselineCurve = PositionBuckets();
    m_currentCurve = PositionBuckets();
    m_previousCurve = PositionBuckets();
    m_currentComplete = true;
    m_baseline->clear();
    m_current->clear();
    m_previous->clear();
    updateNames();
    updateAxes();
}

void PerplexityChart::pinCurrent(const QString &name)
{
    if (m_currentCurve.isEmpty())
        return;
    const int index = m_pinsMade++;
    Pinned p;
    // Numbered, so that two pins of the same setting (or a pin and the live curve) never share
    // a legend text.
    p.name = tr("#%1 %2").arg(index + 1).arg(name);
    p.curve = m_currentCurve;
    p.series = addCurveSeries(ChartStyle::pinned(index), 1.8,
                              kPinnedStyles[size_t(index) % std::size(kPinnedStyles)]);
    p.series->setMarkerSize(4.0);
    p.series->replace(toAxis(p.curve));
    m_pinned.push_back(std::move(p));
    updateNames();
    updateAxes();
}

void PerplexityChart::clearPinned()
{
    for (Pinned &p : m_pinned) {
        chart()->removeSeries(p.series);
        delete p.series;
    }
    m_pinned.clear();
    m_pinsMade = 0;
    updateAxes();
}

QStringList PerplexityChart::pinnedNames() const
{
    QStringList out;
    for (const Pinned &p : m_pinned)
        out << p.name;
    return out;
}

QStringList PerplexityChart::legendNames() const
{
    // What updateNames() gives the legend (marker visibility is only settled once drawn).
    QStringList out{m_baseline->name()};
    if (!m_currentIsBaseline || m_updating || !m_currentComplete)
        out << m_current->name();
    for (const Pinned &p : m_pinned)
        out << p.series->name();
    return out;
}

void PerplexityChart::setTrainingLength(int64_t tokens)
{
    m_trainingLength = tokens;
    updateAxes();
}

void PerplexityChart::setTargetLength(int64_t tokens)
{
    m_targetLength = tokens;
    updateAxes();
}

void PerplexityChart::updateNames()
{
    // The number after each name: perplexity over the last octave, the headline at the longest
    // context (the title says so).
    auto withTail = [](const QString &name, const PositionBuckets &c) {
        const double ppl = c.lastOctavePerplexity();
        if (c.isEmpty() || !std::isfinite(ppl))
            return name;
        return tr("%1 · %2").arg(name).arg(ppl, 0, 'f', 1);
    };
    m_baseline->setName(withTail(tr("baseline (as loaded)"), m_baselineCurve));
    const QString label = m_currentLabel.isEmpty() ? tr("current scaling") : m_currentLabel;
    QString current;
    if (m_updating || !m_currentComplete)
        current = tr("now: %1 (updating…)").arg(label);
    else
        current = withTail(tr("now: %1").arg(label), m_currentCurve);
    m_current->setName(current);
    for (QLegendMarker *m : chart()->legend()->markers(m_current))
        m->setVisible(!m_currentIsBaseline || m_updating || !m_currentComplete);
    for (Pinned &p : m_pinned)
        p.series->setName(withTail(p.name, p.curve));

    const PositionBuckets &layout = m_baselineCurve.length() > 0 ? m_baselineCurve : m_currentCurve;
    const QString base = m_ratio ? tr("Perplexity relative to the baseline")
                                 : tr("Perplexity against context length");
    QStringList titles;
    if (layout.length() > 0)
        titles << tr("%1 · legend: perplexity at %2–%3")
                      .arg(base, ChartStyle::tokenCount(double(layout.lastOctaveBegin()), true),
                           ChartStyle::tokenCount(double(layout.length()), true));
    titles << base << (m_ratio ? tr("Perplexity ÷ baseline") : tr("Perplexity vs context"));
    setTitles(titles);
    QStringList x;
    if (!m_textName.isEmpty())
        x << tr("Position in %1 (tokens of context; %2)").arg(m_textName, m_protocol)
          << tr("Position in %1 (tokens)").arg(m_textName);
    x << tr("Position in the text (tokens of context)") << tr("Position (tokens)");
    setXTitles(x);
    if (m_ratio)
        setYTitles({m_logY ? tr("Perplexity ÷ baseline (log scale)") : tr("Perplexity ÷ baseline"),
                    tr("÷ baseline")});
    else
        setYTitles({m_logY ? tr("Perplexity (log scale)") : tr("Perplexity"), tr("Perplexity")});
}

void PerplexityChart::updateAxes()
{
    int64_t length = 16384;
    for (const PositionBuckets *c : {&m_baselineCurve, &m_currentCurve, &m_previousCurve})
        if (c->length() > 0)
            length = c->length();
    // Positions run to length-1; the axis ends at the number of tokens (16,384, a labelled tick).
    const double x0 = xAxis()->toAxis(8.0);
    const double x1 = xAxis()->toAxis(double(std::max<int64_t>(length + 1, 32)));

    double lo = INFINITY, hi = -INFINITY;
    auto scan = [&](const QLineSeries *s) {
        if (!s->isVisible())
            return;
        for (const QPointF &p : s->points()) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
    };
    scan(m_baseline);
    scan(m_current);
    scan(m_previous);
    for (const Pinned &p : m_pinned)
        scan(p.series);
    if (!std::isfinite(lo)) {
        lo = yAxis()->toAxis(m_ratio ? 0.5 : 10.0);
        hi = yAxis()->toAxis(m_ratio ? 2.0 : 1000.0);
    }
    // At least a factor of 1.25 (or 2 units on the linear axis) so that flat curves still have
    // labelled ticks around them.
    const double minSpan = m_logY ? std::log10(1.25) : (m_ratio ? 0.1 : 2.0);
    if (hi - lo < minSpan) {
        const double mid = 0.5 * (hi + lo);
        lo = mid - minSpan / 2;
        hi = mid + minSpan / 2;
    }
    const double pad = 0.06 * (hi - lo);
    double y0 = lo - pad, y1 = hi + pad;
    if (!m_logY)
        y0 = std::max(0.0, y0);
    // Room at the top for the marker labels, above every curve.
    const double plotHeight = std::max(60.0, chart()->plotArea().height());
    const double band = std::min(0.4, m_trainingMarker->labelBandHeight() / plotHeight);
    y1 += band / (1.0 - band) * (y1 - y0);
    setHomeRange(x0, x1, y0, y1);
}

void PerplexityChart::rangesChanged()
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
    const double xMin = xAxis()->min(), xMax = xAxis()->max();
    const double start = at(m_trainingLength);
    if (std::isfinite(start) && start < xMax) {
        const double from = std::max(xMin, start);
        m_beyondUpper->replace({QPointF(from, y1), QPointF(xMax, y1)});
        m_beyondLower->replace({QPointF(from, y0), QPointF(xMax, y0)});
    } else {
        m_beyondUpper->clear();
        m_beyondLower->clear();
    }
}

QString PerplexityChart::readoutText(const QPointF &value, const QPointF &) const
{
    const double x = xAxis()->fromAxis(value.x());
    const PositionBuckets &layout =
        !m_baselineCurve.buckets().empty() ? m_baselineCurve : m_currentCurve;
    const PositionBucket *bucket = nearestBucket(layout, x);
    if (!bucket)
        return QString();
    QString text = tr("<b>positions %1–%2</b> (%3 tokens)")
                       .arg(ChartStyle::tokenCount(double(bucket->begin)),
                            ChartStyle::tokenCount(double(bucket->end - 1)))
                       .arg(bucket->count);
    auto row = [&](const QString &name, const PositionBuckets &curve, const QColor &color) {
        const PositionBucket *b = sameBucket(curve, *bucket);
        if (!b)
            return;
        QString v = QString::number(b->perplexity(), 'f', 2);
        const PositionBucket *base = sameBucket(m_baselineCurve, *bucket);
        if (base && &curve != &m_baselineCurve)
            v += tr(" (×%1)").arg(b->perplexity() / base->perplexity(), 0, 'f', 3);
        text += QStringLiteral("<br><span style=\"color:%1\">■</span> %2: %3")
                    .arg(color.name(), name.toHtmlEscaped(), v);
    };
    row(tr("baseline"), m_baselineCurve, ChartStyle::baseline());
    if (!m_currentIsBaseline)
        row(m_currentLabel.isEmpty() ? tr("current") : m_currentLabel, m_currentCurve,
            ChartStyle::current());
    for (size_t i = 0; i < m_pinned.size(); ++i)
        row(m_pinned[i].name, m_pinned[i].curve, m_pinned[i].series->pen().color());
    text += tr("<br>cursor: %1 tokens, %2 %3")
                .arg(ChartStyle::tokenCount(x, true))
                .arg(m_ratio ? tr("ratio") : tr("perplexity"))
                .arg(yAxis()->fromAxis(value.y()), 0, 'g', 4);
    return text;
}

QString PerplexityChart::toCsv() const
{
    QStringList header{QStringLiteral("bucket_begin"),    QStringLiteral("bucket_end"),
                       QStringLiteral("center"),          QStringLiteral("baseline_ppl"),
                       QStringLiteral("baseline_tokens"), QStringLiteral("current_ppl"),
                       QStringLiteral("current_tokens")};
    for (const Pinned &p : m_pinned)
        header << p.name + QStringLiteral(" ppl");
    QString out = ViewExporter::csvLine(header);
    const PositionBuckets &layout =
        !m_baselineCurve.buckets().empty() ? m_baselineCurve : m_currentCurve;
    auto value = [](const PositionBuckets &c, size_t i, bool tokens) {
        if (i >= c.buckets().size() || c.buckets()[i].count == 0)
            return QString();
        return tokens ? QString::number(c.buckets()[i].count)
                      : QString::number(c.buckets()[i].perplexity(), 'g', 8);
    };
    for (size_t i = 0; i < layout.buckets().size(); ++i) {
        const auto &b = layout.buckets()[i];
        QStringList row{QString::number(b.begin),
                        QString::number(b.end),
                        QString::number(b.center(), 'g', 8),
                        value(m_baselineCurve, i, false),
                        value(m_baselineCurve, i, true),
                        value(m_currentCurve, i, false),
                        value(m_currentCurve, i, true)};
        for (const Pinned &p : m_pinned)
            row << value(p.curve, i, false);
        out += ViewExporter::csvLine(row);
    }
    return out;
}

}  // namespace mscope
