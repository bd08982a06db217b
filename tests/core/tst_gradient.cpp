// SPDX-License-Identifier: GPL-3.0-or-later
// The reverse-mode gradient of the NLL with respect to modulation factors (core/gradient), checked
// three ways: against PyTorch autograd in float64 (tests/data/gradients, made by
// tools/reference/gradient_reference.py), against central finite differences of a float64
// forward pass, and by the factors that cannot affect the scored positions.
#include "DoubleForward.h"
#include "TestJson.h"
#include "TestMain.h"
#include "gradient/ModulationFactors.h"
#include "gradient/ModulationGradient.h"
#include "io/Checkpoint.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/Modulation.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

using namespace mscope;

namespace {

void flatten(const QJsonValue &v, std::vector<double> &out)
{
    if (v.isArray()) {
        for (const QJsonValue &x : v.toArray())
            flatten(x, out);
    } else {
        out.push_back(v.toDouble());
    }
}

QString modelDirOf(const QString &file)
{
    if (file.startsWith(QLatin1String("demo")))
        return QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
    return QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/") + QString(file).remove(".json");
}

// The reference files, read once (demo.json is 2 MB).
const QJsonObject &reference(const QString &file)
{
    static std::map<QString, QJsonObject> cache;
    auto it = cache.find(file);
    if (it == cache.end())
        it = cache
                 .emplace(file, testjson::readJson(
                                    QStringLiteral(MAMBASCOPE_TEST_DATA "/gradients/") + file))
                 .first;
    return it->second;
}

std::shared_ptr<const MambaModel> modelFor(const QString &file)
{
    static std::map<QString, std::shared_ptr<const MambaModel>> cache;
    const QString dir = modelDirOf(file);
    auto it = cache.find(dir);
    if (it == cache.end())
        it = cache.emplace(dir, MambaModel::load(dir)).first;
    return it->second;
}

ScoredWindow meanNllWindow(const std::vector<int32_t> &ids)
{
    ScoredWindow w;
    w.ids = ids;
    w.weights.assign(ids.size() - 1, 1.0 / double(ids.size() - 1));
    return w;
}

const QString kCheckpoints = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints");

std::vector<int32_t> checkpointIds(const QString &name, size_t count)
{
    std::vector<int32_t> ids =
        testjson::tokenIds(testjson::readJson(kCheckpoints + QLatin1Char('/') + name +
                                              QStringLiteral("/reference.json"))
                               .value("token_ids")
                               .toArray());
    ids.resize(std::min(ids.size(), count));
    return ids;
}

// Δ of every layer and position of a model on `ids`, sorted.
std::vector<float> sortedDeltas(std::shared_ptr<const MambaModel> model,
                                const std::vector<int32_t> &ids)
{
    std::vector<float> all;
    ForwardPass forward(model);
    forward.setDeltaObserver([&](int, const float *delta, int tokens, int channels) {
        all.insert(all.end(), delta, delta + int64_t(tokens) * channels);
    });
    RecurrentState state(model->config());
    ForwardPass::Hidden hidden;
    forward.embed(ids, hidden);
    forward.runLayers(hidden, state);
    std::sort(all.begin(), all.end());
    return all;
}

// m2_groups2_untied in the original layout (mamba_ssm's gated norm: per group, here before the
// gate) with a time-step limit that binds for about a third of the Δ at each end.
void writeClampedPerGroupMamba2(const QString &dir)
{
    const QString src = kCheckpoints + QStringLiteral("/m2_groups2_untied");
    const std::vector<float> deltas = sortedDeltas(
        MambaModel::load(src), checkpointIds(QStringLiteral("m2_groups2_untied"), 120));
    const double low = deltas[deltas.size() / 3], high = deltas[deltas.size() * 2 / 3];
    const QJsonObject hf = testjson::readJson(src + QStringLiteral("/config.json"));
    const QJsonObject config{
        {QStringLiteral("d_model"), hf[QStringLiteral("hidden_size")]},
        {QStringLiteral("n_layer"), hf[QStringLiteral("num_hidden_layers")]},
        {QStringLiteral("vocab_size"), hf[QStringLiteral("vocab_size")]},
        {QStringLiteral("pad_vocab_size_multiple"), 1},
        {QStringLiteral("tie_embeddings"), false},
        {QStringLiteral("ssm_cfg"),
         QJsonObject{{QStringLiteral("layer"), QStringLiteral("Mamba2")},
                     {QStringLiteral("d_state"), hf[QStringLiteral("state_size")]},
                     {QStringLiteral("d_conv"), hf[QStringLiteral("conv_kernel")]},
                     {QStringLiteral("expand"), hf[QStringLiteral("expand")]},
                     {QStringLiteral("headdim"), hf[QStringLiteral("head_dim")]},
                     {QStringLiteral("ngroups"), hf[QStringLiteral("n_groups")]},
                     {QStringLiteral("chunk_size"), hf[QStringLiteral("chunk_size")]},
                     {QStringLiteral("norm_before_gate"), true},
                     {QStringLiteral("dt_limit"), QJsonArray{low, high}}}}};
    QFile out(dir + QStringLiteral("/config.json"));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(config).toJson());
    out.close();
    QVERIFY(QFile::copy(src + QStringLiteral("/model.safetensors"),
                        dir + QStringLiteral("/model.safetensors")));
}

