// SPDX-License-Identifier: GPL-3.0-or-later
// Modulations (method.md §4) against their direct formulas, preset serialization and refusal,
// Δ statistics and the spectrum against the demo recipe's numbers, state traces, and baking:
// a baked checkpoint reloads to exactly the NLL of the on-the-fly modulation.
#include "TestJson.h"
#include "TestMain.h"
#include "analysis/DeltaStatistics.h"
#include "analysis/SpectrumAnalysis.h"
#include "eval/StateTrace.h"
#include "io/Checkpoint.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/CheckpointBaker.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace mscope;
using testjson::readJson;

namespace {

// The first layer whose scan parameters differ (the layer count when they are equal).
int firstDifferingLayer(const ScanParameters &a, const ScanParameters &b)
{
    const size_t n = std::min(a.layers.size(), b.layers.size());
    for (size_t l = 0; l < n; ++l)
        if (a.layers[l].negA != b.layers[l].negA ||
            a.layers[l].deltaScale != b.layers[l].deltaScale)
            return int(l);
    return int(n);
}

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
const QString kCheckpoints = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints");

bool close(double a, double b, double rel)
{
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b)) || a == b;
}

// Largest relative difference between the scan's α and the expected α (per layer, per mode).
double worstAlphaError(const ScanParameters &scan,
                       const std::function<double(int layer, int index)> &expectedAlpha)
{
    double worst = 0.0;
    for (size_t l = 0; l < scan.layers.size(); ++l) {
        for (size_t i = 0; i < scan.layers[l].negA.size(); ++i) {
            const double want = expectedAlpha(int(l), int(i));
            const double got = -double(scan.layers[l].negA[i]);
            worst = std::max(worst, std::abs(got - want) / want);
        }
    }
    return worst;
}

double alphaOf(const MambaModel &m, int layer, int index)
{
    return std::exp(double(m.layers()[size_t(layer)].aLog.data[index]));
}

// Per-position NLL of `tokens` in chunks of 512 (so a 700-token run crosses a chunk boundary).
std::vector<float> nllOf(std::shared_ptr<const MambaModel> model,
                         std::shared_ptr<const ScanParameters> scan,
                         const std::vector<int32_t> &tokens)
{
    ForwardPass forward(std::move(model), std::move(scan));
    RecurrentState state(forward.model().config());
    std::vector<float> nll(tokens.size(), 0.0f);
    ForwardPass::Hidden hidden;
    const int64_t n = int64_t(tokens.size());
    for (int64_t t0 = 0; t0 < n; t0 += 512) {
        const int64_t len = std::min<int64_t>(512, n - t0);
        forward.embed(std::span(tokens).subspan(size_t(t0), size_t(len)), hidden);
        forward.runLayers(hidden, state);
        forward.scoreNextTokens(
            hidden, std::span(tokens).subspan(size_t(t0) + 1, size_t(std::min(len, n - 1 - t0))),
            nll.data() + t0);
    }
    nll.resize(size_t(n - 1));
    return nll;
}

std::vector<int32_t> demoTokens(const MambaModel &model, const QString &book, size_t count)
{
    const auto tokenizer = BpeTokenizer::fromFile(model.tokenizerPath());
    const QString path = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/") + book;
    std::vector<int32_t> ids = tokenizer->encodeUtf8(TextFile::readUtf8(path), path);
    if (ids.size() > count)
        ids.resize(count);
    return ids;
}

// Deterministic made-up Δ statistics with the model's shape.
std::shared_ptr<DeltaStatistics> syntheticStats(const MambaModel &model, int window)
{
    auto stats = std::make_shared<DeltaStatistics>();
    stats->windowLength = window;
    stats->tokens = 64 * window;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0.005f, 0.2f);
    stats->meanDelta.resize(size_t(model.config().nLayer));
    for (auto &layer : stats->meanDelta) {
        layer.resize(size_t(model.config().dInner));
        for (float &v : layer)
            v = u(rng);
    }
    return stats;
}

QByteArray tensorBytes(const TensorInfo &t)
{
    return QByteArray(reinterpret_cast<const char *>(t.data), qsizetype(t.byteSize));
}

}  // namespace

class ModulationTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void familyNames();
    void firstModulatedLayerMatchesTheScan();
    void identityLeavesScanUntouched_data();
    void identityLeavesScanUntouched();
    void powerMatchesFormula();
    void powerPerChannel();
    void finerFactorsPerStateAndChannel();
    void finerFactorsVersion2RoundTrip();
    void bakedPerStateReloadsToIdenticalNll();
    void linearMatchesFormula();
    void deltaScalesDeltaAfterSoftplus();
    void winsorizeMatchesFormula();
    void tauCapMatchesFormula();
    void tauCapNeedsStatistics();
    void stepsComposeInOrder();
    void singleStepOnScanEqualsSet();
    void outOfRangeFactorsAreRefused();
    void jsonRoundTrip();
    void shorthand();
    void badShorthandIsRefused_data();
    void badShorthandIsRefused();
    void presetForAnotherModelIsRefused();
    void malformedPresetsAreRefused_data();
    void malformedPresetsAreRefused();
    void deltaStatisticsMatchTheRecipe();
    void spectrumAfterModulation();
    void logSpacedPositions();
    void stateTraceIsExactAtPositions();
    void bakedCheckpointReloadsToIdenticalNll();
    void bakeKeepsStorageTypesAndShards_data();
    void bakeKeepsStorageTypesAndShards();
    void bakeRefusesDelta();
    void bakeRefusesExistingOutput();
    void cancelledBakeLeavesNothing();

private:
    std::shared_ptr<const MambaModel> m_model;
};

void ModulationTest::initTestCase()
{
    m_model = MambaModel::load(kDemo);
}

