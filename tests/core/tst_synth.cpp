// SPDX-License-Identifier: GPL-3.0-or-later
// Random-init checkpoints with the shapes of public models (`synth`): configs, tensor names and
// shapes, parameter counts, loading, a forward pass, determinism.
#include "io/Checkpoint.h"
#include "io/ModelConfig.h"
#include "io/SyntheticCheckpoint.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/Error.h"

#include <omp.h>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace mscope;

namespace {

// Parameters of a Mamba-1 model in closed form (method.md §1 shapes), tied head counted once.
int64_t mamba1Parameters(int64_t D, int64_t L, int64_t E, int64_t N, int64_t K, int64_t R,
                         int64_t V)
{
    const int64_t perLayer = D                  // norm
                             + 2 * E * D        // in_proj
                             + E * K + E        // conv1d weight and bias
                             + (R + 2 * N) * E  // x_proj
                             + E * R + E        // dt_proj weight and bias
                             + E * N + E        // A_log, D
                             + D * E;           // out_proj
    return V * D + L * perLayer + D;
}

QByteArray sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// A config small enough to write, load and run in well under a second.
ModelConfig tinyConfig()
{
    ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("mamba-130m"));
    c.dModel = 64;
    c.dInner = 128;
    c.nLayer = 2;
    c.dtRank = 4;
    c.vocabSize = 512;
    c.padVocabSizeMultiple = 8;
    return c;
}

}  // namespace

class SynthTest : public QObject
{
    Q_OBJECT

private slots:
    void mamba130mShapes();
    void everyKnownShapeRoundTrips();
    void falconMamba7bShapes();
    void unknownShapeIsAnError();
    void tinyCheckpointLoadsAndRuns();
    void mamba130mWidthsLoad();
    void sameSeedSameBytes();
    void threadCountsAgree();
    void mamba2CheckpointLoads();
};

void SynthTest::mamba130mShapes()
{
    const ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("mamba-130m"));
    QCOMPARE(c.dModel, 768);
    QCOMPARE(c.nLayer, 24);
    QCOMPARE(c.dInner, 1536);
    QCOMPARE(c.dState, 16);
    QCOMPARE(c.convKernel, 4);
    QCOMPARE(c.dtRank, 48);
    QCOMPARE(c.paddedVocabSize(), 50280);
    // The published size of state-spaces/mamba-130m-hf, embeddings tied.
    QCOMPARE(SyntheticCheckpoint::parameterCount(c), int64_t(129135360));
    QCOMPARE(SyntheticCheckpoint::parameterCount(c),
             mamba1Parameters(768, 24, 1536, 16, 4, 48, 50280));

    // config.json as written reads back as the public one does (tst_modelconfig's kMamba130mHf).
    const QJsonObject json = c.toHfJson();
    QCOMPARE(json.value(QStringLiteral("hidden_size")).toInt(), 768);
    QCOMPARE(json.value(QStringLiteral("num_hidden_layers")).toInt(), 24);
    QCOMPARE(json.value(QStringLiteral("intermediate_size")).toInt(), 1536);
    QCOMPARE(json.value(QStringLiteral("time_step_rank")).toInt(), 48);
    QCOMPARE(json.value(QStringLiteral("vocab_size")).toInt(), 50280);
    QCOMPARE(json.value(QStringLiteral("state_size")).toInt(), 16);
    QCOMPARE(json.value(QStringLiteral("conv_kernel")).toInt(), 4);
    QCOMPARE(json.value(QStringLiteral("expand")).toInt(), 2);
    QCOMPARE(json.value(QStringLiteral("tie_word_embeddings")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("use_bias")).toBool(), false);
    QCOMPARE(json.value(QStringLiteral("use_conv_bias")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("layer_norm_epsilon")).toDouble(), 1e-5);

    const auto shapes = SyntheticCheckpoint::tensorShapes(c);
    QCOMPARE(int(shapes.size()), 1 + 24 * 10 + 1);
    QCOMPARE(shapes.front().name, QStringLiteral("backbone.embeddings.weight"));
    QCOMPARE(shapes.front().shape, (std::vector<int64_t>{50280, 768}));
    QCOMPARE(shapes[2].name, QStringLiteral("backbone.layers.0.mixer.in_proj.weight"));
    QCOMPARE(shapes[2].shape, (std::vector<int64_t>{3072, 768}));
    QCOMPARE(shapes.back().name, QStringLiteral("backbone.norm_f.weight"));
}

