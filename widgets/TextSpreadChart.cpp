// SPDX-License-Identifier: GPL-3.0-or-later
#include "TextSpreadChart.h"

#include "ChartStyle.h"
#include "ViewExporter.h"

#include <QAreaSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <algorithm>
#include <cmath>

namespace mscope {

TextSpreadChart::TextSpreadChart(QWidget *parent)
    : InteractiveChart(ScaleAxis::Kind::LogTokens, ScaleAxis::Kind::Log10, parent)
{
    setMinimumSize(200, 130);
    for (int k = 0; k < 2; ++k) {
        const QColor color = k == 0 ? ChartStyle::baseline() : ChartStyle::current();
        m_upper[k] = new QLineSeries(this);
        m_lower[k] = new QLineSeries(this);
        m_bands[k] = new QAreaSeries(m_upper[k], m_lower[k]);
        QColor fill = color;
        fill.setAlpha(50);
        m_bands[k]->setBrush(fill);
        m_bands[k]->setPen(Qt::NoPen);
        chart()->addSeries(m_bands[k]);
        m_lines[k] = new QLineSeries;
        QPen pen(color, 2.2);
        pen.setCosmetic(true);
        m_lines[k]->setPen(pen);
        m_lines[k]->setPointsVisible(true);
        m_lines[k]->setMarkerSize(4.0);
        chart()->addSeries(m_lines[k]);
        for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(m_bands[k]),
                                   static_cast<QAbstractSeries *>(m_lines[k])}) {
            s->attachAxis(xAxis());
            s->attachAxis(yAxis());
        }
        for (QLegendMarker *m : chart()->legend()->markers(m_bands[k]))
            m->setVisible(false);
    }
    m_lines[0]->setName(tr("as loaded: mean, band = lowest to highest text"));
    m_lines[1]->setName(tr("scaled"));
    setTitles({tr("Perplexity on several texts"), tr("Several texts")});
    setXTitles({tr("Position in each text (tokens of context)"), tr("Position (tokens)")});
    setYTitles({tr("Perplexity (log scale)"), tr("Perplexity"), tr("ppl")});
    setWhatsThis(
        tr("The baseline and the current scaling on every text that is not used for "
           "calibration: per position bucket the mean over the texts (line) and the "
           "range from the lowest to the highest text (band)."));
    updateAxes();
}

std::vector<TextSpreadChart::Spread> TextSpreadChart::spread(bool scaled) const
{
    const QList<PositionBuckets> &curves = scaled ? m_current : m_baseline;
    std::vector<Spread> out;
    if (curves.isEmpty())
        return out;
    // Bucket layouts depend on each text's length: match buckets by their range.
    for (const PositionBucket &b : curves.front().buckets()) {
        if (b.count == 0)
            continue;
        Spread s{double(b.begin), double(b.end)};
        double logSum = 0;
        int n = 0;
        for (const PositionBuckets &c : curves)
            for (const PositionBucket &o : c.buckets())
                if (o.begin == b.begin && o.end == b.end && o.count > 0) {
                    const double p = o.perplexity();
                    logSum += std::log(p);
                    ++n;
                    s.low = std::isfinite(s.low) ? std::min(s.low, p) : p;
                    s.high = std::isfinite(s.high) ? std::max(s.high, p) : p;
                }
        // Only buckets every text reaches: a mean over fewer texts would jump.
        if (n == int(curves.size())) {
            s.mean = std::exp(logSum / n);
            out.push_back(s);
        }
    }
    return out;
}

void TextSpreadChart::setCurves(const QStringList &texts, const QList<PositionBuckets> &baseline,
                                const QList<PositionBuckets> &current, const QString &description)
{
    m_texts = texts;
    m_baseline = baseline;
    m_current = current;
    m_lines[1]->setName(tr("%1: mean and range").arg(description));
    setTitles(
        {tr("Perplexity on %n texts: %1 against the model as loaded", nullptr, int(texts.size()))
             .arg(description),
         tr("Perplexity on %n texts", nullptr, int(texts.size())), tr("Several texts")});
    fill(false);
    fill(true);
    resetZoom();
    updateAxes();
}

