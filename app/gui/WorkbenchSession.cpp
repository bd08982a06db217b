// SPDX-License-Identifier: GPL-3.0-or-later
#include "WorkbenchSession.h"

#include "AppSettings.h"
#include "analysis/DeltaStatistics.h"
#include "calibration/CalibrationPrompts.h"
#include "calibration/Calibrator.h"
#include "eval/PerplexityEvaluator.h"
#include "io/GuardedFile.h"
#include "io/ResourceLocator.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ModelFolder.h"
#include "model/ScanParameters.h"
#include "modulation/CheckpointBaker.h"
#include "modulation/GgufExporter.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tasks/PasskeyEvaluator.h"
#include "tasks/PasskeyTask.h"
#include "tokenizer/BpeTokenizer.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

constexpr int kSpectrumBins = 160;

}  // namespace

WorkbenchSession::WorkbenchSession(QObject *parent)
    : QObject(parent),
      m_jobs(new BackgroundJobs(this)),
      m_editor(new ModulationEditor(this)),
      m_live(new LiveEvaluation(this))
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

    connect(m_jobs, &BackgroundJobs::changed, this, &WorkbenchSession::jobsChanged);
    connect(m_editor, &ModulationEditor::changed, this,
            [this](int firstLayer) { m_unappliedFrom = std::min(m_unappliedFrom, firstLayer); });
    // The live curves run on LiveEvaluation's own thread; they are listed by hand.
    connect(m_live, &LiveEvaluation::passStarted, this,
            [this](LiveEvaluation::Role role, int firstLayer, qint64) {
                const QString label =
                    role == LiveEvaluation::Role::Baseline ? tr("Computing the baseline curve")
                    : firstLayer >= layerCount()           ? tr("Curve unchanged")
                    : firstLayer > 0 ? tr("Recomputing the curve from layer %1").arg(firstLayer)
                                     : tr("Recomputing the curve");
                if (!m_liveJob)
                    m_liveJob = m_jobs->list(label, [this] { m_live->cancel(); });
                else
                    m_jobs->relabel(m_liveJob, label);
            });
    connect(m_live, &LiveEvaluation::chunkReady, this,
            [this](LiveEvaluation::Role, int, qint64, const QVector<float> &,
                   const QVector<LayerStateNorm> &, double fraction, double rate) {
                if (m_liveJob)
                    m_jobs->update(m_liveJob, fraction, rate);
            });
    connect(m_live, &LiveEvaluation::idle, this, [this] {
        if (m_liveJob)
            m_jobs->unlist(m_liveJob);
        m_liveJob = 0;
    });
}

WorkbenchSession::~WorkbenchSession()
{
    m_live->cancel();
    m_jobs->cancelAll();
    // The jobs' work holds copies of what it needs; their results must not arrive at a
    // half-destroyed session.
    QThreadPool::globalInstance()->waitForDone();
}

QString WorkbenchSession::modelName() const
{
    return m_model ? QFileInfo(m_model->directory()).fileName() : QString();
}

int WorkbenchSession::layerCount() const
{
    return m_model ? m_model->config().nLayer : 0;
}

void WorkbenchSession::openModel(const QString &dir)
{
    const int generation = ++m_modelGeneration;
    m_loading = true;
    emit modelLoading(dir);
    struct Loaded
    {
        std::shared_ptr<const MambaModel> model;
        std::shared_ptr<const BpeTokenizer> tokenizer;
        QString noTokenizer;
        std::shared_ptr<const ScanParameters> baseline;
    };
    auto loaded = std::make_shared<Loaded>();
    BackgroundJobs::Task task;
    task.label = tr("Loading %1").arg(QFileInfo(dir).fileName());
    task.context = dir;
    task.work = [dir, loaded](JobControl &job) {
        loaded->model = MambaModel::load(dir, &job);
        // Without a tokenizer the model still opens (its spectrum needs no text); the texts say
        // why they cannot be scored.
        try {
            loaded->tokenizer = ModelFolder::loadTokenizer(dir);
        } catch (const Error &e) {
            loaded->noTokenizer = e.message();
        }
        loaded->baseline = ScanParameters::fromModel(*loaded->model);
    };
    task.done = [this, loaded, generation, dir] {
        if (generation != m_modelGeneration)
            return;  // another model was asked for meanwhile
        m_loading = false;
        // The live curve still points at the old model until the new text is ready.
        m_live->configure(LiveEvaluation::Config{});
        m_model = loaded->model;
        m_tokenizer = loaded->tokenizer;
        m_baselineScan = loaded->baseline;
        m_deltaStats.reset();
        m_tokens.clear();
        m_tokenCounts.clear();
        m_evaluationTokens.reset();
        const int saved = AppSettings::trainingLength(m_model->fingerprint());
        m_trainingLength = saved > 0 ? saved : ModelFolder::trainingLength(dir).tokens;
        m_editor->setLayerCount(m_model->config().nLayer);
        m_unappliedFrom = 0;
        AppSettings::addRecentModel(dir);
        emit modelLoaded();
        emit lengthsChanged();
        emit deltaStatisticsChanged();
        if (!m_tokenizer)
            emit textFailed(loaded->noTokenizer);
        tokenizeTexts();
        requestSpectrum();
    };
    task.failed = [this](const QString &reason, bool) {
        m_loading = false;
        emit modelFailed(reason);  // empty when cancelled: nothing to report
    };
    m_jobs->start(std::move(task));
}