void SynthTest::everyKnownShapeRoundTrips()
{
    const struct
    {
        const char *name;
        int dModel, layers;
    } expected[] = {{"mamba-130m", 768, 24},
                    {"mamba-370m", 1024, 48},
                    {"mamba-790m", 1536, 48},
                    {"mamba-1.4b", 2048, 48},
                    {"mamba-2.8b", 2560, 64}};
    for (const auto &e : expected) {
        const ModelConfig c = SyntheticCheckpoint::configLike(QLatin1String(e.name));
        QCOMPARE(c.dModel, e.dModel);
        QCOMPARE(c.nLayer, e.layers);
        QCOMPARE(c.dtRank, (e.dModel + 15) / 16);
        QCOMPARE(
            SyntheticCheckpoint::parameterCount(c),
            mamba1Parameters(e.dModel, e.layers, 2 * e.dModel, 16, 4, (e.dModel + 15) / 16, 50280));
    }
    for (const QString &name : SyntheticCheckpoint::knownShapes()) {
        const ModelConfig c = SyntheticCheckpoint::configLike(name);
        const ModelConfig back = ModelConfig::fromJson(c.toHfJson(), name);
        QCOMPARE(back.architecture, c.architecture);
        QCOMPARE(back.dModel, c.dModel);
        QCOMPARE(back.nLayer, c.nLayer);
        QCOMPARE(back.dInner, c.dInner);
        QCOMPARE(back.dState, c.dState);
        QCOMPARE(back.dtRank, c.dtRank);
        QCOMPARE(back.nHeads, c.nHeads);
        QCOMPARE(back.paddedVocabSize(), c.paddedVocabSize());
    }
}

void SynthTest::falconMamba7bShapes()
{
    // tiiuae/falcon-mamba-7b: 7.27 billion parameters, about 27 GiB as fp32.
    const ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("falcon-mamba-7b"));
    QVERIFY(c.dtBcRms);
    QCOMPARE(c.modelType, QStringLiteral("falcon_mamba"));
    QVERIFY(!c.tieEmbeddings);
    const int64_t untiedHead = int64_t(65024) * 4096;
    QCOMPARE(SyntheticCheckpoint::parameterCount(c),
             mamba1Parameters(4096, 64, 8192, 16, 4, 256, 65024) + untiedHead);
    QCOMPARE(SyntheticCheckpoint::parameterCount(c), int64_t(7272665088));
    const ModelConfig back = ModelConfig::fromJson(c.toHfJson(), QStringLiteral("falcon"));
    QVERIFY(back.dtBcRms);
    QCOMPARE(back.mixerRmsEps, 1e-6);
}

void SynthTest::unknownShapeIsAnError()
{
    QVERIFY_THROWS_EXCEPTION(Error, SyntheticCheckpoint::configLike(QStringLiteral("mamba-7b")));
}