void TextSpreadChart::fill(bool scaled)
{
    const int k = scaled ? 1 : 0;
    QList<QPointF> line, upper, lower;
    for (const Spread &s : spread(scaled)) {
        const double x = std::log10(std::sqrt(std::max(1.0, s.begin) * s.end));
        line << QPointF(x, std::log10(s.mean));
        upper << QPointF(x, std::log10(s.high));
        lower << QPointF(x, std::log10(s.low));
    }
    m_lines[k]->replace(line);
    m_upper[k]->replace(upper);
    m_lower[k]->replace(lower);
}

void TextSpreadChart::updateAxes()
{
    double x1 = std::log10(16384.0), lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < 2; ++k) {
        for (const QLineSeries *s : {m_upper[k], m_lower[k]})
            for (const QPointF &p : s->points()) {
                lo = std::min(lo, p.y());
                hi = std::max(hi, p.y());
            }
    }
    for (const PositionBuckets &c : m_baseline)
        x1 = std::max(x1, std::log10(double(c.length() + 1)));
    if (!std::isfinite(lo)) {
        lo = 1.0;
        hi = 2.0;
    }
    const double pad = 0.06 * std::max(0.1, hi - lo);
    setHomeRange(std::log10(8.0), x1, lo - pad, hi + pad);
}

QString TextSpreadChart::readoutText(const QPointF &value, const QPointF &) const
{
    const double x = std::pow(10.0, value.x());
    const auto base = spread(false), scaled = spread(true);
    const Spread *best = nullptr;
    for (const Spread &s : base)
        if (!best || std::fabs(std::log(std::sqrt(std::max(1.0, s.begin) * s.end) / x)) <
                         std::fabs(std::log(std::sqrt(std::max(1.0, best->begin) * best->end) / x)))
            best = &s;
    if (!best)
        return QString();
    QString text =
        tr("<b>positions %1–%2</b>, %n text(s)", nullptr, int(m_texts.size()))
            .arg(ChartStyle::tokenCount(best->begin), ChartStyle::tokenCount(best->end - 1));
    text += tr("<br>as loaded: mean %1 (%2–%3)")
                .arg(best->mean, 0, 'f', 1)
                .arg(best->low, 0, 'f', 1)
                .arg(best->high, 0, 'f', 1);
    for (const Spread &s : scaled)
        if (s.begin == best->begin && s.end == best->end)
            text += tr("<br>scaled: mean %1 (%2–%3)")
                        .arg(s.mean, 0, 'f', 1)
                        .arg(s.low, 0, 'f', 1)
                        .arg(s.high, 0, 'f', 1);
    return text;
}

QString TextSpreadChart::toCsv() const
{
    QStringList header{QStringLiteral("bucket_begin"),      QStringLiteral("bucket_end"),
                       QStringLiteral("baseline_mean_ppl"), QStringLiteral("baseline_min_ppl"),
                       QStringLiteral("baseline_max_ppl"),  QStringLiteral("current_mean_ppl"),
                       QStringLiteral("current_min_ppl"),   QStringLiteral("current_max_ppl")};
    QString out = ViewExporter::csvLine(header);
    const auto base = spread(false), scaled = spread(true);
    for (const Spread &b : base) {
        QStringList row{QString::number(b.begin), QString::number(b.end),
                        QString::number(b.mean, 'g', 8), QString::number(b.low, 'g', 8),
                        QString::number(b.high, 'g', 8)};
        for (const Spread &s : scaled)
            if (s.begin == b.begin && s.end == b.end)
                row << QString::number(s.mean, 'g', 8) << QString::number(s.low, 'g', 8)
                    << QString::number(s.high, 'g', 8);
        out += ViewExporter::csvLine(row);
    }
    return out;
}

}  // namespace mscope