WorkbenchSession::TokenIds WorkbenchSession::prefixTokens(const QString &path, int64_t tokens) const
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
    BackgroundJobs::Task task;
    task.label = tr("Counting tokens");
    task.cancellable = false;
    task.work = [this, generation, tokenizer, evaluation, maxTokens, ordered](JobControl &job) {
        // A text that cannot be read is reported and skipped: the others still count.
        const auto encode = [this, &tokenizer](const QString &path, int64_t max) -> TokenIds {
            try {
                return std::make_shared<const std::vector<int32_t>>(
                    tokenizer->encodeFile(path, max));
            } catch (const Error &e) {
                m_jobs->post([this, message = e.message()] { emit textFailed(message); });
            } catch (const std::bad_alloc &) {
                m_jobs->post(
                    [this, path] { emit textFailed(tr("%1: not enough memory").arg(path)); });
            }
            return nullptr;
        };
        // A prefix of the evaluation text is all the curves need: start them before counting.
        if (const auto prefix = encode(evaluation, maxTokens)) {
            m_jobs->post([this, generation, evaluation, prefix] {
                if (generation != m_modelGeneration || evaluation != m_evaluationText)
                    return;
                m_evaluationTokens = prefix;
                configureLiveEvaluation();
                requestCurve(0);
                measureDeltaStatistics();
            });
        }
        for (int i = 0; i < ordered.size(); ++i) {
            if (const auto ids = encode(ordered[i], 0))
                m_jobs->post([this, generation, path = ordered[i], ids] {
                    storeTokens(generation, path, ids);
                });
            job.report(double(i + 1) / double(ordered.size()));
        }
    };
    m_jobs->start(std::move(task));
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
    auto ids = std::make_shared<TokenIds>();
    BackgroundJobs::Task task;
    task.context = absolute;
    task.work = [tokenizer, absolute, ids](JobControl &) {
        *ids = std::make_shared<const std::vector<int32_t>>(tokenizer->encodeFile(absolute));
    };
    task.done = [this, generation, absolute, ids] { storeTokens(generation, absolute, *ids); };
    task.failed = [this](const QString &reason, bool) { emit textFailed(reason); };
    m_jobs->start(std::move(task));
}

