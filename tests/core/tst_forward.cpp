// SPDX-License-Identifier: GPL-3.0-or-later
// The Mamba-1 forward pass against HuggingFace transformers outputs (tests/data), and its kernels
// against straightforward reference loops.
#include "TestJson.h"
#include "TestMain.h"
#include "eval/PerplexityEvaluator.h"
#include "kernels/FastExp.h"
#include "kernels/SelectiveScan.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/EngineThreads.h"
#include "support/Error.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <map>
#include <mutex>
#include <random>

using namespace mscope;
using testjson::readJson;
using testjson::tokenIds;

namespace {

struct Scored
{
    std::vector<float> nll;
    std::vector<std::vector<float>> lastLogits;
    RecurrentState state;
};

// Runs `tokens` through the model in chunks of `chunk`, scoring each next token.
Scored run(const std::shared_ptr<const MambaModel> &model, const std::vector<int32_t> &tokens,
           int chunk, int lastLogits)
{
    ForwardPass forward(model);
    Scored s{std::vector<float>(tokens.size(), 0.0f), {}, RecurrentState(model->config())};
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

}  // namespace

class ForwardTest : public QObject
{
    Q_OBJECT

private slots:
    void fastExpMatchesStdExp();
    void demoModelMatchesTransformers_data();
    void demoModelMatchesTransformers();
    void checkpointsMatchTransformers_data();
    void checkpointsMatchTransformers();
    void chunkingDoesNotChangeResults();
    void fixedWindowOfWholeTextEqualsStreaming();
    void tokenOutsideVocabularyIsAnError();
    void activationSinkGetsEveryColumnOnce();
};

void ForwardTest::fastExpMatchesStdExp()
{
    // Relative error bound of the polynomial (FastExp.h): 2e-7 over the range the scan uses.
    double worst = 0.0;
    for (double x = -87.0; x <= 20.0; x += 1e-3) {
        const double exact = std::exp(double(float(x)));
        const double rel = std::abs(double(fastExp(float(x))) - exact) / exact;
        worst = std::max(worst, rel);
    }
    QVERIFY2(worst < 2e-7, qPrintable(QString::number(worst)));
    QCOMPARE(fastExp(0.0f), 1.0f);
    QVERIFY(fastExp(-1000.0f) < 1e-37f);
}

void ForwardTest::demoModelMatchesTransformers_data()
{
    // Both bundled models, each against the transformers run its recipe made.
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QString>("modelDir");
    QTest::addColumn<QString>("logitsKey");
    QTest::newRow("demo-mamba-3.7m")
        << QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json")
        << QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m")
        << QStringLiteral("hf_logits_last8");
    QTest::newRow("demo-retrieval-3.7m")
        << QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-retrieval-3.7m/recipe/reference.json")
        << QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-retrieval-3.7m")
        << QStringLiteral("hf_logits_last2");
}

void ForwardTest::demoModelMatchesTransformers()
{
    QFETCH(QString, reference);
    QFETCH(QString, modelDir);
    QFETCH(QString, logitsKey);
    const QJsonObject ref = readJson(reference);
    const auto model = MambaModel::load(modelDir);
    const QJsonArray refLogits = ref[logitsKey].toArray();
    const int lastRows = int(refLogits.size());
    QVERIFY(lastRows > 0);
    // The reference scores 512 tokens; its last target is `next_token_id`.
    std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());
    const QJsonArray refNll = ref[QStringLiteral("hf_per_position_nll")].toArray();
    const Scored s = run(model, tokens, 128, lastRows);
    QCOMPARE(int(s.nll.size()), refNll.size() - 1);
    // Tolerances from the issue: 2e-4 absolute on NLL and logits (fp32 reduction order differs
    // from PyTorch's; measured here about 1e-5), 1e-4 relative on state norms.
    for (size_t t = 0; t < s.nll.size(); ++t)
        QVERIFY2(std::abs(s.nll[t] - refNll[int(t)].toDouble()) < 2e-4,
                 qPrintable(QString::number(t)));
    QCOMPARE(int(s.lastLogits.size()), lastRows);
    for (int r = 0; r < lastRows; ++r) {
        const QJsonArray row = refLogits[r].toArray();
        QCOMPARE(int(s.lastLogits[size_t(r)].size()), row.size());
        for (int v = 0; v < row.size(); ++v)
            QVERIFY(std::abs(s.lastLogits[size_t(r)][size_t(v)] - row[v].toDouble()) < 2e-4);
    }
    const QJsonArray norms = ref[QStringLiteral("hf_final_ssm_state_norm_per_layer")].toArray();
    QCOMPARE(norms.size(), 6);
    for (int l = 0; l < norms.size(); ++l)
        QVERIFY(std::abs(s.state.ssmNorm(l) / norms[l].toDouble() - 1.0) < 1e-4);
}