// A point away from 1 that differs between factors, so that per-channel mistakes show.
FactorTensor nonTrivialPoint(FactorTensor t, double base)
{
    for (size_t i = 0; i < t.values.size(); ++i)
        t.values[i] = base * (1.0 + 0.1 * std::sin(double(i) * 1.7));
    return t;
}

}  // namespace

class GradientTest : public QObject
{
    Q_OBJECT

private slots:
    void pytorchReference_data();
    void pytorchReference();
    void finiteDifferences_data();
    void finiteDifferences();
    void zeroWhereNothingIsScoredAfter();
    void keptChunksChangeNothing_data();
    void keptChunksChangeNothing();
};

void GradientTest::pytorchReference_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("index");
    for (const char *file : {"demo.json", "demo_locality_T2.json", "m1_untied_bias_bf16.json",
                             "m2_groups2_untied.json"}) {
        const QJsonObject &ref = reference(QString::fromLatin1(file));
        const QJsonArray cases = ref.value("cases").toArray();
        for (int i = 0; i < cases.size(); ++i) {
            const QJsonObject c = cases[i].toObject();
            QTest::addRow("%s %s %s %g", file, qPrintable(c.value("family").toString()),
                          qPrintable(c.value("granularity").toString()),
                          c.value("point").toDouble())
                << QString::fromLatin1(file) << i;
        }
    }
}

void GradientTest::pytorchReference()
{
    QFETCH(QString, file);
    QFETCH(int, index);
    const QJsonObject &ref = reference(file);
    const QJsonObject c = ref.value("cases").toArray()[index].toObject();
    const auto model = modelFor(file);
    const std::vector<int32_t> ids = testjson::tokenIds(ref.value("ids").toArray());
    const auto family = modulationFamilyFromName(c.value("family").toString());
    const auto granularity = factorGranularityFromName(c.value("granularity").toString());
    QVERIFY(family && granularity);
    const ModulationFactors at(*model, ModulationSet{}, *family, *granularity);
    FactorTensor theta = at.values();
    std::fill(theta.values.begin(), theta.values.end(), c.value("point").toDouble());
    ModulationGradient gradient(model);
    // The LM head's logits kept from the forward (the default), then made again.
    for (const bool kept : {true, false}) {
        if (!kept)
            gradient.setKeptLogitLimit(0);
        const GradientResult r = gradient.evaluate(at, theta, {meanNllWindow(ids)}, nullptr);

        std::vector<double> expected;
        flatten(c.value("gradient"), expected);
        QCOMPARE(r.gradient.size(), int64_t(expected.size()));
        double maxRef = 0.0;
        for (double v : expected)
            maxRef = std::max(maxRef, std::abs(v));
        double worstNorm = 0.0, worstRel = 0.0;
        for (size_t i = 0; i < expected.size(); ++i) {
            const double err = std::abs(r.gradient.values[i] - expected[i]);
            worstNorm = std::max(worstNorm, maxRef > 0.0 ? err / maxRef : err);
            if (std::abs(expected[i]) >= 1e-3 * maxRef)
                worstRel = std::max(worstRel, err / std::abs(expected[i]));
        }
        qInfo(
            "logits %s: J %.9f (ref %.9f), |g - ref| <= %.2e max|ref|, entries >= 1e-3 max: "
            "%.2e relative",
            kept ? "kept" : "made again", r.objective, c.value("objective").toDouble(), worstNorm,
            worstRel);
        QVERIFY(std::abs(r.objective - c.value("objective").toDouble()) < 2e-5);
        // Not elementwise 1e-4: an fp32 forward moves entries far below the largest by ~1e-4 of
        // their own size (the float32 autograd gradient of the reference differs from its float64
        // one by up to 1.4e-4 on entries >= 1e-3 of the max, tests/data/gradients/README.md), so
        // the bound is 1e-4 of the case's largest entry plus 1e-4 of the entry. Where the reference
        // is exactly 0 (A cannot reach a scored position), so must the gradient be.
        for (size_t i = 0; i < expected.size(); ++i) {
            const double err = std::abs(r.gradient.values[i] - expected[i]);
            if (err > 1e-4 * maxRef + 1e-4 * std::abs(expected[i]))
                QFAIL(qPrintable(QStringLiteral("entry %1: %2, reference %3")
                                     .arg(i)
                                     .arg(r.gradient.values[i], 0, 'g', 9)
                                     .arg(expected[i], 0, 'g', 9)));
        }
    }
}

