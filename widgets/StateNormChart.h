// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "InteractiveChart.h"
#include "StateNormHistory.h"

#include <vector>

class QLineSeries;

namespace mscope {

class ChartMarker;

/// How big each layer's recurrent state gets as the text goes on (log-log): it should level off
/// within the training length. Layers whose state keeps growing past it are the ones that fail;
/// dashed lines are the model as loaded, solid ones the current scaling.
class StateNormChart : public InteractiveChart
{
    Q_OBJECT

public:
    explicit StateNormChart(QWidget *parent = nullptr);

    void setLayerCount(int layers);
    int layerCount() const { return int(m_layers.size()); }
    void setLayerVisible(int layer, bool visible);
    bool isLayerVisible(int layer) const;
    void setStatistic(StateNormHistory::Statistic statistic);
    StateNormHistory::Statistic statistic() const { return m_statistic; }
    void setBaseline(const StateNormHistory &history);
    void setCurrent(const StateNormHistory &history, bool complete);
    void clearCurves();
    void setTrainingLength(int64_t tokens);
    void setTargetLength(int64_t tokens);

    const StateNormHistory &baseline() const { return m_baselineHistory; }
    const StateNormHistory &current() const { return m_currentHistory; }

    QString exportName() const override { return QStringLiteral("state-norm-vs-position"); }
    QString toCsv() const override;

protected:
    QString readoutText(const QPointF &value, const QPointF &pos) const override;
    void rangesChanged() override;
    void plotResized() override { updateAxes(); }

private:
    struct LayerSeries
    {
        QLineSeries *baseline = nullptr;
        QLineSeries *current = nullptr;
        bool visible = true;
    };
    QLineSeries *addSeries(const QPen &pen);
    void refill();
    void updateAxes();

    ChartMarker *m_trainingMarker = nullptr;
    ChartMarker *m_targetMarker = nullptr;
    QLineSeries *m_baselineKey = nullptr;
    std::vector<LayerSeries> m_layers;
    StateNormHistory m_baselineHistory;
    StateNormHistory m_currentHistory;
    StateNormHistory::Statistic m_statistic = StateNormHistory::Statistic::MaxOverChannels;
    bool m_currentComplete = true;
    int64_t m_trainingLength = 0;
    int64_t m_targetLength = 0;
};

}  // namespace mscope
