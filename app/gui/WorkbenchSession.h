// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "BackgroundJobs.h"
#include "HeldOutReport.h"
#include "LiveEvaluation.h"
#include "ModulationEditor.h"
#include "analysis/SpectrumDensity.h"
#include "calibration/CalibrationOptions.h"
#include "eval/PositionBuckets.h"
#include "modulation/Modulation.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QVector>
#include <memory>
#include <vector>

namespace mscope {

class BpeTokenizer;
class MambaModel;
struct DeltaStatistics;
struct ScanParameters;

/// Everything the workbench works on, without any widget: the model and its tokenizer, the texts
/// and their tokens, the lengths that matter, the modulation being edited (the session owns its
/// editor: there is no other copy), and what is computed from them in the background (every job
/// through BackgroundJobs; the live curves on LiveEvaluation's thread). Results come back on the
/// GUI thread as signals, so the window never blocks.
class WorkbenchSession : public QObject
{
    Q_OBJECT

public:
    using Job = BackgroundJobs::Job;

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
    /// Computes the current curve again from the first layer, keeping the baseline.
    void recomputeCurrent();

    // The modulation.
    ModulationEditor *editor() const { return m_editor; }
    /// Sends the editor's modulation to the curves and the spectrum. The window calls it on its
    /// own cadence (at most every 60 ms during a drag); every edit since the last call is
    /// included, and the curves restart at the first layer any of them changed.
    void applyModulation();
    /// The editor's modulation with the Δ statistics, the training length and the model attached:
    /// what is evaluated and baked.
    ModulationSet modulation() const;
    LiveEvaluation *liveEvaluation() const { return m_live; }
    std::shared_ptr<const DeltaStatistics> deltaStatistics() const { return m_deltaStats; }

    // The spectrum views.
    void setSpectrumQuantity(SpectrumQuantity quantity);
    SpectrumQuantity spectrumQuantity() const { return m_quantity; }
    /// τ when Δ statistics are known, else α.
    SpectrumQuantity effectiveQuantity() const;

    // Calibration and baking.
    bool isCalibrating() const { return m_calibrationJob != 0; }
    /// Starts from options.start, or from the current modulation when unset (the faders); a
    /// passkey or mixed objective gets `prompts` passkey prompts of the target length made from
    /// the calibration texts (CalibrationPrompts::passkey, seed options.seed).
    void startCalibration(CalibrationOptions options, int prompts = 4);
    void stopCalibration();
    /// The report of a calibration on the texts not used for it (HeldOutReport): `before` and
    /// `after` at fixed windows of `length` tokens (the first max-tokens of each text, at least
    /// one window) and on `prompts` passkey prompts of `length` tokens with those texts as filler.
    void startHeldOutEvaluation(const ModulationSet &before, const ModulationSet &after, int length,
                                int prompts);
    void bake(const QString &outDir);
    /// One GGUF file for llama.cpp (GgufExporter, as `bake --format gguf`): the scaling folded
    /// into A, the tokenizer embedded, matrices stored as `dtype` (f32, f16, bf16, q8_0). Reports
    /// through bakeFinished / bakeFailed.
    void exportGguf(const QString &path, const QString &dtype);

    // Comparisons, in the background.
    /// Streams the evaluation text once per factor, every layer at that factor of the editor's
    /// family: perplexity at the training length (the octave ending there) and at the target
    /// length (the octave ending there, or the text's last octave when it is shorter).
    void startFactorSweep(const std::vector<double> &factors);
    /// Streams every text not used for calibration (the evaluation text included) with the
    /// model as loaded and with the current scaling: one curve per text and setting.
    void startTextComparison();

    /// The model's tokenizer (null while no model is open).
    std::shared_ptr<const BpeTokenizer> tokenizer() const { return m_tokenizer; }
    /// The first `tokens` tokens of a text of the list (all when <= 0); null until counted.
    std::shared_ptr<const std::vector<int32_t>> textTokens(const QString &path,
                                                           int64_t tokens) const
    {
        return prefixTokens(path, tokens);
    }
    /// Where panels start their own background jobs (listed in the status bar like the rest).
    BackgroundJobs *backgroundJobs() const { return m_jobs; }

    const QList<Job> &jobs() const { return m_jobs->jobs(); }
    /// Cancels the most recent cancellable job.
    void cancelForegroundJob() { m_jobs->cancelForeground(); }

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
    void heldOutReady(const mscope::HeldOutReport &report);
    void heldOutFailed(const QString &message);
    void bakeFinished(const QString &dir);
    void bakeFailed(const QString &message);
    void factorSweepReady(const QVector<double> &factors, const QVector<double> &atTraining,
                          const QVector<double> &atTarget, const QString &description);
    void textComparisonReady(const QStringList &texts,
                             const QList<mscope::PositionBuckets> &baseline,
                             const QList<mscope::PositionBuckets> &current,
                             const QString &description);
    void comparisonFailed(const QString &message);
    void jobsChanged();

private:
    using TokenIds = std::shared_ptr<const std::vector<int32_t>>;
    /// On the GUI thread: keeps a text's tokens unless another model was opened meanwhile.
    void storeTokens(int generation, const QString &path, const TokenIds &ids);
    void tokenizeTexts();
    void configureLiveEvaluation();
    /// The curves with the current modulation; `firstChangedLayer`: see LiveEvaluation::request.
    void requestCurve(int firstChangedLayer);
    void measureDeltaStatistics();
    void requestSpectrum();
    TokenIds prefixTokens(const QString &path, int64_t tokens) const;
    int layerCount() const;

    BackgroundJobs *m_jobs = nullptr;
    ModulationEditor *m_editor = nullptr;
    std::shared_ptr<const MambaModel> m_model;
    std::shared_ptr<const BpeTokenizer> m_tokenizer;
    std::shared_ptr<const ScanParameters> m_baselineScan;
    std::shared_ptr<const DeltaStatistics> m_deltaStats;
    bool m_loading = false;
    int m_modelGeneration = 0;
    QStringList m_texts;
    QStringList m_bundled;
    QHash<QString, qint64> m_tokenCounts;
    QHash<QString, TokenIds> m_tokens;  // whole texts
    QString m_evaluationText;
    QStringList m_calibrationTexts;
    TokenIds m_evaluationTokens;
    int m_trainingLength = 2048;
    int m_targetLength = 16384;
    bool m_streaming = true;
    int m_fixedWindow = 2048;
    int m_unappliedFrom = 0;  // first layer the edits since the last applyModulation() changed
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
    int m_calibrationJob = 0;
};

}  // namespace mscope
