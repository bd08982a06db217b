// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "LiveEvaluation.h"
#include "StateNormHistory.h"
#include "eval/PositionBuckets.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace mscope {

/// Collects what the live evaluation streams (per-chunk NLL and state norms) into the curves the
/// charts draw, and tells the charts to redraw at most every ~40 ms (PlotJuggler's replot timer):
/// the first chunk of a pass shows at once, later ones are batched.
class LiveCurves : public QObject
{
    Q_OBJECT

public:
    static constexpr int kRedrawIntervalMs = 40;

    explicit LiveCurves(LiveEvaluation *live, QObject *parent = nullptr);

    /// A new text or protocol: empty curves of `length` positions.
    void reset(qint64 length);
    void setBucketsPerOctave(int n);
    const PositionBuckets &baseline() const { return m_baseline; }
    const PositionBuckets &current() const { return m_current; }
    const StateNormHistory &baselineStates() const { return m_baselineStates; }
    const StateNormHistory &currentStates() const { return m_currentStates; }
    bool currentComplete() const { return m_currentComplete; }
    bool baselineComplete() const { return m_baselineComplete; }
    qint64 length() const { return m_length; }

signals:
    /// Time to redraw (coalesced).
    void updated();
    /// A pass of the current modulation completed.
    void currentFinished(int firstLayer, qint64 positions, double seconds);

private:
    void onStarted(LiveEvaluation::Role role, qint64 length);
    void onChunk(LiveEvaluation::Role role, qint64 firstPosition, const QVector<float> &nll,
                 const QVector<LayerStateNorm> &norms);
    void scheduleRedraw();
    void redrawNow();

    int m_bucketsPerOctave = 2;
    qint64 m_length = 0;
    PositionBuckets m_baseline;
    PositionBuckets m_current;
    StateNormHistory m_baselineStates;
    StateNormHistory m_currentStates;
    bool m_baselineComplete = false;
    bool m_currentComplete = false;
    QTimer m_redraw;
    QElapsedTimer m_sinceRedraw;
};

}  // namespace mscope