void GradientTest::finiteDifferences_data()
{
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("granularity");
    const QStringList checkpoints{
        QStringLiteral("m1_untied_bias_bf16"), QStringLiteral("m1_f16_noconvbias"),
        QStringLiteral("falcon_mamba_small"), QStringLiteral("m2_groups2_untied"),
        QStringLiteral("m2 per group, before the gate, clamped Δ")};
    for (const QString &ck : checkpoints) {
        const bool mamba2 = ck.startsWith(QLatin1String("m2"));
        for (const char *family : {"power", "linear", "delta"}) {
            for (const char *granularity : {"layer", "channel", "state"}) {
                if (QLatin1String(granularity) == QLatin1String("state") &&
                    (mamba2 || QLatin1String(family) == QLatin1String("delta")))
                    continue;
                QTest::addRow("%s %s %s", qPrintable(ck), family, granularity)
                    << ck << QString::fromLatin1(family) << QString::fromLatin1(granularity);
            }
        }
    }
}

void GradientTest::finiteDifferences()
{
    // Central differences of a float64 forward pass (DoubleForward) against the engine's
    // gradient, over several chunks (the carried state and conv gradients), at a point where
    // every factor differs. Five-point stencil, h = 1e-3·θ_i: truncation O(h⁴) and round-off
    // ~1e-16/h, both far below the tolerance. Entries checked: every layer factor, else the
    // largest and 6 random ones among those >= 1e-2 of the largest (an fp32 engine cannot give
    // 1e-3 relative on entries 1e6 times smaller than the largest, see pytorchReference).
    QFETCH(QString, checkpoint);
    QFETCH(QString, family);
    QFETCH(QString, granularity);
    QTemporaryDir dir;
    QString path = kCheckpoints + QLatin1Char('/') + checkpoint;
    std::vector<int32_t> ids;
    if (checkpoint.contains(QLatin1Char(' '))) {
        writeClampedPerGroupMamba2(dir.path());
        path = dir.path();
        ids = checkpointIds(QStringLiteral("m2_groups2_untied"), 120);
    } else {
        ids = checkpointIds(checkpoint, 120);
    }
    const auto model = MambaModel::load(path);
    if (path == dir.path()) {
        QCOMPARE(model->normGroupSize(), model->config().dInner / 2);
        QVERIFY(model->normBeforeGate());
        QVERIFY(model->config().timeStepMin > 0.0);
    }
    const auto fam = *modulationFamilyFromName(family);
    const ModulationFactors at(*model, ModulationSet{}, fam,
                               *factorGranularityFromName(granularity));
    const FactorTensor theta =
        nonTrivialPoint(at.values(), fam == ModulationFamily::Power    ? 0.7
                                     : fam == ModulationFamily::Linear ? 2.0
                                                                       : 1.3);
    // Chunks of 48 (Mamba-1) or 64 tokens (Mamba-2: one chunk in the SSD form, one recurrent).
    ModulationGradient engine(model,
                              model->config().architecture == Architecture::Mamba2 ? 64 : 48);
    const GradientResult r = engine.evaluate(at, theta, {meanNllWindow(ids)}, nullptr);

    const test::DoubleForward reference(*model);
    const auto objective = [&](const FactorTensor &t) {
        return reference.meanNll(ids, at.modulation(t).decayParameters(*model));
    };
    QVERIFY(std::abs(objective(theta) - r.objective) < 1e-5);

    const double gMax = r.gradient.maxAbs();
    QVERIFY(gMax > 0.0);
    std::vector<size_t> entries;
    if (r.gradient.granularity == FactorGranularity::Layer) {
        for (size_t i = 0; i < r.gradient.values.size(); ++i)
            entries.push_back(i);
    } else {
        std::vector<size_t> large;
        size_t biggest = 0;
        for (size_t i = 0; i < r.gradient.values.size(); ++i) {
            if (std::abs(r.gradient.values[i]) >= 1e-2 * gMax)
                large.push_back(i);
            if (std::abs(r.gradient.values[i]) > std::abs(r.gradient.values[biggest]))
                biggest = i;
        }
        entries.push_back(biggest);
        std::mt19937 rng(5);
        std::shuffle(large.begin(), large.end(), rng);
        for (size_t i = 0; i < large.size() && entries.size() < 7; ++i)
            if (large[i] != biggest)
                entries.push_back(large[i]);
    }
    double worst = 0.0;
    for (size_t i : entries) {
        const double h = 1e-3 * theta.values[i];
        double f[5];
        for (int k = -2; k <= 2; ++k) {
            FactorTensor t = theta;
            t.values[i] += k * h;
            f[k + 2] = k == 0 ? 0.0 : objective(t);
        }
        const double fd = (f[0] - 8.0 * f[1] + 8.0 * f[3] - f[4]) / (12.0 * h);
        const double rel = std::abs(r.gradient.values[i] - fd) / std::abs(fd);
        worst = std::max(worst, rel);
        if (rel > 1e-3)
            QFAIL(qPrintable(QStringLiteral("entry %1: engine %2, finite difference %3")
                                 .arg(i)
                                 .arg(r.gradient.values[i], 0, 'g', 9)
                                 .arg(fd, 0, 'g', 9)));
    }
    qInfo("%zu entries, worst relative error %.2e", entries.size(), worst);
}

