// SPDX-License-Identifier: GPL-3.0-or-later
#include "FactorSweepChart.h"

#include "ChartStyle.h"
#include "ViewExporter.h"

#include <QLineSeries>
#include <algorithm>
#include <cmath>

namespace mscope {

FactorSweepChart::FactorSweepChart(QWidget *parent)
    : InteractiveChart(ScaleAxis::Kind::Linear, ScaleAxis::Kind::Log10, parent)
{
    setMinimumSize(200, 130);
    auto make = [this](const QColor &color) {
        auto *s = new QLineSeries;
        QPen pen(color, 2.2);
        pen.setCosmetic(true);
        s->setPen(pen);
        s->setPointsVisible(true);
        s->setMarkerSize(6.0);
        chart()->addSeries(s);
        s->attachAxis(xAxis());
        s->attachAxis(yAxis());
        return s;
    };
    m_training = make(ChartStyle::trainingLength());
    m_target = make(ChartStyle::targetLength());
    setTitles({tr("Factor sweep: perplexity at the training and target lengths"),
               tr("Factor sweep"), tr("Sweep")});
    setXTitles({tr("All factor"), tr("factor")});
    setYTitles({tr("Perplexity (log scale)"), tr("Perplexity"), tr("ppl")});
    setLengths(0, 0);
    setWhatsThis(
        tr("Each point is one pass over the evaluation text with every layer at that "
           "factor: orange, perplexity over the octave ending at the training length; "
           "green, at the target length. The trade-off of the master fader in one "
           "plot."));
    updateAxes();
}

void FactorSweepChart::setLengths(int64_t training, int64_t target)
{
    m_trainingLength = training;
    m_targetLength = target;
    m_training->setName(
        tr("at the training length (%1)").arg(ChartStyle::tokenCount(double(training), true)));
    m_target->setName(
        tr("at the target length (%1)").arg(ChartStyle::tokenCount(double(target), true)));
}

void FactorSweepChart::setSweep(const QVector<double> &factors, const QVector<double> &atTraining,
                                const QVector<double> &atTarget, const QString &description)
{
    m_factors = factors;
    m_atTraining = atTraining;
    m_atTarget = atTarget;
    auto points = [&](const QVector<double> &y) {
        QList<QPointF> out;
        for (int i = 0; i < factors.size() && i < y.size(); ++i)
            if (std::isfinite(y[i]) && y[i] > 0)
                out << QPointF(factors[i], std::log10(y[i]));
        return out;
    };
    m_training->replace(points(atTraining));
    m_target->replace(points(atTarget));
    setTitles({tr("Factor sweep: %1").arg(description), tr("Factor sweep"), tr("Sweep")});
    resetZoom();
    updateAxes();
}

double FactorSweepChart::bestAtTarget() const
{
    double best = NAN, lowest = INFINITY;
    for (int i = 0; i < m_factors.size() && i < m_atTarget.size(); ++i)
        if (m_atTarget[i] < lowest) {
            lowest = m_atTarget[i];
            best = m_factors[i];
        }
    return best;
}

void FactorSweepChart::updateAxes()
{
    double x0 = 0.0, x1 = 1.0, lo = INFINITY, hi = -INFINITY;
    if (!m_factors.isEmpty()) {
        x0 = *std::min_element(m_factors.begin(), m_factors.end());
        x1 = *std::max_element(m_factors.begin(), m_factors.end());
    }
    for (const QLineSeries *s : {m_training, m_target})
        for (const QPointF &p : s->points()) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
    if (!std::isfinite(lo)) {
        lo = 1.0;
        hi = 2.0;
    }
    if (hi - lo < std::log10(1.25)) {
        const double mid = 0.5 * (lo + hi);
        lo = mid - std::log10(1.25) / 2;
        hi = mid + std::log10(1.25) / 2;
    }
    const double padX = 0.04 * std::max(1e-3, x1 - x0), padY = 0.08 * (hi - lo);
    setHomeRange(x0 - padX, x1 + padX, lo - padY, hi + padY);
}

QString FactorSweepChart::readoutText(const QPointF &value, const QPointF &) const
{
    if (m_factors.isEmpty())
        return QString();
    int best = 0;
    for (int i = 1; i < m_factors.size(); ++i)
        if (std::fabs(m_factors[i] - value.x()) < std::fabs(m_factors[best] - value.x()))
            best = i;
    return tr("<b>All = %1</b><br>at the training length: %2<br>at the target length: %3")
        .arg(m_factors[best], 0, 'g', 3)
        .arg(m_atTraining.value(best), 0, 'f', 2)
        .arg(m_atTarget.value(best), 0, 'f', 2);
}

QString FactorSweepChart::toCsv() const
{
    QString out =
        ViewExporter::csvLine({QStringLiteral("factor"), QStringLiteral("ppl_at_training_length"),
                               QStringLiteral("ppl_at_target_length")});
    for (int i = 0; i < m_factors.size(); ++i)
        out += ViewExporter::csvLine({QString::number(m_factors[i], 'g', 8),
                                      QString::number(m_atTraining.value(i), 'g', 8),
                                      QString::number(m_atTarget.value(i), 'g', 8)});
    return out;
}

}  // namespace mscope
