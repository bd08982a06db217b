// SPDX-License-Identifier: GPL-3.0-or-later
#include "TaskCommands.h"

#include "CliSupport.h"
#include "io/ResourceLocator.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tasks/Generator.h"
#include "tasks/PasskeyEvaluator.h"
#include "tasks/PasskeyTask.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/IncrementalDecoder.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace mscope {

namespace {

double doubleOption(const QCommandLineParser &parser, const QString &name, double fallback)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const double v = parser.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(v))
        throw Error(
            {}, QStringLiteral("--%1 must be a number (got '%2')").arg(name, parser.value(name)));
    return v;
}

// "256,1024,4096" -> numbers, each checked by `parse`.
template <typename T, typename Parse>
std::vector<T> listOption(const QCommandLineParser &parser, const QString &name,
                          const QString &fallback, Parse parse)
{
    const QString text = parser.isSet(name) ? parser.value(name) : fallback;
    std::vector<T> out;
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const T v = parse(item.trimmed(), &ok);
        if (!ok)
            throw Error({}, QStringLiteral("--%1: '%2' is not a valid value").arg(name, item));
        out.push_back(v);
    }
    if (out.empty())
        throw Error({}, QStringLiteral("--%1 needs at least one value").arg(name));
    return out;
}

// The continuation printed as it is made (IncrementalDecoder: a token that ends inside a
// character waits for the next one), written out at most every kFlushInterval: a write per token
// (thousands a second) cost a quarter of the decoding speed on a terminal, which has to draw each.
class TextStream
{
public:
    explicit TextStream(const BpeTokenizer &tokenizer) : m_decoder(tokenizer) {}
    void add(int32_t id)
    {
        m_pending += m_decoder.add(id).toUtf8();
        if (!m_pending.isEmpty() && Clock::now() - m_lastWrite >= kFlushInterval)
            write();
    }
    void finish()
    {
        m_pending += (m_decoder.finish() + u'\n').toUtf8();
        write();
    }

private:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kFlushInterval{20};

    void write()
    {
        std::fwrite(m_pending.constData(), 1, size_t(m_pending.size()), stdout);
        std::fflush(stdout);
        m_pending.clear();
        m_lastWrite = Clock::now();
    }

    IncrementalDecoder m_decoder;
    QByteArray m_pending;
    Clock::time_point m_lastWrite{};
};

QString stopName(GenerationResult::Stop stop)
{
    switch (stop) {
        case GenerationResult::Stop::EndOfText:
            return QStringLiteral("eos");
        case GenerationResult::Stop::Cancelled:
            return QStringLiteral("cancelled");
        case GenerationResult::Stop::Budget:
            break;
    }
    return QStringLiteral("max_new");
}

}  // namespace

