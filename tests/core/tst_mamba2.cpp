// SPDX-License-Identifier: GPL-3.0-or-later
// Mamba-2 (method.md §2): the forward pass against HuggingFace transformers outputs
// (tests/data/checkpoints/m2_*), streaming, both checkpoint layouts and their gated-norm
// conventions, and the spectrum / modulation / bake paths that work per head.
//
// Tolerances (tests/data/checkpoints/README.md): per-position NLL and logits within 2e-4
// absolute, final SSM and conv state norms within 1e-4 relative. The largest fp32 reduction-order
// differences measured there are 9.2e-6 (NLL, logits) and 2.2e-7 (state norms, relative): the
// bounds leave a margin of more than 10x, while a bug in the SSM path moves the NLL by 2 to 5
// nats per position on these models. Half-precision storage is widened exactly, so it needs no
// looser bound.
#include "TestJson.h"
#include "TestMain.h"
#include "analysis/DeltaStatistics.h"
#include "analysis/SpectrumAnalysis.h"
#include "calibration/Calibrator.h"
#include "eval/IncrementalEvaluator.h"
#include "io/Checkpoint.h"
#include "io/SyntheticCheckpoint.h"
#include "model/ForwardPass.h"
#include "model/Mamba2Block.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/CheckpointBaker.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/EngineThreads.h"
#include "support/Error.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <functional>
#include <random>

using namespace mscope;
using testjson::readJson;
using testjson::tokenIds;

namespace {

const QString kCheckpoints = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints");
constexpr double kNllTolerance = 2e-4;
constexpr double kLogitTolerance = 2e-4;
constexpr double kNormRelTolerance = 1e-4;

std::vector<int32_t> referenceTokens(const QString &name)
{
    return tokenIds(readJson(kCheckpoints + QLatin1Char('/') + name +
                             QStringLiteral("/reference.json"))[QStringLiteral("token_ids")]
                        .toArray());
}

struct Scored
{
    std::vector<float> nll;
    std::vector<std::vector<float>> lastLogits;
    RecurrentState state;
    std::vector<std::vector<float>> delta;  // per layer, every Δ the observer saw, [T, H]
};

// Runs `tokens` through the model in chunks of `chunk`, scoring each next token.
Scored run(const std::shared_ptr<const MambaModel> &model, const std::vector<int32_t> &tokens,
           int chunk, int lastLogits, std::shared_ptr<const ScanParameters> scan = nullptr)
{
    ForwardPass forward(model, std::move(scan));
    Scored s{std::vector<float>(tokens.size(), 0.0f),
             {},
             RecurrentState(model->config()),
             std::vector<std::vector<float>>(size_t(model->config().nLayer))};
    forward.setDeltaObserver([&](int layer, const float *delta, int count, int channels) {
        s.delta[size_t(layer)].insert(s.delta[size_t(layer)].end(), delta,
                                      delta + int64_t(count) * channels);
    });
    ForwardPass::Hidden hidden;
    const int64_t n = int64_t(tokens.size());
    for (int64_t t0 = 0; t0 < n; t0 += chunk) {
        const int64_t len = std::min<int64_t>(chunk, n - t0);
        forward.embed(std::span(tokens).subspan(size_t(t0), size_t(len)), hidden);
        forward.runLayers(hidden, s.state);
        std::vector<std::vector<float>> logits;
        const int want = int(std::clamp<int64_t>(t0 + len - (n - lastLogits), 0, len));
        forward.scoreNextTokens(
            hidden, std::span(tokens).subspan(size_t(t0) + 1, size_t(std::min(len, n - 1 - t0))),
            s.nll.data() + t0, want, &logits);
        for (auto &row : logits)
            s.lastLogits.push_back(std::move(row));
    }
    s.nll.resize(size_t(n - 1));
    return s;
}

double maxAbsDiff(const std::vector<float> &got, const QJsonArray &want)
{
    if (int(got.size()) != want.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (int i = 0; i < want.size(); ++i)
        worst = std::max(worst, std::abs(double(got[size_t(i)]) - want[i].toDouble()));
    return worst;
}

// Forces the form of the Mamba-2 scan for its lifetime; an empty name leaves the automatic choice.
class ScopedScanForm
{
public:
    explicit ScopedScanForm(const QByteArray &form) : m_old(Mamba2Block::forcedScanForm())
    {
        Mamba2Block::forceScanForm(form == "recurrent" ? Mamba2Block::ScanForm::Recurrent
                                   : form == "ssd"     ? Mamba2Block::ScanForm::Ssd
                                                       : Mamba2Block::ScanForm::Automatic);
    }
    ~ScopedScanForm() { Mamba2Block::forceScanForm(m_old); }
    ScopedScanForm(const ScopedScanForm &) = delete;
    ScopedScanForm &operator=(const ScopedScanForm &) = delete;

private:
    Mamba2Block::ScanForm m_old;
};

// Compares NLL, the last logits and the final SSM state norms with a reference block.
void compareWithReference(const Scored &s, const QJsonObject &ref, const char *what)
{
    const double nll = maxAbsDiff(s.nll, ref[QStringLiteral("per_position_nll")].toArray());
    qInfo("%s: max |NLL - reference| = %.2g", what, nll);
    QVERIFY2(nll < kNllTolerance, qPrintable(QString::number(nll)));
    const QJsonArray refLogits = ref[QStringLiteral("logits_last")].toArray();
    QCOMPARE(int(s.lastLogits.size()), refLogits.size());
    double logits = 0.0;
    for (int r = 0; r < refLogits.size(); ++r)
        logits = std::max(logits, maxAbsDiff(s.lastLogits[size_t(r)], refLogits[r].toArray()));
    qInfo("%s: max |logit - reference| = %.2g", what, logits);
    QVERIFY2(logits < kLogitTolerance, qPrintable(QString::number(logits)));
    const QJsonArray ssm = ref[QStringLiteral("final_ssm_state_norm_per_layer")].toArray();
    QCOMPARE(s.state.layerCount(), ssm.size());
    double worstNorm = 0.0;
    for (int l = 0; l < ssm.size(); ++l)
        worstNorm = std::max(worstNorm, std::abs(s.state.ssmNorm(l) / ssm[l].toDouble() - 1.0));
    qInfo("%s: max relative SSM state norm difference = %.2g", what, worstNorm);
    for (int l = 0; l < ssm.size(); ++l) {
        const double rel = std::abs(s.state.ssmNorm(l) / ssm[l].toDouble() - 1.0);
        QVERIFY2(rel < kNormRelTolerance,
                 qPrintable(QStringLiteral("layer %1: %2").arg(l).arg(rel)));
    }
}

void writeJson(const QString &path, const QJsonObject &json)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(json).toJson());
}

// Copies a checkpoint's tensors into `dir` (same storage types), letting `edit` rename a tensor,
// change its shape and values, or drop it (false).
void copyWeights(
    const QString &from, const QString &dir,
    const std::function<bool(QString &, std::vector<int64_t> &, std::vector<float> &)> &edit = {})
{
    const Checkpoint source(from);
    SafetensorsWriter writer;
    for (const QString &name : source.tensorNames()) {
        const FloatTensor t = source.floatTensor(name);
        QString newName = name;
        std::vector<int64_t> shape = t.shape;
        std::vector<float> values(t.data, t.data + t.elementCount());
        if (edit && !edit(newName, shape, values))
            continue;
        writer.add(newName, shape, values.data(), source.tensor(name).type);
    }
    writer.write(dir + QStringLiteral("/model.safetensors"));
}

