// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "InteractiveChart.h"
#include "eval/PositionBuckets.h"

#include <QStringList>

class QAreaSeries;
class QLineSeries;

namespace mscope {

/// One setting against the baseline on several texts at once: per position bucket the mean over
/// the texts (geometric: the exponential of the mean log-perplexity) as a line, and the range
/// from the lowest to the highest text as a band; grey as loaded, blue scaled. Shows whether a
/// repair holds beyond the one text the live curve is computed on.
class TextSpreadChart : public InteractiveChart
{
    Q_OBJECT

public:
    explicit TextSpreadChart(QWidget *parent = nullptr);

    void setCurves(const QStringList &texts, const QList<PositionBuckets> &baseline,
                   const QList<PositionBuckets> &current, const QString &description);
    void setTrainingLength(int64_t tokens) { m_trainingLength = tokens; }
    /// Mean (geometric) and range over the texts of one bucket, for each setting (tests).
    struct Spread
    {
        double begin = 0, end = 0, mean = NAN, low = NAN, high = NAN;
    };
    std::vector<Spread> spread(bool scaled) const;
    int textCount() const { return int(m_texts.size()); }

    QString exportName() const override { return QStringLiteral("perplexity-on-several-texts"); }
    QString toCsv() const override;

protected:
    QString readoutText(const QPointF &value, const QPointF &pos) const override;
    void plotResized() override { updateAxes(); }

private:
    void fill(bool scaled);
    void updateAxes();

    QStringList m_texts;
    QList<PositionBuckets> m_baseline, m_current;
    QLineSeries *m_lines[2] = {nullptr, nullptr};
    QLineSeries *m_upper[2] = {nullptr, nullptr};
    QLineSeries *m_lower[2] = {nullptr, nullptr};
    QAreaSeries *m_bands[2] = {nullptr, nullptr};
    int64_t m_trainingLength = 0;
};

}  // namespace mscope
