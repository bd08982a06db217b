// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModulationCommands.h"

#include "CliSupport.h"
#include "analysis/DeltaStatistics.h"
#include "analysis/SpectrumAnalysis.h"
#include "calibration/CalibrationPrompts.h"
#include "calibration/Calibrator.h"
#include "eval/StateTrace.h"
#include "gradient/GradientObjective.h"
#include "gradient/ModulationFactors.h"
#include "gradient/ModulationGradient.h"
#include "io/GuardedFile.h"
#include "io/ResourceLocator.h"
#include "io/SaveFile.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/CheckpointBaker.h"
#include "modulation/GgufExporter.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

namespace mscope {

namespace {

QJsonArray toJsonArray(const std::vector<float> &v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

QJsonArray toJsonArray(const std::vector<double> &v)
{
    QJsonArray a;
    for (double x : v)
        a.append(x);
    return a;
}

// The preset without its Δ statistics: enough to say what was applied, short enough to print.
QJsonObject modulationSummary(const ModulationSet &set)
{
    QJsonObject o = set.toJson();
    o.remove(QStringLiteral("delta_statistics"));
    o.insert(QStringLiteral("description"), set.describe());
    return o;
}

// The demo test books: what `eval` uses by default, so never calibration material.
QStringList demoTestBooks()
{
    QStringList out;
    for (const QString &f : ResourceLocator::demoTexts())
        if (QFileInfo(f).fileName().startsWith(QStringLiteral("test_")))
            out << f;
    return out;
}

// A number option within [min, max] (one line naming the option otherwise).
double doubleOption(const QCommandLineParser &parser, const QString &name, double min, double max,
                    double fallback)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const double v = parser.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < min || v > max)
        throw Error({}, QStringLiteral("--%1 must be a number between %2 and %3 (got '%4')")
                            .arg(name)
                            .arg(min)
                            .arg(max)
                            .arg(parser.value(name)));
    return v;
}

// The layer factors of the family's last step (the calibrated one).
std::vector<double> familyLayerFactors(const ModulationSet &set, ModulationFamily family)
{
    for (size_t i = set.steps.size(); i-- > 0;)
        if (set.steps[i].family == family)
            return set.steps[i].layerFactors;
    return {};
}

struct SpectrumVariant
{
    QString name;
    std::shared_ptr<ScanParameters> scan;
    std::shared_ptr<DeltaStatistics> stats;
    std::vector<LayerSpectrum> layers;
};

}  // namespace

