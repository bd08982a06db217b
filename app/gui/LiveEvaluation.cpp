// SPDX-License-Identifier: GPL-3.0-or-later
#include "LiveEvaluation.h"

#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QElapsedTimer>
#include <algorithm>
#include <limits>
#include <new>

namespace mscope {

// What lives on the background thread between passes: the evaluator and its cache. Only the
// pool's single thread touches it.
// The evaluator restarts at the first layer whose parameters changed since its previous run,
// which the worker tells it: between two passes of the current modulation, the first layer any
// edit since then changed (ModulationEditor knows); between the baseline and a modulation, the
// first layer the modulation changes.
struct LiveEvaluation::Worker
{
    std::unique_ptr<IncrementalEvaluator> evaluator;
    int generation = -1;
    enum class LastRun { None, Baseline, Current } lastRun = LastRun::None;
    int lastModulatedFrom = 0;    // the last current pass's first modulated layer
    int changedSinceCurrent = 0;  // first layer changed since the last current pass

    void run(LiveEvaluation *owner, const Config &config, int generation, bool needBaseline,
             const ModulationSet &modulation, int firstChangedLayer,
             const std::shared_ptr<JobControl> &job);
    void pass(LiveEvaluation *owner, Role role, std::shared_ptr<const ScanParameters> scan,
              int firstChangedLayer, const JobControl &job, int64_t curveLength);
};

void LiveEvaluation::Worker::pass(LiveEvaluation *owner, Role role,
                                  std::shared_ptr<const ScanParameters> scan, int firstChangedLayer,
                                  const JobControl &job, int64_t curveLength)
{
    const int first = evaluator->restartLayer(firstChangedLayer);
    QMetaObject::invokeMethod(
        owner,
        [owner, role, first, curveLength] { emit owner->passStarted(role, first, curveLength); },
        Qt::QueuedConnection);
    QElapsedTimer timer;
    timer.start();
    int64_t done = 0;
    const auto stats = evaluator->run(
        std::move(scan), firstChangedLayer, &job, [&](const IncrementalEvaluator::ChunkScores &s) {
            done += int64_t(s.nll.size());
            const double seconds = std::max(1e-9, timer.nsecsElapsed() * 1e-9);
            QVector<float> nll(s.nll.begin(), s.nll.end());
            QVector<LayerStateNorm> norms(s.stateNorms.begin(), s.stateNorms.end());
            const double fraction = double(s.chunkIndex + 1) / double(s.chunkCount);
            const double rate = double(done) / seconds;
            const int segment = s.segment;
            const qint64 position = s.firstPosition;
            QMetaObject::invokeMethod(
                owner,
                [owner, role, segment, position, nll = std::move(nll), norms = std::move(norms),
                 fraction, rate] {
                    emit owner->chunkReady(role, segment, position, nll, norms, fraction, rate);
                },
                Qt::QueuedConnection);
        });
    QMetaObject::invokeMethod(
        owner,
        [owner, role, stats] {
            emit owner->passFinished(role, stats.firstLayer, stats.positions, stats.seconds);
        },
        Qt::QueuedConnection);
}

void LiveEvaluation::Worker::run(LiveEvaluation *owner, const Config &config, int configGeneration,
                                 bool needBaseline, const ModulationSet &modulation,
                                 int firstChangedLayer, const std::shared_ptr<JobControl> &job)
{
    changedSinceCurrent = std::min(changedSinceCurrent, firstChangedLayer);
    Role role = needBaseline ? Role::Baseline : Role::Current;
    try {
        // OpenMP's thread count is per calling thread: set it on this one.
        EngineThreads::set(config.threads);
        if (!evaluator || generation != configGeneration) {
            evaluator.reset();
            IncrementalEvaluator::Options options;
            options.chunkTokens = config.chunkTokens;
            options.cacheBudgetBytes = config.cacheBytes;
            auto fresh = std::make_unique<IncrementalEvaluator>(config.model, options);
            std::optional<int32_t> bos;
            if (config.windowBos)
                bos = config.model->config().bosTokenId;
            fresh->setSegments(
                config.streaming
                    ? IncrementalEvaluator::streamingSegments(*config.ids, config.maxTokens)
                    : IncrementalEvaluator::fixedWindowSegments(*config.ids, config.window,
                                                                config.maxTokens, bos));
            evaluator = std::move(fresh);
            generation = configGeneration;
            lastRun = LastRun::None;
        }
        const int layers = evaluator->layers();
        int64_t length = 0;
        for (const auto &s : evaluator->segments())
            length = std::max<int64_t>(length, int64_t(s.size()) - 1);
        if (needBaseline) {
            const int changed = lastRun == LastRun::Current ? lastModulatedFrom : layers;
            lastRun = LastRun::Baseline;
            pass(owner, Role::Baseline, ScanParameters::fromModel(*config.model), changed, *job,
                 length);
        }
        role = Role::Current;
        job->throwIfCancelled();
        const int modulatedFrom = modulation.firstModulatedLayer(layers);
        const int changed =
            lastRun == LastRun::Baseline ? modulatedFrom : std::min(changedSinceCurrent, layers);
        const auto scan = modulation.apply(*config.model);
        lastRun = LastRun::Current;
        lastModulatedFrom = modulatedFrom;
        changedSinceCurrent = layers;
        pass(owner, Role::Current, scan, changed, *job, length);
    } catch (const Cancelled &) {
        QMetaObject::invokeMethod(
            owner, [owner, role] { emit owner->passCancelled(role); }, Qt::QueuedConnection);
    } catch (const Error &e) {
        const QString message = e.message();
        QMetaObject::invokeMethod(
            owner, [owner, message] { emit owner->failed(message); }, Qt::QueuedConnection);
    } catch (const std::bad_alloc &) {
        evaluator.reset();
        QMetaObject::invokeMethod(
            owner,
            [owner] {
                emit owner->failed(
                    LiveEvaluation::tr("not enough memory for the live curve; lower \"max tokens\" "
                                       "or the cache budget in the settings"));
            },
            Qt::QueuedConnection);
    } catch (const std::exception &e) {
        const QString message = QString::fromLocal8Bit(e.what());
        QMetaObject::invokeMethod(
            owner, [owner, message] { emit owner->failed(message); }, Qt::QueuedConnection);
    }
}

LiveEvaluation::LiveEvaluation(QObject *parent)
    : QObject(parent), m_worker(std::make_shared<Worker>())
{
    qRegisterMetaType<mscope::LayerStateNorm>();
    // One thread: the evaluator and its cache are not shareable, and passes must not overlap.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    connect(this, &LiveEvaluation::passFinished, this, [this](Role role) {
        if (role == Role::Baseline)
            m_baselineGeneration = m_runningGeneration;
    });
}