int TaskCommands::generate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Continue a prompt by recurrent decoding: the prompt is prefilled in chunks, then each "
        "token is chosen (greedy by default, or sampled) and fed back one at a time. Text mode "
        "prints the continuation as it is made; --json prints it at the end."));
    CliSupport::addModelOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("prompt"), QStringLiteral("The prompt text."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("prompt-file"), QStringLiteral("A UTF-8 file as the prompt."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("prompt-ids"),
                      QStringLiteral("A JSON list of token ids as the prompt (or {\"ids\": "
                                     "[...]}): exact reproduction of references."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("prompt-first"),
                      QStringLiteral("Keep only the prompt's first N tokens (a file's without "
                                     "tokenizing the rest)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("bos"), QStringLiteral("Start the prompt with the model's BOS token.")});
    parser.addOption({QStringLiteral("max-new"), QStringLiteral("New tokens to make at most."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("greedy"),
                      QStringLiteral("The most likely token each time (the default).")});
    parser.addOption({QStringLiteral("temperature"),
                      QStringLiteral("Sample at temperature T (> 0)."), QStringLiteral("T")});
    parser.addOption({QStringLiteral("top-k"),
                      QStringLiteral("Sample among the K most likely tokens."),
                      QStringLiteral("K")});
    parser.addOption({QStringLiteral("top-p"),
                      QStringLiteral("Sample among the most likely tokens whose mass reaches P."),
                      QStringLiteral("P")});
    parser.addOption({QStringLiteral("repetition-penalty"),
                      QStringLiteral("Divide the logits of tokens already in the context by R "
                                     "(>= 1; transformers' rule)."),
                      QStringLiteral("R")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("Seed of the sampling draws (default 0)."),
                      QStringLiteral("S")});
    parser.addOption({QStringLiteral("ignore-eos"),
                      QStringLiteral("Do not stop at the end-of-text token: make exactly --max-new "
                                     "tokens.")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("Print {\"prompt_tokens\", \"ids\", \"text\", "
                                                "\"tokens_per_second\", ...} at the end.")});
    CliSupport::addModulationOptions(parser);
    CliSupport::parse(parser, args);

    const int sources = int(parser.isSet(QStringLiteral("prompt"))) +
                        int(parser.isSet(QStringLiteral("prompt-file"))) +
                        int(parser.isSet(QStringLiteral("prompt-ids")));
    if (sources != 1)
        throw Error({}, QStringLiteral("generate needs exactly one of --prompt, --prompt-file, "
                                       "--prompt-ids"));
    if (!parser.isSet(QStringLiteral("max-new")))
        throw Error({}, QStringLiteral("generate needs --max-new N"));
    const int maxNew = CliSupport::intOption(parser, QStringLiteral("max-new"), 0, 1 << 24, 0);
    const int64_t first =
        CliSupport::intOption(parser, QStringLiteral("prompt-first"), 1, int64_t(1) << 30, 0);
    const bool sampling = parser.isSet(QStringLiteral("temperature")) ||
                          parser.isSet(QStringLiteral("top-k")) ||
                          parser.isSet(QStringLiteral("top-p"));
    if (sampling && parser.isSet(QStringLiteral("greedy")))
        throw Error({}, QStringLiteral("--greedy cannot be combined with --temperature, --top-k "
                                       "or --top-p"));
    GenerationOptions options;
    options.maxNewTokens = maxNew;
    options.stopAtEos = !parser.isSet(QStringLiteral("ignore-eos"));
    options.sampling.greedy = !sampling;
    options.sampling.temperature = doubleOption(parser, QStringLiteral("temperature"), 1.0);
    options.sampling.topK = CliSupport::intOption(parser, QStringLiteral("top-k"), 0, 1 << 30, 0);
    options.sampling.topP = doubleOption(parser, QStringLiteral("top-p"), 1.0);
    options.sampling.repetitionPenalty =
        doubleOption(parser, QStringLiteral("repetition-penalty"), 1.0);
    options.sampling.seed =
        uint64_t(CliSupport::intOption(parser, QStringLiteral("seed"), 0, 2147483647, 0));
    options.sampling.validate();

    const auto model = CliSupport::loadModel(parser);
    const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
    std::vector<int32_t> prompt;
    if (parser.isSet(QStringLiteral("prompt-ids")))
        prompt = CliSupport::readTokenIds(parser.value(QStringLiteral("prompt-ids")));
    else if (parser.isSet(QStringLiteral("prompt-file")))
        prompt = tokenizer->encodeFile(parser.value(QStringLiteral("prompt-file")), first);
    else
        prompt = tokenizer->encode(parser.value(QStringLiteral("prompt")));
    if (first > 0 && int64_t(prompt.size()) > first)
        prompt.resize(size_t(first));
    if (parser.isSet(QStringLiteral("bos")))
        prompt.insert(prompt.begin(), model->config().bosTokenId);
    if (prompt.empty())
        throw Error({}, QStringLiteral("the prompt has no tokens"));

    const ModulationSet modulation = CliSupport::modulationFor(*model, parser);
    ForwardPass forward(model, modulation.apply(*model));
    Generator generator(forward, CliSupport::chunkTokens(parser));
    const bool json = parser.isSet(QStringLiteral("json"));
    TextStream text(*tokenizer);
    JobControl job;
    std::unique_ptr<ProgressBar> bar;
    if (json) {
        bar = std::make_unique<ProgressBar>(QStringLiteral("generate"));
        bar->attach(job);
    }
    const int32_t eos = model->config().eosTokenId;
    const GenerationResult r =
        generator.generate(prompt, options, &job, [&](const GeneratedToken &t) {
            if (!json && !(options.stopAtEos && t.id == eos))
                text.add(t.id);
        });
    if (bar)
        bar->finish();
    std::vector<int32_t> shown = r.ids;
    if (r.stop == GenerationResult::Stop::EndOfText && !shown.empty())
        shown.pop_back();
    if (!json) {
        text.finish();
        std::fprintf(stderr, "%lld prompt tokens, %zu new (%s), %.1f tokens/s\n",
                     (long long)r.promptTokens, r.ids.size(), qPrintable(stopName(r.stop)),
                     r.tokensPerSecond());
        return 0;
    }
    QJsonArray ids, probabilities;
    for (size_t i = 0; i < r.ids.size(); ++i) {
        ids.append(r.ids[i]);
        probabilities.append(r.probabilities[i]);
    }
    QJsonObject o{{QStringLiteral("prompt_tokens"), double(r.promptTokens)},
                  {QStringLiteral("ids"), ids},
                  {QStringLiteral("text"), tokenizer->decode(shown)},
                  {QStringLiteral("tokens_per_second"), r.tokensPerSecond()},
                  {QStringLiteral("probabilities"), probabilities},
                  {QStringLiteral("stop"), stopName(r.stop)},
                  {QStringLiteral("prefill_seconds"), r.prefillSeconds},
                  {QStringLiteral("decode_seconds"), r.decodeSeconds},
                  {QStringLiteral("sampling"),
                   options.sampling.greedy ? QStringLiteral("greedy") : QStringLiteral("sample")},
                  {QStringLiteral("threads"), EngineThreads::get()}};
    if (!modulation.isIdentity())
        o.insert(QStringLiteral("modulation"), modulation.describe());
    CliSupport::printJson(QJsonDocument(o));
    return 0;
}

int TaskCommands::passkey(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Passkey retrieval (docs/tasks.md): a 5-digit key hidden at a relative depth of a filler "
        "text, asked for at the end. Per (length, depth) cell over K keys: exact match of the "
        "greedily decoded key, and the mean NLL of the key's tokens. Default model: the bundled "
        "retrieval demo model (demo-retrieval-3.7m)."));
    CliSupport::addModelOptions(parser);
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("lengths"),
                      QStringLiteral("Prompt lengths in tokens, BOS included (default "
                                     "256,1024,4096)."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("depths"),
                      QStringLiteral("Relative depths of the key in [0, 1] (default "
                                     "0,0.25,0.5,0.75,1)."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("keys"), QStringLiteral("Keys per cell (default 5)."),
                      QStringLiteral("K")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("Seed of the keys (default 2024: Python's "
                                     "random.Random(seed).randint(10000, 99999), the retrieval "
                                     "model recipe's keys)."),
                      QStringLiteral("S")});
    parser.addOption({QStringLiteral("filler"),
                      QStringLiteral("'repeat' (a group of neutral sentences, the default) or a "
                                     "UTF-8 text file whose first tokens are the filler."),
                      QStringLiteral("repeat|FILE")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (the default).")});
    parser.addOption(
        {QStringLiteral("csv"),
         QStringLiteral("Print CSV: length,depth,accuracy,mean_key_nll,correct,keys.")});
    CliSupport::addModulationOptions(parser);
    CliSupport::parse(parser, args);
    if (parser.isSet(QStringLiteral("json")) && parser.isSet(QStringLiteral("csv")))
        throw Error({}, QStringLiteral("passkey prints --json or --csv, not both"));

    PasskeyGrid grid;
    grid.lengths =
        listOption<int64_t>(parser, QStringLiteral("lengths"), QStringLiteral("256,1024,4096"),
                            [](const QString &s, bool *ok) {
                                const qlonglong v = s.toLongLong(ok);
                                *ok = *ok && v > 0 && v <= (qlonglong(1) << 30);
                                return int64_t(v);
                            });
    grid.depths =
        listOption<double>(parser, QStringLiteral("depths"), QStringLiteral("0,0.25,0.5,0.75,1"),
                           [](const QString &s, bool *ok) {
                               const double v = s.toDouble(ok);
                               *ok = *ok && v >= 0.0 && v <= 1.0;
                               return v;
                           });
    const int keyCount = CliSupport::intOption(parser, QStringLiteral("keys"), 1, 100000, 5);
    const int seed = CliSupport::intOption(parser, QStringLiteral("seed"), 0, 2147483647, 2024);
    grid.keys = PasskeyTask::keys(uint64_t(seed), keyCount);

    // The retrieval demo model unless --model says otherwise: the first demo model cannot
    // retrieve at any length.
    const QString dir = parser.isSet(QStringLiteral("model"))
                            ? parser.value(QStringLiteral("model"))
                            : ResourceLocator::retrievalModelDir();
    if (dir.isEmpty())
        throw Error({}, QStringLiteral("no --model given and the bundled retrieval demo model was "
                                       "not found (set MAMBASCOPE_RESOURCES)"));
    EngineThreads::set(CliSupport::intOption(parser, QStringLiteral("threads"), 1, 1024, 0));
    const auto model = MambaModel::load(dir);
    const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
    PasskeyTask task(*tokenizer, model->config().bosTokenId);
    const QString filler = parser.isSet(QStringLiteral("filler"))
                               ? parser.value(QStringLiteral("filler"))
                               : QStringLiteral("repeat");
    if (filler != QLatin1String("repeat")) {
        const int64_t longest = *std::max_element(grid.lengths.begin(), grid.lengths.end());
        task.setTextFiller(tokenizer->encodeFile(filler, longest), QFileInfo(filler).fileName());
    }

    const ModulationSet modulation = CliSupport::modulationFor(*model, parser);
    if (filler != QLatin1String("repeat"))
        CliSupport::refuseCalibrationOverlap(modulation, {filler});
    ForwardPass forward(model, modulation.apply(*model));
    PasskeyEvaluator evaluator(forward, task, CliSupport::chunkTokens(parser));
    JobControl job;
    ProgressBar bar(QStringLiteral("passkey"));
    bar.attach(job);
    const PasskeyResult r = evaluator.run(grid, &job);
    bar.finish();

    if (parser.isSet(QStringLiteral("csv"))) {
        std::printf("length,depth,accuracy,mean_key_nll,correct,keys\n");
        for (const PasskeyCell &c : r.cells) {
            const auto correct = std::count_if(c.answers.begin(), c.answers.end(),
                                               [](const PasskeyAnswer &a) { return a.correct; });
            std::printf("%lld,%g,%.4f,%.6f,%lld,%zu\n", (long long)c.length, c.depth, c.accuracy(),
                        c.meanKeyNll(), (long long)correct, c.answers.size());
        }
        std::fflush(stdout);
        return 0;
    }
    QJsonArray cells;
    for (const PasskeyCell &c : r.cells) {
        QJsonArray answers;
        for (const PasskeyAnswer &a : c.answers)
            answers.append(QJsonObject{{QStringLiteral("key"), a.key},
                                       {QStringLiteral("given"), tokenizer->decode(a.given)},
                                       {QStringLiteral("correct"), a.correct},
                                       {QStringLiteral("key_nll"), a.meanNll},
                                       {QStringLiteral("key_position"), double(a.keyPosition)}});
        cells.append(QJsonObject{{QStringLiteral("length"), double(c.length)},
                                 {QStringLiteral("depth"), c.depth},
                                 {QStringLiteral("accuracy"), c.accuracy()},
                                 {QStringLiteral("mean_key_nll"), c.meanKeyNll()},
                                 {QStringLiteral("answers"), answers}});
    }
    QJsonArray keys;
    for (int k : grid.keys)
        keys.append(k);
    QJsonObject o{{QStringLiteral("model"), model->directory()},
                  {QStringLiteral("filler"), task.fillerName()},
                  {QStringLiteral("keys"), keys},
                  {QStringLiteral("cells"), cells},
                  {QStringLiteral("tokens_processed"), double(r.tokensProcessed)},
                  {QStringLiteral("seconds"), r.seconds}};
    if (!modulation.isIdentity())
        o.insert(QStringLiteral("modulation"), modulation.describe());
    CliSupport::printJson(QJsonDocument(o));
    return 0;
}

}  // namespace mscope
