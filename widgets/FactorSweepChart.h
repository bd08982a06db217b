// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "InteractiveChart.h"

#include <QVector>

class QLineSeries;

namespace mscope {

/// The trade-off of one master factor in one plot: the All factor across, perplexity at the
/// training length (orange) and at the target length (green) up the log axis. A factor that
/// repairs the long context without hurting the short one sits low on both.
class FactorSweepChart : public InteractiveChart
{
    Q_OBJECT

public:
    explicit FactorSweepChart(QWidget *parent = nullptr);

    void setSweep(const QVector<double> &factors, const QVector<double> &atTraining,
                  const QVector<double> &atTarget, const QString &description);
    void setLengths(int64_t training, int64_t target);
    /// The factor with the lowest perplexity at the target length (NaN before a sweep).
    double bestAtTarget() const;
    const QVector<double> &factors() const { return m_factors; }

    QString exportName() const override { return QStringLiteral("factor-sweep"); }
    QString toCsv() const override;

protected:
    QString readoutText(const QPointF &value, const QPointF &pos) const override;
    void plotResized() override { updateAxes(); }

private:
    void updateAxes();

    QLineSeries *m_training = nullptr;
    QLineSeries *m_target = nullptr;
    QVector<double> m_factors, m_atTraining, m_atTarget;
    int64_t m_trainingLength = 0;
    int64_t m_targetLength = 0;
};

}  // namespace mscope
