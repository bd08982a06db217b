// SPDX-License-Identifier: GPL-3.0-or-later
#include "LiveCurves.h"

namespace mscope {

LiveCurves::LiveCurves(LiveEvaluation *live, QObject *parent) : QObject(parent)
{
    m_redraw.setSingleShot(true);
    connect(&m_redraw, &QTimer::timeout, this, &LiveCurves::redrawNow);
    connect(live, &LiveEvaluation::passStarted, this,
            [this](LiveEvaluation::Role role, int, qint64 length) { onStarted(role, length); });
    connect(live, &LiveEvaluation::chunkReady, this,
            [this](LiveEvaluation::Role role, int, qint64 firstPosition, const QVector<float> &nll,
                   const QVector<LayerStateNorm> &norms, double,
                   double) { onChunk(role, firstPosition, nll, norms); });
    connect(live, &LiveEvaluation::passFinished, this,
            [this](LiveEvaluation::Role role, int firstLayer, qint64 positions, double seconds) {
                if (role == LiveEvaluation::Role::Baseline)
                    m_baselineComplete = true;
                else
                    m_currentComplete = true;
                redrawNow();
                if (role == LiveEvaluation::Role::Current)
                    emit currentFinished(firstLayer, positions, seconds);
            });
}

void LiveCurves::reset(qint64 length)
{
    m_length = length;
    m_baseline = PositionBuckets(length, m_bucketsPerOctave);
    m_current = PositionBuckets(length, m_bucketsPerOctave);
    m_baselineStates.clear();
    m_currentStates.clear();
    m_baselineComplete = false;
    m_currentComplete = false;
    redrawNow();
}

void LiveCurves::setBucketsPerOctave(int n)
{
    m_bucketsPerOctave = std::max(1, n);
}

void LiveCurves::onStarted(LiveEvaluation::Role role, qint64 length)
{
    m_length = length;
    if (role == LiveEvaluation::Role::Baseline) {
        m_baseline = PositionBuckets(length, m_bucketsPerOctave);
        m_baselineStates.clear();
        m_baselineComplete = false;
    } else {
        m_current = PositionBuckets(length, m_bucketsPerOctave);
        m_currentStates.clear();
        m_currentComplete = false;
    }
}

void LiveCurves::onChunk(LiveEvaluation::Role role, qint64 firstPosition, const QVector<float> &nll,
                         const QVector<LayerStateNorm> &norms)
{
    const bool baseline = role == LiveEvaluation::Role::Baseline;
    PositionBuckets &curve = baseline ? m_baseline : m_current;
    StateNormHistory &states = baseline ? m_baselineStates : m_currentStates;
    curve.addRange(firstPosition, std::span<const float>(nll.constData(), size_t(nll.size())));
    states.add(firstPosition + nll.size(),
               std::span<const LayerStateNorm>(norms.constData(), size_t(norms.size())));
    scheduleRedraw();
}

void LiveCurves::scheduleRedraw()
{
    if (m_redraw.isActive())
        return;
    // Leading edge: the first points of a pass show at once; later ones within 40 ms batch up.
    const qint64 since = m_sinceRedraw.isValid() ? m_sinceRedraw.elapsed() : kRedrawIntervalMs;
    if (since >= kRedrawIntervalMs)
        redrawNow();
    else
        m_redraw.start(int(kRedrawIntervalMs - since));
}

void LiveCurves::redrawNow()
{
    m_redraw.stop();
    m_sinceRedraw.start();
    emit updated();
}

}  // namespace mscope