int ModulationCommands::spectrum(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Spectrum of every layer's state transition: α = exp(A_log), λ = exp(-α) and, with "
        "--calib, mean Δ per channel (64 windows of the training length, fresh state each), the "
        "per-token pole exp(-α·Δ̄) and the memory τ = 1/(α·Δ̄). For the model as loaded and, "
        "with a modulation, after it: τ of a modulated mode uses the Δ̄ of the model as loaded "
        "(times a delta modulation's factor), as the workbench shows it; --remeasure-delta "
        "measures Δ̄ again under the modulation.\n"
        "--json prints per-layer summaries (add --values for every mode); --csv prints one row "
        "per (variant, layer, channel, state)."));
    CliSupport::addModelOptions(parser);
    CliSupport::addModulationOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("calib"),
                      QStringLiteral("Text to measure mean Δ on (enables τ and the pole)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("target-length"),
                      QStringLiteral("Length for the share of τ beyond it (default: the preset's "
                                     "target length, else 16384)."),
                      QStringLiteral("L")});
    parser.addOption({QStringLiteral("remeasure-delta"),
                      QStringLiteral("Measure Δ̄ of the modulated model again (through the "
                                     "modulation's effect on earlier layers) for its τ.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON summaries (default).")});
    parser.addOption(
        {QStringLiteral("values"), QStringLiteral("With --json: every mode's values too.")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("Print CSV, one row per mode.")});
    CliSupport::parse(parser, args);
    if (parser.isSet(QStringLiteral("json")) && parser.isSet(QStringLiteral("csv")))
        throw Error({}, QStringLiteral("choose one of --json and --csv"));

    const auto model = CliSupport::loadModel(parser);
    const QString calib = parser.value(QStringLiteral("calib"));
    const ModulationSet modulation = CliSupport::modulationFor(*model, parser, calib);
    const int trainLength = modulation.trainingLength > 0
                                ? modulation.trainingLength
                                : CliSupport::trainingLength(*model, parser);
    const int target =
        CliSupport::intOption(parser, QStringLiteral("target-length"), 1, 1 << 30,
                              modulation.targetLength > 0 ? modulation.targetLength : 16384);

    std::vector<SpectrumVariant> variants;
    variants.push_back({QStringLiteral("as_loaded"), ScanParameters::fromModel(*model), {}, {}});
    if (!modulation.isIdentity())
        variants.push_back({QStringLiteral("modulated"), modulation.apply(*model), {}, {}});
    // A tau-cap shorthand has just measured Δ̄ of the model as loaded on the same text: reuse it.
    if (!calib.isEmpty() && modulation.deltaStatistics &&
        modulation.deltaStatistics->windowLength == trainLength &&
        modulation.calibrationTexts.contains(calib))
        variants.front().stats = std::make_shared<DeltaStatistics>(*modulation.deltaStatistics);
    const bool remeasure = parser.isSet(QStringLiteral("remeasure-delta"));
    for (SpectrumVariant &v : variants) {
        if (!calib.isEmpty() && !v.stats && (remeasure || &v == &variants.front()))
            v.stats = std::make_shared<DeltaStatistics>(CliSupport::measureDeltaStatistics(
                *model, parser, calib, trainLength, v.scan.get()));
        if (!v.stats)
            v.stats = variants.front().stats;
        v.layers = SpectrumAnalysis::compute(*model, *v.scan, v.stats.get());
        // An infinite α or τ would print as null: refuse it, saying where and why.
        for (size_t l = 0; l < v.layers.size(); ++l) {
            const LayerSpectrum &s = v.layers[l];
            for (const auto &[name, values] :
                 {std::pair{"alpha", &s.alpha}, std::pair{"lambda", &s.lambda},
                  std::pair{"tau", &s.tau}, std::pair{"pole", &s.pole}}) {
                const auto bad = std::find_if(values->begin(), values->end(),
                                              [](float x) { return !std::isfinite(x); });
                if (bad != values->end())
                    throw Error(Error::Kind::Model, {},
                                QStringLiteral("%1 of layer %2 (%3) is %4 at mode %5: %6")
                                    .arg(QLatin1String(name))
                                    .arg(l)
                                    .arg(v.name)
                                    .arg(double(*bad))
                                    .arg(bad - values->begin())
                                    .arg(CliSupport::nonFiniteCause(modulation)));
            }
        }
    }

    if (parser.isSet(QStringLiteral("csv"))) {
        std::printf("variant,layer,channel,state,alpha,lambda,mean_delta,pole,tau\n");
        for (const SpectrumVariant &v : variants) {
            for (size_t l = 0; l < v.layers.size(); ++l) {
                const LayerSpectrum &s = v.layers[l];
                for (int e = 0; e < s.channels; ++e) {
                    for (int n = 0; n < s.stateSize; ++n) {
                        const size_t i = size_t(e) * s.stateSize + n;
                        if (s.tau.empty())
                            std::printf("%s,%zu,%d,%d,%.9g,%.9g,,,\n", qPrintable(v.name), l, e, n,
                                        s.alpha[i], s.lambda[i]);
                        else
                            std::printf("%s,%zu,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g\n",
                                        qPrintable(v.name), l, e, n, s.alpha[i], s.lambda[i],
                                        s.meanDelta[size_t(e)], s.pole[i], s.tau[i]);
                    }
                }
            }
        }
        return 0;
    }

    QJsonObject out{{QStringLiteral("model"), model->directory()},
                    {QStringLiteral("fingerprint"), model->fingerprint()},
                    {QStringLiteral("training_length"), trainLength},
                    {QStringLiteral("target_length"), target},
                    {QStringLiteral("calibration_text"), calib.isEmpty() ? QJsonValue() : calib}};
    if (!modulation.isIdentity())
        out.insert(QStringLiteral("modulation"), modulationSummary(modulation));
    QJsonArray layers;
    for (int l = 0; l < model->config().nLayer; ++l) {
        QJsonObject layer{{QStringLiteral("layer"), l}};
        for (const SpectrumVariant &v : variants) {
            const LayerSpectrum &s = v.layers[size_t(l)];
            QJsonObject summary = SpectrumAnalysis::summarize(s, trainLength, target).toJson();
            if (parser.isSet(QStringLiteral("values"))) {
                summary.insert(QStringLiteral("alpha_values"), toJsonArray(s.alpha));
                summary.insert(QStringLiteral("lambda_values"), toJsonArray(s.lambda));
                if (!s.tau.empty()) {
                    summary.insert(QStringLiteral("tau_values"), toJsonArray(s.tau));
                    summary.insert(QStringLiteral("pole_values"), toJsonArray(s.pole));
                    summary.insert(QStringLiteral("mean_delta_values"), toJsonArray(s.meanDelta));
                }
            }
            layer.insert(v.name, summary);
        }
        layers.append(layer);
    }
    out.insert(QStringLiteral("layers"), layers);
    CliSupport::printJson(QJsonDocument(out));
    return 0;
}

