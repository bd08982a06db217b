// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eval/PositionBuckets.h"
#include "ExportableView.h"

#include <QChartView>
#include <vector>

class QAreaSeries;
class QLineSeries;
class QLogValueAxis;
class QAbstractAxis;

namespace mscope {

class ChartMarker;

/// Perplexity against context length (log x): the baseline, the current modulation, pinned curves
/// for comparison, and the training and target lengths marked. While a recompute runs, the
/// previous current curve stays visible, faded, until the new one replaces it point by point.
class PerplexityChart : public QChartView, public ExportableView
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
    /// Drops baseline and current (a new text or protocol); pinned curves stay.
    void clearCurves();
    /// Keeps a copy of the current curve under `name`.
    void pinCurrent(const QString &name);
    void clearPinned();
    int pinnedCount() const { return int(m_pinned.size()); }
    void setTrainingLength(int64_t tokens);
    void setTargetLength(int64_t tokens);
    void setLogPerplexity(bool log);
    bool logPerplexity() const { return m_logY; }

    const PositionBuckets &baseline() const { return m_baselineCurve; }
    const PositionBuckets &current() const { return m_currentCurve; }
    bool currentComplete() const { return m_currentComplete; }

    QString exportName() const override { return QStringLiteral("perplexity-vs-context"); }
    QWidget *exportWidget() override { return this; }
    QString toCsv() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Pinned
    {
        QString name;
        PositionBuckets curve;
        QLineSeries *series = nullptr;
    };
    QLineSeries *addCurveSeries(const QColor &color, qreal width, Qt::PenStyle style);
    void attach(QAbstractAxis *y);
    void updateNames();
    void updateAxes();
    void showTooltip(const QPointF &point, bool state, const PositionBuckets *curve,
                     const QString &name);

    QLogValueAxis *m_x = nullptr;
    QAbstractAxis *m_y = nullptr;
    bool m_logY = true;
    QLineSeries *m_baseline = nullptr;
    QLineSeries *m_previous = nullptr;
    QLineSeries *m_current = nullptr;
    ChartMarker *m_trainingMarker = nullptr;
    ChartMarker *m_targetMarker = nullptr;
    QAreaSeries *m_beyondTraining = nullptr;
    QLineSeries *m_beyondUpper = nullptr;
    QLineSeries *m_beyondLower = nullptr;
    std::vector<Pinned> m_pinned;
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
