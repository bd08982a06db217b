// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliSupport.h"

#include "analysis/DeltaStatistics.h"
#include "io/GuardedFile.h"
#include "io/ResourceLocator.h"
#include "io/SaveFile.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ModelFolder.h"
#include "model/ScanParameters.h"
#include "modulation/Modulation.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <unistd.h>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>

namespace mscope {

ProgressBar::ProgressBar(QString label) : m_label(std::move(label)), m_tty(isatty(2))
{
    m_timer.start();
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(double fraction, const QString &what)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    const qint64 ms = m_timer.elapsed();
    const double secs = ms / 1000.0;
    if (m_tty) {
        if (fraction < 1.0 && m_lastDrawMs >= 0 && ms - m_lastDrawMs < kRedrawMs)
            return;
        m_lastDrawMs = ms;
        const int width = 30;
        const int filled = int(fraction * width);
        const QString bar = QString(filled, QChar(u'#')) + QString(width - filled, QChar(u'.'));
        std::fprintf(stderr, "\r%s [%s] %3d%% %6.1fs %s\033[K", qPrintable(m_label),
                     qPrintable(bar), int(fraction * 100), secs, qPrintable(what));
        std::fflush(stderr);
    } else {
        const int decile = int(fraction * 10);
        if (decile != m_lastDecile) {
            m_lastDecile = decile;
            std::fprintf(stderr, "%s: %3d%% (%.1fs) %s\n", qPrintable(m_label), decile * 10, secs,
                         qPrintable(what));
        }
    }
}

void ProgressBar::finish()
{
    if (m_done)
        return;
    m_done = true;
    if (m_tty)
        std::fprintf(stderr, "\n");
}

void ProgressBar::attach(JobControl &job)
{
    job.setProgressCallback([this](double f, const QString &what) { update(f, what); });
}

namespace {

std::atomic<JobControl *> g_signalledJob{nullptr};
struct sigaction g_previousInt, g_previousTerm;

extern "C" void cancelOnSignal(int)
{
    // Only an atomic store: async-signal-safe.
    if (JobControl *job = g_signalledJob.load())
        job->cancel();
}

}  // namespace

CancelOnSignals::CancelOnSignals(JobControl &job)
{
    g_signalledJob.store(&job);
    struct sigaction action = {};
    action.sa_handler = cancelOnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the program
    sigaction(SIGINT, &action, &g_previousInt);
    sigaction(SIGTERM, &action, &g_previousTerm);
}

CancelOnSignals::~CancelOnSignals()
{
    sigaction(SIGINT, &g_previousInt, nullptr);
    sigaction(SIGTERM, &g_previousTerm, nullptr);
    g_signalledJob.store(nullptr);
}

void CliSupport::addModelOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("Model directory (config.json + safetensors). Default: the "
                                     "bundled demo model."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("chunk"),
                      QStringLiteral("Tokens per forward chunk (default 512)."),
                      QStringLiteral("N")});
}

void CliSupport::parse(QCommandLineParser &parser, const QStringList &args)
{
    parser.addHelpOption();
    if (!parser.parse(args))
        throw Error({}, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fprintf(stdout, "%s", qPrintable(parser.helpText()));
        std::exit(std::fflush(stdout) == 0 && !std::ferror(stdout) ? 0 : 1);
    }
    // Options that take one value: a second one would silently replace the first.
    for (const QString &name : parser.optionNames()) {
        if (name == QLatin1String("modulation") && parser.values(name).size() > 1)
            throw Error({}, QStringLiteral("--modulation given twice; compose presets with "
                                           "--modulate, or write one preset with every step"));
    }
}

int CliSupport::intOption(const QCommandLineParser &parser, const QString &name, int64_t min,
                          int64_t max, int64_t fallback)
{
    if (!parser.isSet(name))
        return int(fallback);
    bool ok = false;
    const qlonglong v = parser.value(name).toLongLong(&ok);
    if (!ok || v < min || v > max)
        throw Error({}, QStringLiteral("--%1 must be an integer between %2 and %3 (got '%4')")
                            .arg(name)
                            .arg(min)
                            .arg(max)
                            .arg(parser.value(name)));
    return int(v);
}

