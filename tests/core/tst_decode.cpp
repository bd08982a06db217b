// SPDX-License-Identifier: GPL-3.0-or-later
// Recurrent decoding (method.md §8): the one-token kernels against straightforward loops, and the
// one-token step (ForwardPass::step) against the chunked pass on the same tokens, for Mamba-1 and
// Mamba-2, every modulation family and one or two threads.
#include "TestMain.h"
#include "analysis/DeltaStatistics.h"
#include "kernels/DecodeKernels.h"
#include "kernels/LogitSummary.h"
#include "kernels/PackedMatrix.h"
#include "kernels/PhasedWork.h"
#include "kernels/SelectiveScan.h"
#include "kernels/TeamOrAlone.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "model/StepWeights.h"
#include "model/TokenStep.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"

#include <omp.h>
#include <QTest>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <future>
#include <random>
#include <thread>

using namespace mscope;
using namespace mscope::decodekernels;

namespace {

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");

std::vector<float> randomVector(size_t n, std::mt19937 &rng, float scale = 1.0f)
{
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (float &x : v)
        x = normal(rng);
    return v;
}

// The tasks of the phases before `phase` that have not run exactly once, as `slot` sees them:
// done[p][i] counts the runs of task i of phase p, or of slot i's own task of a phase for every
// thread (of which `slot` may only read its own).
int notDoneOnce(int phase, int slot, const std::vector<int> &counts,
                const std::vector<std::vector<std::atomic<int>>> &done)
{
    int notDone = 0;
    for (int p = 0; p < phase; ++p) {
        if (counts[size_t(p)] == PhasedWork::kEveryThread) {
            notDone += done[size_t(p)][size_t(slot)].load() != 1;
            continue;
        }
        for (const auto &d : done[size_t(p)])
            notDone += d.load() != 1;
    }
    return notDone;
}

// The logits of every position of `tokens` by the chunked pass (chunks of 512).
std::vector<std::vector<float>> chunkedLogits(ForwardPass &forward,
                                              const std::vector<int32_t> &tokens)
{
    RecurrentState state(forward.model().config());
    std::vector<std::vector<float>> all, part;
    ForwardPass::Hidden hidden;
    std::vector<float> unused(512);
    for (size_t t0 = 0; t0 < tokens.size(); t0 += 512) {
        const size_t len = std::min<size_t>(512, tokens.size() - t0);
        forward.embed(std::span(tokens).subspan(t0, len), hidden);
        forward.runLayers(hidden, state);
        forward.scoreNextTokens(hidden, {}, unused.data(), int(len), &part);
        for (auto &row : part)
            all.push_back(std::move(row));
    }
    return all;
}

// Restores the engine's thread count when a test leaves.
struct ThreadCount
{
    int saved = omp_get_max_threads();
    explicit ThreadCount(int n) { omp_set_num_threads(n); }
    ~ThreadCount() { omp_set_num_threads(saved); }
};

}  // namespace

class DecodeTest : public QObject
{
    Q_OBJECT

private slots:
    void matVecMatchesDefinition();
    void packedMatrixMatchesDefinition();
    void packedMatrixColumnBlocksKeepTheirSums();
    void scanStepMatchesChunkScan_data();
    void scanStepMatchesChunkScan();
    void headStepMatchesDefinition();
    void stepEqualsChunkedPass_data();
    void stepEqualsChunkedPass();
    void stepWithoutPackingEqualsChunkedPass();
    void stepWithoutLogitsAdvancesTheSameState();
    void stepIsTheSameOnAnyThreadCount();
    void stepSummarizesItsLogits();
    void stepReusesFirstLayerRowsExactly();
    void phasedWorkRunsEveryTaskInPhaseOrder();
    void phasedWorkReportsEachThreadsRun();
    void phasedWorkClaimedTasksGoToWhoeverIsFree();
    void phasedWorkSharesFollowSpeeds();
    void phasedWorkRunsBackToBack();
    void teamOrAloneStartsOnTheTeamThenProbes();
    void teamOrAloneIsNotSwungByOneSlowRun();
    void teamOrAloneFollowsALastingChange();
    void stepRefusesTokenOutsideVocabulary();
    void stepStateAndScanStartOnCacheLines();
};

void DecodeTest::matVecMatchesDefinition()
{
    std::mt19937 rng(7);
    // Row counts around the 8-row blocks, column counts around the 16-float vectors, and a block
    // of columns of a wider matrix (ldw > cols, an odd offset).
    for (const auto &[rows, cols, ldw, offset] :
         std::vector<std::array<int64_t, 4>>{{1, 1, 1, 0},
                                             {7, 15, 15, 0},
                                             {8, 16, 16, 0},
                                             {17, 33, 40, 3},
                                             {64, 256, 512, 256},
                                             {1030, 48, 48, 0}}) {
        const std::vector<float> W = randomVector(size_t(rows * ldw), rng);
        const std::vector<float> x = randomVector(size_t(cols), rng);
        for (const bool accumulate : {false, true}) {
            std::vector<float> y = randomVector(size_t(rows), rng);
            const std::vector<float> before = y;
            matVec(W.data() + offset, ldw, rows, cols, x.data(), y.data(), accumulate);
            for (int64_t r = 0; r < rows; ++r) {
                double sum = accumulate ? before[size_t(r)] : 0.0;
                for (int64_t k = 0; k < cols; ++k)
                    sum += double(W[size_t(r * ldw + offset + k)]) * x[size_t(k)];
                QVERIFY2(std::abs(y[size_t(r)] - sum) < 1e-5 * (1.0 + std::sqrt(double(cols))),
                         qPrintable(QStringLiteral("rows %1 cols %2 row %3: %4 vs %5")
                                        .arg(rows)
                                        .arg(cols)
                                        .arg(r)
                                        .arg(y[size_t(r)])
                                        .arg(sum)));
            }
        }
    }
}