void ModulationTest::firstModulatedLayerMatchesTheScan()
{
    // What the live curves restart at after the baseline: the first layer whose scan parameters
    // differ from the model as loaded (checked here against the parameters themselves).
    const int layers = m_model->config().nLayer;
    const auto plain = ScanParameters::fromModel(*m_model);
    QCOMPARE(ModulationSet().firstModulatedLayer(layers), layers);
    ModulationSet set;
    Modulation power = Modulation::uniform(ModulationFamily::Power, 1.0, layers);
    power.layerFactors[3] = 0.6;
    set.steps.push_back(power);
    Modulation channels = Modulation::uniform(ModulationFamily::Power, 1.0, layers);
    channels.channelFactors.assign(size_t(layers), {});
    channels.channelFactors[4].assign(size_t(m_model->decayChannels()), 1.0);  // identity rows
    set.steps.push_back(channels);
    QCOMPARE(set.firstModulatedLayer(layers), 3);
    QCOMPARE(firstDifferingLayer(*set.apply(*m_model), *plain), 3);
    set.steps.back().channelFactors[1].assign(size_t(m_model->decayChannels()), 1.0);
    set.steps.back().channelFactors[1][7] = 0.5;
    QCOMPARE(set.firstModulatedLayer(layers), 1);
    QCOMPARE(firstDifferingLayer(*set.apply(*m_model), *plain), 1);
}

void ModulationTest::familyNames()
{
    for (auto f : {ModulationFamily::Power, ModulationFamily::Linear, ModulationFamily::Delta,
                   ModulationFamily::Winsorize, ModulationFamily::TauCap})
        QCOMPARE(modulationFamilyFromName(modulationFamilyName(f)), std::optional(f));
    QCOMPARE(modulationFamilyName(ModulationFamily::TauCap), QStringLiteral("tau-cap"));
    QVERIFY(!modulationFamilyFromName(QStringLiteral("cubic")));
    QCOMPARE(identityFactor(ModulationFamily::Power), 1.0);
    QCOMPARE(identityFactor(ModulationFamily::Winsorize), 0.0);
    QVERIFY(std::isinf(identityFactor(ModulationFamily::TauCap)));
    QVERIFY(isBakeable(ModulationFamily::Power));
    QVERIFY(isBakeable(ModulationFamily::TauCap));
    QVERIFY(!isBakeable(ModulationFamily::Delta));
}

void ModulationTest::identityLeavesScanUntouched_data()
{
    QTest::addColumn<int>("family");
    for (auto f : {ModulationFamily::Power, ModulationFamily::Linear, ModulationFamily::Delta,
                   ModulationFamily::Winsorize, ModulationFamily::TauCap})
        QTest::newRow(qPrintable(modulationFamilyName(f))) << int(f);
}

void ModulationTest::identityLeavesScanUntouched()
{
    QFETCH(int, family);
    const auto f = ModulationFamily(family);
    ModulationSet set;
    set.steps.push_back(Modulation::uniform(f, identityFactor(f), m_model->config().nLayer));
    QVERIFY(set.isIdentity());
    const auto scan = set.apply(*m_model);
    const auto plain = ScanParameters::fromModel(*m_model);
    QCOMPARE(firstDifferingLayer(*scan, *plain), m_model->config().nLayer);
    // Also through the log-domain path, which must not move A by a single ulp.
    QCOMPARE(firstDifferingLayer(*set.decayParameters(*m_model).toScan(), *plain),
             m_model->config().nLayer);
}

void ModulationTest::powerMatchesFormula()
{
    const int layers = m_model->config().nLayer;
    Modulation m;
    m.family = ModulationFamily::Power;
    for (int l = 0; l < layers; ++l)
        m.layerFactors.push_back(0.3 + 0.1 * l);
    ModulationSet set;
    set.steps = {m};
    const auto scan = set.apply(*m_model);
    // α' = α^s.
    const double err = worstAlphaError(*scan, [&](int l, int i) {
        return std::pow(alphaOf(*m_model, l, i), m.layerFactors[size_t(l)]);
    });
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
    // And exactly -exp(float(s·A_log)), what a baked checkpoint gives.
    const float aLog = m_model->layers()[2].aLog.data[17];
    QCOMPARE(scan->layers[2].negA[17], -std::exp(float(0.5 * double(aLog))));
    QVERIFY(scan->layers[0].deltaScale.empty());
}

void ModulationTest::powerPerChannel()
{
    const int layers = m_model->config().nLayer, E = m_model->config().dInner,
              N = m_model->config().dState;
    Modulation m = Modulation::uniform(ModulationFamily::Power, 0.8, layers);
    m.channelFactors.resize(size_t(layers));
    for (int e = 0; e < E; ++e)
        m.channelFactors[1].push_back(0.2 + 0.7 * e / E);
    ModulationSet set;
    set.steps = {m};
    const auto scan = set.apply(*m_model);
    const double err = worstAlphaError(*scan, [&](int l, int i) {
        const double s = l == 1 ? m.channelFactors[1][size_t(i / N)] : 0.8;
        return std::pow(alphaOf(*m_model, l, i), s);
    });
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
}