QString loadError(const QString &dir)
{
    try {
        MambaModel::load(dir);
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("(no Error thrown)");
}

// The HF config of a test checkpoint rewritten in the original state-spaces spelling.
QJsonObject originalConfig(const QJsonObject &hf)
{
    return QJsonObject{
        {QStringLiteral("d_model"), hf[QStringLiteral("hidden_size")]},
        {QStringLiteral("n_layer"), hf[QStringLiteral("num_hidden_layers")]},
        {QStringLiteral("vocab_size"), hf[QStringLiteral("vocab_size")]},
        {QStringLiteral("pad_vocab_size_multiple"), 1},
        {QStringLiteral("rms_norm"), true},
        {QStringLiteral("residual_in_fp32"), true},
        {QStringLiteral("fused_add_norm"), true},
        {QStringLiteral("d_intermediate"), 0},
        {QStringLiteral("attn_layer_idx"), QJsonArray{}},
        {QStringLiteral("tie_embeddings"), hf[QStringLiteral("tie_word_embeddings")]},
        {QStringLiteral("ssm_cfg"),
         QJsonObject{{QStringLiteral("layer"), QStringLiteral("Mamba2")},
                     {QStringLiteral("d_state"), hf[QStringLiteral("state_size")]},
                     {QStringLiteral("d_conv"), hf[QStringLiteral("conv_kernel")]},
                     {QStringLiteral("expand"), hf[QStringLiteral("expand")]},
                     {QStringLiteral("headdim"), hf[QStringLiteral("head_dim")]},
                     {QStringLiteral("ngroups"), hf[QStringLiteral("n_groups")]},
                     {QStringLiteral("chunk_size"), hf[QStringLiteral("chunk_size")]}}}};
}

// A copy of test checkpoint `name` in the original layout: original config, embedding key
// `backbone.embedding.weight`, everything else as transformers names it (mamba_ssm's names).
void writeOriginalLayout(const QString &name, const QString &dir)
{
    const QString src = kCheckpoints + QLatin1Char('/') + name;
    writeJson(dir + QStringLiteral("/config.json"),
              originalConfig(readJson(src + QStringLiteral("/config.json"))));
    copyWeights(src, dir, [](QString &n, std::vector<int64_t> &, std::vector<float> &) {
        if (n == QLatin1String("backbone.embeddings.weight"))
            n = QStringLiteral("backbone.embedding.weight");
        return true;
    });
}

// A copy of test checkpoint `name` whose config.json is `text` with `edit` applied to it.
void writeWithConfigText(const QString &name, const QString &dir,
                         const std::function<QByteArray(QByteArray)> &edit)
{
    const QString src = kCheckpoints + QLatin1Char('/') + name;
    QFile in(src + QStringLiteral("/config.json"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QFile out(dir + QStringLiteral("/config.json"));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(edit(in.readAll()));
    out.close();
    QVERIFY(QFile::copy(src + QStringLiteral("/model.safetensors"),
                        dir + QStringLiteral("/model.safetensors")));
}

// A direct float64 transcription of method.md §2, the test's own reference for what the
// transformers references do not cover: an odd d_state, a head size that is not a multiple of 8,
// three groups, an in_proj bias, no conv bias, a time-step limit, the norm before the gate. The
// gated norm follows the model's convention (normGroupSize, normBeforeGate, gatedNormEps).
std::vector<double> naiveNll(const MambaModel &m, const std::vector<int32_t> &tokens)
{
    const ModelConfig &c = m.config();
    const int64_t D = c.dModel, E = c.dInner, N = c.dState, H = c.nHeads, P = c.headDim;
    const int64_t G = c.nGroups, K = c.convKernel, C = c.convChannels(), I = E + C + H;
    const int64_t T = int64_t(tokens.size()), V = m.logitCount();
    const auto at = [](const FloatTensor &t, int64_t i) {
        return t.data ? double(t.data[i]) : 0.0;
    };
    const auto silu = [](double v) { return v / (1.0 + std::exp(-v)); };
    const auto rms = [](std::vector<double> &v, int64_t begin, int64_t end, double eps) {
        double sum = 0.0;
        for (int64_t i = begin; i < end; ++i)
            sum += v[size_t(i)] * v[size_t(i)];
        const double scale = 1.0 / std::sqrt(sum / double(end - begin) + eps);
        for (int64_t i = begin; i < end; ++i)
            v[size_t(i)] *= scale;
    };
    auto h = std::vector(size_t(T), std::vector<double>(size_t(D), 0.0));
    for (int64_t t = 0; t < T; ++t)
        for (int64_t d = 0; d < D; ++d)
            h[size_t(t)][size_t(d)] = at(m.embeddings(), tokens[size_t(t)] * D + d);
    for (const MambaLayerWeights &w : m.layers()) {
        auto proj = std::vector(size_t(T), std::vector<double>(size_t(I), 0.0));
        for (int64_t t = 0; t < T; ++t) {
            std::vector<double> u = h[size_t(t)];
            rms(u, 0, D, c.normEps);
            for (int64_t r = 0; r < I; ++r) {
                double sum = at(w.inProjBias, r);
                for (int64_t d = 0; d < D; ++d)
                    sum += at(w.inProj, r * D + d) * u[size_t(d)] * at(w.norm, d);
                proj[size_t(t)][size_t(r)] = sum;
            }
        }
        std::vector<double> state(size_t(H * P * N), 0.0);
        for (int64_t t = 0; t < T; ++t) {
            std::vector<double> xbc(size_t(C), 0.0), y(size_t(E), 0.0);
            for (int64_t ch = 0; ch < C; ++ch) {
                double sum = at(w.convBias, ch);
                for (int64_t k = 0; k < K; ++k) {
                    const int64_t src = t - (K - 1) + k;
                    if (src >= 0)
                        sum += at(w.convWeight, ch * K + k) * proj[size_t(src)][size_t(E + ch)];
                }
                xbc[size_t(ch)] = silu(sum);
            }
            for (int64_t head = 0; head < H; ++head) {
                const double raw = proj[size_t(t)][size_t(E + C + head)] + at(w.dtBias, head);
                const double softplus = raw > 20.0 ? raw : std::log1p(std::exp(raw));
                const double dt = std::clamp(softplus, c.timeStepMin, c.timeStepMax);
                const double decay = std::exp(-dt * std::exp(at(w.aLog, head)));
                const int64_t g = head / (H / G);
                for (int64_t p = 0; p < P; ++p) {
                    const double x = xbc[size_t(head * P + p)];
                    double sum = at(w.d, head) * x;
                    for (int64_t n = 0; n < N; ++n) {
                        double &s = state[size_t((head * P + p) * N + n)];
                        s = decay * s + dt * xbc[size_t(E + g * N + n)] * x;
                        sum += xbc[size_t(E + G * N + g * N + n)] * s;
                    }
                    y[size_t(head * P + p)] = sum;
                }
            }
            const int64_t group = m.normGroupSize();
            if (!m.normBeforeGate())
                for (int64_t i = 0; i < E; ++i)
                    y[size_t(i)] *= silu(proj[size_t(t)][size_t(i)]);
            for (int64_t g0 = 0; g0 < E; g0 += group)
                rms(y, g0, g0 + group, m.gatedNormEps());
            for (int64_t i = 0; i < E; ++i) {
                y[size_t(i)] *= at(w.gateNorm, i);
                if (m.normBeforeGate())
                    y[size_t(i)] *= silu(proj[size_t(t)][size_t(i)]);
            }
            for (int64_t d = 0; d < D; ++d) {
                double sum = at(w.outProjBias, d);
                for (int64_t i = 0; i < E; ++i)
                    sum += at(w.outProj, d * E + i) * y[size_t(i)];
                h[size_t(t)][size_t(d)] += sum;
            }
        }
    }
    std::vector<double> nll;
    for (int64_t t = 0; t + 1 < T; ++t) {
        std::vector<double> u = h[size_t(t)];
        rms(u, 0, D, c.normEps);
        std::vector<double> logits(size_t(V), 0.0);
        double top = -1e300;
        for (int64_t v = 0; v < V; ++v) {
            double sum = 0.0;
            for (int64_t d = 0; d < D; ++d)
                sum += at(m.lmHead(), v * D + d) * u[size_t(d)] * at(m.finalNorm(), d);
            logits[size_t(v)] = sum;
            top = std::max(top, sum);
        }
        double z = 0.0;
        for (double l : logits)
            z += std::exp(l - top);
        nll.push_back(std::log(z) + top - logits[size_t(tokens[size_t(t + 1)])]);
    }
    return nll;
}

// Random weights on a Mamba-2 of odd shapes (see naiveNll), written in the HF layout; the biases
// and norm weights made non-trivial, as synth leaves them zero and one.
void writeOddShapedModel(const QString &dir)
{
    ModelConfig c;
    c.architecture = Architecture::Mamba2;
    c.modelType = QStringLiteral("mamba2");
    c.dModel = 24;
    c.nLayer = 2;
    c.dInner = 36;
    c.headDim = 12;
    c.nHeads = 3;
    c.nGroups = 3;
    c.dState = 5;
    c.convKernel = 3;
    c.vocabSize = 50;
    c.useBias = true;
    c.useConvBias = false;
    c.tieEmbeddings = false;
    c.timeStepMin = 0.002;
    c.timeStepMax = 0.08;
    QTemporaryDir raw;
    SyntheticCheckpoint::write(c, raw.path(), 11);
    QFile::copy(raw.filePath(QStringLiteral("config.json")), dir + QStringLiteral("/config.json"));
    std::mt19937 rng(17);
    std::normal_distribution<float> noise(0.0f, 0.3f);
    copyWeights(raw.path(), dir, [&](QString &name, std::vector<int64_t> &, std::vector<float> &v) {
        if (name.endsWith(QLatin1String("bias")) || name.endsWith(QLatin1String("norm.weight")) ||
            name.endsWith(QLatin1String("mixer.D"))) {
            for (float &x : v)
                x += noise(rng);
        }
        return true;
    });
}

}  // namespace

class Mamba2Test : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void matchesTransformers_data();
    void matchesTransformers();
    void ssdFormMatchesRecurrentForm_data();
    void ssdFormMatchesRecurrentForm();
    void streamingInChunksEqualsOnePass_data();
    void streamingInChunksEqualsOnePass();
    void originalLayoutNormalizesPerGroup();
    void originalLayoutWithOneGroupMatchesTransformers();
    void timeStepLimit();
    void timeStepLimitSpellings();
    void oddShapesMatchNaiveReference();
    void spectrumAndStatisticsArePerHead();
    void everyFamilyActsPerHead();
    void calibrationSearchesMamba2();
    void powerModulationBakesIntoALog_data();
    void powerModulationBakesIntoALog();
    void deltaModulationIsAppliedButNotBaked();
    void incrementalRestartMatchesFullPass();
    void synthMamba2130mLoadsAndRuns();
    void refusesBadMamba2Checkpoints_data();
    void refusesBadMamba2Checkpoints();
};

void Mamba2Test::initTestCase()
{
    // Two threads even on a one-core machine, so that long chunks take the parallel path
    // (chunks of fewer than 32 tokens run single-threaded).
    EngineThreads::set(2);
}

void Mamba2Test::matchesTransformers_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("chunk");
    QTest::addColumn<QByteArray>("scan");  // the forced form of the scan, empty: automatic
    const QString groups2 = QStringLiteral("m2_groups2_untied");
    const QString odd = QStringLiteral("m2_odd_heads_f16");
    QTest::newRow("groups 2, untied, F32") << groups2 << 512 << QByteArray();
    QTest::newRow("groups 2, chunks of 64") << groups2 << 64 << QByteArray();
    QTest::newRow("5 heads, tied, F16") << odd << 512 << QByteArray();
    QTest::newRow("5 heads, chunks of 7") << odd << 7 << QByteArray();
    for (const char *form : {"recurrent", "ssd"}) {
        QTest::addRow("groups 2, %s", form) << groups2 << 512 << QByteArray(form);
        QTest::addRow("groups 2, chunks of 37, %s", form) << groups2 << 37 << QByteArray(form);
        QTest::addRow("5 heads, %s", form) << odd << 512 << QByteArray(form);
        QTest::addRow("5 heads, chunks of 7, %s", form) << odd << 7 << QByteArray(form);
    }
}