void DecodeTest::packedMatrixMatchesDefinition()
{
    // Products over the ranges between cuts (widths that are not multiples of 16, one wider than
    // a panel), and over blocks of columns, packed and where the matrix is, against sums in
    // double.
    std::mt19937 rng(11);
    struct Case
    {
        int64_t rows, cols;
        std::vector<int64_t> cuts, columnCuts;
    };
    // The last two cut by columns too (out_proj's shape in the demo model: one panel with
    // AVX-512, eight with AVX2).
    for (const Case &c : std::vector<Case>{{1, 1, {}, {}},
                                           {40, 33, {17, 3}, {}},
                                           {700, 64, {32, 300, 0, 32}, {}},
                                           {96, 256, {64, 32}, {}},
                                           {300, 200, {64, 128}, {150, 50, 100}},
                                           {256, 512, {}, {64, 128, 192, 256, 320, 384, 448}}}) {
        const std::vector<float> W = randomVector(size_t(c.rows * c.cols), rng);
        const std::vector<float> x = randomVector(size_t(c.cols), rng);
        std::vector<int64_t> bounds = c.cuts;
        bounds.insert(bounds.end(), {0, c.rows});
        std::sort(bounds.begin(), bounds.end());
        bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
        for (const bool pack : {true, false}) {
            const PackedMatrix m(W.data(), c.rows, c.cols, c.cuts, pack, c.columnCuts);
            QCOMPARE(m.packed(), pack);
            QCOMPARE(m.packedBytes() > 0, pack);
            auto close = [&](float got, double want, int64_t terms) {
                return std::abs(got - want) < 1e-5 * (1.0 + std::sqrt(double(terms)));
            };
            for (size_t i = 0; i + 1 < bounds.size(); ++i) {
                const int64_t r0 = bounds[i], r1 = bounds[i + 1];
                std::vector<float> y(size_t(r1 - r0), -1.0f);
                m.rowsTimes(r0, r1, x.data(), y.data());
                for (int64_t r = r0; r < r1; ++r) {
                    double sum = 0.0;
                    for (int64_t k = 0; k < c.cols; ++k)
                        sum += double(W[size_t(r * c.cols + k)]) * x[size_t(k)];
                    QVERIFY2(close(y[size_t(r - r0)], sum, c.cols),
                             qPrintable(QStringLiteral("%1x%2 row %3 packed %4")
                                            .arg(c.rows)
                                            .arg(c.cols)
                                            .arg(r)
                                            .arg(pack)));
                }
            }
            const int64_t c0 = c.cols / 3, c1 = c.cols - c.cols / 4;
            std::vector<float> y(size_t(c.rows), -1.0f);
            m.columnsTimes(c0, c1, x.data(), y.data());
            for (int64_t r = 0; r < c.rows; ++r) {
                double sum = 0.0;
                for (int64_t k = c0; k < c1; ++k)
                    sum += double(W[size_t(r * c.cols + k)]) * x[size_t(k)];
                QVERIFY2(close(y[size_t(r)], sum, c1 - c0),
                         qPrintable(QStringLiteral("columns, row %1 packed %2").arg(r).arg(pack)));
            }
        }
    }
}

void DecodeTest::packedMatrixColumnBlocksKeepTheirSums()
{
    // Cut by columns, a matrix lays each column block's rows of every panel side by side; a
    // product over one column block is the same computation as without the cut (the same bits),
    // a product over several is the blocks' products added in column order, and an empty range
    // gives zeros.
    std::mt19937 rng(17);
    const int64_t rows = 300, cols = 192;
    const std::vector<int64_t> rowCuts = {64, 128}, columnCuts = {64, 128};
    const std::vector<float> W = randomVector(size_t(rows * cols), rng);
    const std::vector<float> x = randomVector(size_t(cols), rng);
    const PackedMatrix plain(W.data(), rows, cols, rowCuts, true);
    const PackedMatrix cut(W.data(), rows, cols, rowCuts, true, columnCuts);
    QCOMPARE(cut.packedBytes(), plain.packedBytes());
    const size_t n = static_cast<size_t>(rows);
    std::vector<float> a(n), b(n), sum(n, 0.0f);
    for (int64_t c0 = 0; c0 < cols; c0 += 64) {
        plain.columnsTimes(c0, c0 + 64, x.data(), a.data());
        cut.columnsTimes(c0, c0 + 64, x.data(), b.data());
        QCOMPARE(b, a);
        for (int64_t r = 0; r < rows; ++r)
            sum[size_t(r)] += b[size_t(r)];
    }
    cut.columnsTimes(0, cols, x.data(), b.data());
    QCOMPARE(b, sum);
    cut.rowsTimes(0, rows, x.data(), a.data());
    QCOMPARE(a, sum);
    std::fill(b.begin(), b.end(), 1.0f);
    cut.columnsTimes(70, 70, x.data(), b.data());
    QCOMPARE(b, std::vector<float>(n, 0.0f));
}