QString CliSupport::modelDir(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("model")))
        return parser.value(QStringLiteral("model"));
    const QString demo = ResourceLocator::demoModelDir();
    if (demo.isEmpty())
        throw Error(Error::Kind::File, {},
                    QStringLiteral("no --model given and the bundled demo model was not "
                                   "found (set MAMBASCOPE_RESOURCES)"));
    return demo;
}

std::shared_ptr<const MambaModel> CliSupport::loadModel(const QCommandLineParser &parser)
{
    EngineThreads::set(intOption(parser, QStringLiteral("threads"), 1, 1024, 0));
    return MambaModel::load(modelDir(parser));
}

int CliSupport::chunkTokens(const QCommandLineParser &parser)
{
    return intOption(parser, QStringLiteral("chunk"), 1, 1 << 20, 512);
}

std::unique_ptr<BpeTokenizer> CliSupport::loadTokenizer(const QCommandLineParser &parser,
                                                        const QString &modelDir)
{
    // optionNames(): unlike isSet(), no warning for commands that have no --tokenizer option.
    const bool given = parser.optionNames().contains(QStringLiteral("tokenizer"));
    return ModelFolder::loadTokenizer(
        modelDir, given ? parser.value(QStringLiteral("tokenizer")) : QString());
}

void CliSupport::printJson(const QJsonDocument &doc)
{
    writeToTarget(QStringLiteral("-"), doc.toJson(QJsonDocument::Compact) + '\n');
}

QByteArray CliSupport::jsonNumber(double v)
{
    return QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

QString CliSupport::nonFiniteCause(const ModulationSet &modulation)
{
    if (!modulation.isIdentity())
        return QStringLiteral(
                   "the activations overflowed float under the modulation '%1'; "
                   "choose factors closer to 1")
            .arg(modulation.describe());
    return QStringLiteral("the activations overflowed float (the model's weights or this input)");
}

uint64_t CliSupport::seedOption(const QCommandLineParser &parser, const QString &name)
{
    if (!parser.isSet(name))
        return 0;
    bool ok = false;
    const qulonglong v = parser.value(name).toULongLong(&ok);
    if (!ok || parser.value(name).trimmed().startsWith(QLatin1Char('-')))
        throw Error({}, QStringLiteral("--%1 must be a non-negative integer (got '%2')")
                            .arg(name, parser.value(name)));
    return v;
}

std::vector<int32_t> CliSupport::readTokenIds(const QString &path)
{
    constexpr qint64 kMaxIdsBytes = qint64(1) << 30;
    const QJsonDocument doc =
        GuardedFile::readJson(path, kMaxIdsBytes, QStringLiteral("a token id file"));
    if (!doc.isArray() && !doc.object().value(QStringLiteral("ids")).isArray())
        throw Error(path, QStringLiteral("the JSON has no \"ids\" list (expected a list of token "
                                         "ids, or {\"ids\": [...]})"));
    const QJsonArray arr =
        doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("ids")).toArray();
    std::vector<int32_t> ids;
    for (const QJsonValue &v : arr) {
        if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()))
            throw Error(path, QStringLiteral("token ids must be integers"));
        // Converting a double beyond int32's range is undefined: refuse it here, naming it (ids
        // inside the range are checked against the model's vocabulary before any work).
        const double id = v.toDouble();
        if (id < -2147483648.0 || id > 2147483647.0)
            throw Error(path, QStringLiteral("token id %1 at position %2 is outside the model's "
                                             "vocabulary")
                                  .arg(id)
                                  .arg(ids.size()));
        ids.push_back(int32_t(id));
    }
    return ids;
}

void CliSupport::addModulationOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("modulation"),
                      QStringLiteral("Apply a modulation preset (JSON, see "
                                     "docs/modulation-format.md) at inference."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("modulate"),
                      QStringLiteral("Apply FAMILY:FACTOR in every layer, e.g. power:0.45, "
                                     "linear:8, delta:2, winsorize:0.01, tau-cap:1 (or one factor "
                                     "per layer separated by '/'). Repeatable; applied after "
                                     "--modulation. tau-cap measures mean Δ on the bundled "
                                     "calibration text with windows of the training length."),
                      QStringLiteral("FAMILY:FACTOR")});
    parser.addOption({QStringLiteral("train-length"),
                      QStringLiteral("Training context length L_train used by tau-cap (default: "
                                     "config.json's context keys; else the model card's "
                                     "\"context N tokens\" (256 for the bundled models); else "
                                     "2048, the public checkpoints' length)."),
                      QStringLiteral("N")});
}