void Mamba2Test::matchesTransformers()
{
    QFETCH(QString, name);
    QFETCH(int, chunk);
    QFETCH(QByteArray, scan);
    const ScopedScanForm form(scan);
    const QString dir = kCheckpoints + QLatin1Char('/') + name;
    const QJsonObject ref = readJson(dir + QStringLiteral("/reference.json"));
    const auto model = MambaModel::load(dir);
    const ModelConfig &c = model->config();
    QCOMPARE(c.architecture, Architecture::Mamba2);
    QVERIFY(!c.originalLayout);
    QCOMPARE(model->normGroupSize(), c.dInner);  // transformers: the full width
    QCOMPARE(model->decayChannels(), c.nHeads);
    QCOMPARE(model->decayStateSize(), 1);
    QCOMPARE(storageTypeName(model->storageType()),
             ref[QStringLiteral("storage_dtype")].toString());
    QCOMPARE(model->lmHeadTied(), ref[QStringLiteral("lm_head_tied_in_loaded_model")].toBool());
    const Scored s = run(model, tokenIds(ref[QStringLiteral("token_ids")].toArray()), chunk, 4);
    compareWithReference(s, ref, qPrintable(name));
    // The conv state carried is the last K-1 inputs of the x | B | C channels.
    const QJsonArray conv = ref[QStringLiteral("final_conv_state_norm_per_layer")].toArray();
    QCOMPARE(s.state.layerCount(), conv.size());
    double worstConv = 0.0;
    for (int l = 0; l < conv.size(); ++l)
        worstConv = std::max(worstConv, std::abs(s.state.convNorm(l) / conv[l].toDouble() - 1.0));
    qInfo("max relative conv state norm difference = %.2g", worstConv);
    QVERIFY(worstConv < kNormRelTolerance);
    // Δ per head, [T, H], positive.
    for (const auto &delta : s.delta) {
        QCOMPARE(int64_t(delta.size()), int64_t(s.nll.size() + 1) * c.nHeads);
        QVERIFY(std::all_of(delta.begin(), delta.end(), [](float v) { return v > 0.0f; }));
    }
}