void ForwardTest::checkpointsMatchTransformers_data()
{
    QTest::addColumn<QString>("name");
    for (const char *c : {"m1_untied_bias_bf16", "m1_f16_noconvbias", "m1_original_layout",
                          "m1_sharded", "falcon_mamba_small"})
        QTest::newRow(c) << QString::fromLatin1(c);
}

void ForwardTest::checkpointsMatchTransformers()
{
    QFETCH(QString, name);
    const QString dir = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/") + name;
    const QJsonObject ref = readJson(dir + QStringLiteral("/reference.json"));
    const auto model = MambaModel::load(dir);
    const std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());
    const Scored s = run(model, tokens, 64, 4);
    const QJsonArray refNll = ref[QStringLiteral("per_position_nll")].toArray();
    QCOMPARE(int(s.nll.size()), refNll.size());
    double worst = 0.0;
    for (size_t t = 0; t < s.nll.size(); ++t)
        worst = std::max(worst, std::abs(s.nll[t] - refNll[int(t)].toDouble()));
    QVERIFY2(worst < 2e-4, qPrintable(QString::number(worst)));
    const QJsonArray refLogits = ref[QStringLiteral("logits_last")].toArray();
    QCOMPARE(int(s.lastLogits.size()), refLogits.size());
    for (int r = 0; r < refLogits.size(); ++r) {
        const QJsonArray row = refLogits[r].toArray();
        QCOMPARE(int(s.lastLogits[size_t(r)].size()), row.size());
        for (int v = 0; v < row.size(); ++v)
            QVERIFY(std::abs(s.lastLogits[size_t(r)][size_t(v)] - row[v].toDouble()) < 2e-4);
    }
    const QJsonArray ssm = ref[QStringLiteral("final_ssm_state_norm_per_layer")].toArray();
    const QJsonArray conv = ref[QStringLiteral("final_conv_state_norm_per_layer")].toArray();
    QCOMPARE(s.state.layerCount(), ssm.size());
    for (int l = 0; l < ssm.size(); ++l) {
        QVERIFY(std::abs(s.state.ssmNorm(l) / ssm[l].toDouble() - 1.0) < 1e-4);
        QVERIFY(std::abs(s.state.convNorm(l) / conv[l].toDouble() - 1.0) < 1e-4);
    }
}

void ForwardTest::chunkingDoesNotChangeResults()
{
    const QJsonObject ref = readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json"));
    const auto model =
        MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());
    const Scored whole = run(model, tokens, 512, 0);
    for (int chunk : {1, 3, 37, 256}) {
        const Scored chunked = run(model, tokens, chunk, 0);
        // Same arithmetic per token; only BLAS blocking differs with the chunk width.
        for (size_t t = 0; t < whole.nll.size(); ++t)
            QVERIFY2(std::abs(whole.nll[t] - chunked.nll[t]) < 2e-5,
                     qPrintable(QStringLiteral("chunk %1 position %2").arg(chunk).arg(t)));
        for (int l = 0; l < whole.state.layerCount(); ++l)
            QVERIFY(std::abs(whole.state.ssmNorm(l) / chunked.state.ssmNorm(l) - 1.0) < 1e-5);
    }
}

