// SPDX-License-Identifier: GPL-3.0-or-later
#include "PerplexityChart.h"

#include "ChartMarker.h"
#include "ChartStyle.h"
#include "ViewExporter.h"

#include <QAreaSeries>
#include <QCursor>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QToolTip>
#include <QValueAxis>
#include <cmath>

namespace mscope {

PerplexityChart::PerplexityChart(QWidget *parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(360, 240);
    auto *chart = new QChart;
    ChartStyle::apply(chart);
    // setChart() releases the chart QChartView made for itself, without deleting it.
    QChart *const own = QChartView::chart();
    setChart(chart);
    delete own;

    m_x = ChartStyle::logAxis(tr("Position in the text (tokens of context)"));
    chart->addAxis(m_x, Qt::AlignBottom);

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

    m_trainingMarker = new ChartMarker(chart, ChartStyle::trainingLength(), this);
    m_targetMarker = new ChartMarker(chart, ChartStyle::targetLength(), this);

    m_baseline = addCurveSeries(ChartStyle::baseline(), 2.0, Qt::SolidLine);
    QColor faded = ChartStyle::current();
    faded.setAlpha(110);
    m_previous = addCurveSeries(faded, 1.5, Qt::DotLine);
    m_previous->setPointsVisible(false);
    m_current = addCurveSeries(ChartStyle::current(), 2.5, Qt::SolidLine);

    connect(m_baseline, &QLineSeries::hovered, this, [this](const QPointF &p, bool state) {
        showTooltip(p, state, &m_baselineCurve, tr("baseline"));
    });
    connect(m_current, &QLineSeries::hovered, this, [this](const QPointF &p, bool state) {
        showTooltip(p, state, &m_currentCurve, m_currentLabel);
    });

    setLogPerplexity(true);
    for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(m_previous),
                               static_cast<QAbstractSeries *>(m_beyondTraining)}) {
        const auto markers = chart->legend()->markers(s);
        for (QLegendMarker *m : markers)
            m->setVisible(false);
    }
    updateNames();
    updateAxes();

    setToolTip(
        tr("Perplexity of the next token against its position in the text, averaged over "
           "log-spaced position buckets. A curve that climbs past the training length "
           "(shaded) is the length-generalization failure; spectrum scaling flattens it."));
    setWhatsThis(toolTip() +
                 tr(" Grey: the model as loaded. Blue: the current scaling, recomputed each time a "
                    "slider moves. Pinned curves keep earlier settings for comparison."));
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
    series->attachAxis(m_x);
    if (m_y)
        series->attachAxis(m_y);
    return series;
}

void PerplexityChart::attach(QAbstractAxis *y)
{
    if (m_y) {
        chart()->removeAxis(m_y);
        delete m_y;
    }
    m_y = y;
    chart()->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractSeries *s : chart()->series()) {
        if (!s->attachedAxes().contains(m_x))
            s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    m_trainingMarker->attachAxes(m_x, m_y);
    m_targetMarker->attachAxes(m_x, m_y);
}

void PerplexityChart::setLogPerplexity(bool log)
{
    if (m_y && log == m_logY)
        return;
    m_logY = log;
    if (log)
        attach(ChartStyle::logAxis(tr("Perplexity (log scale)")));
    else
        attach(ChartStyle::valueAxis(tr("Perplexity")));
    updateAxes();
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
    m_baseline->replace(curve.points());
    updateNames();
    updateAxes();
}

void PerplexityChart::setCurrent(const PositionBuckets &curve, bool complete)
{
    // The first points of a new pass: keep the last complete curve visible, faded.
    if (m_currentComplete && !complete && !m_currentCurve.isEmpty()) {
        m_previousCurve = m_currentCurve;
        m_previous->replace(m_previousCurve.points());
    }
    m_currentCurve = curve;
    m_currentComplete = complete;
    m_current->replace(curve.points());
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
    Pinned p;
    p.name = name;
    p.curve = m_currentCurve;
    p.series = addCurveSeries(ChartStyle::pinned(int(m_pinned.size())), 1.8, Qt::DashLine);
    p.series->setMarkerSize(4.0);
    p.series->replace(p.curve.points());
    m_pinned.push_back(std::move(p));
    // The curve lives in a vector that may reallocate: look it up by series at hover time.
    QLineSeries *series = m_pinned.back().series;
    connect(series, &QLineSeries::hovered, this, [this, series](const QPointF &pt, bool state) {
        for (const Pinned &q : m_pinned)
            if (q.series == series)
                showTooltip(pt, state, &q.curve, q.name);
    });
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
    updateAxes();
}

void PerplexityChart::setTrainingLength(int64_t tokens)
{
    m_trainingLength = tokens;
    updateNames();
    updateAxes();
}