void ModulationTest::finerFactorsPerStateAndChannel()
{
    // Power and linear per (channel, state) entry, linear and delta per channel (format v2).
    const int layers = m_model->config().nLayer, E = m_model->config().dInner,
              N = m_model->config().dState;
    Modulation power = Modulation::uniform(ModulationFamily::Power, 0.8, layers);
    power.stateFactors.resize(size_t(layers));
    power.stateCount = N;
    for (int i = 0; i < E * N; ++i)
        power.stateFactors[2].push_back(0.3 + 0.6 * double(i % 7) / 6.0);
    Modulation linear = Modulation::uniform(ModulationFamily::Linear, 2.0, layers);
    linear.channelFactors.resize(size_t(layers));
    for (int e = 0; e < E; ++e)
        linear.channelFactors[3].push_back(1.0 + double(e % 5));
    ModulationSet set;
    set.steps = {power, linear};
    const auto scan = set.apply(*m_model);
    const double err = worstAlphaError(*scan, [&](int l, int i) {
        const double s = l == 2 ? power.stateFactors[2][size_t(i)] : 0.8;
        const double k = l == 3 ? linear.channelFactors[3][size_t(i / N)] : 2.0;
        return k * std::pow(alphaOf(*m_model, l, i), s);
    });
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));

    Modulation delta = Modulation::uniform(ModulationFamily::Delta, 1.0, layers);
    delta.channelFactors.resize(size_t(layers));
    delta.channelFactors[0].assign(size_t(E), 1.0);
    delta.channelFactors[0][5] = 0.5;
    ModulationSet d;
    d.steps = {delta};
    const auto dscan = d.apply(*m_model);
    QCOMPARE(dscan->layers[0].deltaScale.size(), size_t(E));
    QCOMPARE(dscan->layers[0].deltaScale[5], 0.5f);
    QCOMPARE(dscan->layers[0].deltaScale[4], 1.0f);
    QVERIFY(dscan->layers[1].deltaScale.empty());

    // Wrong shapes and families without such factors are refused.
    Modulation wrong = power;
    wrong.stateFactors[2].pop_back();
    QVERIFY_THROWS_EXCEPTION(Error, wrong.validate(layers, E, {}, N));
    Modulation deltaStates = delta;
    deltaStates.stateFactors = power.stateFactors;
    QVERIFY_THROWS_EXCEPTION(Error, deltaStates.validate(layers, E, {}, N));
    Modulation capChannels = Modulation::uniform(ModulationFamily::TauCap, 1.0, layers);
    capChannels.channelFactors = linear.channelFactors;
    QVERIFY_THROWS_EXCEPTION(Error, capChannels.validate(layers, E, {}, N));
}

void ModulationTest::finerFactorsVersion2RoundTrip()
{
    const int layers = m_model->config().nLayer, E = m_model->config().dInner,
              N = m_model->config().dState;
    Modulation power = Modulation::uniform(ModulationFamily::Power, 0.5, layers);
    power.stateFactors.resize(size_t(layers));
    power.stateCount = N;
    for (int i = 0; i < E * N; ++i)
        power.stateFactors[1].push_back(0.25 + double(i % 3) * 0.125);
    Modulation delta = Modulation::uniform(ModulationFamily::Delta, 1.0, layers);
    delta.channelFactors.resize(size_t(layers));
    delta.channelFactors[5].assign(size_t(E), 0.75);
    ModulationSet set;
    set.steps = {power, delta};
    const QJsonObject json = set.toJson();
    QCOMPARE(json[QStringLiteral("version")].toInt(), 2);
    // Per layer [[per state] per channel], the shape of A_log.
    const QJsonArray layer1 =
        json[QStringLiteral("steps")][0][QStringLiteral("state_factors")][1].toArray();
    QCOMPARE(layer1.size(), E);
    QCOMPARE(layer1[0].toArray().size(), N);
    const ModulationSet back = ModulationSet::fromJson(json, QStringLiteral("test"));
    QCOMPARE(back.steps, set.steps);
    QCOMPARE(back.toJson(), json);
    back.validateFor(*m_model, {});
    QCOMPARE(back.describe(), QStringLiteral("power per state, delta per channel"));
    // A row of another length is refused when the preset is read.
    QJsonObject broken = json;
    QJsonArray steps = broken[QStringLiteral("steps")].toArray();
    QJsonObject step0 = steps[0].toObject();
    QJsonArray states = step0[QStringLiteral("state_factors")].toArray();
    QJsonArray rows = states[1].toArray();
    rows[3] = QJsonArray{1.0, 1.0};
    states[1] = rows;
    step0[QStringLiteral("state_factors")] = states;
    steps[0] = step0;
    broken[QStringLiteral("steps")] = steps;
    QVERIFY_THROWS_EXCEPTION(Error, ModulationSet::fromJson(broken, QStringLiteral("test")));
}

void ModulationTest::linearMatchesFormula()
{
    ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("linear:8"), m_model->config().nLayer);
    const auto scan = set.apply(*m_model);
    const double err =
        worstAlphaError(*scan, [&](int l, int i) { return 8.0 * alphaOf(*m_model, l, i); });
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
}

void ModulationTest::deltaScalesDeltaAfterSoftplus()
{
    const int layers = m_model->config().nLayer;
    const auto scan =
        ModulationSet::fromShorthand(QStringLiteral("delta:2"), layers).apply(*m_model);
    const auto plain = ScanParameters::fromModel(*m_model);
    for (int l = 0; l < layers; ++l) {
        QCOMPARE(scan->layers[size_t(l)].negA, plain->layers[size_t(l)].negA);
        QCOMPARE(scan->layers[size_t(l)].deltaScale,
                 std::vector<float>(size_t(m_model->config().dInner), 2.0f));
    }
    // The first layer's Δ sees the same input either way: Δ' must be exactly 2Δ.
    const std::vector<int32_t> tokens =
        demoTokens(*m_model, QStringLiteral("val_senseandsensibility.txt"), 64);
    std::vector<float> seen[2];
    for (int variant = 0; variant < 2; ++variant) {
        ForwardPass forward(m_model, variant ? scan : plain);
        forward.setDeltaObserver([&](int layer, const float *d, int t, int e) {
            if (layer == 0)
                seen[variant].assign(d, d + size_t(t) * e);
        });
        RecurrentState state(m_model->config());
        ForwardPass::Hidden hidden;
        forward.embed(tokens, hidden);
        forward.runLayers(hidden, state, 0, 1);
    }
    QCOMPARE(seen[0].size(), seen[1].size());
    for (size_t i = 0; i < seen[0].size(); ++i)
        QCOMPARE(seen[1][i], 2.0f * seen[0][i]);
}