void Mamba2Test::ssdFormMatchesRecurrentForm_data()
{
    // The chunked (SSD) form of the scan against the recurrent form that defines it, over 1000
    // random tokens: in one call (blocks of Q and a shorter last one) and in chunks whose
    // boundaries fall inside the SSD blocks, the state carried across calls.
    QTest::addColumn<QString>("name");  // a checkpoint, or "synth": mamba2-130m's widths
    QTest::newRow("m2_groups2_untied") << QStringLiteral("m2_groups2_untied");
    QTest::newRow("m2_odd_heads_f16") << QStringLiteral("m2_odd_heads_f16");
    QTest::newRow("mamba2-130m-shaped") << QStringLiteral("synth");
}

void Mamba2Test::ssdFormMatchesRecurrentForm()
{
    QFETCH(QString, name);
    QTemporaryDir dir;
    std::shared_ptr<const MambaModel> model;
    if (name == QLatin1String("synth")) {
        ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("mamba2-130m"));
        c.nLayer = 2;
        c.vocabSize = 256;
        SyntheticCheckpoint::write(c, dir.path(), 7);
        model = MambaModel::load(dir.path());
    } else {
        model = MambaModel::load(kCheckpoints + QLatin1Char('/') + name);
    }
    std::mt19937 rng(11);
    std::vector<int32_t> tokens(1000);
    for (int32_t &t : tokens)
        t = int32_t(rng() % uint32_t(model->config().vocabSize));
    const auto scored = [&](const char *form, int chunk) {
        const ScopedScanForm scope(form);
        return run(model, tokens, chunk, 0);
    };
    const Scored recurrent = scored("recurrent", 1000);
    double worstNll = 0.0, worstState = 0.0;
    for (int chunk : {1000, 333, 100, 61, 7}) {
        const Scored ssd = scored("ssd", chunk);
        for (size_t t = 0; t < recurrent.nll.size(); ++t) {
            QVERIFY(std::isfinite(ssd.nll[t]));
            worstNll = std::max(worstNll, double(std::abs(ssd.nll[t] - recurrent.nll[t])));
        }
        // The whole final state, element by element: ‖S_ssd - S_recurrent‖ / ‖S_recurrent‖.
        for (int l = 0; l < recurrent.state.layerCount(); ++l) {
            const auto &a = ssd.state.layer(l).ssm, &b = recurrent.state.layer(l).ssm;
            QCOMPARE(a.size(), b.size());
            double diff = 0.0, norm = 0.0;
            for (size_t i = 0; i < a.size(); ++i) {
                diff += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
                norm += double(b[i]) * b[i];
            }
            QVERIFY(norm > 0.0);
            worstState = std::max(worstState, std::sqrt(diff / norm));
        }
    }
    qInfo("SSD vs recurrent: max |NLL difference| = %.2g, max relative state difference = %.2g",
          worstNll, worstState);
    QVERIFY2(worstNll < 2e-5, qPrintable(QString::number(worstNll)));
    QVERIFY2(worstState < 1e-5, qPrintable(QString::number(worstState)));
    // Left to itself, decoding and short chunks take the recurrent form, long ones the SSD form.
    using Form = Mamba2Block::ScanForm;
    QCOMPARE(Mamba2Block::scanFormFor(Form::Automatic, 1), Form::Recurrent);
    QCOMPARE(Mamba2Block::scanFormFor(Form::Automatic, 512), Form::Ssd);
    QCOMPARE(Mamba2Block::scanFormFor(Form::Recurrent, 512), Form::Recurrent);
    QCOMPARE(Mamba2Block::scanFormFor(Form::Ssd, 1), Form::Ssd);
}

void Mamba2Test::streamingInChunksEqualsOnePass_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("m2_groups2_untied") << QStringLiteral("m2_groups2_untied");
    QTest::newRow("m2_odd_heads_f16") << QStringLiteral("m2_odd_heads_f16");
}

void Mamba2Test::streamingInChunksEqualsOnePass()
{
    QFETCH(QString, name);
    const auto model = MambaModel::load(kCheckpoints + QLatin1Char('/') + name);
    const std::vector<int32_t> tokens = referenceTokens(name);
    const Scored whole = run(model, tokens, 512, 0);
    for (int chunk : {1, 2, 3, 17, 33, 64, 100}) {
        const Scored chunked = run(model, tokens, chunk, 0);
        // Same arithmetic per token; only BLAS blocking differs with the chunk width.
        for (size_t t = 0; t < whole.nll.size(); ++t)
            QVERIFY2(std::abs(whole.nll[t] - chunked.nll[t]) < 2e-5,
                     qPrintable(QStringLiteral("chunk %1 position %2").arg(chunk).arg(t)));
        for (int l = 0; l < whole.state.layerCount(); ++l) {
            QVERIFY(std::abs(whole.state.ssmNorm(l) / chunked.state.ssmNorm(l) - 1.0) < 1e-5);
            QVERIFY(std::abs(whole.state.convNorm(l) / chunked.state.convNorm(l) - 1.0) < 1e-6);
        }
    }
}

void Mamba2Test::originalLayoutNormalizesPerGroup()
{
    // mamba_ssm normalises the gated output per group of E / n_groups channels; the reference
    // is the script's float64 implementation of that convention (own_fp64_per_group_norm_variant).
    QTemporaryDir dir;
    writeOriginalLayout(QStringLiteral("m2_groups2_untied"), dir.path());
    const auto model = MambaModel::load(dir.path());
    const ModelConfig &c = model->config();
    QVERIFY(c.originalLayout);
    QCOMPARE(c.architecture, Architecture::Mamba2);
    QCOMPARE(c.nGroups, 2);
    QCOMPARE(model->normGroupSize(), c.dInner / 2);
    QVERIFY(!model->lmHeadTied());
    const QJsonObject ref =
        readJson(kCheckpoints + QStringLiteral("/m2_groups2_untied/reference.json"));
    const std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());
    const Scored s = run(model, tokens, 64, 4);
    compareWithReference(s, ref[QStringLiteral("own_fp64_per_group_norm_variant")].toObject(),
                         "original layout, per-group norm");
    // The convention matters here: transformers' full-width norm gives other numbers.
    QVERIFY(maxAbsDiff(s.nll, ref[QStringLiteral("per_position_nll")].toArray()) > 0.1);
}

void Mamba2Test::originalLayoutWithOneGroupMatchesTransformers()
{
    // With one group both conventions agree: the original layout (F16 kept) reproduces the
    // transformers reference of the same weights.
    QTemporaryDir dir;
    writeOriginalLayout(QStringLiteral("m2_odd_heads_f16"), dir.path());
    const auto model = MambaModel::load(dir.path());
    QVERIFY(model->config().originalLayout);
    QCOMPARE(model->storageType(), StorageType::F16);
    QVERIFY(model->lmHeadTied());
    const QJsonObject ref =
        readJson(kCheckpoints + QStringLiteral("/m2_odd_heads_f16/reference.json"));
    const Scored s = run(model, tokenIds(ref[QStringLiteral("token_ids")].toArray()), 37, 4);
    compareWithReference(s, ref, "original layout, one group");
}