void PerplexityChart::setTargetLength(int64_t tokens)
{
    m_targetLength = tokens;
    updateNames();
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
    m_baseline->setName(withTail(tr("baseline"), m_baselineCurve));
    const QString label = m_currentLabel.isEmpty() ? tr("current scaling") : m_currentLabel;
    m_current->setName(m_currentComplete ? withTail(label, m_currentCurve)
                                         : tr("%1 (computing…)").arg(label));
    for (Pinned &p : m_pinned)
        p.series->setName(withTail(p.name, p.curve));
    const PositionBuckets &layout = m_baselineCurve.length() > 0 ? m_baselineCurve : m_currentCurve;
    QString title = tr("Perplexity against context length");
    if (layout.length() > 0)
        title += tr(" · legend: perplexity at %1–%2")
                     .arg(ChartStyle::tokenCount(double(layout.lastOctaveBegin()), true),
                          ChartStyle::tokenCount(double(layout.length()), true));
    m_x->setTitleText(
        m_textName.isEmpty()
            ? tr("Position in the text (tokens of context)")
            : tr("Position in %1 (tokens of context; %2)").arg(m_textName, m_protocol));
    chart()->setTitle(title);
}

void PerplexityChart::updateAxes()
{
    int64_t length = 16384;
    for (const PositionBuckets *c : {&m_baselineCurve, &m_currentCurve, &m_previousCurve})
        if (c->length() > 0)
            length = c->length();
    const double xMin = 8.0;
    // Positions run to length-1; the axis ends at the number of tokens (16,384, a labelled tick).
    const double xMax = double(std::max<int64_t>(length + 1, 32));
    m_x->setRange(xMin, xMax);

    double lo = INFINITY, hi = -INFINITY;
    auto scan = [&](const PositionBuckets &c) {
        for (const QPointF &p : c.points()) {
            if (std::isfinite(p.y()) && p.y() > 0) {
                lo = std::min(lo, p.y());
                hi = std::max(hi, p.y());
            }
        }
    };
    scan(m_baselineCurve);
    scan(m_currentCurve);
    scan(m_previousCurve);
    for (const Pinned &p : m_pinned)
        scan(p.curve);
    if (!std::isfinite(lo)) {
        lo = 10.0;
        hi = 1000.0;
    }
    double yMin, yMax;
    if (m_logY) {
        const double span = std::max(std::log(hi / lo), std::log(2.0));
        const double mid = 0.5 * (std::log(hi) + std::log(lo));
        yMin = std::exp(mid - 0.55 * span);
        yMax = std::exp(mid + 0.55 * span);
    } else {
        const double pad = std::max(0.06 * (hi - lo), 0.5);
        yMin = std::max(0.0, lo - pad);
        yMax = hi + pad;
    }
    m_y->setRange(yMin, yMax);

    m_trainingMarker->setYRange(yMin, yMax);
    m_targetMarker->setYRange(yMin, yMax);
    m_trainingMarker->set(
        double(m_trainingLength),
        tr("training %1").arg(ChartStyle::tokenCount(double(m_trainingLength), true)));
    m_targetMarker->set(double(m_targetLength),
                        tr("target %1").arg(ChartStyle::tokenCount(double(m_targetLength), true)));
    ChartStyle::fitLogBase(m_x, xMin, xMax, chart()->plotArea().width());
    if (m_trainingLength > 0 && double(m_trainingLength) < xMax) {
        const double x0 = std::max(xMin, double(m_trainingLength));
        m_beyondUpper->replace({QPointF(x0, yMax), QPointF(xMax, yMax)});
        m_beyondLower->replace({QPointF(x0, yMin), QPointF(xMax, yMin)});
    } else {
        m_beyondUpper->clear();
        m_beyondLower->clear();
    }
}

void PerplexityChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    ChartStyle::fitLogBase(m_x, m_x->min(), m_x->max(), chart()->plotArea().width());
}

void PerplexityChart::showTooltip(const QPointF &point, bool state, const PositionBuckets *curve,
                                  const QString &name)
{
    if (!state || !curve) {
        QToolTip::hideText();
        return;
    }
    const PositionBucket *best = nullptr;
    double bestDistance = INFINITY;
    for (const auto &b : curve->buckets()) {
        if (b.count == 0)
            continue;
        const double d = std::fabs(std::log(b.center()) - std::log(std::max(point.x(), 1e-9)));
        if (d < bestDistance) {
            bestDistance = d;
            best = &b;
        }
    }
    if (!best)
        return;
    QToolTip::showText(QCursor::pos(),
                       tr("<b>%1</b><br>positions %2–%3<br>perplexity %4 (%5 tokens)")
                           .arg(name.toHtmlEscaped(), ChartStyle::tokenCount(double(best->begin)),
                                ChartStyle::tokenCount(double(best->end - 1)))
                           .arg(best->perplexity(), 0, 'f', 2)
                           .arg(best->count),
                       this);
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