void SynthTest::tinyCheckpointLoadsAndRuns()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ModelConfig c = tinyConfig();
    SyntheticCheckpoint::write(c, dir.path(), 5, StorageType::F32, QStringLiteral("tiny"));
    const auto model = MambaModel::load(dir.path());
    QCOMPARE(model->parameterCount(), SyntheticCheckpoint::parameterCount(c));
    QCOMPARE(model->parameterCount(), mamba1Parameters(64, 2, 128, 16, 4, 4, 512));
    QVERIFY(model->lmHeadTied());
    QVERIFY(!model->tokenizerPath().isEmpty());

    // Every tensor the HF layout has, with its shape, and nothing else.
    const Checkpoint ckpt(dir.path());
    QStringList expectedNames;
    for (const auto &t : SyntheticCheckpoint::tensorShapes(c)) {
        expectedNames << t.name;
        QCOMPARE(ckpt.tensor(t.name).shape, t.shape);
    }
    expectedNames.sort();
    QCOMPARE(ckpt.tensorNames(), expectedNames);

    // The Mamba initialisation where the scan depends on it.
    const MambaLayerWeights &w = model->layers()[1];
    for (int e = 0; e < c.dInner; ++e) {
        for (int n = 0; n < c.dState; ++n)
            QCOMPARE(w.aLog.data[e * c.dState + n], std::log(float(n + 1)));
        const double dt = std::log1p(std::exp(double(w.dtProjBias.data[e])));
        QVERIFY2(dt > 0.99e-3 && dt < 0.101, qPrintable(QString::number(dt)));
    }

    // A forward pass: finite, and about log(V) for weights that predict nothing.
    ForwardPass forward(model);
    RecurrentState state(model->config());
    const std::vector<int32_t> ids{0, 17, 300, 5, 511, 42, 7, 99};
    ForwardPass::Hidden hidden;
    forward.embed(ids, hidden);
    forward.runLayers(hidden, state);
    std::vector<float> nll(ids.size() - 1);
    forward.scoreNextTokens(hidden, std::span(ids).subspan(1), nll.data());
    for (float v : nll) {
        QVERIFY(std::isfinite(v));
        QVERIFY2(std::abs(v - std::log(512.0f)) < 2.0f, qPrintable(QString::number(v)));
    }
}

void SynthTest::mamba130mWidthsLoad()
{
    // mamba-130m's exact widths and vocabulary with one layer, stored bf16 (77 MB on disk).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("mamba-130m"));
    c.nLayer = 1;
    SyntheticCheckpoint::write(c, dir.path(), 1, StorageType::BF16, QStringLiteral("mamba-130m"));
    const auto model = MambaModel::load(dir.path());
    QCOMPARE(model->parameterCount(), mamba1Parameters(768, 1, 1536, 16, 4, 48, 50280));
    QCOMPARE(model->logitCount(), 50280);
    QCOMPARE(model->storageType(), StorageType::BF16);
    const QJsonObject json = QJsonDocument::fromJson([&] {
                                 QFile f(dir.filePath(QStringLiteral("config.json")));
                                 return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
                             }())
                                 .object();
    QCOMPARE(json.value(QStringLiteral("torch_dtype")).toString(), QStringLiteral("bfloat16"));
    QVERIFY(json.contains(QStringLiteral("mambascope_synthetic")));

    ForwardPass forward(model);
    RecurrentState state(model->config());
    const std::vector<int32_t> ids{0, 510, 50000, 1234};
    ForwardPass::Hidden hidden;
    forward.embed(ids, hidden);
    forward.runLayers(hidden, state);
    std::vector<float> nll(ids.size() - 1);
    forward.scoreNextTokens(hidden, std::span(ids).subspan(1), nll.data());
    for (float v : nll)
        QVERIFY2(std::isfinite(v) && std::abs(v - std::log(50280.0f)) < 2.0f,
                 qPrintable(QString::number(v)));
}

void SynthTest::sameSeedSameBytes()
{
    QTemporaryDir a, b, other;
    const ModelConfig c = tinyConfig();
    SyntheticCheckpoint::write(c, a.path(), 9);
    SyntheticCheckpoint::write(c, b.path(), 9);
    SyntheticCheckpoint::write(c, other.path(), 10);
    const QString file = QStringLiteral("/model.safetensors");
    QCOMPARE(sha256(a.path() + file), sha256(b.path() + file));
    QVERIFY(sha256(a.path() + file) != sha256(other.path() + file));
}

