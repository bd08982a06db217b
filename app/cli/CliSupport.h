// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

class BpeTokenizer;
class ForwardPass;
class JobControl;
class MambaModel;
class ModulationSet;
struct DeltaStatistics;
struct ScanParameters;

/// A progress bar on stderr (stdout stays machine-readable). Draws in place on a terminal, at
/// most every kRedrawMs (and at 100%), and prints a line every 10% otherwise, so logs of CI runs
/// stay short.
class ProgressBar
{
public:
    explicit ProgressBar(QString label);
    ~ProgressBar();
    void update(double fraction, const QString &what = {});
    void finish();
    /// Hooks this bar to a job's progress callback.
    void attach(JobControl &job);

private:
    QString m_label;
    bool m_tty = false;
    // A job may report thousands of times a second (generate: every token); drawing each time,
    // a write to the terminal per token, took a third of a fresh generate's time.
    static constexpr qint64 kRedrawMs = 100;
    int m_lastDecile = -1;
    qint64 m_lastDrawMs = -1;
    bool m_done = false;
    QElapsedTimer m_timer;
};

/// While alive, SIGINT and SIGTERM cancel `job` (it stops at its next check and cleans up after
/// itself: a bake removes its staging folder; the command exits 130). A second signal ends the
/// program at once. The previous handlers come back after.
class CancelOnSignals
{
public:
    explicit CancelOnSignals(JobControl &job);
    ~CancelOnSignals();
    CancelOnSignals(const CancelOnSignals &) = delete;
    CancelOnSignals &operator=(const CancelOnSignals &) = delete;
};

/// Shared plumbing of the CLI commands: common options, model and tokenizer loading, output.
class CliSupport
{
public:
    /// Adds --model, --threads and --chunk.
    static void addModelOptions(QCommandLineParser &parser);
    /// Parses `args` (args[0] is the command name); on --help prints and exits 0; on errors throws
    /// Error with the parser's message.
    static void parse(QCommandLineParser &parser, const QStringList &args);
    /// --model or the bundled demo model; applies --threads.
    static QString modelDir(const QCommandLineParser &parser);
    static std::shared_ptr<const MambaModel> loadModel(const QCommandLineParser &parser);
    static int chunkTokens(const QCommandLineParser &parser);
    /// --tokenizer FILE, else the model folder's (ModelFolder::tokenizerPath).
    static std::unique_ptr<BpeTokenizer> loadTokenizer(const QCommandLineParser &parser,
                                                       const QString &modelDir);
    static int intOption(const QCommandLineParser &parser, const QString &name, int64_t min,
                         int64_t max, int64_t fallback);
    /// A seed: a whole number in [0, 2^64), or Error (kind Input) naming the option.
    static uint64_t seedOption(const QCommandLineParser &parser, const QString &name);
    /// A JSON number as QJsonDocument writes it (shortest form that reads back the same).
    static QByteArray jsonNumber(double v);
    /// Why a result came out NaN or infinite, for the error that refuses it: the modulation's
    /// factors when there is one, else the model or the text.
    static QString nonFiniteCause(const ModulationSet &modulation);
    /// One line of compact JSON on stdout (writeToTarget("-")): a failed write throws.
    static void printJson(const QJsonDocument &doc);
    /// A JSON file of token ids: a list, or {"ids": [...]}. Throws Error naming the file for
    /// anything else (not integers, outside int32).
    static std::vector<int32_t> readTokenIds(const QString &path);

    // Modulations (spectrum scaling) for every command that evaluates.
    /// Adds --modulation FILE, --modulate FAMILY:FACTOR (repeatable) and --train-length N.
    static void addModulationOptions(QCommandLineParser &parser);
    /// The modulation those options ask for, checked against `model` (identity when none): the
    /// preset file's steps, then each --modulate in order. A tau-cap step without Δ statistics
    /// gets them measured on `deltaText` (default: the bundled calibration text) with windows of
    /// the training length.
    static ModulationSet modulationFor(const MambaModel &model, const QCommandLineParser &parser,
                                       const QString &deltaText = {});
    /// A forward pass over `model` with modulationFor() applied.
    static std::unique_ptr<ForwardPass> forwardPassFor(std::shared_ptr<const MambaModel> model,
                                                       const QCommandLineParser &parser);
    /// --train-length, else what the model folder says (ModelFolder::trainingLength).
    static int trainingLength(const MambaModel &model, const QCommandLineParser &parser);
    /// DeltaStatistics::measureOnText with the model's tokenizer (or --tokenizer) and a progress
    /// bar.
    static DeltaStatistics measureDeltaStatistics(const MambaModel &model,
                                                  const QCommandLineParser &parser,
                                                  const QString &textPath, int windowLength,
                                                  const ScanParameters *scan = nullptr);
    /// Refuses to evaluate on a text the modulation was calibrated on (same SHA-256).
    static void refuseCalibrationOverlap(const ModulationSet &modulation,
                                         const QStringList &evalFiles);
};

}  // namespace mscope