void Mamba2Test::timeStepLimit()
{
    const QString name = QStringLiteral("m2_odd_heads_f16");
    const QJsonObject ref =
        readJson(kCheckpoints + QLatin1Char('/') + name + QStringLiteral("/reference.json"));
    const std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());

    // Older transformers wrote the limit with a bare Infinity token (not JSON): read as [0, inf).
    QTemporaryDir bare;
    writeWithConfigText(name, bare.path(), [](QByteArray text) {
        const qsizetype at = text.indexOf("\"time_step_limit\"");
        const qsizetype end = text.indexOf(']', at);
        return text.left(at) + "\"time_step_limit\": [0.0, Infinity]" + text.mid(end + 1);
    });
    const auto unlimited = MambaModel::load(bare.path());
    QCOMPARE(unlimited->config().timeStepMin, 0.0);
    QVERIFY(std::isinf(unlimited->config().timeStepMax));
    compareWithReference(run(unlimited, tokens, 512, 4), ref, "bare Infinity");

    // A finite limit clamps Δ after the softplus, and moves the result.
    QTemporaryDir clamped;
    writeWithConfigText(name, clamped.path(), [](QByteArray text) {
        const qsizetype at = text.indexOf("\"time_step_limit\"");
        const qsizetype end = text.indexOf(']', at);
        return text.left(at) + "\"time_step_limit\": [0.02, 0.05]" + text.mid(end + 1);
    });
    const auto model = MambaModel::load(clamped.path());
    QCOMPARE(model->config().timeStepMax, 0.05);
    const Scored s = run(model, tokens, 64, 0);
    for (const auto &delta : s.delta) {
        QVERIFY(std::all_of(delta.begin(), delta.end(),
                            [](float v) { return v >= 0.02f && v <= 0.05f; }));
    }
    QVERIFY(maxAbsDiff(s.nll, ref[QStringLiteral("per_position_nll")].toArray()) > 1e-3);
    // Streaming still gives one pass's numbers.
    const Scored byToken = run(model, tokens, 1, 0);
    for (size_t t = 0; t < s.nll.size(); ++t)
        QVERIFY(std::abs(s.nll[t] - byToken.nll[t]) < 2e-5);

    // What cannot be a limit.
    QTemporaryDir bad;
    writeWithConfigText(name, bad.path(), [](QByteArray text) {
        const qsizetype at = text.indexOf("\"time_step_limit\"");
        const qsizetype end = text.indexOf(']', at);
        return text.left(at) + "\"time_step_limit\": [0.1, 0.01]" + text.mid(end + 1);
    });
    QCOMPARE(loadError(bad.path()),
             bad.filePath(QStringLiteral("config.json")) +
                 QStringLiteral(": 'time_step_limit' must be [min, max] with 0 <= min < max, "
                                "max possibly Infinity (got [0.1,0.01])"));
}

void Mamba2Test::timeStepLimitSpellings()
{
    QTemporaryDir dir;
    const auto read = [&](const QByteArray &text) {
        QFile f(dir.filePath(QStringLiteral("config.json")));
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text);
        f.close();
        return ModelConfig::fromJsonFile(f.fileName());
    };
    const QByteArray hf = R"({"model_type": "mamba2", "hidden_size": 64, "num_hidden_layers": 2,
        "vocab_size": 100, "head_dim": 16, "n_groups": 2, "time_step_limit": )";
    const auto limits = [](const ModelConfig &c) {
        return std::pair(c.timeStepMin, c.timeStepMax);
    };
    const double inf = std::numeric_limits<double>::infinity();
    QCOMPARE(limits(read(hf + R"([0.0, {"__float__": "Infinity"}]})")), std::pair(0.0, inf));
    QCOMPARE(limits(read(hf + "[0.0, Infinity]}")), std::pair(0.0, inf));
    QCOMPARE(limits(read(hf + "[0.001, 0.1]}")), std::pair(0.001, 0.1));
    // "Infinity" inside a string stays a string.
    QCOMPARE(read(hf + R"([0.0, "inf"], "note": "Infinity NaN"})").timeStepMax, inf);
    // mamba_ssm's own spelling, in the original layout, through a Python-written bare Infinity.
    const ModelConfig original = read(R"({"d_model": 64, "n_layer": 2, "vocab_size": 100,
        "ssm_cfg": {"layer": "Mamba2", "headdim": 16, "dt_limit": [0.0005, Infinity]}})");
    QVERIFY(original.originalLayout);
    QCOMPARE(limits(original), std::pair(0.0005, inf));
    // Written back for transformers (synth, bake) in transformers 5's spelling.
    const ModelConfig back = ModelConfig::fromJson(original.toHfJson(), QStringLiteral("back"));
    QCOMPARE(limits(back), limits(original));
    QCOMPARE(original.toHfJson()[QStringLiteral("time_step_limit")].toArray()[1].toObject(),
             (QJsonObject{{QStringLiteral("__float__"), QStringLiteral("Infinity")}}));
    // A bare NaN is no limit; other JSON errors keep the original text's offset.
    QVERIFY_THROWS_EXCEPTION(Error, read(hf + "[NaN, 1.0]}"));
    try {
        read(hf + "[0.0, Infinity], }");
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(e.problem().startsWith(QStringLiteral("not valid JSON")), qPrintable(e.problem()));
    }
}

void Mamba2Test::oddShapesMatchNaiveReference()
{
    QTemporaryDir hf;
    writeOddShapedModel(hf.path());
    std::mt19937 rng(23);
    std::vector<int32_t> tokens(70);
    for (int32_t &t : tokens)
        t = int32_t(rng() % 50);
    const auto model = MambaModel::load(hf.path());
    QCOMPARE(model->config().timeStepMax, 0.08);
    QCOMPARE(model->normGroupSize(), 36);
    const auto check = [&](const std::shared_ptr<const MambaModel> &m, const char *what) {
        const std::vector<double> want = naiveNll(*m, tokens);
        for (int chunk : {70, 9, 1}) {
            const Scored s = run(m, tokens, chunk, 0);
            double worst = 0.0;
            for (size_t t = 0; t < want.size(); ++t)
                worst = std::max(worst, std::abs(double(s.nll[t]) - want[t]));
            qInfo("%s, chunks of %d: max |NLL - float64| = %.2g", what, chunk, worst);
            QVERIFY2(worst < kNllTolerance, qPrintable(QString::number(worst)));
        }
    };
    check(model, "HF layout");

    // The same weights in the original layout: the norm per group of 12 channels, before the
    // gate when ssm_cfg says so, eps 1e-5.
    QTemporaryDir original;
    QJsonObject config = readJson(hf.filePath(QStringLiteral("config.json")));
    QJsonObject ssm{{QStringLiteral("layer"), QStringLiteral("Mamba2")},
                    {QStringLiteral("d_state"), 5},
                    {QStringLiteral("d_conv"), 3},
                    {QStringLiteral("expand"), 1.5},
                    {QStringLiteral("headdim"), 12},
                    {QStringLiteral("ngroups"), 3},
                    {QStringLiteral("bias"), true},
                    {QStringLiteral("conv_bias"), false},
                    {QStringLiteral("dt_limit"), QJsonArray{0.002, 0.08}},
                    {QStringLiteral("norm_before_gate"), true}};
    writeJson(original.filePath(QStringLiteral("config.json")),
              QJsonObject{{QStringLiteral("d_model"), 24},
                          {QStringLiteral("n_layer"), 2},
                          {QStringLiteral("vocab_size"), 50},
                          {QStringLiteral("pad_vocab_size_multiple"), 1},
                          {QStringLiteral("tie_embeddings"), false},
                          {QStringLiteral("ssm_cfg"), ssm}});
    copyWeights(hf.path(), original.path(),
                [](QString &n, std::vector<int64_t> &, std::vector<float> &) {
                    if (n == QLatin1String("backbone.embeddings.weight"))
                        n = QStringLiteral("backbone.embedding.weight");
                    return true;
                });
    const auto perGroup = MambaModel::load(original.path());
    QCOMPARE(perGroup->normGroupSize(), 12);
    QVERIFY(perGroup->normBeforeGate());
    QCOMPARE(perGroup->gatedNormEps(), 1e-5);
    check(perGroup, "original layout, norm before gate");
    // Sensitive enough: the two conventions give clearly different numbers on these weights.
    const Scored a = run(model, tokens, 70, 0), b = run(perGroup, tokens, 70, 0);
    double apart = 0.0;
    for (size_t t = 0; t < a.nll.size(); ++t)
        apart = std::max(apart, double(std::abs(a.nll[t] - b.nll[t])));
    qInfo("conventions apart by %.2g", apart);
    QVERIFY2(apart > 100 * kNllTolerance, qPrintable(QString::number(apart)));
}