LiveEvaluation::~LiveEvaluation()
{
    m_hasPending = false;
    if (m_job)
        m_job->cancel();
    m_pool.waitForDone();
}

void LiveEvaluation::configure(const Config &config)
{
    m_config = config;
    ++m_generation;
    if (m_running && m_job)
        m_job->cancel();  // computing on the old text or settings: stale
}

int64_t LiveEvaluation::curveLength() const
{
    if (!isConfigured())
        return 0;
    if (m_config.streaming) {
        const int64_t n = int64_t(m_config.ids->size());
        return std::max<int64_t>(
            0, (m_config.maxTokens > 0 ? std::min(n, m_config.maxTokens) : n) - 1);
    }
    return m_config.window - 1;
}

void LiveEvaluation::request(const ModulationSet &modulation, int firstChangedLayer)
{
    m_pending = modulation;
    m_pendingChangedFrom = std::min(m_pendingChangedFrom, firstChangedLayer);
    m_hasPending = true;
    if (m_running) {
        if (m_job)
            m_job->cancel();  // the pass stops at its next layer boundary, then startNext()
        return;
    }
    startNext();
}

void LiveEvaluation::cancel()
{
    m_hasPending = false;
    if (m_job)
        m_job->cancel();
}

void LiveEvaluation::startNext()
{
    if (!m_hasPending || !isConfigured()) {
        emit idle();
        return;
    }
    m_hasPending = false;
    m_running = true;
    m_job = std::make_shared<JobControl>();
    const bool needBaseline = m_baselineGeneration != m_generation;
    auto worker = m_worker;
    auto job = m_job;
    const Config config = m_config;
    const int generation = m_generation;
    m_runningGeneration = generation;
    const ModulationSet modulation = m_pending;
    const int changedFrom = m_pendingChangedFrom;
    m_pendingChangedFrom = std::numeric_limits<int>::max();
    m_pool.start([this, worker, job, config, generation, needBaseline, modulation, changedFrom] {
        worker->run(this, config, generation, needBaseline, modulation, changedFrom, job);
        QMetaObject::invokeMethod(this, &LiveEvaluation::onPassEnded, Qt::QueuedConnection);
    });
}

void LiveEvaluation::onPassEnded()
{
    m_running = false;
    startNext();
}

void LiveEvaluation::waitForIdle()
{
    m_pool.waitForDone();
}

}  // namespace mscope
