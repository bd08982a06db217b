// SPDX-License-Identifier: GPL-3.0-or-later
#include "BenchCommands.h"

#include "CliSupport.h"
#include "TaskBench.h"
#include "eval/PerplexityEvaluator.h"
#include "gradient/ModulationFactors.h"
#include "gradient/ModulationGradient.h"
#include "io/OutputFolder.h"
#include "io/ResourceLocator.h"
#include "io/SyntheticCheckpoint.h"
#include "io/TextFile.h"
#include "kernels/KernelIsa.h"
#include "kernels/SelectiveScan.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/RecurrentState.h"
#include "model/ScanParameters.h"
#include "support/BlasRuntime.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "support/ProcessClock.h"
#include "support/SystemMemory.h"
#include "tokenizer/BpeTokenizer.h"

#include <cblas.h>
#include <omp.h>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSysInfo>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <span>

namespace mscope {

namespace {

double mib(qint64 bytes)
{
    return double(bytes) / double(1 << 20);
}

// Best and median of repeated timings: the best says what the code can do, the median how noisy
// the machine was (it is shared).
struct Timing
{
    std::vector<double> seconds;
    std::vector<double> cpuSeconds;
    double startWall = 0.0, startCpu = 0.0;
    void start()
    {
        startWall = ProcessClock::wallSeconds();
        startCpu = ProcessClock::cpuSeconds();
    }
    // Records the time since start() divided by `per`.
    void stop(double per = 1.0)
    {
        seconds.push_back((ProcessClock::wallSeconds() - startWall) / per);
        cpuSeconds.push_back((ProcessClock::cpuSeconds() - startCpu) / per);
    }
    double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
    double median() const
    {
        std::vector<double> s = seconds;
        std::sort(s.begin(), s.end());
        return s[s.size() / 2];
    }
};

QString firstLineOf(const QString &path, const QByteArray &key)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(key)) {
            const int colon = line.indexOf(':');
            return QString::fromUtf8(line.mid(colon + 1).trimmed());
        }
    }
    return {};
}

QJsonObject machineJson(int threads)
{
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    QString load;
    if (loadavg.open(QIODevice::ReadOnly))
        load = QString::fromLatin1(loadavg.readAll()).section(QLatin1Char(' '), 0, 2);
    QJsonObject env;
    for (const char *name :
         {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_PROC_BIND", "OPENBLAS_CORETYPE"})
        if (qEnvironmentVariableIsSet(name))
            env.insert(QLatin1String(name), qEnvironmentVariable(name));
    return {{QStringLiteral("cpu"), firstLineOf(QStringLiteral("/proc/cpuinfo"), "model name")},
            {QStringLiteral("flags_avx512f"), __builtin_cpu_supports("avx512f") != 0},
            {QStringLiteral("logical_cpus"), omp_get_num_procs()},
            {QStringLiteral("kernel"), QSysInfo::kernelVersion()},
            {QStringLiteral("blas_core"), BlasRuntime::coreName()},
            {QStringLiteral("engine_kernels"), QLatin1String(isaName(selectedIsa()))},
            {QStringLiteral("threads"), threads},
            {QStringLiteral("load_average_at_start"), load},
            {QStringLiteral("environment"), env}};
}

// C[M, n] = A[M, K] (row-major, like the weights) · B[K, n] (column-major, like activations),
// the call Eigen makes for the engine's products.
void sgemm(int M, int n, int K, const float *A, const float *B, float *C)
{
    cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, M, n, K, 1.0f, A, K, B, K, 0.0f, C, M);
}

// GFLOP/s of one product shape, best of `repeats` runs of at least `minSeconds` each.
// `splitColumns`: every thread multiplies its own share of the N columns with a single-threaded
// sgemm (how ForwardPass runs its projections); otherwise one call with OpenBLAS's threading.
double sgemmGflops(int M, int N, int K, bool splitColumns, int repeats, double minSeconds)
{
    std::vector<float> A(size_t(M) * K), B(size_t(K) * N), C(size_t(M) * N);
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    for (float &v : A)
        v = normal(rng);
    for (float &v : B)
        v = normal(rng);
    auto once = [&] {
        if (!splitColumns) {
            sgemm(M, N, K, A.data(), B.data(), C.data());
            return;
        }
#pragma omp parallel
        {
            const int t = omp_get_thread_num(), nt = omp_get_num_threads();
            const int n0 = int(int64_t(N) * t / nt), n1 = int(int64_t(N) * (t + 1) / nt);
            if (n1 > n0)
                sgemm(M, n1 - n0, K, A.data(), B.data() + size_t(n0) * K,
                      C.data() + size_t(n0) * M);
        }
    };
    once();  // warm-up: thread pool, OpenBLAS buffers, caches
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        int calls = 0;
        const double t0 = ProcessClock::wallSeconds();
        double elapsed = 0.0;
        do {
            once();
            ++calls;
            elapsed = ProcessClock::wallSeconds() - t0;
        } while (elapsed < minSeconds);
        best = std::min(best, elapsed / calls);
    }
    return 2.0 * M * N * K / best / 1e9;
}