void ForwardTest::fixedWindowOfWholeTextEqualsStreaming()
{
    const QJsonObject ref = readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json"));
    const auto model =
        MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());
    ForwardPass forward(model);
    PerplexityEvaluator evaluator(forward, 100);
    const StreamResult streamed = evaluator.stream(tokens);
    const FixedWindowResult fixed = evaluator.fixedWindows({tokens}, int(tokens.size()));
    QCOMPARE(fixed.windows, int64_t(1));
    QCOMPARE(int64_t(streamed.nll.size()), fixed.tokensScored);
    QVERIFY(std::abs(streamed.meanNll() - fixed.meanNll()) <
            1e-6);  // same NLLs, summed in another order
    // And two half windows differ from one long one: a fresh state per window.
    const FixedWindowResult halves = evaluator.fixedWindows({tokens}, int(tokens.size()) / 2);
    QCOMPARE(halves.windows, int64_t(2));
    QVERIFY(std::abs(halves.meanNll() - fixed.meanNll()) > 1e-3);
    // The reference total NLL over 511 scored positions (the 512th target lies outside).
    const QJsonArray refNll = ref[QStringLiteral("hf_per_position_nll")].toArray();
    double sum = 0.0;
    for (int t = 0; t + 1 < refNll.size(); ++t)
        sum += refNll[t].toDouble();
    QVERIFY(std::abs(fixed.nllSum - sum) < 511 * 2e-5);
}

void ForwardTest::tokenOutsideVocabularyIsAnError()
{
    const auto model =
        MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    ForwardPass forward(model);
    ForwardPass::Hidden hidden;
    const std::vector<int32_t> bad{1, 2, 4096};
    try {
        forward.embed(bad, hidden);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY(e.message().contains(QStringLiteral("token id 4096 at position 2")));
    }
}

void ForwardTest::activationSinkGetsEveryColumnOnce()
{
    // The sink is called by each of the block's threads with the columns it computed, at the
    // same time (LayerActivationSink): per layer the ranges must cover the chunk once, and the
    // columns handed over must be the ones a single thread computes there (Δ compared: it
    // depends on every product before the scan).
    const QJsonObject ref = readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json"));
    const auto model =
        MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const std::vector<int32_t> tokens = tokenIds(ref[QStringLiteral("token_ids")].toArray());
    const int64_t T = int64_t(tokens.size()), E = model->config().dInner;
    const int layers = int(model->layers().size());
    struct Handed
    {
        std::map<int, std::vector<std::pair<int64_t, int64_t>>> ranges;  // per layer
        std::vector<std::vector<float>> delta;                           // per layer, E × T
    };
    const auto runWith = [&](int threads) {
        EngineThreads::set(threads);
        Handed h;
        h.delta.assign(size_t(layers), std::vector<float>(size_t(E * T), 0.0f));
        std::mutex lock;
        ForwardPass forward(model);
        forward.setActivationSink([&](const LayerActivations &a) {
            // Called on the block's threads: no QTest macro here, the ranges are checked after.
            const bool inside = 0 <= a.first && a.first <= a.end && a.end <= a.tokens &&
                                a.tokens == T && a.deltaRows == E;
            if (inside)
                std::copy(a.delta + a.first * a.deltaRows, a.delta + a.end * a.deltaRows,
                          h.delta[size_t(a.layer)].data() + a.first * E);
            const std::lock_guard<std::mutex> guard(lock);
            h.ranges[a.layer].emplace_back(inside ? a.first : -1, a.end);
        });
        ForwardPass::Hidden hidden;
        RecurrentState state(model->config());
        forward.embed(tokens, hidden);
        forward.runLayers(hidden, state);
        EngineThreads::set(0);
        return h;
    };
    const Handed alone = runWith(1), team = runWith(2);
    for (int l = 0; l < layers; ++l) {
        QCOMPARE(alone.ranges.at(l).size(), size_t(1));
        auto ranges = team.ranges.at(l);
        QCOMPARE(ranges.size(), size_t(2));  // one call per thread
        std::sort(ranges.begin(), ranges.end());
        int64_t next = 0;
        for (const auto &[first, end] : ranges) {
            QCOMPARE(first, next);
            next = end;
        }
        QCOMPARE(next, T);
        for (int64_t i = 0; i < E * T; ++i)
            QVERIFY2(
                std::abs(team.delta[size_t(l)][size_t(i)] - alone.delta[size_t(l)][size_t(i)]) <=
                    1e-5f * (1.0f + std::abs(alone.delta[size_t(l)][size_t(i)])),
                qPrintable(QStringLiteral("layer %1, element %2").arg(l).arg(i)));
    }
}

MAMBASCOPE_TEST_MAIN(ForwardTest)
#include "tst_forward.moc"
