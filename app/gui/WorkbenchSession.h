// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/SpectrumDensity.h"
#include "calibration/Calibrator.h"
#include "LiveEvaluation.h"
#include "modulation/Modulation.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace mscope {

class BpeTokenizer;
class JobControl;
class MambaModel;
struct DeltaStatistics;
struct ScanParameters;

/// Everything the workbench works on, without any widget: the model and its tokenizer, the texts
/// and their tokens, the lengths that matter, the current modulation, and the background jobs
/// (loading, tokenizing, Δ statistics, spectra, the live curves, calibration, baking). Heavy work
/// runs on QThreadPool threads; results come back as queued signals, so the window never blocks.
class WorkbenchSession : public QObject
{
    Q_OBJECT

public:
    /// A running background job, for the status bar.
    struct Job
    {
        int id = 0;
        QString label;
        double fraction = -1.0;  // unknown
        double tokensPerSecond = 0.0;
        std::function<void()> cancel;  // empty: cannot be cancelled
    };

    explicit WorkbenchSession(QObject *parent = nullptr);
    ~WorkbenchSession() override;

    // The model.
    void openModel(const QString &dir);
    std::shared_ptr<const MambaModel> model() const { return m_model; }
    bool isLoading() const { return m_loading; }
    QString modelName() const;

    // Texts.
    QStringList texts() const { return m_texts; }
    QStringList bundledTexts() const { return m_bundled; }
    /// Adds a text file (checked and counted in the background; failures come as textFailed).
    void addText(const QString &path);
    /// -1 while not counted.
    qint64 tokenCount(const QString &path) const { return m_tokenCounts.value(path, -1); }
    QString evaluationText() const { return m_evaluationText; }
    void setEvaluationText(const QString &path);
    QStringList calibrationTexts() const { return m_calibrationTexts; }
    void setCalibrationTexts(const QStringList &paths);

    // Lengths (tokens).
    int trainingLength() const { return m_trainingLength; }
    void setTrainingLength(int tokens);
    int targetLength() const { return m_targetLength; }
    void setTargetLength(int tokens);

    // How the live curve is computed (from AppSettings, plus the protocol chosen in the panel).
    bool streaming() const { return m_streaming; }
    void setStreaming(bool on);
    int fixedWindow() const { return m_fixedWindow; }
    void setFixedWindow(int tokens);
    /// Re-reads threads, chunk size, max tokens and cache budget from the settings.
    void applyEngineSettings();

    // The modulation.
    void setModulation(const ModulationSet &modulation);
    /// The current modulation with the Δ statistics and training length attached.
    ModulationSet modulation() const;
    LiveEvaluation *liveEvaluation() const { return m_live; }
    std::shared_ptr<const DeltaStatistics> deltaStatistics() const { return m_deltaStats; }

    // The spectrum views.
    void setSpectrumQuantity(SpectrumQuantity quantity);
    SpectrumQuantity spectrumQuantity() const { return m_quantity; }
    /// τ when Δ statistics are known, else α.
    SpectrumQuantity effectiveQuantity() const;

    // Calibration and baking.
    /// Tokens used per objective evaluation (for the estimate in the dialog).
    bool isCalibrating() const { return bool(m_calibrationJob); }
    void startCalibration(CalibrationOptions options);
    void stopCalibration();
    void bake(const QString &outDir);

    const QList<Job> &jobs() const { return m_jobs; }
    /// Cancels the most recent cancellable job.
    void cancelForegroundJob();

signals:
    void modelLoading(const QString &dir);
    void modelLoaded();
    void modelFailed(const QString &message);
    void textsChanged();
    void tokenCountChanged(const QString &path, qint64 tokens);
    void textFailed(const QString &message);
    /// The curves' text, protocol or length changed: the charts start over.
    void evaluationReset(const QString &textName, const QString &protocol, qint64 curveLength);
    void lengthsChanged();
    void deltaStatisticsChanged();
    void spectrumReady(const mscope::SpectrumDensity &original,
                       const mscope::SpectrumDensity &modulated);
    void calibrationStep(const mscope::CalibrationStep &step);
    void calibrationFinished(const mscope::ModulationSet &result, bool stoppedEarly);
    void calibrationFailed(const QString &message);
    void bakeFinished(const QString &dir);
    void bakeFailed(const QString &message);
    void jobsChanged();

private:
    using TokenIds = std::shared_ptr<const std::vector<int32_t>>;
    /// Tokenizes on a worker thread; on failure posts textFailed naming the file and returns null.
    TokenIds encodeOrReport(const BpeTokenizer &tokenizer, const QString &path, qint64 maxTokens);
    /// On the GUI thread: keeps a text's tokens unless another model was opened meanwhile.
    void storeTokens(int generation, const QString &path, const TokenIds &ids);
    /// Runs a background job's `work` on the calling worker thread so that nothing it throws can
    /// end the program: on failure or cancellation, on the GUI thread, ends job `id` and calls
    /// `failed(reason, cancelled)`; reasons that do not name a file are prefixed with `context`.
    void runGuarded(int id, const QString &context, const std::function<void()> &work,
                    const std::function<void(const QString &reason, bool cancelled)> &failed);
    int beginJob(const QString &label, std::function<void()> cancel);
    void updateJob(int id, double fraction, double tokensPerSecond = 0.0);
    void endJob(int id);
    void tokenizeTexts();
    void configureLiveEvaluation();
    void requestCurve();
    void measureDeltaStatistics();
    void requestSpectrum();
    std::shared_ptr<const std::vector<int32_t>> prefixTokens(const QString &path,
                                                             int64_t tokens) const;

    std::shared_ptr<const MambaModel> m_model;
    std::shared_ptr<const BpeTokenizer> m_tokenizer;
    std::shared_ptr<const ScanParameters> m_baselineScan;
    std::shared_ptr<const DeltaStatistics> m_deltaStats;
    bool m_loading = false;
    int m_modelGeneration = 0;
    QStringList m_texts;
    QStringList m_bundled;
    QHash<QString, qint64> m_tokenCounts;
    QHash<QString, std::shared_ptr<const std::vector<int32_t>>> m_tokens;  // whole texts
    QString m_evaluationText;
    QStringList m_calibrationTexts;
    std::shared_ptr<const std::vector<int32_t>> m_evaluationTokens;
    int m_trainingLength = 2048;
    int m_targetLength = 16384;
    bool m_streaming = true;
    int m_fixedWindow = 2048;
    ModulationSet m_modulation;
    LiveEvaluation *m_live = nullptr;
    int m_liveJob = 0;
    SpectrumQuantity m_quantity = SpectrumQuantity::Tau;
    int m_spectrumGeneration = 0;
    // The as-loaded density of the last spectrum: a slider move only changes the scaled one.
    // (Kept alive by these pointers, so their addresses identify them.)
    SpectrumDensity m_originalDensity;
    std::shared_ptr<const ScanParameters> m_originalDensityScan;
    std::shared_ptr<const DeltaStatistics> m_originalDensityStats;
    bool m_spectrumRunning = false;
    bool m_spectrumPending = false;
    std::shared_ptr<JobControl> m_calibrationJob;
    int m_calibrationJobId = 0;
    QList<Job> m_jobs;
    int m_lastJobId = 0;
};

}  // namespace mscope