void ModulationTest::winsorizeMatchesFormula()
{
    const double q = 0.05;
    const auto scan =
        ModulationSet::fromShorthand(QStringLiteral("winsorize:0.05"), m_model->config().nLayer)
            .apply(*m_model);
    for (int l = 0; l < m_model->config().nLayer; ++l) {
        const FloatTensor &aLog = m_model->layers()[size_t(l)].aLog;
        std::vector<double> lambda(size_t(aLog.elementCount()));
        for (size_t i = 0; i < lambda.size(); ++i)
            lambda[i] = std::exp(-std::exp(double(aLog.data[i])));
        std::vector<double> sorted = lambda;
        std::sort(sorted.begin(), sorted.end());
        const auto quantile = [&](double p) {  // numpy.quantile, method "linear"
            const double h = (double(sorted.size()) - 1) * p;
            const size_t lo = size_t(h);
            return sorted[lo] + (h - double(lo)) * (sorted[lo + 1] - sorted[lo]);
        };
        const double low = quantile(q), high = quantile(1 - q);
        int clipped = 0;
        for (size_t i = 0; i < lambda.size(); ++i) {
            const double want = -std::log(std::clamp(lambda[i], low, high));
            const double got = -double(scan->layers[size_t(l)].negA[i]);
            QVERIFY2(
                close(got, want, 1e-6),
                qPrintable(
                    QStringLiteral("layer %1 mode %2: %3 vs %4").arg(l).arg(i).arg(got).arg(want)));
            clipped += lambda[i] < low || lambda[i] > high;
        }
        // About q of the modes on each side are moved.
        QVERIFY(std::abs(double(clipped) / double(lambda.size()) - 2 * q) < 0.01);
    }
}

void ModulationTest::tauCapMatchesFormula()
{
    const int layers = m_model->config().nLayer, N = m_model->config().dState;
    ModulationSet set = ModulationSet::fromShorthand(QStringLiteral("tau-cap:2"), layers);
    set.deltaStatistics = syntheticStats(*m_model, 256);
    set.trainingLength = 256;
    const auto scan = set.apply(*m_model);
    // The recipe's H2: τ = 1/(|A|·Δ̄), A' = A·max(1, τ/(c·L)).
    const auto expected = [&](int l, int i) {
        const double alpha = alphaOf(*m_model, l, i);
        const double tau = 1.0 / (alpha * set.deltaStatistics->meanDelta[size_t(l)][size_t(i / N)]);
        return alpha * std::max(1.0, tau / (2.0 * 256));
    };
    double err = worstAlphaError(*scan, expected);
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));

    // Without a training length the Δ statistics' window stands in for it.
    set.trainingLength = 0;
    err = worstAlphaError(*set.apply(*m_model), expected);
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));

    // With a delta step before it, τ uses the scaled Δ: 1/(α·Δ̄·s).
    ModulationSet both = ModulationSet::fromShorthand(QStringLiteral("delta:4,tau-cap:2"), layers);
    both.deltaStatistics = set.deltaStatistics;
    err = worstAlphaError(*both.apply(*m_model), [&](int l, int i) {
        const double alpha = alphaOf(*m_model, l, i);
        const double tau =
            1.0 / (alpha * 4.0 * set.deltaStatistics->meanDelta[size_t(l)][size_t(i / N)]);
        return alpha * std::max(1.0, tau / (2.0 * 256));
    });
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
}

void ModulationTest::tauCapNeedsStatistics()
{
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("tau-cap:1"), m_model->config().nLayer);
    QVERIFY_THROWS_EXCEPTION(Error, set.apply(*m_model));
    try {
        set.apply(*m_model);
    } catch (const Error &e) {
        QVERIFY(e.message().contains(QStringLiteral("Δ statistics")));
    }
}

void ModulationTest::stepsComposeInOrder()
{
    const auto scan =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5,linear:2"), m_model->config().nLayer)
            .apply(*m_model);
    const double err = worstAlphaError(
        *scan, [&](int l, int i) { return 2.0 * std::sqrt(alphaOf(*m_model, l, i)); });
    QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
}

void ModulationTest::singleStepOnScanEqualsSet()
{
    const int layers = m_model->config().nLayer;
    const ModulationSet set = ModulationSet::fromShorthand(QStringLiteral("power:0.45"), layers);
    auto scan = ScanParameters::fromModel(*m_model);
    set.steps.front().applyTo(*scan, *m_model, nullptr);
    QCOMPARE(firstDifferingLayer(*scan, *set.apply(*m_model)), layers);
    // A second step on the already modulated parameters: layers it leaves alone stay bit-equal.
    Modulation delta = Modulation::uniform(ModulationFamily::Delta, 1.0, layers);
    delta.layerFactors[3] = 3.0;
    const ScanParameters before = *scan;
    delta.applyTo(*scan, *m_model, nullptr);
    QCOMPARE(firstDifferingLayer(*scan, before), 3);
    for (int l = 0; l < layers; ++l)
        QCOMPARE(scan->layers[size_t(l)].negA, before.layers[size_t(l)].negA);
}

void ModulationTest::outOfRangeFactorsAreRefused()
{
    const int layers = m_model->config().nLayer;
    for (const auto &[family, bad] : std::vector<std::pair<ModulationFamily, double>>{
             {ModulationFamily::Power, -0.1},
             {ModulationFamily::Linear, 0.0},
             {ModulationFamily::Delta, std::numeric_limits<double>::infinity()},
             {ModulationFamily::Winsorize, 0.5},
             {ModulationFamily::TauCap, 0.0},
             {ModulationFamily::Power, std::nan("")}}) {
        ModulationSet set;
        set.steps.push_back(Modulation::uniform(family, bad, layers));
        QVERIFY_THROWS_EXCEPTION(Error, set.apply(*m_model));
    }
    Modulation wrongCount = Modulation::uniform(ModulationFamily::Power, 0.5, layers - 1);
    QVERIFY_THROWS_EXCEPTION(Error, wrongCount.validate(layers, -1, {}));
}