struct ModelCost
{
    double matmulFlopPerToken = 0.0;
    double scanExpPerToken = 0.0;
};

ModelCost modelCost(const MambaModel &model)
{
    const ModelConfig &c = model.config();
    const double D = c.dModel, E = c.dInner, N = c.dState, R = c.dtRank, V = model.logitCount();
    ModelCost cost;
    if (c.architecture == Architecture::Mamba2) {
        // in_proj (z | x B C | dt) and out_proj; one exp per head and token in the scan.
        const double I = E + c.convChannels() + c.nHeads;
        cost.matmulFlopPerToken = 2.0 * c.nLayer * (I * D + D * E) + 2.0 * V * D;
        cost.scanExpPerToken = double(c.nLayer) * c.nHeads;
        return cost;
    }
    cost.matmulFlopPerToken =
        2.0 * c.nLayer * (2 * E * D + (R + 2 * N) * E + E * R + D * E) + 2.0 * V * D;
    cost.scanExpPerToken = double(c.nLayer) * E * N;
    return cost;
}

QStringList defaultTexts()
{
    QStringList files;
    for (const QString &f : ResourceLocator::demoTexts())
        if (QFileInfo(f).fileName().startsWith(QStringLiteral("test_")))
            files << f;
    return files;
}

// The fraction of the sgemm bound is added at the end, against the best sgemm probe.
QJsonObject rateJson(const Timing &t, double tokens)
{
    const double best = tokens / t.best();
    const double cpu = *std::min_element(t.cpuSeconds.begin(), t.cpuSeconds.end());
    return {{QStringLiteral("tokens"), tokens},
            {QStringLiteral("cpu_seconds_best"), cpu},
            {QStringLiteral("tokens_per_cpu_second"), tokens / cpu},
            {QStringLiteral("seconds_best"), t.best()},
            {QStringLiteral("seconds_median"), t.median()},
            {QStringLiteral("tokens_per_second"), best},
            {QStringLiteral("tokens_per_second_median"), tokens / t.median()}};
}

}  // namespace

int BenchCommands::synth(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes a random-init checkpoint with exactly the config and tensor shapes of a public "
        "model (for benchmarks; it predicts nothing)."));
    parser.addOption({QStringLiteral("like"),
                      QStringLiteral("Public model to copy the shapes of: %1.")
                          .arg(SyntheticCheckpoint::knownShapes().join(QStringLiteral(", "))),
                      QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("out"), QStringLiteral("Output directory."), QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("dtype"), QStringLiteral("f32 (default), f16 or bf16."),
                      QStringLiteral("TYPE")});
    parser.addOption({QStringLiteral("layers"),
                      QStringLiteral("Override the number of layers (same widths)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("force"),
                      QStringLiteral("Replace the model in a non-empty --out folder (one with a "
                                     "config.json; any other non-empty folder is refused).")});
    CliSupport::parse(parser, args);
    if (!parser.isSet(QStringLiteral("like")) || !parser.isSet(QStringLiteral("out")))
        throw Error({}, QStringLiteral("synth needs --like NAME and --out DIR"));
    if (parser.value(QStringLiteral("out")).trimmed().isEmpty())
        throw Error({}, QStringLiteral("--out needs a name, not an empty one"));
    EngineThreads::set(CliSupport::intOption(parser, QStringLiteral("threads"), 1, 1024, 0));
    const QString like = parser.value(QStringLiteral("like"));
    ModelConfig config = SyntheticCheckpoint::configLike(like);
    if (parser.isSet(QStringLiteral("layers")))
        config.nLayer =
            CliSupport::intOption(parser, QStringLiteral("layers"), 1, 1024, config.nLayer);
    const QString dtype = parser.value(QStringLiteral("dtype")).toLower();
    StorageType type = StorageType::F32;
    if (dtype == QLatin1String("f16"))
        type = StorageType::F16;
    else if (dtype == QLatin1String("bf16"))
        type = StorageType::BF16;
    else if (!dtype.isEmpty() && dtype != QLatin1String("f32"))
        throw Error({}, QStringLiteral("--dtype must be f32, f16 or bf16 (got '%1')").arg(dtype));
    const uint64_t seed = CliSupport::seedOption(parser, QStringLiteral("seed"));
    const QString out = parser.value(QStringLiteral("out"));

    // Written whole or not at all: a staging folder moved into place at the end.
    OutputFolder folder(out, parser.isSet(QStringLiteral("force")), QStringLiteral("synth"));
    JobControl job;
    const CancelOnSignals cancelOnSignals(job);
    ProgressBar bar(QStringLiteral("synth"));
    bar.attach(job);
    SyntheticCheckpoint::write(config, folder.stagingPath(), seed, type, like, &job);
    job.throwIfCancelled();
    folder.commit();
    bar.finish();
    CliSupport::printJson(QJsonDocument(QJsonObject{
        {QStringLiteral("directory"), folder.target()},
        {QStringLiteral("like"), like},
        {QStringLiteral("layers"), config.nLayer},
        {QStringLiteral("parameters"), double(SyntheticCheckpoint::parameterCount(config))},
        {QStringLiteral("dtype"), storageTypeName(type)}}));
    return 0;
}