void Mamba2Test::spectrumAndStatisticsArePerHead()
{
    const auto model = MambaModel::load(kCheckpoints + QStringLiteral("/m2_groups2_untied"));
    const int H = model->config().nHeads, layers = model->config().nLayer;
    const DecayParameters decay = DecayParameters::fromModel(*model);
    QCOMPARE(decay.channels, H);
    QCOMPARE(decay.stateSize, 1);
    const auto scan = ScanParameters::fromModel(*model);
    for (const auto &l : scan->layers)
        QCOMPARE(int(l.negA.size()), H);

    const std::vector<int32_t> tokens = referenceTokens(QStringLiteral("m2_groups2_untied"));
    const DeltaStatistics stats = DeltaStatistics::measure(*model, tokens, 50, 0);
    QCOMPARE(int(stats.meanDelta.size()), layers);
    // Mean Δ per head equals the mean of what the forward pass uses (4 windows of 50 tokens,
    // fresh state each).
    std::vector<std::vector<double>> sums(size_t(layers), std::vector<double>(size_t(H), 0.0));
    for (int w = 0; w < 4; ++w) {
        const std::vector<int32_t> window(tokens.begin() + w * 50, tokens.begin() + w * 50 + 50);
        const Scored s = run(model, window, 512, 0);
        for (int l = 0; l < layers; ++l)
            for (int t = 0; t < 50; ++t)
                for (int h = 0; h < H; ++h)
                    sums[size_t(l)][size_t(h)] += s.delta[size_t(l)][size_t(t * H + h)];
    }
    for (int l = 0; l < layers; ++l) {
        QCOMPARE(int(stats.meanDelta[size_t(l)].size()), H);
        for (int h = 0; h < H; ++h)
            QVERIFY(std::abs(stats.meanDelta[size_t(l)][size_t(h)] /
                                 (sums[size_t(l)][size_t(h)] / 200) -
                             1.0) < 1e-5);
    }

    const auto spectra = SpectrumAnalysis::compute(*model, *scan, &stats);
    QCOMPARE(int(spectra.size()), layers);
    for (int l = 0; l < layers; ++l) {
        const LayerSpectrum &s = spectra[size_t(l)];
        QCOMPARE(s.channels, H);
        QCOMPARE(s.stateSize, 1);
        QCOMPARE(int(s.alpha.size()), H);
        QCOMPARE(int(s.tau.size()), H);
        for (int h = 0; h < H; ++h) {
            const double alpha = std::exp(double(model->layers()[size_t(l)].aLog.data[h]));
            QVERIFY(std::abs(s.alpha[size_t(h)] / alpha - 1.0) < 1e-6);
            QVERIFY(std::abs(s.tau[size_t(h)] * alpha * stats.meanDelta[size_t(l)][size_t(h)] -
                             1.0) < 1e-5);
        }
        const SpectrumSummary summary = SpectrumAnalysis::summarize(s, 64, 1024);
        QCOMPARE(summary.modes, H);
        QVERIFY(summary.hasTau);
    }

    // Power and tau-cap modulations act per head too, and per-head (channel) factors fit H.
    ModulationSet set = ModulationSet::fromShorthand(QStringLiteral("power:0.5"), layers);
    set.steps[0].channelFactors.assign(size_t(layers), std::vector<double>(size_t(H), 0.5));
    set.steps[0].channelFactors[0][1] = 0.25;
    set.validateFor(*model, {});
    const auto powered = set.apply(*model);
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < H; ++h) {
            const float aLog = model->layers()[size_t(l)].aLog.data[h];
            const double s = l == 0 && h == 1 ? 0.25 : 0.5;
            QCOMPARE(powered->layers[size_t(l)].negA[size_t(h)], -std::exp(float(s * aLog)));
        }
    set.steps[0].channelFactors[0].resize(size_t(H + 1), 0.5);
    QVERIFY_THROWS_EXCEPTION(Error, set.validateFor(*model, {}));

    Modulation cap = Modulation::uniform(ModulationFamily::TauCap, 1.0, layers);
    cap.trainingLength = 16;
    DecayParameters capped = DecayParameters::fromModel(*model);
    cap.applyTo(capped, *model, &stats);
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < H; ++h) {
            const double tau = 1.0 / (std::exp(capped.layers[size_t(l)].aLog[size_t(h)]) *
                                      stats.meanDelta[size_t(l)][size_t(h)]);
            QVERIFY(tau <= 16.0 * (1.0 + 1e-9));
        }
}