void ModulationTest::jsonRoundTrip()
{
    const int layers = m_model->config().nLayer, E = m_model->config().dInner;
    ModulationSet set;
    Modulation power = Modulation::uniform(ModulationFamily::Power, 0.45, layers);
    power.layerFactors[2] = 0.123456789012345;
    power.channelFactors.resize(size_t(layers));
    power.channelFactors[4].assign(size_t(E), 0.7);
    power.channelFactors[4][9] = 0.25;
    Modulation cap = Modulation::uniform(ModulationFamily::TauCap, 1.0, layers);
    cap.layerFactors[0] = std::numeric_limits<double>::infinity();
    cap.trainingLength = 512;
    set.steps = {power, Modulation::uniform(ModulationFamily::Delta, 1.5, layers), cap,
                 Modulation::uniform(ModulationFamily::Winsorize, 0.01, layers)};
    set.modelFingerprint = m_model->fingerprint();
    set.modelName = QStringLiteral("demo-mamba-3.7m");
    set.targetLength = 16384;
    set.trainingLength = 256;
    set.calibrationTexts = {QStringLiteral("val_senseandsensibility.txt")};
    set.calibrationTextHashes = {QStringLiteral("abc123")};
    set.calibrationScore = 55.5;
    set.calibrationMethod = QStringLiteral("spsa");
    set.deltaStatistics = syntheticStats(*m_model, 256);

    const QJsonObject json = set.toJson();
    QCOMPARE(json[QStringLiteral("format")].toString(), QStringLiteral("mambascope-modulation"));
    QCOMPARE(json[QStringLiteral("version")].toInt(), 1);
    const ModulationSet back = ModulationSet::fromJson(json, QStringLiteral("test"));
    QCOMPARE(back.toJson(), json);
    QCOMPARE(back.steps[0].layerFactors, set.steps[0].layerFactors);
    QCOMPARE(back.steps[0].channelFactors, set.steps[0].channelFactors);
    QVERIFY(std::isinf(back.steps[2].layerFactors[0]));
    QCOMPARE(back.steps[2].trainingLength, 512);
    QCOMPARE(back.deltaStatistics->meanDelta, set.deltaStatistics->meanDelta);
    QCOMPARE(back.calibrationScore, set.calibrationScore);
    QCOMPARE(firstDifferingLayer(*back.apply(*m_model), *set.apply(*m_model)), layers);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("preset.json"));
    set.save(path);
    const ModulationSet loaded = ModulationSet::load(path, m_model.get());
    QCOMPARE(loaded.toJson(), json);
}

void ModulationTest::shorthand()
{
    const ModulationSet one = ModulationSet::fromShorthand(QStringLiteral("power:0.45"), 6);
    QCOMPARE(one.steps.size(), size_t(1));
    QCOMPARE(one.steps[0].family, ModulationFamily::Power);
    QCOMPARE(one.steps[0].layerFactors, std::vector<double>(6, 0.45));
    QCOMPARE(one.describe(), QStringLiteral("power 0.45"));
    const ModulationSet perLayer =
        ModulationSet::fromShorthand(QStringLiteral("linear:1/2/3/4/5/6, tau-cap:inf"), 6);
    QCOMPARE(perLayer.steps.size(), size_t(2));
    QCOMPARE(perLayer.steps[0].layerFactors, (std::vector<double>{1, 2, 3, 4, 5, 6}));
    QVERIFY(perLayer.steps[1].isIdentity());
    QCOMPARE(ModulationSet::fromShorthand(QStringLiteral("TAU-CAP:1"), 6).steps[0].family,
             ModulationFamily::TauCap);
}

void ModulationTest::badShorthandIsRefused_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("no factor") << QStringLiteral("power");
    QTest::newRow("unknown family") << QStringLiteral("cubic:2");
    QTest::newRow("not a number") << QStringLiteral("power:abc");
    QTest::newRow("negative") << QStringLiteral("power:-1");
    QTest::newRow("wrong count") << QStringLiteral("power:0.5/0.6");
    QTest::newRow("winsorize too large") << QStringLiteral("winsorize:0.7");
    QTest::newRow("empty") << QString();
}

void ModulationTest::badShorthandIsRefused()
{
    QFETCH(QString, spec);
    try {
        ModulationSet::fromShorthand(spec, 6);
        QFAIL("accepted");
    } catch (const Error &e) {
        QVERIFY(!e.message().isEmpty());
    }
}

void ModulationTest::presetForAnotherModelIsRefused()
{
    const auto other = MambaModel::load(kCheckpoints + QStringLiteral("/m1_f16_noconvbias"));
    ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5"), m_model->config().nLayer);
    set.modelFingerprint = m_model->fingerprint();
    set.modelName = QStringLiteral("demo-mamba-3.7m");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("demo.json"));
    set.save(path);
    try {
        ModulationSet::load(path, other.get());
        QFAIL("a preset for another model was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.file(), path);
        QVERIFY2(e.problem().contains(QStringLiteral("made for model demo-mamba-3.7m")) &&
                     e.problem().contains(m_model->fingerprint()) &&
                     e.problem().contains(other->fingerprint()),
                 qPrintable(e.message()));
    }
    // Without a fingerprint ("any model"), the layer count still has to fit.
    set.modelFingerprint.clear();
    set.save(path);
    QVERIFY_THROWS_EXCEPTION(Error, ModulationSet::load(path, other.get()));
    QCOMPARE(ModulationSet::load(path, m_model.get()).steps.size(), size_t(1));
}