void SynthTest::threadCountsAgree()
{
    // The forward pass splits work differently with 1, 2 or 3 threads, and runs single-threaded
    // inside another parallel region (two ForwardPass objects at once): same numbers every time.
    QTemporaryDir dir;
    SyntheticCheckpoint::write(tinyConfig(), dir.path(), 3);
    const auto model = MambaModel::load(dir.path());
    std::vector<int32_t> ids(200);
    for (size_t i = 0; i < ids.size(); ++i)
        ids[i] = int32_t((i * 37 + 11) % 512);
    auto score = [&](int chunk) {
        ForwardPass forward(model);
        RecurrentState state(model->config());
        ForwardPass::Hidden hidden;
        std::vector<float> nll(ids.size() - 1);
        for (size_t t0 = 0; t0 + 1 < ids.size(); t0 += size_t(chunk)) {
            const size_t n = std::min(size_t(chunk), ids.size() - 1 - t0);
            forward.embed(std::span(ids).subspan(t0, n), hidden);
            forward.runLayers(hidden, state);
            forward.scoreNextTokens(hidden, std::span(ids).subspan(t0 + 1, n), nll.data() + t0);
        }
        return nll;
    };
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const std::vector<float> reference = score(199);
    std::vector<std::vector<float>> runs;
    for (int threads : {2, 3}) {
        omp_set_num_threads(threads);
        runs.push_back(score(199));
        runs.push_back(score(64));
    }
    omp_set_num_threads(2);
    std::vector<float> nested[2];
#pragma omp parallel num_threads(2)
    nested[omp_get_thread_num()] = score(100);
    runs.push_back(nested[0]);
    runs.push_back(nested[1]);
    omp_set_num_threads(saved);
    for (const auto &run : runs) {
        QCOMPARE(run.size(), reference.size());
        for (size_t t = 0; t < run.size(); ++t)
            QVERIFY2(std::abs(run[t] - reference[t]) < 1e-5, qPrintable(QString::number(t)));
    }
}

void SynthTest::mamba2CheckpointLoads()
{
    QTemporaryDir dir;
    ModelConfig c = SyntheticCheckpoint::configLike(QStringLiteral("mamba2-130m"));
    QCOMPARE(c.dState, 128);
    QCOMPARE(c.nHeads, 24);
    c.nLayer = 1;
    c.vocabSize = 256;
    SyntheticCheckpoint::write(c, dir.path(), 0);
    const Checkpoint ckpt(dir.path());
    QCOMPARE(ckpt.tensor(QStringLiteral("backbone.layers.0.mixer.in_proj.weight")).shape,
             (std::vector<int64_t>{2 * 1536 + 2 * 128 + 24, 768}));
    QCOMPARE(ckpt.tensor(QStringLiteral("backbone.layers.0.mixer.conv1d.weight")).shape,
             (std::vector<int64_t>{1536 + 2 * 128, 1, 4}));
    QCOMPARE(ckpt.tensor(QStringLiteral("backbone.layers.0.mixer.A_log")).shape,
             (std::vector<int64_t>{24}));
    QCOMPARE(ckpt.tensor(QStringLiteral("backbone.layers.0.mixer.norm.weight")).shape,
             (std::vector<int64_t>{1536}));
    const ModelConfig back = ModelConfig::fromJsonFile(dir.filePath(QStringLiteral("config.json")));
    QCOMPARE(back.architecture, Architecture::Mamba2);
    // It loads with the public model's shapes (tst_mamba2 runs it).
    const auto model = MambaModel::load(dir.path());
    QCOMPARE(model->parameterCount(), SyntheticCheckpoint::parameterCount(c));
    QCOMPARE(model->decayChannels(), 24);
}

QTEST_GUILESS_MAIN(SynthTest)
#include "tst_synth.moc"
