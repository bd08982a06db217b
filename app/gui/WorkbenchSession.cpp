// SPDX-License-Identifier: GPL-3.0-or-later
#include "WorkbenchSession.h"

#include "analysis/DeltaStatistics.h"
#include "AppSettings.h"
#include "io/GuardedFile.h"
#include "io/ResourceLocator.h"
#include "io/TextFile.h"
#include "model/MambaModel.h"
#include "model/ModelFolder.h"
#include "model/ScanParameters.h"
#include "modulation/CheckpointBaker.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <new>

namespace mscope {

namespace {

constexpr int kSpectrumBins = 160;

// The reason a background job gives when it fails with anything but a Error (which names the
// file) or Cancelled: a thread of the pool must not let an exception escape, which would end the
// program.
QString failureOf(const std::exception &e)
{
    if (dynamic_cast<const std::bad_alloc *>(&e))
        return WorkbenchSession::tr("not enough memory");
    return QString::fromLocal8Bit(e.what());
}

}  // namespace

WorkbenchSession::WorkbenchSession(QObject *parent)
    : QObject(parent), m_live(new LiveEvaluation(this))
{
    m_bundled = ResourceLocator::demoTexts();
    m_texts = m_bundled;
    for (const QString &t : AppSettings::extraTexts())
        if (QFileInfo::exists(t) && !m_texts.contains(t))
            m_texts << t;
    // Pride and Prejudice starts with its story at once (the other books open with front matter
    // and tables of contents, which make the first few hundred positions of a curve erratic).
    for (const QString &t : m_texts)
        if (QFileInfo(t).fileName().startsWith(QLatin1String("test_prideandprejudice")))
            m_evaluationText = t;
    if (m_evaluationText.isEmpty() && !m_texts.isEmpty())
        m_evaluationText = m_texts.first();
    const QString calibration = ResourceLocator::calibrationText();
    if (m_texts.contains(calibration))
        m_calibrationTexts << calibration;
    m_streaming = AppSettings::streamingProtocol();
    m_fixedWindow = AppSettings::fixedWindow();

    connect(m_live, &LiveEvaluation::passStarted, this,
            [this](LiveEvaluation::Role role, int firstLayer, qint64) {
                const QString label =
                    role == LiveEvaluation::Role::Baseline ? tr("Computing the baseline curve")
                    : firstLayer >= (m_model ? m_model->config().nLayer : 0) ? tr("Curve unchanged")
                    : firstLayer > 0 ? tr("Recomputing the curve from layer %1").arg(firstLayer)
                                     : tr("Recomputing the curve");
                if (!m_liveJob)
                    m_liveJob = beginJob(label, [this] { m_live->cancel(); });
                for (Job &j : m_jobs)
                    if (j.id == m_liveJob)
                        j.label = label;
                emit jobsChanged();
            });
    connect(m_live, &LiveEvaluation::chunkReady, this,
            [this](LiveEvaluation::Role, int, qint64, const QVector<float> &,
                   const QVector<LayerStateNorm> &, double fraction, double rate) {
                if (m_liveJob)
                    updateJob(m_liveJob, fraction, rate);
            });
    connect(m_live, &LiveEvaluation::idle, this, [this] {
        if (m_liveJob)
            endJob(m_liveJob);
        m_liveJob = 0;
    });
}

WorkbenchSession::~WorkbenchSession()
{
    for (const Job &j : m_jobs)
        if (j.cancel)
            j.cancel();
    QThreadPool::globalInstance()->waitForDone();
}

QString WorkbenchSession::modelName() const
{
    return m_model ? QFileInfo(m_model->directory()).fileName() : QString();
}

int WorkbenchSession::beginJob(const QString &label, std::function<void()> cancel)
{
    Job j;
    j.id = ++m_lastJobId;
    j.label = label;
    j.cancel = std::move(cancel);
    m_jobs.append(j);
    emit jobsChanged();
    return j.id;
}

void WorkbenchSession::updateJob(int id, double fraction, double tokensPerSecond)
{
    for (Job &j : m_jobs) {
        if (j.id == id) {
            j.fraction = fraction;
            j.tokensPerSecond = tokensPerSecond;
        }
    }
    emit jobsChanged();
}

void WorkbenchSession::endJob(int id)
{
    m_jobs.erase(
        std::remove_if(m_jobs.begin(), m_jobs.end(), [id](const Job &j) { return j.id == id; }),
        m_jobs.end());
    emit jobsChanged();
}

void WorkbenchSession::cancelForegroundJob()
{
    for (auto it = m_jobs.rbegin(); it != m_jobs.rend(); ++it) {
        if (it->cancel) {
            it->cancel();
            return;
        }
    }
}

void WorkbenchSession::openModel(const QString &dir)
{
    const int generation = ++m_modelGeneration;
    m_loading = true;
    emit modelLoading(dir);
    auto job = std::make_shared<JobControl>();
    const int id =
        beginJob(tr("Loading %1").arg(QFileInfo(dir).fileName()), [job] { job->cancel(); });
    job->setProgressCallback([this, id](double f, const QString &) {
        QMetaObject::invokeMethod(
            this, [this, id, f] { updateJob(id, f); }, Qt::QueuedConnection);
    });
    QThreadPool::globalInstance()->start([this, dir, job, id, generation] {
        runGuarded(id, dir, [&] {
            auto model = MambaModel::load(dir, job.get());
            // Without a tokenizer the model still opens (its spectrum needs no text); the texts
            // say why they cannot be scored.
            std::shared_ptr<const BpeTokenizer> tokenizer;
            QString noTokenizer;
            try {
                tokenizer = ModelFolder::loadTokenizer(dir);
            } catch (const Error &e) {
                noTokenizer = e.message();
            }
            std::shared_ptr<const ScanParameters> baseline = ScanParameters::fromModel(*model);
            QMetaObject::invokeMethod(
                this,
                [this, model, tokenizer, noTokenizer, baseline, id, generation, dir] {
                    endJob(id);
                    if (generation != m_modelGeneration)
                        return;  // another model was asked for meanwhile
                    m_loading = false;
                    // The live curve still points at the old model until the new text is ready.
                    m_live->configure(LiveEvaluation::Config{});
                    m_model = model;
                    m_tokenizer = tokenizer;
                    m_baselineScan = baseline;
                    m_deltaStats.reset();
                    m_modulation = ModulationSet();
                    m_tokens.clear();
                    m_tokenCounts.clear();
                    m_evaluationTokens.reset();
                    const int saved = AppSettings::trainingLength(model->fingerprint());
                    m_trainingLength = saved > 0 ? saved : ModelFolder::trainingLength(dir).tokens;
                    AppSettings::addRecentModel(dir);
                    emit modelLoaded();
                    emit lengthsChanged();
                    emit deltaStatisticsChanged();
                    if (!tokenizer)
                        emit textFailed(noTokenizer);
                    tokenizeTexts();
                    requestSpectrum();
                },
                Qt::QueuedConnection);
        },
            [this, id](const QString &reason, bool) {
                m_loading = false;
                emit modelFailed(reason);  // empty when cancelled: nothing to report
            });
    });
}

std::shared_ptr<const std::vector<int32_t>> WorkbenchSession::prefixTokens(const QString &path,
                                                                           int64_t tokens) const
{
    const auto whole = m_tokens.value(path);
    if (!whole)
        return nullptr;
    if (tokens <= 0 || int64_t(whole->size()) <= tokens)
        return whole;
    return std::make_shared<const std::vector<int32_t>>(whole->begin(), whole->begin() + tokens);
}

void WorkbenchSession::tokenizeTexts()
{
    if (!m_model || !m_tokenizer)
        return;
    const int generation = m_modelGeneration;
    const auto tokenizer = m_tokenizer;
    const QString evaluation = m_evaluationText;
    const int64_t maxTokens = AppSettings::maxTokens();
    QStringList all = m_texts;
    // The evaluation text first (the curves wait for it), then the calibration texts.
    all.removeAll(evaluation);
    QStringList ordered{evaluation};
    for (const QString &c : m_calibrationTexts)
        if (all.removeAll(c))
            ordered << c;
    ordered << all;
    const int id = beginJob(tr("Counting tokens"), {});
    QThreadPool::globalInstance()->start([this, generation, tokenizer, evaluation, maxTokens,
                                          ordered, id] {
        // A prefix of the evaluation text is all the curves need: start them before counting.
        if (const auto prefix = encodeOrReport(*tokenizer, evaluation, maxTokens)) {
            QMetaObject::invokeMethod(
                this,
                [this, generation, evaluation, prefix] {
                    if (generation != m_modelGeneration || evaluation != m_evaluationText)
                        return;
                    m_evaluationTokens = prefix;
                    configureLiveEvaluation();
                    requestCurve();
                    measureDeltaStatistics();
                },
                Qt::QueuedConnection);
        }
        for (int i = 0; i < ordered.size(); ++i) {
            const QString path = ordered[i];
            if (const auto ids = encodeOrReport(*tokenizer, path, 0)) {
                QMetaObject::invokeMethod(
                    this, [this, generation, path, ids] { storeTokens(generation, path, ids); },
                    Qt::QueuedConnection);
            }
            QMetaObject::invokeMethod(
                this, [this, id, i, n = ordered.size()] { updateJob(id, double(i + 1) / n); },
                Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            this, [this, id] { endJob(id); }, Qt::QueuedConnection);
    });
}

void WorkbenchSession::runGuarded(int id, const QString &context, const std::function<void()> &work,
                                  const std::function<void(const QString &, bool)> &failed)
{
    QString reason;
    bool cancelled = false;
    try {
        work();
        return;
    } catch (const Cancelled &) {
        cancelled = true;
    } catch (const Error &e) {
        reason = e.message();  // names the file already
    } catch (const std::bad_alloc &) {
        reason = tr("%1: not enough memory").arg(context);
    } catch (const std::exception &e) {
        reason = context + QStringLiteral(": ") + failureOf(e);
    }
    QMetaObject::invokeMethod(
        this,
        [this, id, reason, cancelled, failed] {
            endJob(id);
            failed(reason, cancelled);
        },
        Qt::QueuedConnection);
}

WorkbenchSession::TokenIds WorkbenchSession::encodeOrReport(const BpeTokenizer &tokenizer,
                                                           const QString &path, qint64 maxTokens)
{
    QString message;
    try {
        return std::make_shared<const std::vector<int32_t>>(
            tokenizer.encodeFile(path, maxTokens));
    } catch (const Error &e) {
        message = e.message();
    } catch (const std::exception &e) {
        message = path + QStringLiteral(": ") + failureOf(e);
    }
    QMetaObject::invokeMethod(
        this, [this, message] { emit textFailed(message); }, Qt::QueuedConnection);
    return nullptr;
}

void WorkbenchSession::storeTokens(int generation, const QString &path, const TokenIds &ids)
{
    if (generation != m_modelGeneration)
        return;  // tokenized for a model that is no longer open
    m_tokens.insert(path, ids);
    m_tokenCounts.insert(path, qint64(ids->size()));
    emit tokenCountChanged(path, qint64(ids->size()));
}

void WorkbenchSession::addText(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (m_texts.contains(absolute))
        return;
    try {
        TextFile::readUtf8(absolute);  // refuse binaries and bad UTF-8 right away, with the reason
    } catch (const Error &e) {
        emit textFailed(e.message());
        return;
    }
    m_texts << absolute;
    QStringList extra = AppSettings::extraTexts();
    if (!extra.contains(absolute)) {
        extra << absolute;
        AppSettings::setExtraTexts(extra);
    }
    emit textsChanged();
    if (!m_tokenizer)
        return;
    const auto tokenizer = m_tokenizer;
    const int generation = m_modelGeneration;
    QThreadPool::globalInstance()->start([this, tokenizer, absolute, generation] {
        if (const auto ids = encodeOrReport(*tokenizer, absolute, 0)) {
            QMetaObject::invokeMethod(
                this, [this, generation, absolute, ids] { storeTokens(generation, absolute, ids); },
                Qt::QueuedConnection);
        }
    });
}

void WorkbenchSession::setEvaluationText(const QString &path)
{
    if (path == m_evaluationText)
        return;
    m_evaluationText = path;
    m_evaluationTokens = prefixTokens(path, AppSettings::maxTokens());
    if (m_evaluationTokens) {
        configureLiveEvaluation();
        requestCurve();
    } else {
        tokenizeTexts();
    }
}

void WorkbenchSession::setCalibrationTexts(const QStringList &paths)
{
    m_calibrationTexts = paths;
}

void WorkbenchSession::setTrainingLength(int tokens)
{
    if (tokens <= 0 || tokens == m_trainingLength)
        return;
    m_trainingLength = tokens;
    if (m_model)
        AppSettings::setTrainingLength(m_model->fingerprint(), tokens);
    emit lengthsChanged();
    // Δ statistics are measured over windows of the training length.
    measureDeltaStatistics();
    requestSpectrum();
}

void WorkbenchSession::setTargetLength(int tokens)
{
    if (tokens <= 0 || tokens == m_targetLength)
        return;
    m_targetLength = tokens;
    emit lengthsChanged();
    requestSpectrum();
}

void WorkbenchSession::setStreaming(bool on)
{
    if (on == m_streaming)
        return;
    m_streaming = on;
    AppSettings::setStreamingProtocol(on);
    configureLiveEvaluation();
    requestCurve();
}

void WorkbenchSession::setFixedWindow(int tokens)
{
    if (tokens == m_fixedWindow)
        return;
    m_fixedWindow = tokens;
    AppSettings::setFixedWindow(tokens);
    if (!m_streaming) {
        configureLiveEvaluation();
        requestCurve();
    }
}

void WorkbenchSession::applyEngineSettings()
{
    if (!m_model)
        return;
    m_evaluationTokens = prefixTokens(m_evaluationText, AppSettings::maxTokens());
    if (!m_evaluationTokens || int64_t(m_evaluationTokens->size()) < AppSettings::maxTokens()) {
        // Need more of the text than the prefix we have (or it is not counted yet).
        if (!m_tokens.contains(m_evaluationText)) {
            tokenizeTexts();
            return;
        }
    }
    configureLiveEvaluation();
    requestCurve();
}

void WorkbenchSession::configureLiveEvaluation()
{
    if (!m_model || !m_evaluationTokens)
        return;
    LiveEvaluation::Config c;
    c.model = m_model;
    c.ids = m_evaluationTokens;
    c.streaming = m_streaming;
    c.window = m_fixedWindow;
    c.windowBos = AppSettings::fixedWindowBos();
    c.maxTokens = AppSettings::maxTokens();
    c.chunkTokens = AppSettings::chunkTokens();
    c.threads = AppSettings::threads();
    c.cacheBytes = int64_t(AppSettings::cacheMiB()) << 20;
    if (!c.streaming && int64_t(c.ids->size()) < c.window) {
        emit textFailed(tr("%1: %2 tokens is less than one window of %3; choose a shorter window")
                            .arg(QFileInfo(m_evaluationText).fileName())
                            .arg(c.ids->size())
                            .arg(c.window));
        return;
    }
    m_live->configure(c);
    const QString protocol = m_streaming ? tr("streaming") : tr("windows of %1").arg(m_fixedWindow);
    emit evaluationReset(QFileInfo(m_evaluationText).fileName(), protocol, m_live->curveLength());
}

void WorkbenchSession::setModulation(const ModulationSet &modulation)
{
    m_modulation = modulation;
    requestCurve();
    requestSpectrum();
}

ModulationSet WorkbenchSession::modulation() const
{
    ModulationSet set = m_modulation;
    set.deltaStatistics = m_deltaStats;
    set.trainingLength = m_trainingLength;
    if (m_model) {
        set.modelFingerprint = m_model->fingerprint();
        set.modelName = modelName();
    }
    return set;
}

void WorkbenchSession::requestCurve()
{
    if (!m_model || !m_live->isConfigured())
        return;
    m_live->request(modulation());
}

void WorkbenchSession::measureDeltaStatistics()
{
    if (!m_model || !m_tokenizer)
        return;
    QString source;
    for (const QString &c : m_calibrationTexts)
        if (c != m_evaluationText && source.isEmpty())
            source = c;
    if (source.isEmpty())
        source = m_evaluationText;
    const auto model = m_model;
    const auto tokenizer = m_tokenizer;
    const int window = m_trainingLength;
    const int generation = m_modelGeneration;
    const int threads = AppSettings::threads();
    auto job = std::make_shared<JobControl>();
    const int id = beginJob(tr("Measuring Δ on %1").arg(QFileInfo(source).fileName()),
                            [job] { job->cancel(); });
    QThreadPool::globalInstance()->start(
        [this, model, tokenizer, source, window, generation, job, id, threads] {
            runGuarded(id, tr("Δ statistics on %1").arg(QFileInfo(source).fileName()), [&] {
                EngineThreads::set(threads);
                auto stats = std::make_shared<const DeltaStatistics>(DeltaStatistics::measureOnText(
                    *model, *tokenizer, source, window, job.get()));
                QMetaObject::invokeMethod(
                    this,
                    [this, stats, generation, id] {
                        endJob(id);
                        if (generation != m_modelGeneration)
                            return;
                        m_deltaStats = stats;
                        emit deltaStatisticsChanged();
                        requestSpectrum();
                        // A τ-cap scaling depends on Δ: its curve was computed without (or with
                        // old) stats.
                        for (const Modulation &m : m_modulation.steps)
                            if (m.family == ModulationFamily::TauCap)
                                requestCurve();
                    },
                    Qt::QueuedConnection);
            },
                [this, id](const QString &reason, bool cancelled) {
                    if (!cancelled)
                        emit textFailed(reason);
                });
        });
}

void WorkbenchSession::setSpectrumQuantity(SpectrumQuantity quantity)
{
    if (quantity == m_quantity)
        return;
    m_quantity = quantity;
    requestSpectrum();
}

SpectrumQuantity WorkbenchSession::effectiveQuantity() const
{
    return SpectrumDensity::available(m_quantity, m_deltaStats.get()) ? m_quantity
                                                                      : SpectrumQuantity::Alpha;
}

void WorkbenchSession::requestSpectrum()
{
    if (!m_model || !m_baselineScan)
        return;
    if (m_spectrumRunning) {
        m_spectrumPending = true;  // coalesce: one more run with whatever is current then
        return;
    }
    m_spectrumRunning = true;
    const int generation = ++m_spectrumGeneration;
    const auto model = m_model;
    const auto baseline = m_baselineScan;
    const auto stats = m_deltaStats;
    const ModulationSet set = modulation();
    const SpectrumQuantity q = effectiveQuantity();
    const double training = m_trainingLength;
    const double target = m_targetLength;
    // Reusable when quantity, statistics and threshold are the same (the range is checked below).
    const bool cacheUsable =
        m_originalDensityStats == stats && m_originalDensityScan == baseline &&
        m_originalDensity.quantity == q && !m_originalDensity.isEmpty() &&
        m_originalDensity.threshold == (q == SpectrumQuantity::Tau ? training : 0.0);
    const SpectrumDensity cached = cacheUsable ? m_originalDensity : SpectrumDensity();
    QThreadPool::globalInstance()->start(
        [this, model, baseline, stats, set, q, training, target, generation, cached] {
            SpectrumDensity original, modulated;
            try {
                std::shared_ptr<const ScanParameters> scaled;
                if (!set.isIdentity())
                    scaled = set.apply(*model);
                const auto range = SpectrumDensity::axisRange({baseline.get(), scaled.get()},
                                                              stats.get(), q, {training, target});
                const double threshold = q == SpectrumQuantity::Tau ? training : 0.0;
                if (!cached.isEmpty() && cached.axisMin == range.first &&
                    cached.axisMax == range.second)
                    original = cached;
                else
                    original = SpectrumDensity::compute(*baseline, stats.get(), q, range,
                                                        kSpectrumBins, threshold);
                if (scaled)
                    modulated = SpectrumDensity::compute(*scaled, stats.get(), q, range,
                                                         kSpectrumBins, threshold);
            } catch (const Error &) {
                // A τ cap before the Δ statistics are in: the curve reports it; show the model as
                // loaded.
            } catch (const std::exception &) {
                // Out of memory for the densities: nothing new to show.
                original = modulated = SpectrumDensity();
            }
            QMetaObject::invokeMethod(
                this,
                [this, original, modulated, generation, stats, baseline] {
                    m_spectrumRunning = false;
                    m_originalDensity = original;
                    m_originalDensityStats = stats;
                    m_originalDensityScan = baseline;
                    if (generation == m_spectrumGeneration)
                        emit spectrumReady(original, modulated);
                    if (m_spectrumPending) {
                        m_spectrumPending = false;
                        requestSpectrum();
                    }
                },
                Qt::QueuedConnection);
        });
}

void WorkbenchSession::startCalibration(CalibrationOptions options)
{
    if (!m_model || !m_tokenizer || m_calibrationJob)
        return;
    QStringList paths;
    for (const QString &c : m_calibrationTexts)
        if (c != m_evaluationText)
            paths << c;
    if (paths.isEmpty()) {
        emit calibrationFailed(
            tr("Tick at least one calibration text other than the evaluation "
               "text in the Model & texts panel."));
        return;
    }
    m_calibrationJob = std::make_shared<JobControl>();
    auto job = m_calibrationJob;
    const int id = beginJob(tr("Calibrating (%1)").arg(Calibrator::methodName(options.method)),
                            [job] { job->cancel(); });
    m_calibrationJobId = id;
    QHash<QString, std::shared_ptr<const std::vector<int32_t>>> known;
    for (const QString &p : paths)
        if (m_tokens.contains(p))
            known.insert(p, m_tokens.value(p));
    const auto model = m_model;
    const auto tokenizer = m_tokenizer;
    const int threads = AppSettings::threads();
    QThreadPool::globalInstance()->start([this, options, paths, known, model, tokenizer, job, id,
                                          threads]() mutable {
        runGuarded(id, tr("Calibration"), [&] {
            EngineThreads::set(threads);
            options.calibrationDocs.clear();
            options.calibrationTexts.clear();
            options.calibrationTextHashes.clear();
            for (const QString &p : paths) {
                job->throwIfCancelled();
                options.calibrationDocs.push_back(known.contains(p) ? *known.value(p)
                                                                    : tokenizer->encodeFile(p));
                options.calibrationTexts << QFileInfo(p).fileName();
                options.calibrationTextHashes << GuardedFile::sha256(p);
            }
            ModulationSet result =
                Calibrator::run(model, options, job.get(), [this, id](const CalibrationStep &s) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, id, s] {
                            updateJob(id, s.budget > 0 ? double(s.forwardPasses) / s.budget : -1.0);
                            emit calibrationStep(s);
                        },
                        Qt::QueuedConnection);
                });
            QMetaObject::invokeMethod(
                this,
                [this, id, result] {
                    endJob(id);
                    m_calibrationJob.reset();
                    emit calibrationFinished(result, false);
                },
                Qt::QueuedConnection);
        },
            [this](const QString &reason, bool cancelled) {
                m_calibrationJob.reset();
                if (cancelled)
                    emit calibrationFinished(ModulationSet(), true);
                else
                    emit calibrationFailed(reason);
            });
    });
}

void WorkbenchSession::stopCalibration()
{
    if (m_calibrationJob)
        m_calibrationJob->cancel();
}

void WorkbenchSession::bake(const QString &outDir)
{
    if (!m_model)
        return;
    const auto model = m_model;
    const ModulationSet set = modulation();
    auto job = std::make_shared<JobControl>();
    const int id =
        beginJob(tr("Baking %1").arg(QFileInfo(outDir).fileName()), [job] { job->cancel(); });
    job->setProgressCallback([this, id](double f, const QString &) {
        QMetaObject::invokeMethod(
            this, [this, id, f] { updateJob(id, f); }, Qt::QueuedConnection);
    });
    QThreadPool::globalInstance()->start([this, model, set, outDir, job, id] {
        runGuarded(id, outDir, [&] {
            CheckpointBaker::bake(*model, set, outDir, job.get());
            QMetaObject::invokeMethod(
                this,
                [this, id, outDir] {
                    endJob(id);
                    emit bakeFinished(outDir);
                },
                Qt::QueuedConnection);
        },
            [this](const QString &reason, bool cancelled) {
                // What was written so far went with the baker's temporary directory.
                if (!cancelled)
                    emit bakeFailed(reason);
            });
    });
}

}  // namespace mscope