void ModulationTest::malformedPresetsAreRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    // A version-1 preset with the given steps.
    const auto preset = [](const char *steps) {
        return QByteArray(R"({"format": "mambascope-modulation", "version": 1, "steps": )") +
               steps + '}';
    };
    const char *powerHalf =
        R"([{"family": "power", "layer_factors": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]}])";
    QTest::newRow("not JSON") << QByteArray("{") << QStringLiteral("not valid JSON (");
    QTest::newRow("wrong format") << preset(powerHalf).replace("mambascope-modulation", "other")
                                  << QStringLiteral("not a MambaScope modulation preset");
    QTest::newRow("newer version") << preset(powerHalf).replace("\"version\": 1", "\"version\": 3")
                                   << QStringLiteral("version 3");
    QTest::newRow("no steps") << QByteArray(R"({"format": "mambascope-modulation", "version": 1})")
                              << QStringLiteral("\"steps\"");
    QTest::newRow("unknown family")
        << preset(R"([{"family": "x", "layer_factors": [1]}])") << QStringLiteral("unknown family");
    QTest::newRow("layer counts differ")
        << preset(R"([{"family": "power", "layer_factors": [1, 1]}, )"
                  R"({"family": "linear", "layer_factors": [1]}])")
        << QStringLiteral("wrong layer count");
    QTest::newRow("wrong layer count for the model")
        << preset(R"([{"family": "power", "layer_factors": [1, 1]}])")
        << QStringLiteral("6 layers");
    QTest::newRow("tau-cap without statistics")
        << preset(R"([{"family": "tau-cap", "layer_factors": [1, 1, 1, 1, 1, 1]}])")
        << QStringLiteral("delta_statistics");
    QTest::newRow("factor not a number")
        << preset(R"([{"family": "power", "layer_factors": ["a", 1, 1, 1, 1, 1]}])")
        << QStringLiteral("layer_factors[0]");
}

void ModulationTest::malformedPresetsAreRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    try {
        ModulationSet::load(path, m_model.get());
        QFAIL("accepted");
    } catch (const Error &e) {
        QCOMPARE(e.file(), path);
        QVERIFY2(e.problem().contains(expected), qPrintable(e.message()));
    }
}

void ModulationTest::deltaStatisticsMatchTheRecipe()
{
    // run_eval(): mean Δ per channel over the first 64 windows of 256 tokens of the val book,
    // then per layer: mean Δ, max τ and the share of modes with τ > L_train = 256.
    const auto tokens =
        demoTokens(*m_model, QStringLiteral("val_senseandsensibility.txt"), 64 * 256);
    const DeltaStatistics stats = DeltaStatistics::measure(*m_model, tokens, 256, 64);
    QCOMPARE(stats.tokens, int64_t(64 * 256));
    const QJsonArray ref = readJson(QStringLiteral(
        MAMBASCOPE_TEST_DATA
        "/demo_pytorch_eval.json"))[QStringLiteral("meta")][QStringLiteral("layer_memory_stats")]
                               .toArray();
    const auto spectrum =
        SpectrumAnalysis::compute(*m_model, *ScanParameters::fromModel(*m_model), &stats);
    QCOMPARE(int(spectrum.size()), ref.size());
    for (int l = 0; l < int(spectrum.size()); ++l) {
        const QJsonObject r = ref[l].toObject();
        const SpectrumSummary s = SpectrumAnalysis::summarize(spectrum[size_t(l)], 256, 1024);
        QVERIFY2(close(s.meanDelta, r[QStringLiteral("mean_dt")].toDouble(), 1e-5),
                 qPrintable(QStringLiteral("layer %1: %2").arg(l).arg(s.meanDelta)));
        QVERIFY(close(s.tau.max, r[QStringLiteral("max_tau")].toDouble(), 1e-4));
        QVERIFY(std::abs(s.shareBeyondTraining -
                         r[QStringLiteral("frac_tau_gt_Ltrain")].toDouble()) < 1e-3);
        QVERIFY(s.shareBeyondTarget <= s.shareBeyondTraining);
        QVERIFY(s.channelShareBeyondTraining >= s.shareBeyondTraining);
    }
    // JSON round trip keeps every value.
    const DeltaStatistics back = DeltaStatistics::fromJson(stats.toJson(), QStringLiteral("t"));
    QCOMPARE(back.meanDelta, stats.meanDelta);
    QCOMPARE(back.windowLength, 256);
}

void ModulationTest::spectrumAfterModulation()
{
    const int N = m_model->config().dState;
    auto stats = syntheticStats(*m_model, 256);
    const auto scan =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5,delta:3"), m_model->config().nLayer)
            .apply(*m_model);
    const auto spectrum = SpectrumAnalysis::compute(*m_model, *scan, stats.get());
    for (size_t l = 0; l < spectrum.size(); ++l) {
        const LayerSpectrum &s = spectrum[l];
        for (size_t i = 0; i < s.alpha.size(); i += 37) {
            QCOMPARE(s.alpha[i], -scan->layers[l].negA[i]);
            QVERIFY(close(s.lambda[i], std::exp(-double(s.alpha[i])), 1e-6));
            const double delta = 3.0 * stats->meanDelta[l][i / N];
            QVERIFY(close(s.meanDelta[i / N], delta, 1e-6));
            QVERIFY(close(s.tau[i], 1.0 / (double(s.alpha[i]) * delta), 1e-6));
            QVERIFY(close(s.pole[i], std::exp(-double(s.alpha[i]) * delta), 1e-6));
        }
    }
    const auto noStats = SpectrumAnalysis::compute(*m_model, *scan, nullptr);
    QVERIFY(noStats[0].tau.empty());
    QVERIFY(!SpectrumAnalysis::summarize(noStats[0], 256, 1024).hasTau);
    const SpectrumQuantiles q = SpectrumAnalysis::quantiles({4, 1, 3, 2, 5});
    QCOMPARE(q.min, 1.0);
    QCOMPARE(q.median, 3.0);
    QCOMPARE(q.q25, 2.0);
    QCOMPARE(q.max, 5.0);
}