void Mamba2Test::everyFamilyActsPerHead()
{
    // Each family changes the one A (or Δ) per head the way method.md §4 says.
    const auto model = MambaModel::load(kCheckpoints + QStringLiteral("/m2_groups2_untied"));
    const int H = model->config().nHeads, layers = model->config().nLayer;
    const std::vector<int32_t> tokens = referenceTokens(QStringLiteral("m2_groups2_untied"));
    const auto stats =
        std::make_shared<const DeltaStatistics>(DeltaStatistics::measure(*model, tokens, 50, 0));
    const auto original = ScanParameters::fromModel(*model);
    const auto applied = [&](ModulationFamily family, double factor, int trainingLength = 0) {
        ModulationSet set;
        set.steps.push_back(Modulation::uniform(family, factor, layers));
        set.trainingLength = trainingLength;
        set.deltaStatistics = stats;
        return set.apply(*model);
    };

    const auto linear = applied(ModulationFamily::Linear, 4.0);
    const auto delta = applied(ModulationFamily::Delta, 2.0);
    const auto winsorized = applied(ModulationFamily::Winsorize, 0.25);
    const int trainingLength = 8;
    const double cap = 0.5;
    const auto capped = applied(ModulationFamily::TauCap, cap, trainingLength);
    for (int l = 0; l < layers; ++l) {
        const auto &a = original->layers[size_t(l)].negA;
        QCOMPARE(int(linear->layers[size_t(l)].negA.size()), H);
        QCOMPARE(int(delta->layers[size_t(l)].deltaScale.size()), H);
        QCOMPARE(delta->layers[size_t(l)].negA, a);
        float lo = 1.0f, hi = 0.0f;  // the range of λ = exp(A) in the layer as loaded
        for (float v : a) {
            lo = std::min(lo, std::exp(v));
            hi = std::max(hi, std::exp(v));
        }
        bool clipped = false;
        for (int h = 0; h < H; ++h) {
            QVERIFY(std::abs(linear->layers[size_t(l)].negA[size_t(h)] / a[size_t(h)] - 4.0f) <
                    1e-5f);
            QCOMPARE(delta->layers[size_t(l)].deltaScale[size_t(h)], 2.0f);
            const float w = std::exp(winsorized->layers[size_t(l)].negA[size_t(h)]);
            QVERIFY(w >= lo * (1 - 1e-6f) && w <= hi * (1 + 1e-6f));
            clipped |=
                std::abs(winsorized->layers[size_t(l)].negA[size_t(h)] - a[size_t(h)]) > 1e-6f;
            // τ = 1/(α·mean Δ) is at most c·L_train after the cap, and heads already below it
            // keep their A.
            const double alpha = -double(capped->layers[size_t(l)].negA[size_t(h)]);
            const double tau = 1.0 / (alpha * stats->meanDelta[size_t(l)][size_t(h)]);
            QVERIFY2(tau <= cap * trainingLength * (1 + 1e-5),
                     qPrintable(QStringLiteral("layer %1 head %2: τ %3").arg(l).arg(h).arg(tau)));
            const double before =
                1.0 / (-double(a[size_t(h)]) * stats->meanDelta[size_t(l)][size_t(h)]);
            if (before < cap * trainingLength * 0.999)
                QCOMPARE(capped->layers[size_t(l)].negA[size_t(h)], a[size_t(h)]);
        }
        QVERIFY2(clipped, qPrintable(QStringLiteral("layer %1: winsorize changed nothing").arg(l)));
    }
    // And each changes what the model predicts.
    const Scored base = run(model, tokens, 512, 0);
    for (const auto &scan : {linear, delta, winsorized, capped}) {
        ForwardPass forward(model, scan);
        RecurrentState state(model->config());
        ForwardPass::Hidden hidden;
        forward.embed(tokens, hidden);
        forward.runLayers(hidden, state);
        std::vector<float> nll(tokens.size() - 1);
        forward.scoreNextTokens(hidden, std::span(tokens).subspan(1), nll.data());
        double diff = 0;
        for (size_t t = 0; t < nll.size(); ++t)
            diff = std::max(diff, double(std::abs(nll[t] - base.nll[t])));
        QVERIFY(diff > 1e-3);
    }
}

void Mamba2Test::calibrationSearchesMamba2()
{
    // The calibration search runs on a Mamba-2 model like on a Mamba-1 one: a factor per layer,
    // within budget, never worse than its start.
    const auto model = MambaModel::load(kCheckpoints + QStringLiteral("/m2_groups2_untied"));
    const std::vector<int32_t> tokens = referenceTokens(QStringLiteral("m2_groups2_untied"));
    for (const auto method :
         {CalibrationOptions::Method::Spsa, CalibrationOptions::Method::Coordinate}) {
        CalibrationOptions options;
        options.method = method;
        options.targetLength = 64;
        options.budget = 9;
        options.iterations = 2;
        options.calibrationDocs = {tokens};
        options.calibrationTexts = {QStringLiteral("reference tokens")};
        std::vector<CalibrationStep> steps;
        const ModulationSet set = Calibrator::run(
            model, options, nullptr, [&](const CalibrationStep &s) { steps.push_back(s); });
        QCOMPARE(set.steps.size(), size_t(1));
        QCOMPARE(int(set.steps[0].layerFactors.size()), model->config().nLayer);
        QVERIFY(!steps.empty());
        QVERIFY(steps.back().forwardPasses <= options.budget);
        QVERIFY(set.calibrationScore && std::isfinite(*set.calibrationScore));
        QVERIFY(*set.calibrationScore <= steps.front().objective);
        set.validateFor(*model, QStringLiteral("calibrated"));
    }
}

void Mamba2Test::powerModulationBakesIntoALog_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("exact");
    QTest::newRow("F32") << QStringLiteral("m2_groups2_untied") << true;
    QTest::newRow("F16") << QStringLiteral("m2_odd_heads_f16") << false;
}

void Mamba2Test::powerModulationBakesIntoALog()
{
    QFETCH(QString, name);
    QFETCH(bool, exact);
    const QString src = kCheckpoints + QLatin1Char('/') + name;
    const auto model = MambaModel::load(src);
    const int layers = model->config().nLayer, H = model->config().nHeads;
    const ModulationSet set = ModulationSet::fromShorthand(QStringLiteral("power:0.6"), layers);
    QVERIFY(set.isBakeable());
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    CheckpointBaker::bake(*model, set, out);

    const Checkpoint a(src), b(out);
    QCOMPARE(b.tensorNames(), a.tensorNames());
    for (int l = 0; l < layers; ++l) {
        const QString key = QStringLiteral("backbone.layers.%1.mixer.A_log").arg(l);
        QCOMPARE(b.tensor(key).shape, (std::vector<int64_t>{H}));
        QCOMPARE(b.tensor(key).type, a.tensor(key).type);
    }
    const auto baked = MambaModel::load(out);
    const std::vector<int32_t> tokens = referenceTokens(name);
    const Scored fromBake = run(baked, tokens, 512, 0);
    const Scored onTheFly = run(model, tokens, 512, 0, set.apply(*model));
    const Scored plain = run(model, tokens, 512, 0);
    double moved = 0.0;
    for (size_t t = 0; t < plain.nll.size(); ++t)
        moved = std::max(moved, double(std::abs(plain.nll[t] - onTheFly.nll[t])));
    QVERIFY2(moved > 1e-3, qPrintable(QString::number(moved)));  // the modulation does something
    if (exact) {
        QCOMPARE(fromBake.nll, onTheFly.nll);
    } else {
        // 16-bit storage rounds the new A_log (relative 2^-11 for F16).
        for (size_t t = 0; t < fromBake.nll.size(); ++t)
            QVERIFY(std::abs(fromBake.nll[t] - onTheFly.nll[t]) < 0.05f);
    }
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < H; ++h) {
            const double want = 0.6 * double(model->layers()[size_t(l)].aLog.data[h]);
            const double got = baked->layers()[size_t(l)].aLog.data[h];
            QVERIFY(std::abs(got - want) <= (exact ? 1e-7 : 1e-3) * std::abs(want) + 1e-7);
        }
}