int BenchCommands::bench(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Measures prefill tokens/s (fixed windows and streaming) against this machine's sgemm "
        "peak measured in the same run, the scan and the LM head alone, the tokenizer, and peak "
        "memory while streaming."));
    CliSupport::addModelOptions(parser);
    parser.addOption({QStringLiteral("tokens"),
                      QStringLiteral("Tokens per prefill measurement (default 16384)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("window"),
                      QStringLiteral("Fixed-window length (default 4096)."), QStringLiteral("W")});
    parser.addOption({QStringLiteral("repeat"),
                      QStringLiteral("Runs per measurement; the best is reported (default 3)."),
                      QStringLiteral("R")});
    parser.addOption({QStringLiteral("random-tokens"),
                      QStringLiteral("Uniformly random token ids instead of the demo books.")});
    parser.addOption({QStringLiteral("text"),
                      QStringLiteral("Text file to tokenize (repeatable; default: the demo test "
                                     "books)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("tokenizer"), QStringLiteral("A tokenizer.json to use."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("sections"),
                      QStringLiteral("Comma-separated subset of: sgemm, tokenizer, fixed, stream, "
                                     "scan, lmhead, gradient (default: all)."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("soak-tokens"),
                      QStringLiteral("Tokens the soak section (--sections soak, not part of the "
                                     "default: memory while streaming) streams (default "
                                     "10000000)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (default: a summary).")});
    parser.addOption({QStringLiteral("decode-tokens"),
                      QStringLiteral("Section decode (in the default set): tokens of greedy "
                                     "generation per run (default 256)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("passkey-longest"),
                      QStringLiteral("Section passkey (only when asked for): the grid's longest "
                                     "prompt; lengths 256, 512, ... up to it (default 65536)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("passkey-keys"),
                      QStringLiteral("Section passkey: keys per cell (default 5)."),
                      QStringLiteral("K")});
    CliSupport::parse(parser, args);

    QStringList sections =
        parser.value(QStringLiteral("sections")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    // The tasks' sections (TaskBench, docs/tasks.md): decode runs by default, passkey only when
    // asked for (on mamba-130m a grid takes most of an hour).
    const bool defaultSections = sections.isEmpty();
    const bool wantDecode = sections.removeAll(QStringLiteral("decode")) > 0 || defaultSections;
    const bool wantPasskey = sections.removeAll(QStringLiteral("passkey")) > 0;
    // The soak streams ten million tokens (minutes): only when asked for.
    const bool wantSoak = sections.removeAll(QStringLiteral("soak")) > 0;
    const bool onlyTasks = !defaultSections && sections.isEmpty();
    const QStringList allSections{QStringLiteral("sgemm"),   QStringLiteral("tokenizer"),
                                  QStringLiteral("fixed"),   QStringLiteral("stream"),
                                  QStringLiteral("scan"),    QStringLiteral("lmhead"),
                                  QStringLiteral("gradient")};
    for (const QString &s : sections)
        if (!allSections.contains(s))
            throw Error({}, QStringLiteral("unknown section '%1' (known: %2)")
                                .arg(s, allSections.join(QStringLiteral(", "))));
    if (sections.isEmpty() && !onlyTasks)
        sections = allSections;
    auto want = [&](const char *s) { return sections.contains(QLatin1String(s)); };

    const int64_t tokens =
        CliSupport::intOption(parser, QStringLiteral("tokens"), 2, 1 << 30, 16384);
    const int window = CliSupport::intOption(parser, QStringLiteral("window"), 2, 1 << 30, 4096);
    const int repeats = CliSupport::intOption(parser, QStringLiteral("repeat"), 1, 1000, 3);
    // The fixed-window section needs one window of the tokens measured.
    if (want("fixed") && window > tokens)
        throw Error({}, QStringLiteral("--window %1 is larger than --tokens %2: the fixed-window "
                                       "section needs at least one window (lower --window, raise "
                                       "--tokens, or leave out the section with --sections)")
                            .arg(window)
                            .arg(tokens));
    const int chunk = CliSupport::chunkTokens(parser);

    const auto model = CliSupport::loadModel(parser);
    const int threads = EngineThreads::get();
    const ModelConfig &c = model->config();
    // Resident already: the loader copied every weight into the model's own memory.
    const qint64 rssLoaded = SystemMemory::residentBytes();

    QJsonObject out;
    out.insert(QStringLiteral("machine"), machineJson(threads));
    const ModelCost cost = modelCost(*model);
    out.insert(QStringLiteral("model"),
               QJsonObject{{QStringLiteral("directory"), model->directory()},
                           {QStringLiteral("d_model"), c.dModel},
                           {QStringLiteral("n_layer"), c.nLayer},
                           {QStringLiteral("d_inner"), c.dInner},
                           {QStringLiteral("d_state"), c.dState},
                           {QStringLiteral("dt_rank"), c.dtRank},
                           {QStringLiteral("logits"), model->logitCount()},
                           {QStringLiteral("parameters"), double(model->parameterCount())},
                           {QStringLiteral("matmul_flop_per_token"), cost.matmulFlopPerToken},
                           {QStringLiteral("scan_exp_per_token"), cost.scanExpPerToken}});
    out.insert(QStringLiteral("settings"), QJsonObject{{QStringLiteral("chunk"), chunk},
                                                       {QStringLiteral("tokens"), double(tokens)},
                                                       {QStringLiteral("window"), window},
                                                       {QStringLiteral("repeat"), repeats}});

    // 1. The machine's sgemm: the bound that prefill is compared with.
    // The machine is shared: the sgemm probe runs before, between and after the prefill runs,
    // and the best probe is the bound (a busy moment in one probe would otherwise make prefill
    // look faster than the machine's own sgemm).
    double peakGflops = 0.0, bound = 0.0;
    std::vector<double> probes;
    const auto probe = [&] {
        if (want("sgemm"))
            probes.push_back(sgemmGflops(2048, 2048, 2048, false, repeats, 0.5));
    };
    if (want("sgemm")) {
        probe();
        peakGflops = probes.back();
        bound = peakGflops * 1e9 / cost.matmulFlopPerToken;
        const int D = c.dModel, E = c.dInner, N = c.dState, R = c.dtRank, V = model->logitCount();
        struct Shape
        {
            const char *name;
            int m, k;
        };
        const std::vector<Shape> shapes =
            c.architecture == Architecture::Mamba2
                ? std::vector<Shape>{{"in_proj", E + c.convChannels() + c.nHeads, D},
                                     {"out_proj", D, E},
                                     {"lm_head", V, D}}
                : std::vector<Shape>{{"in_proj", 2 * E, D},
                                     {"x_proj", R + 2 * N, E},
                                     {"dt_proj", E, R},
                                     {"out_proj", D, E},
                                     {"lm_head", V, D}};
        QJsonArray shapeJson;
        double flop = 0.0, seconds = 0.0;
        for (const Shape &s : shapes) {
            const double g = sgemmGflops(s.m, chunk, s.k, true, repeats, 0.2);
            const double perToken =
                2.0 * s.m * s.k *
                (QLatin1String(s.name) == QLatin1String("lm_head") ? 1 : c.nLayer);
            flop += perToken;
            seconds += perToken / (g * 1e9);
            shapeJson.append(QJsonObject{{QStringLiteral("name"), QLatin1String(s.name)},
                                         {QStringLiteral("m"), s.m},
                                         {QStringLiteral("n"), chunk},
                                         {QStringLiteral("k"), s.k},
                                         {QStringLiteral("gflops"), g}});
        }
        out.insert(
            QStringLiteral("sgemm"),
            QJsonObject{{QStringLiteral("gflops_2048"), peakGflops},
                        {QStringLiteral("model_shapes"), shapeJson},
                        {QStringLiteral("gflops_model_shapes"), flop / seconds / 1e9},
                        {QStringLiteral("bound_tokens_per_second"), bound},
                        {QStringLiteral("bound_tokens_per_second_model_shapes"), 1.0 / seconds}});
    }

    // 2. Tokens: the demo books through the model's tokenizer (timed, one thread), or random ids.
    std::vector<int32_t> ids;
    if (parser.isSet(QStringLiteral("random-tokens"))) {
        std::mt19937 rng(7);
        std::uniform_int_distribution<int32_t> pick(0,
                                                    std::min(c.vocabSize, model->logitCount()) - 1);
        ids.resize(size_t(tokens));
        for (int32_t &id : ids)
            id = pick(rng);
    } else {
        QStringList files = parser.values(QStringLiteral("text"));
        if (files.isEmpty())
            files = defaultTexts();
        if (files.isEmpty())
            throw Error(Error::Kind::File, {},
                        QStringLiteral("no demo texts found; pass --text or --random-tokens"));
        const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
        std::vector<QByteArray> texts;
        qint64 bytes = 0;
        for (const QString &f : files) {
            texts.push_back(TextFile::readUtf8(f));
            bytes += texts.back().size();
        }
        // Once over all texts, more if needed to have `tokens` ids.
        const double t0 = ProcessClock::wallSeconds(), c0 = ProcessClock::cpuSeconds();
        int passes = 0;
        while (int64_t(ids.size()) < tokens) {
            for (size_t i = 0; i < texts.size(); ++i) {
                const std::vector<int32_t> part = tokenizer->encodeUtf8(texts[i], files[int(i)]);
                ids.insert(ids.end(), part.begin(), part.end());
            }
            ++passes;
        }
        const double secs = ProcessClock::wallSeconds() - t0;
        const double cpuSecs = ProcessClock::cpuSeconds() - c0;
        if (want("tokenizer"))
            out.insert(
                QStringLiteral("tokenizer"),
                QJsonObject{
                    {QStringLiteral("bytes"), double(bytes) * passes},
                    {QStringLiteral("seconds"), secs},
                    {QStringLiteral("mb_per_second"), double(bytes) * passes / secs / 1e6},
                    {QStringLiteral("mb_per_cpu_second"), double(bytes) * passes / cpuSecs / 1e6},
                    {QStringLiteral("threads"), 1},
                    {QStringLiteral("tokenizer"), tokenizer->path()}});
        ids.resize(size_t(tokens));
    }
    for (int32_t &id : ids)  // a small model's own tokenizer may know more ids than its head
        id = std::min(id, model->logitCount() - 1);

    ForwardPass forward(model);
    PerplexityEvaluator evaluator(forward, chunk);

    // 3. Prefill, fixed windows: `tokens` ids cut into windows, a fresh state each.
    if (want("fixed")) {
        const std::vector<std::vector<int32_t>> docs{ids};
        Timing t;
        FixedWindowResult r;
        for (int i = 0; i < repeats; ++i) {
            t.start();
            r = evaluator.fixedWindows(docs, window);
            t.stop();
        }
        QJsonObject o = rateJson(t, double(r.windows) * window);
        o.insert(QStringLiteral("window"), window);
        o.insert(QStringLiteral("windows"), double(r.windows));
        o.insert(QStringLiteral("ppl"), r.perplexity());
        out.insert(QStringLiteral("prefill_fixed"), o);
    }

    // 4. Prefill, streaming over all `tokens` with the state carried; peak memory as it goes.
    if (want("stream")) {
        if (want("fixed"))
            probe();
        Timing t;
        StreamResult r;
        QJsonArray marks;
        for (int i = 0; i < repeats; ++i) {
            std::vector<int64_t> pending{16384, 131072, 1000000};
            const bool record = i == 0;
            auto onChunk = [&](int64_t first, const float *, int64_t count) {
                while (record && !pending.empty() && first + count + 1 >= pending.front()) {
                    const qint64 peak = SystemMemory::peakResidentBytes();
                    marks.append(
                        QJsonObject{{QStringLiteral("tokens"), double(pending.front())},
                                    {QStringLiteral("peak_rss_mib"), mib(peak)},
                                    {QStringLiteral("above_weights_mib"), mib(peak - rssLoaded)}});
                    pending.erase(pending.begin());
                }
            };
            t.start();
            r = evaluator.stream(ids, nullptr, onChunk);
            t.stop();
        }
        QJsonObject o = rateJson(t, double(ids.size() - 1));
        o.insert(QStringLiteral("ppl"), r.perplexity());
        o.insert(QStringLiteral("peak_rss_marks"), marks);
        out.insert(QStringLiteral("prefill_stream"), o);
    }

    // 5. The selective scan alone, as ForwardPass calls it (every layer), on random inputs.
    // Mamba-1 only: Mamba-2's scan runs inside Mamba2Block, timed as part of prefill.
    if (want("scan") && c.architecture == Architecture::Mamba1) {
        const int T = chunk, E = c.dInner, N = c.dState;
        std::mt19937 rng(3);
        std::normal_distribution<float> normal;
        std::uniform_real_distribution<float> dt(1e-3f, 0.1f);
        std::vector<float> delta(size_t(T) * E), x(size_t(T) * E), bc(size_t(T) * 2 * N),
            state(size_t(E) * N, 0.0f), y(size_t(T) * E);
        for (float &v : delta)
            v = dt(rng);
        for (float &v : x)
            v = normal(rng);
        for (float &v : bc)
            v = normal(rng);
        const auto &negA = forward.scanParameters().layers[0].negA;
        SelectiveScanArgs a;
        a.tokens = T;
        a.channels = E;
        a.stateSize = N;
        a.delta = delta.data();
        a.x = x.data();
        a.bc = bc.data();
        a.bcStride = 2 * N;
        a.negA = negA.data();
        a.d = model->layers()[0].d.data;
        a.state = state.data();
        a.y = y.data();
        selectiveScan(a);
        Timing t;
        for (int i = 0; i < repeats; ++i) {
            int calls = 0;
            t.start();
            do {
                selectiveScan(a);
                ++calls;
            } while (ProcessClock::wallSeconds() - t.startWall < 0.3);
            t.stop(double(calls) / c.nLayer);  // one chunk through every layer
        }
        QJsonObject o = rateJson(t, double(T));
        o.insert(QStringLiteral("ns_per_channel_token"),
                 t.best() / c.nLayer / (double(T) * E) * 1e9);
        o.insert(QStringLiteral("exp_per_second"), cost.scanExpPerToken * T / t.best());
        out.insert(QStringLiteral("scan_only"), o);
    }

    // 6. Final norm, LM head and log-softmax alone.
    if (want("lmhead")) {
        const int T = std::min<int64_t>(chunk, int64_t(ids.size()) - 1);
        ForwardPass::Hidden hidden = ForwardPass::Hidden::Random(c.dModel, T);
        std::vector<float> nll(static_cast<size_t>(T));
        const std::span<const int32_t> targets(ids.data() + 1, size_t(T));
        forward.scoreNextTokens(hidden, targets, nll.data());
        Timing t;
        for (int i = 0; i < repeats; ++i) {
            int calls = 0;
            t.start();
            do {
                forward.scoreNextTokens(hidden, targets, nll.data());
                ++calls;
            } while (ProcessClock::wallSeconds() - t.startWall < 0.3);
            t.stop(calls);
        }
        QJsonObject o = rateJson(t, double(T));
        out.insert(QStringLiteral("lm_head_only"), o);
    }

    // Decoding, one stream: tokens/s against the bound read bandwidth / weight bytes per token.
    if (wantDecode)
        out.insert(QStringLiteral("decode"),
                   taskbench::decode(model,
                                     CliSupport::intOption(parser, QStringLiteral("decode-tokens"),
                                                           1, 1 << 20, 256),
                                     repeats));
    // The passkey grid (9 lengths x 5 depths x 5 keys by default), once.
    if (wantPasskey) {
        const auto tokenizer = CliSupport::loadTokenizer(parser, model->directory());
        out.insert(QStringLiteral("passkey"),
                   taskbench::passkeyGrid(
                       model, *tokenizer,
                       CliSupport::intOption(parser, QStringLiteral("passkey-longest"), 256,
                                             1 << 24, 65536),
                       CliSupport::intOption(parser, QStringLiteral("passkey-keys"), 1, 1000, 5)));
    }

    // Soak: --soak-tokens random ids (made a chunk at a time) streamed through the model with the
    // state carried, keeping only running sums: the engine's memory must stay where it is.
    if (wantSoak) {
        const int64_t total =
            CliSupport::intOption(parser, QStringLiteral("soak-tokens"), 2, 2000000000, 10000000);
        std::mt19937 rng(11);
        std::uniform_int_distribution<int32_t> pick(0,
                                                    std::min(c.vocabSize, model->logitCount()) - 1);
        RecurrentState state(c);
        ForwardPass::Hidden hidden;
        std::vector<int32_t> chunkIds(size_t(chunk) + 1);
        std::vector<float> nll(static_cast<size_t>(chunk));
        std::vector<int64_t> marks;
        for (int64_t m = 1000000; m <= total; m *= 10)
            for (int64_t k : {m, 2 * m, 5 * m})
                if (k <= total)
                    marks.push_back(k);
        QJsonArray rss;
        double nllSum = 0.0;
        const qint64 rssBefore = SystemMemory::residentBytes();
        const double t0 = ProcessClock::wallSeconds();
        int32_t next = pick(rng);
        size_t mark = 0;
        for (int64_t done = 1; done < total;) {
            const int64_t len = std::min<int64_t>(chunk, total - done);
            chunkIds[0] = next;
            for (int64_t i = 1; i <= len; ++i)
                chunkIds[size_t(i)] = pick(rng);
            next = chunkIds[size_t(len)];
            forward.embed(std::span(chunkIds.data(), size_t(len)), hidden);
            forward.runLayers(hidden, state);
            forward.scoreNextTokens(hidden, std::span(chunkIds.data() + 1, size_t(len)),
                                    nll.data());
            for (int64_t i = 0; i < len; ++i)
                nllSum += nll[size_t(i)];
            done += len;
            while (mark < marks.size() && done >= marks[mark]) {
                rss.append(QJsonObject{
                    {QStringLiteral("tokens"), double(marks[mark])},
                    {QStringLiteral("rss_mib"), mib(SystemMemory::residentBytes())},
                    {QStringLiteral("peak_rss_mib"), mib(SystemMemory::peakResidentBytes())},
                    {QStringLiteral("seconds"), ProcessClock::wallSeconds() - t0}});
                ++mark;
            }
        }
        out.insert(QStringLiteral("stream_soak"),
                   QJsonObject{{QStringLiteral("tokens"), double(total)},
                               {QStringLiteral("chunk"), chunk},
                               {QStringLiteral("rss_before_mib"), mib(rssBefore)},
                               {QStringLiteral("rss_marks"), rss},
                               {QStringLiteral("nll_mean"), nllSum / double(total - 1)},
                               {QStringLiteral("seconds"), ProcessClock::wallSeconds() - t0}});
    }

    // 7. One gradient evaluation (power per channel, J = mean NLL over the `tokens` ids as one
    // window from a fresh state) against a forward pass over the same window (the same chunks,
    // the LM head on every position), alternating so both see the same machine; the ratio of the
    // best times. Then the memory the backward held and the process's peak after it.
    if (want("gradient")) {
        ScoredWindow w;
        w.ids = ids;
        w.weights.assign(ids.size() - 1, 1.0 / double(ids.size() - 1));
        const ModulationFactors at(*model, ModulationSet{}, ModulationFamily::Power,
                                   FactorGranularity::Channel);
        ModulationGradient gradient(model, chunk);
        // As calibrate runs it: recordings of the last chunks kept within the automatic budget,
        // their buffers reused from one evaluation to the next (the best time is a later one).
        gradient.setRecordingBudget(-1);
        Timing tf, tg;
        GradientResult r;
        double j = 0.0;
        for (int i = 0; i < repeats; ++i) {
            tf.start();
            j = gradient.objective(ModulationSet{}, {w}, nullptr);
            tf.stop();
            tg.start();
            r = gradient.evaluate(at, at.values(), {w}, nullptr);
            tg.stop();
        }
        const qint64 peakNow = SystemMemory::peakResidentBytes();
        QJsonObject o = rateJson(tg, double(ids.size() - 1));
        o.insert(QStringLiteral("forward_seconds"), tf.best());
        o.insert(QStringLiteral("ratio_to_forward"), tg.best() / tf.best());
        // The first evaluation allocates the kept recordings' buffers (fresh pages).
        o.insert(QStringLiteral("first_ratio_to_forward"), tg.seconds.front() / tf.best());
        o.insert(QStringLiteral("objective"), r.objective);
        o.insert(QStringLiteral("objective_forward"), j);
        o.insert(QStringLiteral("working_mib"), mib(r.workingBytes));
        o.insert(QStringLiteral("chunks"), double(r.chunks));
        o.insert(QStringLiteral("kept_chunks"), double(r.keptChunks));
        o.insert(QStringLiteral("peak_rss_mib"), mib(peakNow));
        o.insert(QStringLiteral("peak_above_weights_mib"), mib(peakNow - rssLoaded));
        out.insert(QStringLiteral("gradient"), o);
    }

    // The last probe, then the fractions against the best one. Probes more than 20% apart
    // mean the load changed during the run: the output says so. A fraction is never above 1:
    // prefill faster than the best probe is the same sign of a changing load.
    if (want("sgemm")) {
        probe();
        peakGflops = *std::max_element(probes.begin(), probes.end());
        bool quiet = peakGflops <= 1.2 * *std::min_element(probes.begin(), probes.end());
        bound = peakGflops * 1e9 / cost.matmulFlopPerToken;
        QJsonObject g = out.value(QStringLiteral("sgemm")).toObject();
        QJsonArray probeJson;
        for (double p : probes)
            probeJson.append(p);
        g.insert(QStringLiteral("gflops_2048_probes"), probeJson);
        g.insert(QStringLiteral("gflops_2048"), peakGflops);
        g.insert(QStringLiteral("bound_tokens_per_second"), bound);
        for (const char *key : {"prefill_fixed", "prefill_stream"}) {
            if (!out.contains(QLatin1String(key)))
                continue;
            QJsonObject o = out.value(QLatin1String(key)).toObject();
            const double fraction = o.value(QStringLiteral("tokens_per_second")).toDouble() / bound;
            quiet = quiet && fraction <= 1.0;
            o.insert(QStringLiteral("fraction_of_sgemm_bound"), std::min(1.0, fraction));
            out.insert(QLatin1String(key), o);
        }
        g.insert(QStringLiteral("load_was_quiet"), quiet);
        out.insert(QStringLiteral("sgemm"), g);
    }

    const qint64 peak = SystemMemory::peakResidentBytes();
    out.insert(QStringLiteral("memory"),
               QJsonObject{{QStringLiteral("rss_after_load_mib"), mib(rssLoaded)},
                           {QStringLiteral("peak_rss_mib"), mib(peak)},
                           {QStringLiteral("peak_above_weights_mib"), mib(peak - rssLoaded)}});

    if (parser.isSet(QStringLiteral("json"))) {
        CliSupport::printJson(QJsonDocument(out));
        return 0;
    }
    auto rate = [&](const char *key) {
        return out.value(QLatin1String(key))
            .toObject()
            .value(QStringLiteral("tokens_per_second"))
            .toDouble();
    };
    auto fraction = [&](const char *key) {
        return out.value(QLatin1String(key))
            .toObject()
            .value(QStringLiteral("fraction_of_sgemm_bound"))
            .toDouble();
    };
    std::printf("model          %s (%.1f MFLOP/token in products)\n",
                qPrintable(model->directory()), cost.matmulFlopPerToken / 1e6);
    std::printf("threads        %d, BLAS kernels %s\n", threads,
                qPrintable(BlasRuntime::coreName()));
    if (want("sgemm"))
        std::printf("sgemm 2048^3   %.1f GFLOP/s -> bound %.0f tokens/s\n", peakGflops, bound);
    if (out.contains(QStringLiteral("tokenizer")))
        std::printf("tokenizer      %.2f MB/s\n", out.value(QStringLiteral("tokenizer"))
                                                      .toObject()
                                                      .value(QStringLiteral("mb_per_second"))
                                                      .toDouble());
    // "(N% of bound)" only where sgemm was measured.
    auto ofBound = [&](const char *key) {
        return want("sgemm")
                   ? QStringLiteral(" (%1% of bound)").arg(100.0 * fraction(key), 0, 'f', 0)
                   : QString();
    };
    if (out.contains(QStringLiteral("prefill_fixed")))
        std::printf("fixed W=%-6d %.0f tokens/s%s\n", window, rate("prefill_fixed"),
                    qPrintable(ofBound("prefill_fixed")));
    if (out.contains(QStringLiteral("prefill_stream")))
        std::printf("streaming      %.0f tokens/s%s, %.0f tokens per CPU-second\n",
                    rate("prefill_stream"), qPrintable(ofBound("prefill_stream")),
                    out.value(QStringLiteral("prefill_stream"))
                        .toObject()
                        .value(QStringLiteral("tokens_per_cpu_second"))
                        .toDouble());
    if (out.contains(QStringLiteral("scan_only")))
        std::printf("scan only      %.0f tokens/s\n", rate("scan_only"));
    if (out.contains(QStringLiteral("lm_head_only")))
        std::printf("lm_head only   %.0f tokens/s\n", rate("lm_head_only"));
    if (out.contains(QStringLiteral("decode"))) {
        const QJsonObject g = out.value(QStringLiteral("decode")).toObject();
        std::printf(
            "decode         %.0f tokens/s, one stream (%.0f%% of the bandwidth bound: "
            "%.1f GB/s over %.1f MiB of weights); first run %.0f tokens/s\n",
            rate("decode"),
            100.0 * g.value(QStringLiteral("fraction_of_bandwidth_bound")).toDouble(),
            g.value(QStringLiteral("read_bandwidth_gbs")).toDouble(),
            mib(qint64(g.value(QStringLiteral("weight_bytes_per_token")).toDouble())),
            g.value(QStringLiteral("first_run_tokens_per_second")).toDouble());
    }
    if (out.contains(QStringLiteral("passkey"))) {
        const QJsonObject g = out.value(QStringLiteral("passkey")).toObject();
        std::printf(
            "passkey grid   %.1f s for %d cells (%.0f tokens processed, %.0f without "
            "sharing)\n",
            g.value(QStringLiteral("seconds")).toDouble(), g.value(QStringLiteral("cells")).toInt(),
            g.value(QStringLiteral("tokens_processed")).toDouble(),
            g.value(QStringLiteral("tokens_without_sharing")).toDouble());
    }
    if (out.contains(QStringLiteral("gradient"))) {
        const QJsonObject g = out.value(QStringLiteral("gradient")).toObject();
        std::printf(
            "gradient       %.0f tokens/s, %.2fx a forward pass (the first: %.2fx), %.0f "
            "MiB held (%d of %d chunks kept from the first forward pass)\n",
            rate("gradient"), g.value(QStringLiteral("ratio_to_forward")).toDouble(),
            g.value(QStringLiteral("first_ratio_to_forward")).toDouble(),
            g.value(QStringLiteral("working_mib")).toDouble(),
            g.value(QStringLiteral("kept_chunks")).toInt(),
            g.value(QStringLiteral("chunks")).toInt());
    }
    std::printf("peak RSS       %.1f MiB (%.1f MiB above the loaded weights)\n", mib(peak),
                mib(peak - rssLoaded));
    return 0;
}

}  // namespace mscope