void ModulationTest::logSpacedPositions()
{
    const auto p = StateTrace::logSpacedPositions(65536, 4);
    QCOMPARE(p.front(), int64_t(1));
    QCOMPARE(p.back(), int64_t(65536));
    QVERIFY(std::is_sorted(p.begin(), p.end()));
    QVERIFY(std::adjacent_find(p.begin(), p.end()) == p.end());
    QVERIFY(std::find(p.begin(), p.end(), 256) != p.end());
    QVERIFY(std::find(p.begin(), p.end(), 4096) != p.end());
    QVERIFY(p.size() > 50 && p.size() < 70);  // 16 octaves × 4, less the duplicates near 1
    QCOMPARE(StateTrace::logSpacedPositions(1), std::vector<int64_t>{1});
    QVERIFY(StateTrace::logSpacedPositions(0).empty());
}

void ModulationTest::stateTraceIsExactAtPositions()
{
    const auto tokens = demoTokens(*m_model, QStringLiteral("test_dracula.txt"), 700);
    const auto scan =
        ModulationSet::fromShorthand(QStringLiteral("power:0.6"), m_model->config().nLayer)
            .apply(*m_model);
    ForwardPass forward(m_model, scan);
    std::vector<StateTracePoint> seen;
    const auto points = StateTrace::run(forward, tokens, {700, 1, 300, 513, 300, 5000}, nullptr,
                                        [&](const StateTracePoint &p) { seen.push_back(p); });
    QCOMPARE(points.size(), size_t(4));  // duplicates and positions past the text dropped
    QCOMPARE(seen.size(), points.size());
    // One token at a time: the state after exactly p tokens, whatever the chunking.
    RecurrentState state(m_model->config());
    ForwardPass single(m_model, scan);
    ForwardPass::Hidden hidden;
    size_t next = 0;
    for (size_t t = 0; t < tokens.size() && next < points.size(); ++t) {
        single.embed(std::span(tokens).subspan(t, 1), hidden);
        single.runLayers(hidden, state);
        if (int64_t(t + 1) == points[next].position) {
            for (int l = 0; l < state.layerCount(); ++l) {
                QVERIFY(close(points[next].maxChannelNorm[size_t(l)], state.ssmChannelNormMax(l),
                              1e-4));
                QVERIFY(close(points[next].meanChannelNorm[size_t(l)], state.ssmChannelNormMean(l),
                              1e-4));
            }
            ++next;
        }
    }
    QCOMPARE(next, points.size());
    const QJsonObject json = StateTrace::toJson(points);
    QCOMPARE(json[QStringLiteral("positions")].toArray().size(), 4);
}

void ModulationTest::bakedCheckpointReloadsToIdenticalNll()
{
    const int layers = m_model->config().nLayer;
    ModulationSet set;
    Modulation power = Modulation::uniform(ModulationFamily::Power, 0.5, layers);
    for (int l = 0; l < layers; ++l)
        power.layerFactors[size_t(l)] = 0.35 + 0.1 * l;
    set.steps = {power, Modulation::uniform(ModulationFamily::Winsorize, 0.01, layers),
                 Modulation::uniform(ModulationFamily::TauCap, 4.0, layers),
                 Modulation::uniform(ModulationFamily::Linear, 1.5, layers)};
    set.deltaStatistics = syntheticStats(*m_model, 256);
    set.trainingLength = 256;
    set.modelFingerprint = m_model->fingerprint();

    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    CheckpointBaker::bake(*m_model, set, out);
    for (const char *f :
         {"config.json", "tokenizer.json", "model.safetensors", "MODULATION.md", "modulation.json"})
        QVERIFY2(QFile::exists(out + QLatin1Char('/') + QLatin1String(f)), f);
    QVERIFY(!QFile::exists(out + QStringLiteral("/recipe")));  // only top-level files copied
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{QStringLiteral("baked")});  // no temporary left behind

    const auto baked = MambaModel::load(out);
    QVERIFY(baked->fingerprint() != m_model->fingerprint());
    QCOMPARE(firstDifferingLayer(*ScanParameters::fromModel(*baked), *set.apply(*m_model)), layers);
    const auto tokens = demoTokens(*m_model, QStringLiteral("test_frankenstein.txt"), 700);
    QCOMPARE(nllOf(baked, nullptr, tokens), nllOf(m_model, set.apply(*m_model), tokens));

    // Every other tensor is a byte-for-byte copy.
    const Checkpoint a(kDemo), b(out);
    QCOMPARE(b.tensorNames(), a.tensorNames());
    for (const QString &name : a.tensorNames()) {
        if (name.endsWith(QStringLiteral("A_log")))
            continue;
        QCOMPARE(b.tensor(name).type, a.tensor(name).type);
        QCOMPARE(tensorBytes(b.tensor(name)), tensorBytes(a.tensor(name)));
    }
    // The preset beside it names the original model, so it is not applied twice.
    QVERIFY_THROWS_EXCEPTION(
        Error, ModulationSet::load(out + QStringLiteral("/modulation.json"), baked.get()));
}