int CliSupport::trainingLength(const MambaModel &model, const QCommandLineParser &parser)
{
    if (parser.optionNames().contains(QStringLiteral("train-length")))
        return intOption(parser, QStringLiteral("train-length"), 1, 1 << 30, 0);
    return ModelFolder::trainingLength(model.directory()).tokens;
}

DeltaStatistics CliSupport::measureDeltaStatistics(const MambaModel &model,
                                                   const QCommandLineParser &parser,
                                                   const QString &textPath, int windowLength,
                                                   const ScanParameters *scan)
{
    const auto tokenizer = loadTokenizer(parser, model.directory());
    JobControl job;
    ProgressBar bar(QStringLiteral("Δ statistics"));
    bar.attach(job);
    DeltaStatistics stats =
        DeltaStatistics::measureOnText(model, *tokenizer, textPath, windowLength, &job, scan);
    bar.finish();
    return stats;
}

ModulationSet CliSupport::modulationFor(const MambaModel &model, const QCommandLineParser &parser,
                                        const QString &deltaText)
{
    ModulationSet set;
    if (parser.optionNames().contains(QStringLiteral("modulation")))
        set = ModulationSet::load(parser.value(QStringLiteral("modulation")), &model);
    const int layers = model.config().nLayer;
    for (const QString &spec : parser.values(QStringLiteral("modulate"))) {
        ModulationSet more = ModulationSet::fromShorthand(spec, layers);
        for (Modulation &m : more.steps)
            set.steps.push_back(std::move(m));
        if (set.calibrationMethod.isEmpty())
            set.calibrationMethod = more.calibrationMethod;
    }
    const bool needsStats =
        std::any_of(set.steps.begin(), set.steps.end(), [](const Modulation &m) {
            return m.family == ModulationFamily::TauCap && !m.isIdentity();
        });
    if (needsStats && !set.deltaStatistics) {
        if (set.trainingLength <= 0)
            set.trainingLength = trainingLength(model, parser);
        const QString text = deltaText.isEmpty() ? ResourceLocator::calibrationText() : deltaText;
        if (text.isEmpty())
            throw Error(Error::Kind::File, {},
                        QStringLiteral("tau-cap needs a calibration text to measure Δ on, "
                                       "and the bundled one was not found"));
        // Δ is measured on the model as loaded, as the demo recipe does.
        set.deltaStatistics = std::make_shared<DeltaStatistics>(
            measureDeltaStatistics(model, parser, text, set.trainingLength));
        set.calibrationTexts << text;
        set.calibrationTextHashes << GuardedFile::sha256(text);
    }
    if (set.modelFingerprint.isEmpty() && !set.steps.empty()) {
        set.modelFingerprint = model.fingerprint();
        set.modelName = QFileInfo(model.directory()).fileName();
    }
    try {
        set.validateFor(model, QStringLiteral("--modulate"));
    } catch (const Error &e) {
        // A factor out of range on the command line is a usage error (exit 2); a preset's was
        // refused naming the file when it was loaded.
        if (e.file() == QLatin1String("--modulate"))
            throw Error(Error::Kind::Input, {}, QStringLiteral("--modulate: %1").arg(e.problem()));
        throw;
    }
    return set;
}

std::unique_ptr<ForwardPass> CliSupport::forwardPassFor(std::shared_ptr<const MambaModel> model,
                                                        const QCommandLineParser &parser)
{
    const ModulationSet set = modulationFor(*model, parser);
    auto scan = set.apply(*model);
    return std::make_unique<ForwardPass>(std::move(model), std::move(scan));
}

void CliSupport::refuseCalibrationOverlap(const ModulationSet &modulation,
                                          const QStringList &evalFiles)
{
    if (modulation.calibrationTextHashes.isEmpty())
        return;
    for (const QString &f : evalFiles) {
        if (modulation.calibrationTextHashes.contains(GuardedFile::sha256(f)))
            throw Error(f, QStringLiteral("the modulation was calibrated on this text; "
                                          "evaluate on texts kept apart from calibration"));
    }
}

}  // namespace mscope