void GradientTest::zeroWhereNothingIsScoredAfter()
{
    // Only the first position scored (the NLL of ids[1] given ids[0]) in a window of 100 tokens
    // cut into chunks of 32: A multiplies the zero initial state at t = 0 and nothing later is
    // scored, so every power and linear entry is exactly 0, whatever the later chunks hold.
    // Δ still scales the input term Δ·B·x at t = 0, so delta is not 0.
    const auto model = modelFor(QStringLiteral("demo.json"));
    ScoredWindow w;
    w.ids = testjson::tokenIds(reference(QStringLiteral("demo.json")).value("ids").toArray());
    w.ids.resize(100);
    w.weights.assign(99, 0.0);
    w.weights[0] = 1.0;
    ModulationGradient engine(model, 32);
    for (const auto family :
         {ModulationFamily::Power, ModulationFamily::Linear, ModulationFamily::Delta}) {
        const auto granularity = family == ModulationFamily::Delta ? FactorGranularity::Channel
                                                                   : FactorGranularity::State;
        const ModulationFactors at(*model, ModulationSet{}, family, granularity);
        const GradientResult r =
            engine.evaluate(at, nonTrivialPoint(at.values(), 0.8), {w}, nullptr);
        if (family == ModulationFamily::Delta) {
            QVERIFY(r.gradient.maxAbs() > 1e-4);
        } else {
            QCOMPARE(r.gradient.maxAbs(), 0.0);
        }
    }
}

MAMBASCOPE_TEST_MAIN(GradientTest)
void GradientTest::keptChunksChangeNothing_data()
{
    QTest::addColumn<QString>("checkpoint");
    QTest::newRow("mamba-1") << QStringLiteral("m1_untied_bias_bf16");
    QTest::newRow("mamba-2") << QStringLiteral("m2_groups2_untied");
}

void GradientTest::keptChunksChangeNothing()
{
    // Chunks kept from the first forward pass (BackwardPass::setRecordingBudget) hold what the
    // backward would have made again from the same state: none kept, some, and all of them give
    // the same bits. The other tests run with the default budget, which keeps every chunk of
    // their short windows, so this is also what checks the path that runs chunks again.
    QFETCH(QString, checkpoint);
    const auto model = MambaModel::load(kCheckpoints + QLatin1Char('/') + checkpoint);
    const std::vector<int32_t> ids = checkpointIds(checkpoint, 300);
    const ModulationFactors at(*model, ModulationSet{}, ModulationFamily::Power,
                               FactorGranularity::Channel);
    const FactorTensor theta = nonTrivialPoint(at.values(), 0.7);
    const int chunk = model->config().architecture == Architecture::Mamba2 ? 64 : 48;
    const auto run = [&](int64_t budget) {
        ModulationGradient gradient(model, chunk);
        gradient.setRecordingBudget(budget);
        return gradient.evaluate(at, theta, {meanNllWindow(ids)}, nullptr);
    };
    // None kept, all but the last (which is never run twice), then about half: what keeping
    // all took beyond keeping none, halved.
    const GradientResult none = run(0), all = run(int64_t(1) << 40);
    const GradientResult some = run((all.workingBytes - none.workingBytes) / 2);
    qInfo("chunks kept: %lld, %lld, %lld of %lld", qlonglong(none.keptChunks),
          qlonglong(some.keptChunks), qlonglong(all.keptChunks), qlonglong(all.chunks));
    QCOMPARE(none.keptChunks, int64_t(0));
    QCOMPARE(all.keptChunks, all.chunks - 1);
    QVERIFY(some.keptChunks > 0 && some.keptChunks < all.keptChunks);
    QVERIFY(none.workingBytes < all.workingBytes);
    for (const GradientResult *r : {&some, &all}) {
        QCOMPARE(r->objective, none.objective);
        QVERIFY(r->gradient.values == none.gradient.values);
    }
}

#include "tst_gradient.moc"