void ModulationTest::bakedPerStateReloadsToIdenticalNll()
{
    // Every bakeable granularity: power per state, linear per channel.
    const int layers = m_model->config().nLayer, E = m_model->config().dInner,
              N = m_model->config().dState;
    Modulation power = Modulation::uniform(ModulationFamily::Power, 0.6, layers);
    power.stateFactors.resize(size_t(layers));
    power.stateCount = N;
    for (int l = 0; l < layers; ++l)
        for (int i = 0; i < E * N; ++i)
            power.stateFactors[size_t(l)].push_back(0.3 + 0.05 * double((i + l) % 11));
    Modulation linear = Modulation::uniform(ModulationFamily::Linear, 1.0, layers);
    linear.channelFactors.resize(size_t(layers));
    linear.channelFactors[4].assign(size_t(E), 3.0);
    ModulationSet set;
    set.steps = {power, linear};
    set.modelFingerprint = m_model->fingerprint();
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    CheckpointBaker::bake(*m_model, set, out);
    const auto baked = MambaModel::load(out);
    QCOMPARE(firstDifferingLayer(*ScanParameters::fromModel(*baked), *set.apply(*m_model)), layers);
    const auto tokens = demoTokens(*m_model, QStringLiteral("test_frankenstein.txt"), 300);
    QCOMPARE(nllOf(baked, nullptr, tokens), nllOf(m_model, set.apply(*m_model), tokens));
    const ModulationSet note = ModulationSet::load(out + QStringLiteral("/modulation.json"));
    QCOMPARE(note.steps, set.steps);
}

void ModulationTest::bakeKeepsStorageTypesAndShards_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("exact");
    QTest::newRow("F16") << QStringLiteral("m1_f16_noconvbias") << false;
    QTest::newRow("BF16, untied") << QStringLiteral("m1_untied_bias_bf16") << false;
    QTest::newRow("sharded F32") << QStringLiteral("m1_sharded") << true;
    QTest::newRow("original layout") << QStringLiteral("m1_original_layout") << true;
}

void ModulationTest::bakeKeepsStorageTypesAndShards()
{
    QFETCH(QString, name);
    QFETCH(bool, exact);
    const QString src = kCheckpoints + QLatin1Char('/') + name;
    const auto model = MambaModel::load(src);
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.6"), model->config().nLayer);
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    CheckpointBaker::bake(*model, set, out);
    const QStringList files =
        QDir(src).entryList({QStringLiteral("*.safetensors"), QStringLiteral("*.index.json"),
                             QStringLiteral("config.json")},
                            QDir::Files, QDir::Name);
    for (const QString &f : files)
        QVERIFY2(QFile::exists(out + QLatin1Char('/') + f), qPrintable(f));
    const Checkpoint a(src), b(out);
    QCOMPARE(b.tensorNames(), a.tensorNames());
    for (const QString &t : a.tensorNames()) {
        QCOMPARE(b.tensor(t).type, a.tensor(t).type);
        QCOMPARE(QFileInfo(b.fileOf(t)).fileName(), QFileInfo(a.fileOf(t)).fileName());
        if (!t.endsWith(QStringLiteral("A_log")))
            QCOMPARE(tensorBytes(b.tensor(t)), tensorBytes(a.tensor(t)));
    }
    const auto baked = MambaModel::load(out);
    const auto tokens = [&] {
        const QJsonArray a =
            readJson(src + QStringLiteral("/reference.json"))[QStringLiteral("token_ids")]
                .toArray();
        std::vector<int32_t> ids;
        for (const QJsonValue &v : a)
            ids.push_back(v.toInt());
        return ids;
    }();
    const auto fromBake = nllOf(baked, nullptr, tokens);
    const auto onTheFly = nllOf(model, set.apply(*model), tokens);
    if (exact) {
        QCOMPARE(fromBake, onTheFly);
    } else {
        // 16-bit storage rounds the new A_log (relative 2^-11 for F16, 2^-8 for BF16).
        for (size_t i = 0; i < fromBake.size(); ++i)
            QVERIFY(std::abs(fromBake[i] - onTheFly[i]) < 0.05f);
        for (int l = 0; l < model->config().nLayer; ++l) {
            const FloatTensor &got = baked->layers()[size_t(l)].aLog;
            const auto want = set.decayParameters(*model).layers[size_t(l)].aLog;
            for (size_t i = 0; i < want.size(); ++i)
                QVERIFY(std::abs(got.data[i] - want[i]) <= 0.008 * std::abs(want[i]) + 1e-6);
        }
    }
}

void ModulationTest::bakeRefusesDelta()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5,delta:2"), m_model->config().nLayer);
    QVERIFY(!set.isBakeable());
    try {
        CheckpointBaker::bake(*m_model, set, out);
        QFAIL("delta was baked");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QStringLiteral("cannot be baked")), qPrintable(e.message()));
    }
    QVERIFY(!QFileInfo::exists(out));
    // An identity delta step changes nothing and does not stand in the way.
    CheckpointBaker::bake(
        *m_model,
        ModulationSet::fromShorthand(QStringLiteral("power:0.5,delta:1"), m_model->config().nLayer),
        out);
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/model.safetensors")));
}

void ModulationTest::bakeRefusesExistingOutput()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("taken"));
    QVERIFY(QDir().mkdir(out));
    QFile marker(out + QStringLiteral("/keep.txt"));
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5"), m_model->config().nLayer);
    QVERIFY_THROWS_EXCEPTION(Error, CheckpointBaker::bake(*m_model, set, out));
    QVERIFY(QFile::exists(out + QStringLiteral("/keep.txt")));
    QVERIFY_THROWS_EXCEPTION(Error, CheckpointBaker::bake(*m_model, set, kDemo));
    // An empty directory may be filled.
    const QString empty = dir.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkdir(empty));
    CheckpointBaker::bake(*m_model, set, empty);
    QVERIFY(QFile::exists(empty + QStringLiteral("/model.safetensors")));
}

void ModulationTest::cancelledBakeLeavesNothing()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    JobControl job;
    job.cancel();
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("linear:2"), m_model->config().nLayer);
    QVERIFY_THROWS_EXCEPTION(Cancelled, CheckpointBaker::bake(*m_model, set, out, &job));
    QVERIFY(QDir(dir.path())
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                .isEmpty());
}

MAMBASCOPE_TEST_MAIN(ModulationTest)
#include "tst_modulation.moc"