int ModulationCommands::trace(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "State norms over one long text (streaming, state carried): per layer the L2 norm over "
        "d_state of each channel's SSM state, max and mean over channels, at log-spaced "
        "positions."));
    CliSupport::addModelOptions(parser);
    CliSupport::addModulationOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("text"), QStringLiteral("Text file (default: Dracula)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("first"),
                      QStringLiteral("Tokens of the text to run (default 65536)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("per-octave"),
                      QStringLiteral("Trace positions per doubling of the position (default 4)."),
                      QStringLiteral("K")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Write the trace as JSON to FILE ('-' for stdout)."),
                      QStringLiteral("FILE")});
    CliSupport::parse(parser, args);
    if (!parser.isSet(QStringLiteral("json")))
        throw Error({}, QStringLiteral("trace needs --json FILE (or --json - for stdout)"));
    checkTargetWritable(parser.value(QStringLiteral("json")));
    const int64_t first = CliSupport::intOption(parser, QStringLiteral("first"), 1, 1 << 30, 65536);
    const int perOctave = CliSupport::intOption(parser, QStringLiteral("per-octave"), 1, 64, 4);
    QString text = parser.value(QStringLiteral("text"));
    if (text.isEmpty())
        text = ResourceLocator::resourcesDir() + QStringLiteral("/texts/test_dracula.txt");

    const auto model = CliSupport::loadModel(parser);
    const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
    std::vector<int32_t> ids = tokenizer->encodeFile(text);
    if (int64_t(ids.size()) > first)
        ids.resize(size_t(first));
    const ModulationSet modulation = CliSupport::modulationFor(*model, parser);
    CliSupport::refuseCalibrationOverlap(modulation, {text});
    ForwardPass forward(model, modulation.apply(*model));
    JobControl job;
    ProgressBar bar(QStringLiteral("trace"));
    bar.attach(job);
    QElapsedTimer timer;
    timer.start();
    const auto points = StateTrace::run(
        forward, ids, StateTrace::logSpacedPositions(int64_t(ids.size()), perOctave), &job);
    bar.finish();

    QJsonObject out = StateTrace::toJson(points);
    out.insert(QStringLiteral("model"), model->directory());
    out.insert(QStringLiteral("text"), text);
    out.insert(QStringLiteral("tokens"), double(ids.size()));
    out.insert(QStringLiteral("training_length"), CliSupport::trainingLength(*model, parser));
    out.insert(QStringLiteral("seconds"), timer.elapsed() / 1000.0);
    if (!modulation.isIdentity())
        out.insert(QStringLiteral("modulation"), modulationSummary(modulation));
    writeToTarget(parser.value(QStringLiteral("json")),
                  QJsonDocument(out).toJson(QJsonDocument::Compact) + '\n');
    return 0;
}