void DecodeTest::scanStepMatchesChunkScan_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("stateSize");
    QTest::addColumn<bool>("gate");
    QTest::newRow("E 64 N 16 gated") << 64 << 16 << true;
    // Parts of 13 and 14 channels: the state-size-16 kernel's eights, then single channels.
    QTest::newRow("E 27 N 16") << 27 << 16 << false;
    QTest::newRow("E 37 N 32") << 37 << 32 << false;
    QTest::newRow("E 20 N 8 gated") << 20 << 8 << true;
    QTest::newRow("E 5 N 3") << 5 << 3 << false;
}

void DecodeTest::scanStepMatchesChunkScan()
{
    QFETCH(int, channels);
    QFETCH(int, stateSize);
    QFETCH(bool, gate);
    std::mt19937 rng(11);
    const int E = channels, N = stateSize;
    std::vector<float> delta = randomVector(size_t(E), rng, 0.3f);
    for (float &v : delta)
        v = std::abs(v) + 0.01f;
    const std::vector<float> x = randomVector(size_t(E), rng);
    const std::vector<float> bc = randomVector(size_t(2 * N), rng);
    std::vector<float> negA = randomVector(size_t(E * N), rng);
    for (float &v : negA)
        v = -std::exp(v);
    const std::vector<float> dSkip = randomVector(size_t(E), rng);
    const std::vector<float> z = randomVector(size_t(E), rng);
    const std::vector<float> state = randomVector(size_t(E * N), rng);

    // The chunked kernel with a chunk of one token is the definition here.
    std::vector<float> chunkState = state, chunkY(static_cast<size_t>(E));
    SelectiveScanArgs c;
    c.tokens = 1;
    c.channels = E;
    c.stateSize = N;
    c.delta = delta.data();
    c.x = x.data();
    c.bc = bc.data();
    c.bcStride = 2 * N;
    c.negA = negA.data();
    c.d = dSkip.data();
    c.state = chunkState.data();
    c.y = chunkY.data();
    c.z = gate ? z.data() : nullptr;
    c.zStride = E;
    selectiveScanChannels(c, 0, E);

    std::vector<float> stepState = state, stepY(static_cast<size_t>(E));
    ScanStepArgs a;
    a.stateSize = N;
    a.delta = delta.data();
    a.x = x.data();
    a.b = bc.data();
    a.c = bc.data() + N;
    a.negA = negA.data();
    a.d = dSkip.data();
    a.z = gate ? z.data() : nullptr;
    a.state = stepState.data();
    a.y = stepY.data();
    // In two parts, as two threads would run it.
    selectiveScanStep(a, 0, E / 2);
    selectiveScanStep(a, E / 2, E);
    for (int i = 0; i < E * N; ++i)
        QVERIFY(std::abs(stepState[size_t(i)] - chunkState[size_t(i)]) <
                1e-5f * (1.0f + std::abs(chunkState[size_t(i)])));
    for (int e = 0; e < E; ++e)
        QVERIFY2(std::abs(stepY[size_t(e)] - chunkY[size_t(e)]) <
                     1e-5f * (1.0f + std::abs(chunkY[size_t(e)])),
                 qPrintable(QStringLiteral("channel %1: %2 vs %3")
                                .arg(e)
                                .arg(stepY[size_t(e)])
                                .arg(chunkY[size_t(e)])));
}

void DecodeTest::headStepMatchesDefinition()
{
    std::mt19937 rng(13);
    for (const auto &[P, N] : std::vector<std::pair<int, int>>{{64, 128}, {16, 16}, {5, 8}}) {
        const std::vector<float> x = randomVector(size_t(P), rng);
        const std::vector<float> b = randomVector(size_t(N), rng);
        const std::vector<float> c = randomVector(size_t(N), rng);
        std::vector<float> state = randomVector(size_t(P * N), rng);
        const std::vector<float> before = state;
        std::vector<float> y(static_cast<size_t>(P));
        HeadStepArgs a;
        a.positions = P;
        a.stateSize = N;
        a.delta = 0.7f;
        a.decay = 0.9f;
        a.skip = 0.3f;
        a.x = x.data();
        a.b = b.data();
        a.c = c.data();
        a.state = state.data();
        a.y = y.data();
        headScanStep(a);
        for (int p = 0; p < P; ++p) {
            double sum = 0.0;
            for (int n = 0; n < N; ++n) {
                const double s =
                    0.9 * before[size_t(p * N + n)] + 0.7 * x[size_t(p)] * b[size_t(n)];
                QVERIFY(std::abs(state[size_t(p * N + n)] - s) < 1e-5 * (1.0 + std::abs(s)));
                sum += c[size_t(n)] * s;
            }
            sum += 0.3 * x[size_t(p)];
            QVERIFY(std::abs(y[size_t(p)] - sum) < 1e-5 * (1.0 + std::sqrt(double(N))));
        }
    }
}

void DecodeTest::stepEqualsChunkedPass_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("modulation");
    QTest::addColumn<int>("threads");
    const QString m2 = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_groups2_untied");
    const QString m2odd = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_odd_heads_f16");
    const QString m1bias = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m1_untied_bias_bf16");
    const QStringList families = {QString(),
                                  QStringLiteral("power:0.45"),
                                  QStringLiteral("linear:0.5"),
                                  QStringLiteral("delta:2"),
                                  QStringLiteral("winsorize:0.02"),
                                  QStringLiteral("tau-cap:1")};
    for (const QString &f : families) {
        const QString name = f.isEmpty() ? QStringLiteral("as loaded") : f;
        QTest::addRow("demo, %s, 2 threads", qPrintable(name)) << kDemo << f << 2;
        QTest::addRow("mamba2 groups 2, %s", qPrintable(name)) << m2 << f << 2;
    }
    QTest::addRow("demo, power:0.45, 1 thread") << kDemo << QStringLiteral("power:0.45") << 1;
    QTest::addRow("mamba2 groups 2, 1 thread") << m2 << QString() << 1;
    QTest::addRow("mamba2 odd heads f16, tau-cap:1") << m2odd << QStringLiteral("tau-cap:1") << 2;
    QTest::addRow("mamba1 biases bf16, delta:2") << m1bias << QStringLiteral("delta:2") << 2;
    const QString falcon = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/falcon_mamba_small");
    QTest::addRow("falcon-mamba, 2 threads") << falcon << QString() << 2;
    QTest::addRow("falcon-mamba, power:0.45, 1 thread")
        << falcon << QStringLiteral("power:0.45") << 1;
}

