// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "InteractiveChart.h"
#include "eval/PositionBuckets.h"

#include <vector>

class QAreaSeries;
class QLineSeries;

namespace mscope {

class ChartMarker;

/// Perplexity against context length (log x): the baseline, the current modulation, pinned curves
/// for comparison (each with its own name, colour, dash pattern and legend entry), and the
/// training and target lengths marked. While a recompute runs, the previous current curve stays
/// visible, faded, until the new one replaces it point by point. Perplexity on a log or linear
/// axis, or as a ratio to the baseline. Crosshair readout, zoom and pan come from
/// InteractiveChart.
class PerplexityChart : public InteractiveChart
{
    Q_OBJECT

public:
    explicit PerplexityChart(QWidget *parent = nullptr);
    ~PerplexityChart() override;

    /// What the curves were computed on, for the title (e.g. "test_dracula.txt", "streaming").
    void setContext(const QString &textName, const QString &protocol);
    void setBaseline(const PositionBuckets &curve);
    /// `complete` false while the pass is still running.
    void setCurrent(const PositionBuckets &curve, bool complete);
    void setCurrentLabel(const QString &label);
    /// The current setting is the model as loaded: its curve would hide the baseline's, so it is
    /// not drawn (the legend says so).
    void setCurrentIsBaseline(bool same);
    /// The faders have moved since the curve shown was computed: the legend says "updating".
    void setUpdating(bool updating);
    bool isUpdating() const { return m_updating; }
    /// Drops baseline and current (a new text or protocol); pinned curves stay.
    void clearCurves();
    /// Keeps a copy of the current curve under `name` (made unique: "#2 power 0.45").
    void pinCurrent(const QString &name);
    void clearPinned();
    int pinnedCount() const { return int(m_pinned.size()); }
    QStringList pinnedNames() const;
    void setTrainingLength(int64_t tokens);
    void setTargetLength(int64_t tokens);
    void setLogPerplexity(bool log);
    bool logPerplexity() const { return m_logY; }
    /// Every curve divided by the baseline, bucket by bucket (1 = no change).
    void setRatioToBaseline(bool ratio);
    bool ratioToBaseline() const { return m_ratio; }
    /// The legend entries shown (tests).
    QStringList legendNames() const;

    const PositionBuckets &baseline() const { return m_baselineCurve; }
    const PositionBuckets &current() const { return m_currentCurve; }
    bool currentComplete() const { return m_currentComplete; }

    QString exportName() const override { return QStringLiteral("perplexity-vs-context"); }
    QString toCsv() const override;

protected:
    QString readoutText(const QPointF &value, const QPointF &pos) const override;
    void rangesChanged() override;
    void plotResized() override { updateAxes(); }

private:
    struct Pinned
    {
        QString name;
        PositionBuckets curve;
        QLineSeries *series = nullptr;
    };
    QLineSeries *addCurveSeries(const QColor &color, qreal width, Qt::PenStyle style);
    QList<QPointF> toAxis(const PositionBuckets &curve) const;
    void refill();
    void updateNames();
    void updateAxes();

    bool m_logY = true;
    bool m_ratio = false;
    bool m_updating = false;
    bool m_currentIsBaseline = false;
    QLineSeries *m_baseline = nullptr;
    QLineSeries *m_previous = nullptr;
    QLineSeries *m_current = nullptr;
    ChartMarker *m_trainingMarker = nullptr;
    ChartMarker *m_targetMarker = nullptr;
    QAreaSeries *m_beyondTraining = nullptr;
    QLineSeries *m_beyondUpper = nullptr;
    QLineSeries *m_beyondLower = nullptr;
    std::vector<Pinned> m_pinned;
    int m_pinsMade = 0;
    PositionBuckets m_baselineCurve;
    PositionBuckets m_currentCurve;
    PositionBuckets m_previousCurve;
    bool m_currentComplete = true;
    QString m_currentLabel;
    QString m_textName;
    QString m_protocol;
    int64_t m_trainingLength = 0;
    int64_t m_targetLength = 0;
};

}  // namespace mscope