int ModulationCommands::calibrate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Calibrate one modulation factor per layer for a target context length: minimize the "
        "fixed-window perplexity at that length on calibration texts, by SPSA (the paper's "
        "recipe: 30 iterations, 2 evaluations each plus 1 of the iterate) or per-layer "
        "golden-section search, within a budget of forward passes of target-length tokens. "
        "Calibration texts must be kept apart from evaluation texts: the demo test books and "
        "every --exclude file are refused, and `eval` refuses to score a text a preset was "
        "calibrated on. Progress goes to stderr, a JSON summary to stdout, the preset to --out."));
    CliSupport::addModelOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("family"),
                      QStringLiteral("power (default), linear or delta; tau-cap or winsorize "
                                     "search their one constant (c, q) by a 1-D search."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("target-length"),
                      QStringLiteral("Context length to calibrate for (required)."),
                      QStringLiteral("L")});
    parser.addOption({QStringLiteral("calib"),
                      QStringLiteral("Calibration text (repeatable; default: the bundled "
                                     "val_senseandsensibility.txt)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("exclude"),
                      QStringLiteral("An evaluation text; refuse a --calib file with the same "
                                     "content (repeatable)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("method"),
                      QStringLiteral("spsa (default), coordinate or adam (gradient descent on "
                                     "--granularity factors)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("granularity"),
                      QStringLiteral("adam: layer (default), channel (head for Mamba-2) or "
                                     "state (channel × d_state, Mamba-1 power and linear)."),
                      QStringLiteral("G")});
    parser.addOption({QStringLiteral("objective"),
                      QStringLiteral("adam and the 1-D search: ppl (default), passkey (mean NLL "
                                     "of the key over passkey prompts made from the calibration "
                                     "texts) or mixed:W ((1 − W)·ppl + W·passkey)."),
                      QStringLiteral("SPEC")});
    parser.addOption({QStringLiteral("prompts"),
                      QStringLiteral("Passkey prompts of L tokens for the passkey and mixed "
                                     "objectives (default 4)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("lr"), QStringLiteral("adam: learning rate (default 0.01)."),
                      QStringLiteral("X")});
    parser.addOption({QStringLiteral("steps"), QStringLiteral("adam: steps (default 20)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("weight-decay"),
                      QStringLiteral("adam: AdamW's decoupled decay toward the start point "
                                     "(default 0)."),
                      QStringLiteral("X")});
    parser.addOption({QStringLiteral("init"),
                      QStringLiteral("Start from this preset (every method; its other steps are "
                                     "kept in the result). Default: the identity (SPSA: the "
                                     "paper's random start)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("budget"),
                      QStringLiteral("Forward passes of L tokens to spend (default 200; adam "
                                     "spends --steps instead)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("iterations"), QStringLiteral("SPSA iterations (default 30)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("windows"),
                      QStringLiteral("Windows of L tokens per objective evaluation (default: "
                                     "budget / (1 + 3·iterations), at least 1)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("bos"), QStringLiteral("Start every window with BOS.")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write the preset (JSON)."),
                      QStringLiteral("FILE")});
    CliSupport::parse(parser, args);
    if (!parser.isSet(QStringLiteral("target-length")))
        throw Error({}, QStringLiteral("calibrate needs --target-length L"));
    if (!parser.isSet(QStringLiteral("out")))
        throw Error({}, QStringLiteral("calibrate needs --out FILE"));

    CalibrationOptions options;
    const QString familyName = parser.value(QStringLiteral("family"));
    if (!familyName.isEmpty()) {
        const auto family = modulationFamilyFromName(familyName);
        if (!family)
            throw Error({}, QStringLiteral("unknown --family '%1' (power, linear, delta, tau-cap "
                                           "or winsorize)")
                                .arg(familyName));
        options.family = *family;
    }
    const QString method = parser.value(QStringLiteral("method"));
    if (!method.isEmpty()) {
        const auto m = Calibrator::methodFromName(method);
        if (!m)
            throw Error(
                {}, QStringLiteral("unknown --method '%1' (spsa, coordinate or adam)").arg(method));
        options.method = *m;
    }
    if (parser.isSet(QStringLiteral("granularity"))) {
        const QString g = parser.value(QStringLiteral("granularity"));
        const auto granularity = factorGranularityFromName(g);
        if (!granularity)
            throw Error(
                {}, QStringLiteral("unknown --granularity '%1' (layer, channel or state)").arg(g));
        if (options.method != CalibrationOptions::Method::Adam &&
            *granularity != FactorGranularity::Layer)
            throw Error({}, QStringLiteral("--granularity %1 needs --method adam (SPSA and "
                                           "coordinate search one factor per layer)")
                                .arg(g));
        options.granularity = *granularity;
    }
    if (parser.isSet(QStringLiteral("objective")))
        options.objective = ObjectiveSpec::parse(parser.value(QStringLiteral("objective")));
    options.learningRate = doubleOption(parser, QStringLiteral("lr"), 0.0, 10.0, 0.01);
    options.steps = CliSupport::intOption(parser, QStringLiteral("steps"), 1, 100000, 20);
    options.weightDecay = doubleOption(parser, QStringLiteral("weight-decay"), 0.0, 1e6, 0.0);
    const int promptCount = CliSupport::intOption(parser, QStringLiteral("prompts"), 1, 4096, 4);
    options.targetLength =
        CliSupport::intOption(parser, QStringLiteral("target-length"), 2, 1 << 30, 0);
    options.budget = CliSupport::intOption(parser, QStringLiteral("budget"), 1, 1 << 30, 200);
    options.iterations = CliSupport::intOption(parser, QStringLiteral("iterations"), 1, 100000, 30);
    options.windowsPerEvaluation =
        CliSupport::intOption(parser, QStringLiteral("windows"), 1, 1 << 20, 0);
    options.chunkTokens = CliSupport::chunkTokens(parser);
    options.prependBos = parser.isSet(QStringLiteral("bos"));
    options.seed = CliSupport::seedOption(parser, QStringLiteral("seed"));
    // The search takes minutes: find out now, not at its end, that the preset cannot be saved.
    const QString outPath = parser.value(QStringLiteral("out"));
    checkTargetWritable(outPath);

    QStringList calibFiles = parser.values(QStringLiteral("calib"));
    if (calibFiles.isEmpty())
        calibFiles << ResourceLocator::calibrationText();
    // Disjoint by content, not only by bytes: a copy of a test book with one more newline, or
    // with CRLF line ends, is the same text (TextFile::contentKey). Every file is checked to be a
    // regular one before a byte is read (a device or FIFO is refused at once).
    const QStringList excluded = parser.values(QStringLiteral("exclude")) + demoTestBooks();
    QStringList excludedKeys;
    for (const QString &f : excluded)
        excludedKeys << TextFile::contentKey(f);
    for (const QString &f : calibFiles) {
        const qsizetype i = excludedKeys.indexOf(TextFile::contentKey(f));
        if (i >= 0)
            throw Error(f, QStringLiteral("is an evaluation text (same content as %1); "
                                          "calibration and evaluation texts must be disjoint")
                               .arg(excluded[i]));
        options.calibrationTexts << QFileInfo(f).fileName();
        options.calibrationTextHashes << GuardedFile::sha256(f);
    }

    const auto model = CliSupport::loadModel(parser);
    const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
    for (const QString &f : calibFiles)
        options.calibrationDocs.push_back(tokenizer->encodeFile(f));
    if (parser.isSet(QStringLiteral("init")))
        options.start = ModulationSet::load(parser.value(QStringLiteral("init")), model.get());
    if (options.family == ModulationFamily::TauCap) {
        // τ-cap needs the mean Δ per channel: the start preset's, else measured on the first
        // calibration text at the training length as every program does (DeltaStatistics).
        ModulationSet start = options.start.value_or(ModulationSet{});
        if (start.trainingLength <= 0)
            start.trainingLength = CliSupport::trainingLength(*model, parser);
        if (!start.deltaStatistics)
            start.deltaStatistics =
                std::make_shared<DeltaStatistics>(CliSupport::measureDeltaStatistics(
                    *model, parser, calibFiles.front(), start.trainingLength));
        options.start = start;
    }
    if (options.objective.needsPrompts())
        options.retrievalPrompts = CalibrationPrompts::passkey(
            *tokenizer, model->config().bosTokenId, options.calibrationDocs, options.targetLength,
            promptCount, options.seed);

    JobControl job;
    ProgressBar bar(QStringLiteral("calibrate"));
    int evaluations = 0;
    int budgetUsedBy = options.budget;  // Adam's budget is its steps (CalibrationStep::budget)
    QElapsedTimer timer;
    timer.start();
    QJsonArray trajectory;
    const auto onStep = [&](const CalibrationStep &s) {
        ++evaluations;
        budgetUsedBy = s.budget;
        bar.update(
            double(s.forwardPasses) / double(s.budget),
            QStringLiteral("it %1 %2: %3 %4, best %5 (%6/%7 passes)")
                .arg(s.iteration)
                .arg(s.phase)
                .arg(s.objectiveName == QLatin1String("perplexity") || s.objectiveName.isEmpty()
                         ? QStringLiteral("ppl")
                         : s.objectiveName)
                .arg(s.objective, 0, 'f', 2)
                .arg(s.bestObjective, 0, 'f', 2)
                .arg(s.forwardPasses)
                .arg(s.budget));
        trajectory.append(QJsonObject{{QStringLiteral("iteration"), s.iteration},
                                      {QStringLiteral("phase"), s.phase},
                                      {QStringLiteral("forward_passes"), s.forwardPasses},
                                      {QStringLiteral("objective"), s.objective},
                                      {QStringLiteral("best_objective"), s.bestObjective},
                                      {QStringLiteral("gradient_norm"), s.gradientNorm},
                                      {QStringLiteral("factors"), toJsonArray(s.factors)}});
    };
    ModulationSet set = Calibrator::run(model, options, &job, onStep);
    bar.finish();
    // A failed save (the disk filled up during the search) must not lose the search: the summary
    // with the factors still goes to stdout, and the exit code says the preset was not written.
    std::optional<Error> saveFailure;
    try {
        set.save(outPath);
    } catch (const Error &e) {
        saveFailure = e;
    }

    const int passes =
        trajectory.isEmpty()
            ? 0
            : trajectory.last().toObject().value(QStringLiteral("forward_passes")).toInt();
    QJsonObject summary{
        {QStringLiteral("out"), outPath},
        {QStringLiteral("family"), modulationFamilyName(options.family)},
        {QStringLiteral("method"), set.calibrationMethod},
        {QStringLiteral("objective"), options.objective.name()},
        {QStringLiteral("target_length"), options.targetLength},
        {QStringLiteral("budget"), budgetUsedBy},
        {QStringLiteral("forward_passes"), passes},
        {QStringLiteral("evaluations"), evaluations},
        {QStringLiteral("seconds"), timer.elapsed() / 1000.0},
        {QStringLiteral("best_objective"), set.calibrationScore.value_or(0.0)},
        {QStringLiteral("factors"), toJsonArray(familyLayerFactors(set, options.family))},
        {QStringLiteral("trajectory"), trajectory}};
    if (saveFailure)
        summary.insert(QStringLiteral("saved"), false);
    CliSupport::printJson(QJsonDocument(summary));
    if (saveFailure)
        throw Error(
            Error::Kind::File, saveFailure->file(),
            saveFailure->problem() + QStringLiteral("; the factors are in the summary on stdout"));
    return 0;
}

int ModulationCommands::gradient(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The objective J = mean NLL over positions 1..T-1 of one token window (fresh state) and "
        "its gradient with respect to the factors of one modulation family at one granularity, "
        "by reverse mode (method.md §9), at the modulation given (the identity by default). "
        "Prints {\"objective\": J, \"gradient\": [per layer: a number | [per channel] | [[per "
        "state] per channel]]} and the tokens, seconds and working memory."));
    CliSupport::addModelOptions(parser);
    CliSupport::addModulationOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("ids"),
                      QStringLiteral("JSON file: a list of token ids, or {\"ids\": [...]}."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("text"),
                      QStringLiteral("A text file to tokenize (with --first)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("first"),
                      QStringLiteral("--text: the window is its first N tokens (required)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("family"),
                      QStringLiteral("power, linear or delta (required)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("granularity"),
                      QStringLiteral("layer (default), channel (head for Mamba-2) or state "
                                     "(Mamba-1 power and linear)."),
                      QStringLiteral("G")});
    parser.addOption({QStringLiteral("bos"), QStringLiteral("Put the model's BOS token first.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (default).")});
    CliSupport::parse(parser, args);
    const bool fromIds = parser.isSet(QStringLiteral("ids"));
    if (fromIds == parser.isSet(QStringLiteral("text")))
        throw Error({},
                    QStringLiteral("gradient needs either --ids FILE or --text FILE --first N"));
    if (!fromIds && !parser.isSet(QStringLiteral("first")))
        throw Error({}, QStringLiteral("gradient --text needs --first N (the window's tokens)"));
    if (fromIds && parser.isSet(QStringLiteral("first")))
        throw Error({}, QStringLiteral("--first is for --text (--ids gives the window itself)"));
    if (!parser.isSet(QStringLiteral("family")))
        throw Error({}, QStringLiteral("gradient needs --family power|linear|delta"));
    const QString familyName = parser.value(QStringLiteral("family"));
    const auto family = modulationFamilyFromName(familyName);
    if (!family)
        throw Error(
            {}, QStringLiteral("unknown --family '%1' (power, linear or delta)").arg(familyName));
    FactorGranularity granularity = FactorGranularity::Layer;
    if (parser.isSet(QStringLiteral("granularity"))) {
        const QString g = parser.value(QStringLiteral("granularity"));
        const auto parsed = factorGranularityFromName(g);
        if (!parsed)
            throw Error(
                {}, QStringLiteral("unknown --granularity '%1' (layer, channel or state)").arg(g));
        granularity = *parsed;
    }
    const int first = CliSupport::intOption(parser, QStringLiteral("first"), 2, 1 << 30, 0);
    const int chunk = CliSupport::chunkTokens(parser);

    std::vector<int32_t> ids;
    QString source;
    if (fromIds) {
        source = parser.value(QStringLiteral("ids"));
        ids = CliSupport::readTokenIds(source);
    }
    const auto model = CliSupport::loadModel(parser);
    if (!fromIds) {
        source = parser.value(QStringLiteral("text"));
        const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
        ids = tokenizer->encodeFile(source, first);
        if (int64_t(ids.size()) < first)
            throw Error(
                source,
                QStringLiteral("has %1 tokens, fewer than --first %2").arg(ids.size()).arg(first));
    }
    if (parser.isSet(QStringLiteral("bos")))
        ids.insert(ids.begin(), model->config().bosTokenId);
    if (ids.size() < 2)
        throw Error(source, QStringLiteral("needs at least 2 token ids (has %1)").arg(ids.size()));
    const int64_t vocab = std::min<int64_t>(model->embeddings().shape[0], model->logitCount());
    for (size_t t = 0; t < ids.size(); ++t)
        if (ids[t] < 0 || ids[t] >= vocab)
            throw Error(source, QStringLiteral("token id %1 at position %2 is outside the "
                                               "model's vocabulary (%3 entries)")
                                    .arg(ids[t])
                                    .arg(t)
                                    .arg(vocab));
    const ModulationSet modulation = CliSupport::modulationFor(*model, parser);
    const ModulationFactors at(*model, modulation, *family, granularity);
    const std::vector<ScoredWindow> windows = GradientObjective::perplexity({ids}, -1);

    JobControl job;
    const CancelOnSignals cancelOnSignals(job);
    ProgressBar bar(QStringLiteral("gradient"));
    bar.attach(job);
    ModulationGradient engine(model, chunk);
    const GradientResult r = engine.evaluate(at, at.values(), windows, &job);
    bar.finish();
    const bool finite = std::isfinite(r.objective) &&
                        std::all_of(r.gradient.values.begin(), r.gradient.values.end(),
                                    [](double g) { return std::isfinite(g); });
    if (!finite)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("the objective (%1) or its gradient is not a number: %2")
                        .arg(r.objective)
                        .arg(CliSupport::nonFiniteCause(modulation)));
    QJsonObject o{{QStringLiteral("objective"), r.objective},
                  {QStringLiteral("gradient"), r.gradient.toJson()},
                  {QStringLiteral("family"), modulationFamilyName(*family)},
                  {QStringLiteral("granularity"), factorGranularityName(granularity)},
                  {QStringLiteral("tokens"), double(r.tokens)},
                  {QStringLiteral("seconds"), r.seconds},
                  {QStringLiteral("working_mib"), double(r.workingBytes) / (1024.0 * 1024.0)},
                  {QStringLiteral("point_exact"), at.exact()}};
    if (!modulation.isIdentity())
        o.insert(QStringLiteral("modulation"), modulation.describe());
    CliSupport::printJson(QJsonDocument(o));
    return 0;
}

namespace {

// bake --format gguf: one file for llama.cpp, the modulation folded into A.
int bakeGguf(const QCommandLineParser &parser, const MambaModel &model,
             const ModulationSet &modulation, const QString &out)
{
    const QString dtype = parser.isSet(QStringLiteral("dtype"))
                              ? parser.value(QStringLiteral("dtype"))
                              : QStringLiteral("f32");
    GgufExporter::Options options;
    options.dtype = GgufExporter::dtypeFromName(dtype);
    options.trainingLength = CliSupport::trainingLength(model, parser);
    options.acceptLlamaCppEpsilon = parser.isSet(QStringLiteral("llama-cpp-epsilon"));
    const auto tokenizer = CliSupport::loadTokenizer(parser, model.directory());
    JobControl job;
    ProgressBar bar(QStringLiteral("bake"));
    bar.attach(job);
    GgufExporter::write(model, modulation, *tokenizer, out, options, &job);
    bar.finish();
    QJsonObject o{{QStringLiteral("out"), out},
                  {QStringLiteral("format"), QStringLiteral("gguf")},
                  {QStringLiteral("dtype"), dtype.toLower()},
                  {QStringLiteral("bytes"), double(QFileInfo(out).size())},
                  {QStringLiteral("training_length"), options.trainingLength},
                  {QStringLiteral("source_fingerprint"), model.fingerprint()}};
    if (!modulation.isIdentity())
        o.insert(QStringLiteral("applied"), modulation.describe());
    CliSupport::printJson(QJsonDocument(o));
    return 0;
}

}  // namespace

int ModulationCommands::bake(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write a modulation into a new checkpoint: A_log rewritten in every layer, everything else "
        "copied (same files, layout and storage types), plus MODULATION.md and modulation.json. "
        "The result loads as an ordinary model. power, linear, winsorize and tau-cap can be "
        "baked; delta cannot (it scales Δ after the softplus)."));
    CliSupport::addModelOptions(parser);
    CliSupport::addModulationOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"),
                      QStringLiteral("A tokenizer.json to use (for "
                                     "tau-cap's Δ statistics)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("New checkpoint directory (--format gguf: the .gguf file)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("safetensors (a checkpoint folder, default) or gguf (one file "
                                     "that llama.cpp loads, A = -exp(A_log) with the modulation "
                                     "folded in, the tokenizer embedded)."),
                      QStringLiteral("FORMAT")});
    parser.addOption({QStringLiteral("dtype"),
                      QStringLiteral("GGUF only: storage of the matrices, f32 (default), f16, "
                                     "bf16 or q8_0."),
                      QStringLiteral("TYPE")});
    parser.addOption({QStringLiteral("llama-cpp-epsilon"),
                      QStringLiteral("GGUF, Falcon-Mamba only: write the model although llama.cpp "
                                     "takes the epsilon of the dt/B/C norms from "
                                     "layer_norm_epsilon instead of mixer_rms_eps.")});
    parser.addOption({QStringLiteral("force"),
                      QStringLiteral("Replace the model in a non-empty --out folder (one with a "
                                     "config.json; any other non-empty folder is refused).")});
    CliSupport::parse(parser, args);
    const QString format = parser.isSet(QStringLiteral("format"))
                               ? parser.value(QStringLiteral("format")).toLower()
                               : QStringLiteral("safetensors");
    if (format != u"safetensors" && format != u"gguf")
        throw Error({}, QStringLiteral("unknown --format '%1' (safetensors or gguf)").arg(format));
    const bool gguf = format == u"gguf";
    if (!parser.isSet(QStringLiteral("out")))
        throw Error({}, gguf ? QStringLiteral("bake needs --out FILE.gguf")
                             : QStringLiteral("bake needs --out DIR"));
    if (parser.isSet(QStringLiteral("dtype")) && !gguf)
        throw Error({}, QStringLiteral("--dtype is for --format gguf (a safetensors bake keeps "
                                       "the storage types of the model)"));
    // A plain conversion to GGUF is a bake too; a new checkpoint folder needs a modulation.
    if (!gguf && !parser.isSet(QStringLiteral("modulation")) &&
        !parser.isSet(QStringLiteral("modulate")))
        throw Error({}, QStringLiteral("bake needs --modulation FILE or --modulate FAMILY:FACTOR"));
    const QString out = parser.value(QStringLiteral("out"));
    if (out.trimmed().isEmpty())
        throw Error({}, QStringLiteral("--out needs a name, not an empty one"));
    const auto model = CliSupport::loadModel(parser);
    const ModulationSet modulation = CliSupport::modulationFor(*model, parser);
    if (gguf)
        return bakeGguf(parser, *model, modulation, out);
    if (model->isGguf())
        throw Error(model->directory(), QStringLiteral("a model loaded from a GGUF file can only "
                                                       "be baked to GGUF (--format gguf)"));
    JobControl job;
    // Ctrl-C or a kill stops the bake at its next tensor, and its staging folder goes.
    const CancelOnSignals cancelOnSignals(job);
    ProgressBar bar(QStringLiteral("bake"));
    bar.attach(job);
    const CheckpointBaker::Report report =
        CheckpointBaker::bake(*model, modulation, out, &job, parser.isSet(QStringLiteral("force")));
    bar.finish();
    for (const QString &line : report.skipped)
        std::fprintf(stderr, "mambascope-cli bake: %s\n", qPrintable(line));
    CliSupport::printJson(
        QJsonDocument(QJsonObject{{QStringLiteral("out"), out},
                                  {QStringLiteral("applied"), modulation.describe()},
                                  {QStringLiteral("source_fingerprint"), model->fingerprint()}}));
    return 0;
}

}  // namespace mscope