void Mamba2Test::deltaModulationIsAppliedButNotBaked()
{
    const auto model = MambaModel::load(kCheckpoints + QStringLiteral("/m2_groups2_untied"));
    const int layers = model->config().nLayer, H = model->config().nHeads;
    const ModulationSet set = ModulationSet::fromShorthand(QStringLiteral("delta:2"), layers);
    const auto scan = set.apply(*model);
    for (const auto &l : scan->layers)
        QCOMPARE(l.deltaScale, std::vector<float>(size_t(H), 2.0f));
    const std::vector<int32_t> tokens = referenceTokens(QStringLiteral("m2_groups2_untied"));
    const Scored plain = run(model, tokens, 512, 0);
    const Scored scaled = run(model, tokens, 512, 0, scan);
    // Layer 0 sees the same input either way, so its Δ doubles exactly (deeper layers see the
    // other inputs the first one made).
    for (size_t i = 0; i < plain.delta[0].size(); ++i)
        QCOMPARE(scaled.delta[0][i], 2.0f * plain.delta[0][i]);
    // Softplus(dt + dt_bias) times s is no softplus of anything: it cannot go into dt_bias.
    QTemporaryDir dir;
    try {
        CheckpointBaker::bake(*model, set, dir.filePath(QStringLiteral("baked")));
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(e.message().startsWith(QStringLiteral("a delta modulation cannot be baked")),
                 qPrintable(e.message()));
    }
}

void Mamba2Test::incrementalRestartMatchesFullPass()
{
    const auto model = MambaModel::load(kCheckpoints + QStringLiteral("/m2_groups2_untied"));
    const std::vector<int32_t> tokens = referenceTokens(QStringLiteral("m2_groups2_untied"));
    IncrementalEvaluator evaluator(model);
    evaluator.setSegments(IncrementalEvaluator::streamingSegments(tokens, 0));
    evaluator.run(ScanParameters::fromModel(*model), 0);
    // Change only the last layer: the run restarts there and must give a full pass's numbers.
    const int layers = model->config().nLayer;
    std::vector<double> factors(size_t(layers), 1.0);
    factors.back() = 0.3;
    ModulationSet set;
    Modulation m = Modulation::uniform(ModulationFamily::Power, 1.0, layers);
    m.layerFactors = factors;
    set.steps.push_back(m);
    const auto scan = set.apply(*model);
    QCOMPARE(set.firstModulatedLayer(layers), layers - 1);
    QCOMPARE(evaluator.restartLayer(set.firstModulatedLayer(layers)), layers - 1);
    evaluator.run(scan, set.firstModulatedLayer(layers));
    const Scored full = run(model, tokens, 512, 0, scan);
    const std::vector<float> &nll = evaluator.nll()[0];
    QCOMPARE(nll.size(), full.nll.size());
    for (size_t t = 0; t < nll.size(); ++t)
        QVERIFY(std::abs(nll[t] - full.nll[t]) < 2e-5);
    // The evaluator feeds every token but the last (it has nothing left to predict).
    const Scored fed =
        run(model, std::vector<int32_t>(tokens.begin(), tokens.end() - 1), 512, 0, scan);
    const auto &norms = evaluator.stateNorms().back();
    for (int l = 0; l < layers; ++l) {
        QVERIFY(std::abs(norms[size_t(l)].maxChannel / fed.state.ssmChannelNormMax(l) - 1.0) <
                1e-5);
        QVERIFY(std::abs(norms[size_t(l)].meanChannel / fed.state.ssmChannelNormMean(l) - 1.0) <
                1e-5);
    }
}

void Mamba2Test::synthMamba2130mLoadsAndRuns()
{
    // mamba2-130m's exact widths (one layer, a small vocabulary to stay quick).
    ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("mamba2-130m"));
    QCOMPARE(c.dModel, 768);
    QCOMPARE(c.dState, 128);
    QCOMPARE(c.headDim, 64);
    QCOMPARE(c.nHeads, 24);
    QCOMPARE(c.nGroups, 1);
    c.nLayer = 1;
    c.vocabSize = 256;
    QTemporaryDir dir;
    SyntheticCheckpoint::write(c, dir.path(), 3);
    const auto model = MambaModel::load(dir.path());
    QCOMPARE(model->parameterCount(), SyntheticCheckpoint::parameterCount(c));
    QCOMPARE(model->config().convChannels(), 1536 + 2 * 128);
    std::mt19937 rng(5);
    std::vector<int32_t> tokens(96);
    for (int32_t &t : tokens)
        t = int32_t(rng() % 256);
    const Scored whole = run(model, tokens, 512, 0);
    const Scored chunked = run(model, tokens, 5, 0);
    for (size_t t = 0; t < whole.nll.size(); ++t) {
        QVERIFY(std::isfinite(whole.nll[t]));
        QVERIFY(std::abs(whole.nll[t] - chunked.nll[t]) < 1e-4);
    }
    QVERIFY(whole.state.ssmNorm(0) > 0.0);
}

void Mamba2Test::refusesBadMamba2Checkpoints_data()
{
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<QString>("problem");
    QTest::newRow("A_log per channel and state")
        << QStringLiteral("backbone.layers.0.mixer.A_log")
        << QStringLiteral(
               "tensor 'backbone.layers.0.mixer.A_log' has shape [5, 8], expected [5] "
               "from config.json");
    QTest::newRow("missing dt_bias") << QStringLiteral("backbone.layers.1.mixer.dt_bias")
                                     << QStringLiteral(
                                            "missing tensor "
                                            "'backbone.layers.1.mixer.dt_bias'");
    QTest::newRow("in_proj without the dt rows")
        << QStringLiteral("backbone.layers.0.mixer.in_proj.weight")
        << QStringLiteral(
               "tensor 'backbone.layers.0.mixer.in_proj.weight' has shape [176, 40], "
               "expected [181, 40] from config.json");
    QTest::newRow("non-finite dt_bias")
        << QStringLiteral("backbone.layers.0.mixer.dt_bias")
        << QStringLiteral(
               "tensor 'backbone.layers.0.mixer.dt_bias' has a non-finite value (inf) "
               "at element 2");
}

void Mamba2Test::refusesBadMamba2Checkpoints()
{
    QFETCH(QString, tensor);
    QFETCH(QString, problem);
    const QString src = kCheckpoints + QStringLiteral("/m2_odd_heads_f16");
    QTemporaryDir dir;
    QVERIFY(QFile::copy(src + QStringLiteral("/config.json"),
                        dir.filePath(QStringLiteral("config.json"))));
    copyWeights(src, dir.path(),
                [&](QString &name, std::vector<int64_t> &shape, std::vector<float> &values) {
                    if (name != tensor)
                        return true;
                    if (name.endsWith(QLatin1String("A_log"))) {
                        shape = {5, 8};  // Mamba-1's [E, N] shape, here [H, N]
                        values.assign(40, 0.5f);
                    } else if (name.endsWith(QLatin1String("in_proj.weight"))) {
                        shape[0] -= 5;
                        values.resize(size_t(shape[0] * shape[1]));
                    } else if (problem.contains(QLatin1String("non-finite"))) {
                        values[2] = std::numeric_limits<float>::infinity();
                    } else {
                        return false;
                    }
                    return true;
                });
    QCOMPARE(loadError(dir.path()),
             dir.filePath(QStringLiteral("model.safetensors")) + QStringLiteral(": ") + problem);
}

MAMBASCOPE_TEST_MAIN(Mamba2Test)
#include "tst_mamba2.moc"