void DecodeTest::stepEqualsChunkedPass()
{
    QFETCH(QString, model);
    QFETCH(QString, modulation);
    QFETCH(int, threads);
    const ThreadCount threadCount(threads);
    const auto m = MambaModel::load(model);
    const int64_t V = m->logitCount();
    std::vector<int32_t> tokens;
    if (model == kDemo) {
        const auto tokenizer = BpeTokenizer::fromFile(m->tokenizerPath());
        tokens = tokenizer->encodeFile(
            QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt"), 1000);
    } else {
        std::mt19937 rng(5);
        std::uniform_int_distribution<int32_t> id(0, int32_t(m->config().vocabSize) - 1);
        for (int t = 0; t < 1000; ++t)
            tokens.push_back(id(rng));
    }
    QCOMPARE(int(tokens.size()), 1000);
    ModulationSet set;
    if (!modulation.isEmpty()) {
        set = ModulationSet::fromShorthand(modulation, m->config().nLayer);
        // τ-cap needs modes slower than c·L_train to change anything: the random test models
        // have only fast ones beyond a few tokens.
        set.trainingLength = model == kDemo ? 256 : 4;
        if (modulation.startsWith(QLatin1String("tau-cap")))
            set.deltaStatistics =
                std::make_shared<DeltaStatistics>(DeltaStatistics::measure(*m, tokens, 250, 4));
    }
    ForwardPass forward(m, set.apply(*m));
    const std::vector<std::vector<float>> reference = chunkedLogits(forward, tokens);
    RecurrentState state(m->config());
    std::vector<float> logits(static_cast<size_t>(V));
    double worst = 0.0;
    for (size_t t = 0; t < tokens.size(); ++t) {
        forward.step(tokens[t], state, logits.data());
        for (int64_t v = 0; v < V; ++v)
            worst = std::max(worst, double(std::abs(logits[size_t(v)] - reference[t][size_t(v)])));
    }
    QVERIFY2(worst <= 1e-4, qPrintable(QStringLiteral("max |step - chunk| = %1").arg(worst)));
    // The modulation changed something (the test would pass vacuously on identical models).
    if (!modulation.isEmpty()) {
        ForwardPass loaded(m);
        const std::vector<std::vector<float>> base = chunkedLogits(loaded, tokens);
        double moved = 0.0;
        for (int64_t v = 0; v < V; ++v)
            moved = std::max(
                moved, double(std::abs(base.back()[size_t(v)] - reference.back()[size_t(v)])));
        QVERIFY2(moved > 1e-3, qPrintable(QString::number(moved)));
    }
}

void DecodeTest::stepWithoutPackingEqualsChunkedPass()
{
    // The path of models too large for a packed copy (the products read the weights where they
    // were loaded), on small models: the same logits as the chunked pass.
    for (const QString &dir :
         {kDemo, QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_groups2_untied")}) {
        const ThreadCount threadCount(2);
        const auto m = MambaModel::load(dir);
        QVERIFY(StepWeights::worthPacking(*m));
        QVERIFY(m->stepWeights().packed());
        const StepWeights unpacked(*m, false);
        QVERIFY(!unpacked.packed());
        QCOMPARE(unpacked.packedBytes(), 0);
        TokenStep step(*m, unpacked);
        ForwardPass forward(m);
        std::vector<int32_t> tokens;
        for (int32_t t = 0; t < 300; ++t)
            tokens.push_back((t * 37 + 11) % 90);
        const std::vector<std::vector<float>> reference = chunkedLogits(forward, tokens);
        RecurrentState state(m->config());
        std::vector<float> logits(size_t(m->logitCount()));
        double worst = 0.0;
        for (size_t t = 0; t < tokens.size(); ++t) {
            step.run(tokens[t], state, forward.scanParameters(), logits.data());
            for (size_t v = 0; v < logits.size(); ++v)
                worst = std::max(worst, double(std::abs(logits[v] - reference[t][v])));
        }
        QVERIFY2(worst <= 1e-4,
                 qPrintable(QStringLiteral("%1: max |step - chunk| = %2").arg(dir).arg(worst)));
    }
}

void DecodeTest::stepWithoutLogitsAdvancesTheSameState()
{
    const auto m = MambaModel::load(kDemo);
    ForwardPass forward(m);
    RecurrentState withLogits(m->config()), without(m->config());
    std::vector<float> logits(size_t(m->logitCount())), again(size_t(m->logitCount()));
    for (int32_t id : {0, 17, 300, 4095, 9}) {
        forward.step(id, withLogits, logits.data());
        forward.step(id, without, nullptr);
    }
    for (int l = 0; l < m->config().nLayer; ++l) {
        QCOMPARE(withLogits.layer(l).ssm, without.layer(l).ssm);
        QCOMPARE(withLogits.layer(l).conv, without.layer(l).conv);
    }
    forward.step(5, withLogits, logits.data());
    forward.step(5, without, again.data());
    QCOMPARE(logits, again);
}

void DecodeTest::stepIsTheSameOnAnyThreadCount()
{
    // Blocks' partial products are summed in block order whichever thread ran them: the logits
    // are the same bits on one, two or three threads (so are sampled tokens, for a seed). The
    // same for weights not packed (out_proj by row blocks then).
    for (const QString &dir :
         {kDemo, QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_groups2_untied")}) {
        const auto m = MambaModel::load(dir);
        const StepWeights unpacked(*m, false);
        for (const StepWeights *weights : {&m->stepWeights(), &unpacked}) {
            std::vector<std::vector<float>> runs;
            for (int threads : {1, 2, 3}) {
                const ThreadCount threadCount(threads);
                ForwardPass forward(m);
                TokenStep step(*m, *weights);
                RecurrentState state(m->config());
                std::vector<float> logits(static_cast<size_t>(m->logitCount()));
                for (int32_t t = 0; t < 40; ++t)
                    step.run((t * 37) % 90, state, forward.scanParameters(), logits.data());
                runs.push_back(logits);
            }
            QCOMPARE(runs[1], runs[0]);
            QCOMPARE(runs[2], runs[0]);
        }
    }
}

void DecodeTest::stepSummarizesItsLogits()
{
    // The summary the step's threads make beside the logits (what the greedy choice and a token's
    // probability read) agrees with the logits it summarizes, and is the same bits on one, two or
    // three threads, as the logits are.
    for (const QString &dir :
         {kDemo, QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_groups2_untied")}) {
        const auto m = MambaModel::load(dir);
        std::vector<LogitSummary> runs;
        for (int threads : {1, 2, 3}) {
            const ThreadCount threadCount(threads);
            ForwardPass forward(m);
            RecurrentState state(m->config());
            std::vector<float> logits(static_cast<size_t>(m->logitCount()));
            LogitSummary summary;
            for (int32_t t = 0; t < 40; ++t) {
                forward.step((t * 37) % 90, state, logits.data(), &summary);
                const auto top = std::max_element(logits.begin(), logits.end());
                QVERIFY(summary.valid);
                QCOMPARE(summary.max, *top);
                QCOMPARE(summary.first, int32_t(top - logits.begin()));
                double sum = 0.0;
                for (float v : logits)
                    sum += std::exp(double(v) - double(*top));
                const int32_t id = (t * 101) % int32_t(logits.size());
                const double logP = double(logits[size_t(id)]) - double(*top) - std::log(sum);
                QVERIFY(std::abs(summary.logProbability(logits[size_t(id)]) - logP) < 1e-6);
            }
            runs.push_back(summary);
        }
        for (const LogitSummary &r : runs) {
            QCOMPARE(r.max, runs[0].max);
            QCOMPARE(r.first, runs[0].first);
            QCOMPARE(r.sumExp, runs[0].sumExp);
        }
    }
}

void DecodeTest::stepReusesFirstLayerRowsExactly()
{
    // Layer 0's in_proj rows of an id seen before are copied, not made again: the same bits as
    // making them (the second pass copies every block the first made), and only for ids seen.
    const ThreadCount threadCount(2);
    const auto m = MambaModel::load(kDemo);
    ForwardPass forward(m);
    TokenStep step(*m);
    const std::vector<int32_t> ids{5, 9, 5, 4095, 9, 0, 5};
    const int64_t blocks = m->stepWeights().blocks();
    std::vector<std::vector<float>> passes[2];
    for (auto &pass : passes) {
        RecurrentState state(m->config());
        for (int32_t id : ids) {
            pass.emplace_back(size_t(m->logitCount()));
            step.run(id, state, forward.scanParameters(), pass.back().data());
        }
    }
    // First pass: 5, 9 and 5 again reuse theirs (3 ids); second pass: all 7.
    QCOMPARE(step.firstRowsReused(), (3 + 7) * blocks);
    for (size_t t = 0; t < ids.size(); ++t)
        QCOMPARE(passes[1][t], passes[0][t]);
    // (Against the chunked pass, within 1e-4, with the ids of a real text: stepEqualsChunkedPass.)
}

void DecodeTest::phasedWorkRunsEveryTaskInPhaseOrder()
{
    // Every task runs once, and sees every task of the phases before it finished; a phase of
    // every thread runs once per thread, and each thread's run of it comes before that thread's
    // later tasks. Each thread takes a contiguous run of a phase's tasks, in slot order (so a
    // thread meets the same blocks again from token to token, and their state stays in its
    // core's caches).
    constexpr int every = PhasedWork::kEveryThread;
    const std::vector<int> counts{every, 3, 0, 17, every, 1, 0, 40, every, 2};
    for (int threads : {1, 2, 4}) {
        std::vector<std::vector<std::atomic<int>>> done;
        std::vector<std::vector<int>> owner;
        for (int c : counts) {
            done.emplace_back(size_t(c == every ? threads : c));
            owner.emplace_back(size_t(c == every ? threads : c), -1);
        }
        PhasedWork work(threads);
        QCOMPARE(work.threads(), threads);
        for (int round = 0; round < 50; ++round) {
            for (auto &phase : done)
                for (auto &d : phase)
                    d.store(0);
            std::atomic<int> violations{0};
            auto task = [&](int phase, int index, int slot) {
                if (slot < 0 || slot >= threads)
                    ++violations;
                const bool everyThread = counts[size_t(phase)] == every;
                if (everyThread && index != 0)
                    ++violations;
                violations += notDoneOnce(phase, slot, counts, done);
                const size_t at = size_t(everyThread ? slot : index);
                owner[size_t(phase)][at] = slot;
                done[size_t(phase)][at].fetch_add(1);
            };
            work.run(std::span<const int>(counts), task);
            QCOMPARE(violations.load(), 0);
            for (const auto &phase : done)
                for (const auto &d : phase)
                    QCOMPARE(d.load(), 1);
            for (size_t p = 0; p < counts.size(); ++p)
                if (counts[p] != every)
                    QVERIFY(std::is_sorted(owner[p].begin(), owner[p].end()));
        }
    }
}

void DecodeTest::phasedWorkReportsEachThreadsRun()
{
    // After its run of a shared phase's tasks, each thread is told which run it was, once, empty
    // runs included, slot 0's starting at 0; together the runs cover the phase, each task ran on
    // the thread whose run holds it, and what a thread writes then is there for every task of
    // the next phases (TokenStep's threads sum their groups of blocks' parts there for the
    // others), and oneRun() says of any range of a phase's tasks whether one thread ran it all.
    constexpr int every = PhasedWork::kEveryThread;
    const std::vector<int> counts{8, every, 8, 0, 32, every, 3};
    for (int threads : {1, 2, 3}) {
        for (const bool alone : {false, true}) {
            PhasedWork work(threads);
            const int runners = alone ? 1 : threads;
            for (int round = 0; round < 50; ++round) {
                std::vector<std::vector<int>> ranOn(counts.size());
                std::vector<std::vector<std::array<int, 2>>> runs(
                    counts.size(), std::vector<std::array<int, 2>>(size_t(threads), {-1, -1}));
                std::vector<std::atomic<int>> reported(counts.size());
                std::vector<std::vector<std::pair<std::array<int, 2>, bool>>> oneRun(counts.size());
                std::atomic<int> violations{0};
                for (size_t p = 0; p < counts.size(); ++p)
                    ranOn[p].assign(size_t(std::max(counts[p], 0)), -1);
                auto task = [&](int phase, int index, int slot) {
                    for (int p = 0; p < phase; ++p)
                        if (counts[size_t(p)] != every && reported[size_t(p)].load() != runners)
                            ++violations;
                    if (counts[size_t(phase)] != every)
                        ranOn[size_t(phase)][size_t(index)] = slot;
                };
                auto ranDone = [&](int phase, int first, int end, int slot) {
                    if (counts[size_t(phase)] == every || runs[size_t(phase)][size_t(slot)][0] >= 0)
                        ++violations;
                    runs[size_t(phase)][size_t(slot)] = {first, end};
                    if (slot == 0)
                        for (int a = 0; a < counts[size_t(phase)]; ++a)
                            for (int b = a + 1; b <= counts[size_t(phase)]; ++b)
                                oneRun[size_t(phase)].push_back(
                                    {{a, b}, work.oneRun(a, b, counts[size_t(phase)])});
                    reported[size_t(phase)].fetch_add(1);
                };
                work.run(std::span<const int>(counts), task, ranDone, alone);
                QCOMPARE(violations.load(), 0);
                for (size_t p = 0; p < counts.size(); ++p) {
                    if (counts[p] == every)
                        continue;
                    QCOMPARE(reported[p].load(), runners);
                    QCOMPARE(runs[p][0][0], 0);
                    int next = 0;
                    for (int slot = 0; slot < runners; ++slot) {
                        const auto [first, end] = runs[p][size_t(slot)];
                        QVERIFY(first <= end);
                        QCOMPARE(first, std::min(next, counts[p]));
                        for (int i = first; i < end; ++i)
                            QCOMPARE(ranOn[p][size_t(i)], slot);
                        next = std::max(next, end);
                    }
                    QCOMPARE(next, counts[p]);
                    for (const auto &[range, answer] : oneRun[p]) {
                        const auto ran = ranOn[p].begin();
                        const bool sameThread =
                            std::all_of(ran + range[0], ran + range[1],
                                        [&](int slot) { return slot == ran[range[0]]; });
                        QCOMPARE(answer, sameThread);
                    }
                    QCOMPARE(oneRun[p].size(), size_t(counts[p] * (counts[p] + 1) / 2));
                }
            }
        }
    }
}

void DecodeTest::phasedWorkClaimedTasksGoToWhoeverIsFree()
{
    // The tasks of a claimed phase run once each, on any thread, still after every task of the
    // phases before; ranDone is not called for them (it still is for the other phases, once per
    // thread). A thread that ends its own run early takes what is left of a slower thread's:
    // here thread 0's tasks of phase 1 sleep, and the other threads run all but about one.
    using namespace std::chrono_literals;
    constexpr int every = PhasedWork::kEveryThread;
    const std::vector<int> counts{every, 16, 8, every, 24, 0, 5};
    const std::vector<uint8_t> claimed{0, 1, 0, 0, 1, 1, 0};
    for (int threads : {1, 2, 3}) {
        for (const bool alone : {false, true}) {
            PhasedWork work(threads);
            const int runners = alone ? 1 : threads;
            int onThread0 = 0;  // phase 1's tasks
            constexpr int kRounds = 20;
            for (int round = 0; round < kRounds; ++round) {
                std::vector<std::vector<std::atomic<int>>> done;
                std::vector<std::vector<int>> ranOn;
                for (int c : counts) {
                    done.emplace_back(size_t(c == every ? threads : c));
                    ranOn.emplace_back(size_t(c == every ? threads : c), -1);
                }
                std::vector<std::atomic<int>> reported(counts.size());
                std::atomic<int> violations{0};
                auto task = [&](int phase, int index, int slot) {
                    violations += notDoneOnce(phase, slot, counts, done);
                    if (phase == 1 && slot == 0)
                        std::this_thread::sleep_for(2ms);
                    const size_t at = size_t(counts[size_t(phase)] == every ? slot : index);
                    ranOn[size_t(phase)][at] = slot;
                    done[size_t(phase)][at].fetch_add(1);
                };
                auto ranDone = [&](int phase, int, int, int) {
                    if (claimed[size_t(phase)] || counts[size_t(phase)] == every)
                        ++violations;
                    reported[size_t(phase)].fetch_add(1);
                };
                work.run(std::span<const int>(counts), task, ranDone, alone,
                         std::span<const uint8_t>(claimed));
                QCOMPARE(violations.load(), 0);
                for (size_t p = 0; p < counts.size(); ++p) {
                    // Alone, a phase for every thread runs on thread 0 only.
                    const size_t ran = counts[p] == every ? size_t(runners) : done[p].size();
                    for (size_t i = 0; i < ran; ++i)
                        QCOMPARE(done[p][i].load(), 1);
                    if (counts[p] != every)
                        QCOMPARE(reported[p].load(), claimed[p] ? 0 : runners);
                }
                onThread0 += int(std::count(ranOn[1].begin(), ranOn[1].end(), 0));
            }
            // Each thread's run holds at least 16 · 0.5 / threads tasks (the bounds of the
            // shares): 4 for thread 0 of two, 2.7 of three. Claimed, thread 0 sleeps through its
            // first task while the others take all the rest.
            if (runners == 1)
                QCOMPARE(onThread0, 16 * kRounds);
            else
                QVERIFY2(onThread0 < 2 * kRounds, qPrintable(QString::number(onThread0)));
        }
    }
}

void DecodeTest::phasedWorkSharesFollowSpeeds()
{
    // Tasks that take twice as long on thread 1 as on thread 0 (as on a core that also takes the
    // machine's interrupts): thread 1's share shrinks until the busy times match, within the
    // bounds of 0.5 to 1.5 even shares. Before, every thread took an equal share.
    using Clock = std::chrono::steady_clock;
    const std::vector<int> counts{40};
    PhasedWork work(2);
    std::atomic<int> onSlow{0};
    auto task = [&](int, int, int slot) {
        const auto until = Clock::now() + std::chrono::microseconds(slot == 1 ? 20 : 10);
        while (Clock::now() < until) {
        }
        if (slot == 1)
            ++onSlow;
    };
    for (int round = 0; round < 300; ++round) {
        onSlow.store(0);
        work.run(std::span<const int>(counts), task);
    }
    // Equal busy times would give thread 1 about 13 of 40; an even split gives it 20.
    QVERIFY2(onSlow.load() <= 17, qPrintable(QString::number(onSlow.load())));
    QVERIFY2(onSlow.load() >= 10, qPrintable(QString::number(onSlow.load())));
}

namespace {

// Runs `count` choices of `choice` whose runs take `team` or `alone` seconds; returns the choices.
std::vector<bool> runChoices(TeamOrAlone &choice, int count, double team, double alone)
{
    std::vector<bool> chosen;
    for (int i = 0; i < count; ++i) {
        const bool isAlone = choice.nextAlone();
        choice.record(isAlone, isAlone ? alone : team);
        chosen.push_back(isAlone);
    }
    return chosen;
}

int64_t countAlone(const std::vector<bool> &chosen)
{
    return std::count(chosen.begin(), chosen.end(), true);
}

}  // namespace

void DecodeTest::teamOrAloneStartsOnTheTeamThenProbes()
{
    // A team twice as fast as one thread: the first period on the team, then its last runs a
    // probe of one thread; once both are measured and the team is clearly faster, probes come
    // every kQuietPeriod runs, kProbeRuns each.
    TeamOrAlone choice;
    const std::vector<bool> first = runChoices(choice, int(TeamOrAlone::kPeriod), 100e-6, 200e-6);
    for (int64_t i = 0; i < TeamOrAlone::kPeriod; ++i)
        QVERIFY2(first[size_t(i)] == (i >= TeamOrAlone::kPeriod - TeamOrAlone::kProbeRuns),
                 qPrintable(QString::number(i)));
    // The first lone run is not timed (the choice changed); the others are.
    QCOMPARE(choice.pace(true), 200e-6);
    QCOMPARE(choice.pace(false), 100e-6);
    const std::vector<bool> later =
        runChoices(choice, int(4 * TeamOrAlone::kQuietPeriod), 100e-6, 200e-6);
    QCOMPARE(countAlone(later), 4 * TeamOrAlone::kProbeRuns);
}

void DecodeTest::teamOrAloneIsNotSwungByOneSlowRun()
{
    // One team run of 4 ms among runs of 100 µs (a page fault, a worker put aside), one thread
    // alone at 200 µs: the team stays chosen; only the probes run alone. A plain running mean
    // (weight 0.2) put the team's pace at 880 µs and ran alone until enough probes brought it
    // down: hundreds of runs at half speed.
    TeamOrAlone choice;
    runChoices(choice, int(TeamOrAlone::kPeriod), 100e-6, 200e-6);
    QVERIFY(!choice.nextAlone());
    choice.record(false, 4e-3);
    QVERIFY2(choice.pace(false) <= 1.1 * 100e-6, qPrintable(QString::number(choice.pace(false))));
    const std::vector<bool> after = runChoices(choice, 1000, 100e-6, 200e-6);
    QVERIFY2(countAlone(after) <= 2 * TeamOrAlone::kProbeRuns,
             qPrintable(QString::number(countAlone(after))));
}

void DecodeTest::teamOrAloneFollowsALastingChange()
{
    // The team becomes three times slower than one thread (a busy machine) and stays so: one
    // thread is chosen within twenty runs and kept (bar the team's probes); when the team is fast
    // again, the next probe finds it.
    TeamOrAlone choice;
    runChoices(choice, int(TeamOrAlone::kPeriod), 100e-6, 200e-6);
    const std::vector<bool> busy = runChoices(choice, 1000, 600e-6, 200e-6);
    const auto firstAlone = std::find(busy.begin(), busy.end(), true) - busy.begin();
    QVERIFY2(firstAlone <= 20, qPrintable(QString::number(firstAlone)));
    QVERIFY2(countAlone(busy) >= 1000 - firstAlone - 8 * TeamOrAlone::kProbeRuns,
             qPrintable(QString::number(countAlone(busy))));
    const std::vector<bool> quiet = runChoices(choice, 1000, 100e-6, 200e-6);
    QVERIFY2(countAlone(quiet) <= 2 * TeamOrAlone::kPeriod,
             qPrintable(QString::number(countAlone(quiet))));
    const std::vector<bool> last(quiet.end() - 600, quiet.end());
    QVERIFY2(countAlone(last) <= TeamOrAlone::kProbeRuns,
             qPrintable(QString::number(countAlone(last))));
}

void DecodeTest::phasedWorkRunsBackToBack()
{
    // Runs that follow each other at once, with plans that change between them, as decoding does:
    // a worker must run each run's plan, not the one before. (The ticket scheduler this replaced
    // once kept the phase it had reached, ran ticket 0 as a task of the last phase and waited for
    // a phase that never finished: `bench --sections decode` hung with both threads yielding.)
    // More threads than cores, so that workers get preempted anywhere; every run then waits for
    // every thread, hence fewer rounds where threads outnumber cores. A deadlock fails the test
    // after a minute instead of hanging it.
    constexpr int every = PhasedWork::kEveryThread;
    const std::vector<int> plans[2] = {{every, 4, 4, every, 0, 4, 4, every, 8},
                                       {every, 4, 4, 1, 0, 4, 4, every, 0}};
    const int threadCounts[3] = {2, 3, 5};
    const auto roundsFor = [](int threads) {
        return threads <= std::max(1, int(std::thread::hardware_concurrency())) ? 20000 : 2000;
    };
    std::atomic<int> misplaced{0};
    std::atomic<long> ran{0};
    long expected = 0;
    auto rounds = [&] {
        for (int threads : threadCounts) {
            PhasedWork work(threads);
            for (int round = 0; round < roundsFor(threads); ++round) {
                const std::vector<int> &counts = plans[round % 2];
                auto task = [&](int phase, int index, int) {
                    if (phase < 0 || size_t(phase) >= counts.size() || index < 0 ||
                        index >= std::max(1, counts[size_t(phase)]))
                        ++misplaced;
                    ++ran;
                };
                work.run(std::span<const int>(counts), task);
            }
        }
    };
    for (int threads : threadCounts)
        for (int round = 0; round < roundsFor(threads); ++round)
            for (int c : plans[round % 2])
                expected += c == every ? threads : c;
    auto finished = std::async(std::launch::async, rounds);
    if (finished.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
        qFatal("PhasedWork: back-to-back runs still not done after a minute (deadlock)");
    finished.get();
    QCOMPARE(misplaced.load(), 0);
    QCOMPARE(ran.load(), expected);
}

void DecodeTest::stepRefusesTokenOutsideVocabulary()
{
    const auto m = MambaModel::load(kDemo);
    ForwardPass forward(m);
    RecurrentState state(m->config());
    QVERIFY_THROWS_EXCEPTION(Error, forward.step(4096, state, nullptr));
    QVERIFY_THROWS_EXCEPTION(Error, forward.step(-1, state, nullptr));
}

void DecodeTest::stepStateAndScanStartOnCacheLines()
{
    // The step's threads write their channels' state rows side by side and read −exp(A_log) a
    // channel (16 states, one line) at a time: both must start on a cache line, also after a
    // copy and a resize (bench/results/2026-12-07-decode-peer.md: a shared border line cost
    // about 4% of a token).
    const auto onLine = [](const float *p) { return reinterpret_cast<uintptr_t>(p) % 64 == 0; };
    const auto m = MambaModel::load(kDemo);
    const RecurrentState state(m->config());
    const RecurrentState copy = state;
    for (int l = 0; l < state.layerCount(); ++l) {
        QVERIFY(onLine(state.layer(l).ssm.data()));
        QVERIFY(onLine(state.layer(l).conv.data()));
        QVERIFY(onLine(copy.layer(l).ssm.data()));
    }
    const auto scan = ScanParameters::fromModel(*m);
    for (const ScanParameters::Layer &layer : scan->layers)
        QVERIFY(onLine(layer.negA.data()));
    CacheLineVector<float> grown(3);
    for (int i = 0; i < 1000; ++i) {
        grown.push_back(float(i));
        QVERIFY(onLine(grown.data()));
    }
}

MAMBASCOPE_TEST_MAIN(DecodeTest)
#include "tst_decode.moc"
