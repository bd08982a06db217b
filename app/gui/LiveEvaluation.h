// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eval/IncrementalEvaluator.h"
#include "modulation/Modulation.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThreadPool>
#include <QVector>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

class JobControl;
class MambaModel;

/// The engine behind the live curves: one IncrementalEvaluator on a background thread that
/// re-scores the evaluation text each time the modulation changes. Requests coalesce: a new one
/// cancels the running pass (stale) and only the latest waits; each pass restarts at the first
/// layer the requests since the previous pass changed. Results arrive chunk by chunk as queued
/// signals.
class LiveEvaluation : public QObject
{
    Q_OBJECT

public:
    enum class Role { Baseline, Current };
    Q_ENUM(Role)

    struct Config
    {
        std::shared_ptr<const MambaModel> model;
        std::shared_ptr<const std::vector<int32_t>> ids;  // the evaluation text's tokens
        bool streaming = true;
        int window = 2048;  // fixed-window protocol
        bool windowBos = false;
        int64_t maxTokens = 16384;
        int chunkTokens = 512;
        int threads = 0;
        int64_t cacheBytes = int64_t(512) << 20;
    };

    explicit LiveEvaluation(QObject *parent = nullptr);
    ~LiveEvaluation() override;

    /// New text, protocol or engine settings: the next pass starts from scratch (baseline too).
    void configure(const Config &config);
    bool isConfigured() const { return bool(m_config.model) && bool(m_config.ids); }
    const Config &config() const { return m_config; }
    /// Positions per segment the curves cover (the x range of the chart).
    int64_t curveLength() const;
    /// Scores the text with `modulation` (the baseline first when it is not known yet), which
    /// modulates layers [0, firstChangedLayer) as the previous request did (0: unknown).
    void request(const ModulationSet &modulation, int firstChangedLayer);
    /// Stops the running pass; nothing pending is started.
    void cancel();
    bool isRunning() const { return m_running; }
    bool baselineKnown() const { return m_baselineGeneration == m_generation; }
    /// Blocks until the background thread is idle (tests, shutdown).
    void waitForIdle();

signals:
    void passStarted(mscope::LiveEvaluation::Role role, int firstLayer, qint64 curveLength);
    /// `tokensSeen` = positions of the segment processed so far (where the state norms were taken).
    void chunkReady(mscope::LiveEvaluation::Role role, int segment, qint64 firstPosition,
                    const QVector<float> &nll, const QVector<mscope::LayerStateNorm> &norms,
                    double fractionDone, double positionsPerSecond);
    void passFinished(mscope::LiveEvaluation::Role role, int firstLayer, qint64 positions,
                      double seconds);
    void passCancelled(mscope::LiveEvaluation::Role role);
    void failed(const QString &message);
    /// Nothing running and nothing pending.
    void idle();

private:
    struct Worker;
    void startNext();
    void onPassEnded();

    Config m_config;
    int m_generation = 0;
    int m_baselineGeneration = -1;
    int m_runningGeneration = -1;
    std::shared_ptr<Worker> m_worker;
    QThreadPool m_pool;
    std::shared_ptr<JobControl> m_job;
    bool m_running = false;
    bool m_hasPending = false;
    ModulationSet m_pending;
    int m_pendingChangedFrom = 0;  // over every request since the last pass started
};

}  // namespace mscope

Q_DECLARE_METATYPE(mscope::LayerStateNorm)