void WorkbenchSession::setEvaluationText(const QString &path)
{
    if (path == m_evaluationText)
        return;
    m_evaluationText = path;
    m_evaluationTokens = prefixTokens(path, AppSettings::maxTokens());
    if (m_evaluationTokens) {
        configureLiveEvaluation();
        requestCurve(0);
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
    requestCurve(0);
}

void WorkbenchSession::setFixedWindow(int tokens)
{
    if (tokens == m_fixedWindow)
        return;
    m_fixedWindow = tokens;
    AppSettings::setFixedWindow(tokens);
    if (!m_streaming) {
        configureLiveEvaluation();
        requestCurve(0);
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
    requestCurve(0);
}

void WorkbenchSession::recomputeCurrent()
{
    if (!m_model)
        return;
    if (!m_live->isConfigured()) {
        applyEngineSettings();
        return;
    }
    requestCurve(0);
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

void WorkbenchSession::applyModulation()
{
    if (!m_model)
        return;
    const int from = m_unappliedFrom;
    m_unappliedFrom = layerCount();
    requestCurve(from);
    requestSpectrum();
}

void WorkbenchSession::startFactorSweep(const std::vector<double> &factors)
{
    const TokenIds ids = m_evaluationTokens;
    if (!m_model || !ids || factors.empty())
        return;
    const auto model = m_model;
    const ModulationSet base = modulation();
    const ModulationFamily family = m_editor->family();
    const int threads = AppSettings::threads();
    const int chunk = AppSettings::chunkTokens();
    const int64_t training = m_trainingLength;
    const int64_t length = int64_t(ids->size()) - 1;
    const int64_t target = std::min<int64_t>(m_targetLength, length);
    const int generation = m_modelGeneration;
    struct Result
    {
        QVector<double> atTraining, atTarget;
    };
    auto result = std::make_shared<Result>();
    BackgroundJobs::Task task;
    task.label = tr("Factor sweep (%n pass(es))", nullptr, int(factors.size()));
    task.context = tr("Factor sweep");
    task.work = [=](JobControl &job) {
        EngineThreads::set(threads);
        for (size_t i = 0; i < factors.size(); ++i) {
            job.throwIfCancelled();
            ModulationSet set = base;
            Modulation step;
            step.family = family;
            step.layerFactors.assign(size_t(model->config().nLayer), factors[i]);
            set.steps = {step};
            ForwardPass forward(model, set.apply(*model));
            PerplexityEvaluator evaluator(forward, chunk);
            JobControl pass;
            pass.setProgressCallback(
                [&job, &pass, i, n = factors.size()](double f, const QString &) {
                    job.report((double(i) + f) / double(n));
                    if (job.isCancelled())
                        pass.cancel();  // the pass stops at its next chunk
                });
            const PositionBuckets b = evaluator.stream(*ids, &pass).buckets();
            // The octave ending at each length, from the bucket edge (a power of two) on, as
            // the legend's "last octave".
            auto octaveBelow = [&b](int64_t end) {
                const auto begin = int64_t(std::exp2(std::ceil(std::log2(double(end) / 2.0))));
                return b.perplexityOver(begin, end);
            };
            result->atTraining << octaveBelow(training);
            result->atTarget << octaveBelow(target);
        }
    };
    const QString description =
        tr("%1 on %2, %3 tokens streamed")
            .arg(modulationFamilyName(family), QFileInfo(m_evaluationText).fileName())
            .arg(length + 1);
    task.done = [this, result, factors, generation, description] {
        if (generation != m_modelGeneration)
            return;
        emit factorSweepReady(QVector<double>(factors.begin(), factors.end()), result->atTraining,
                              result->atTarget, description);
    };
    task.failed = [this](const QString &reason, bool cancelled) {
        if (!cancelled)
            emit comparisonFailed(reason);
    };
    m_jobs->start(std::move(task));
}

void WorkbenchSession::startTextComparison()
{
    if (!m_model)
        return;
    QStringList names;
    std::vector<TokenIds> texts;
    const int64_t maxTokens = AppSettings::maxTokens();
    for (const QString &t : m_texts) {
        if (m_calibrationTexts.contains(t) && t != m_evaluationText)
            continue;  // calibration texts are not a test
        if (const TokenIds ids = prefixTokens(t, maxTokens); ids && ids->size() > 64) {
            names << QFileInfo(t).fileName();
            texts.push_back(ids);
        }
    }
    if (texts.empty())
        return;
    const auto model = m_model;
    const ModulationSet current = modulation();
    const int threads = AppSettings::threads();
    const int chunk = AppSettings::chunkTokens();
    const int generation = m_modelGeneration;
    struct Result
    {
        QList<PositionBuckets> baseline, current;
    };
    auto result = std::make_shared<Result>();
    BackgroundJobs::Task task;
    task.label = tr("Comparing on %n text(s)", nullptr, int(texts.size()));
    task.context = tr("Comparison on several texts");
    task.work = [=](JobControl &job) {
        EngineThreads::set(threads);
        ForwardPass baseline(model);
        ForwardPass scaled(model, current.isIdentity() ? nullptr : current.apply(*model));
        const double n = 2.0 * double(texts.size());
        for (size_t i = 0; i < texts.size(); ++i) {
            for (int which = 0; which < 2; ++which) {
                job.throwIfCancelled();
                PerplexityEvaluator evaluator(which == 0 ? baseline : scaled, chunk);
                JobControl pass;
                const double done = 2.0 * double(i) + which;
                pass.setProgressCallback([&job, &pass, done, n](double f, const QString &) {
                    job.report((done + f) / n);
                    if (job.isCancelled())
                        pass.cancel();
                });
                const PositionBuckets b = evaluator.stream(*texts[i], &pass).buckets(2);
                (which == 0 ? result->baseline : result->current) << b;
            }
        }
    };
    const QString description = m_editor->describe();
    task.done = [this, result, names, generation, description] {
        if (generation != m_modelGeneration)
            return;
        emit textComparisonReady(names, result->baseline, result->current, description);
    };
    task.failed = [this](const QString &reason, bool cancelled) {
        if (!cancelled)
            emit comparisonFailed(reason);
    };
    m_jobs->start(std::move(task));
}

ModulationSet WorkbenchSession::modulation() const
{
    ModulationSet set = m_model ? m_editor->modulationSet() : ModulationSet();
    set.deltaStatistics = m_deltaStats;
    set.trainingLength = m_trainingLength;
    if (m_model) {
        set.modelFingerprint = m_model->fingerprint();
        set.modelName = modelName();
    }
    return set;
}

void WorkbenchSession::requestCurve(int firstChangedLayer)
{
    if (!m_model || !m_live->isConfigured())
        return;
    m_live->request(modulation(), firstChangedLayer);
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
    auto stats = std::make_shared<std::shared_ptr<const DeltaStatistics>>();
    BackgroundJobs::Task task;
    task.label = tr("Measuring Δ on %1").arg(QFileInfo(source).fileName());
    task.context = tr("Δ statistics on %1").arg(QFileInfo(source).fileName());
    task.work = [model, tokenizer, source, window, threads, stats](JobControl &job) {
        EngineThreads::set(threads);
        *stats = std::make_shared<const DeltaStatistics>(
            DeltaStatistics::measureOnText(*model, *tokenizer, source, window, &job));
    };
    task.done = [this, stats, generation] {
        if (generation != m_modelGeneration)
            return;
        m_deltaStats = *stats;
        emit deltaStatisticsChanged();
        requestSpectrum();
        // A τ-cap scaling depends on Δ: its curve was computed without (or with old) stats.
        for (const Modulation &m : m_editor->modulationSet().steps)
            if (m.family == ModulationFamily::TauCap)
                requestCurve(0);
    };
    task.failed = [this](const QString &reason, bool cancelled) {
        if (!cancelled)
            emit textFailed(reason);
    };
    m_jobs->start(std::move(task));
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
    struct Densities
    {
        SpectrumDensity original, modulated;
    };
    auto result = std::make_shared<Densities>();
    const auto finish = [this, result, generation, stats, baseline] {
        m_spectrumRunning = false;
        m_originalDensity = result->original;
        m_originalDensityStats = stats;
        m_originalDensityScan = baseline;
        if (generation == m_spectrumGeneration)
            emit spectrumReady(result->original, result->modulated);
        if (m_spectrumPending) {
            m_spectrumPending = false;
            requestSpectrum();
        }
    };
    BackgroundJobs::Task task;
    task.work = [model, baseline, stats, set, q, training, target, cached, result](JobControl &) {
        std::shared_ptr<const ScanParameters> scaled;
        try {
            if (!set.isIdentity())
                scaled = set.apply(*model);
        } catch (const Error &) {
            // A τ cap before the Δ statistics are in: the curve reports it; show the model as
            // loaded.
        }
        // The lengths widen only the τ axis (they are tokens, not decay rates).
        const std::vector<double> include = q == SpectrumQuantity::Tau
                                                ? std::vector<double>{training, target}
                                                : std::vector<double>{};
        const auto range =
            SpectrumDensity::axisRange({baseline.get(), scaled.get()}, stats.get(), q, include);
        const double threshold = q == SpectrumQuantity::Tau ? training : 0.0;
        if (!cached.isEmpty() && cached.axisMin == range.first && cached.axisMax == range.second)
            result->original = cached;
        else
            result->original = SpectrumDensity::compute(*baseline, stats.get(), q, range,
                                                        kSpectrumBins, threshold);
        if (scaled)
            result->modulated =
                SpectrumDensity::compute(*scaled, stats.get(), q, range, kSpectrumBins, threshold);
    };
    task.done = finish;
    // Out of memory for the densities: nothing new to show.
    task.failed = [result, finish](const QString &, bool) {
        *result = Densities();
        finish();
    };
    m_jobs->start(std::move(task));
}

void WorkbenchSession::startCalibration(CalibrationOptions options, int prompts)
{
    if (!m_model || !m_tokenizer || m_calibrationJob)
        return;
    if (!options.start)
        options.start = modulation();
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
    QHash<QString, TokenIds> known;
    for (const QString &p : paths)
        if (m_tokens.contains(p))
            known.insert(p, m_tokens.value(p));
    const auto model = m_model;
    const auto tokenizer = m_tokenizer;
    const int threads = AppSettings::threads();
    auto result = std::make_shared<ModulationSet>();
    BackgroundJobs::Task task;
    task.label = tr("Calibrating (%1)").arg(Calibrator::methodName(options.method));
    task.context = tr("Calibration");
    task.work = [this, options, paths, known, model, tokenizer, threads, result,
                 prompts](JobControl &job) mutable {
        EngineThreads::set(threads);
        options.calibrationDocs.clear();
        options.calibrationTexts.clear();
        options.calibrationTextHashes.clear();
        for (const QString &p : paths) {
            job.throwIfCancelled();
            options.calibrationDocs.push_back(known.contains(p) ? *known.value(p)
                                                                : tokenizer->encodeFile(p));
            options.calibrationTexts << QFileInfo(p).fileName();
            options.calibrationTextHashes << GuardedFile::sha256(p);
        }
        if (options.objective.needsPrompts())
            options.retrievalPrompts = CalibrationPrompts::passkey(
                *tokenizer, model->config().bosTokenId, options.calibrationDocs,
                options.targetLength, prompts, options.seed);
        // Progress is the budget spent, not the windows of the evaluation under way.
        const JobControl::ProgressFn listed = job.progressCallback();
        job.setProgressCallback({});
        *result = Calibrator::run(model, options, &job, [this, listed](const CalibrationStep &s) {
            m_jobs->post([this, s] { emit calibrationStep(s); });
            if (listed && s.budget > 0)
                listed(double(s.forwardPasses) / s.budget, {});
        });
    };
    task.done = [this, result] {
        m_calibrationJob = 0;
        emit calibrationFinished(*result, false);
    };
    task.failed = [this](const QString &reason, bool cancelled) {
        m_calibrationJob = 0;
        if (cancelled)
            emit calibrationFinished(ModulationSet(), true);
        else
            emit calibrationFailed(reason);
    };
    m_calibrationJob = m_jobs->start(std::move(task));
}

void WorkbenchSession::stopCalibration()
{
    if (m_calibrationJob)
        m_jobs->cancel(m_calibrationJob);
}

void WorkbenchSession::startHeldOutEvaluation(const ModulationSet &before,
                                              const ModulationSet &after, int length, int prompts)
{
    if (!m_model || !m_tokenizer || length < 2)
        return;
    QStringList paths;
    QList<TokenIds> known;
    const int64_t limit = std::max<int64_t>(AppSettings::maxTokens(), length);
    for (const QString &t : m_texts) {
        if (m_calibrationTexts.contains(t) && t != m_evaluationText)
            continue;  // what the calibration saw is no test of it
        paths << t;
        known << prefixTokens(t, limit);
    }
    if (paths.isEmpty()) {
        emit heldOutFailed(tr("No text is left out of the calibration to test it on."));
        return;
    }
    const auto model = m_model;
    const auto tokenizer = m_tokenizer;
    const int threads = AppSettings::threads();
    const int chunk = AppSettings::chunkTokens();
    const uint64_t seed = 1;  // other keys than a calibration with the default seed 0 drew
    auto report = std::make_shared<HeldOutReport>();
    BackgroundJobs::Task task;
    task.label = tr("Testing the calibration on %n held-out text(s)", nullptr, int(paths.size()));
    task.context = tr("Held-out test of the calibration");
    task.work = [=](JobControl &job) {
        EngineThreads::set(threads);
        QElapsedTimer timer;
        timer.start();
        std::vector<std::vector<int32_t>> docs;
        for (qsizetype i = 0; i < paths.size(); ++i) {
            job.throwIfCancelled();
            docs.push_back(known[i] ? *known[i] : tokenizer->encodeFile(paths[i], limit));
            report->texts << QFileInfo(paths[i]).fileName();
        }
        report->length = length;
        const std::vector<PasskeyPrompt> passkeys =
            prompts > 0 ? CalibrationPrompts::passkey(*tokenizer, model->config().bosTokenId, docs,
                                                      length, prompts, seed)
                        : std::vector<PasskeyPrompt>{};
        const PasskeyTask passkeyTask(*tokenizer, model->config().bosTokenId);
        report->prompts = int(passkeys.size());
        const double parts = 2.0 * (1.0 + double(passkeys.size()));
        double done = 0.0;
        for (int which = 0; which < 2; ++which) {
            const ModulationSet &set = which == 0 ? before : after;
            ForwardPass forward(model, set.isIdentity() ? nullptr : set.apply(*model));
            JobControl pass;
            pass.setProgressCallback([&job, &pass, &done, parts](double f, const QString &) {
                job.report((done + f) / parts);
                if (job.isCancelled())
                    pass.cancel();
            });
            PerplexityEvaluator evaluator(forward, chunk);
            const FixedWindowResult r = evaluator.fixedWindows(docs, length, 0, false, &pass);
            job.throwIfCancelled();
            done += 1.0;
            (which == 0 ? report->perplexityBefore : report->perplexityAfter) = r.perplexity();
            report->windows = r.windows;
            PasskeyEvaluator passkey(forward, passkeyTask, chunk);
            int correct = 0;
            double nll = 0.0;
            for (const PasskeyPrompt &p : passkeys) {
                job.throwIfCancelled();
                const PasskeyAnswer a = passkey.scoreAlone(p);
                correct += a.correct ? 1 : 0;
                nll += a.meanNll;
                done += 1.0;
                job.report(done / parts);
            }
            const double n = std::max<double>(1.0, double(passkeys.size()));
            (which == 0 ? report->accuracyBefore : report->accuracyAfter) = correct / n;
            (which == 0 ? report->keyNllBefore : report->keyNllAfter) = nll / n;
        }
        report->seconds = double(timer.elapsed()) / 1000.0;
    };
    const int generation = m_modelGeneration;
    task.done = [this, report, generation] {
        if (generation == m_modelGeneration)
            emit heldOutReady(*report);
    };
    task.failed = [this](const QString &reason, bool cancelled) {
        if (!cancelled)
            emit heldOutFailed(reason);
    };
    m_jobs->start(std::move(task));
}

void WorkbenchSession::bake(const QString &outDir)
{
    if (!m_model)
        return;
    const auto model = m_model;
    const ModulationSet set = modulation();
    BackgroundJobs::Task task;
    task.label = tr("Baking %1").arg(QFileInfo(outDir).fileName());
    task.context = outDir;
    task.work = [model, set, outDir](JobControl &job) {
        CheckpointBaker::bake(*model, set, outDir, &job);
    };
    task.done = [this, outDir] { emit bakeFinished(outDir); };
    // What was written so far went with the baker's temporary directory.
    task.failed = [this](const QString &reason, bool cancelled) {
        if (!cancelled)
            emit bakeFailed(reason);
    };
    m_jobs->start(std::move(task));
}

void WorkbenchSession::exportGguf(const QString &path, const QString &dtype)
{
    if (!m_model || !m_tokenizer)
        return;
    const auto model = m_model;
    const auto tokenizer = m_tokenizer;
    const ModulationSet set = modulation();
    GgufExporter::Options options;
    options.trainingLength = m_trainingLength;
    BackgroundJobs::Task task;
    task.label = tr("Exporting %1").arg(QFileInfo(path).fileName());
    task.context = path;
    task.work = [model, tokenizer, set, path, dtype, options](JobControl &job) mutable {
        options.dtype = GgufExporter::dtypeFromName(dtype);
        GgufExporter::write(*model, set, *tokenizer, path, options, &job);
    };
    task.done = [this, path] { emit bakeFinished(path); };
    // The file appears whole or not at all (GgufExporter writes it atomically).
    task.failed = [this](const QString &reason, bool cancelled) {
        if (!cancelled)
            emit bakeFailed(reason);
    };
    m_jobs->start(std::move(task));
}

}  // namespace mscope
