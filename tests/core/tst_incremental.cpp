// SPDX-License-Identifier: GPL-3.0-or-later
// IncrementalEvaluator: restarting at the first changed layer must give what a full pass with the
// new parameters gives, and a cancelled run must leave the cache usable.
#include "TestMain.h"
#include "eval/IncrementalEvaluator.h"
#include "eval/PerplexityEvaluator.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QTest>
#include <cmath>

using namespace mscope;

namespace {

constexpr int kTokens = 1536;
constexpr int kChunk = 256;

// α' = α^s in layers >= firstLayer (the power modulation, written out so this test does not
// depend on the modulation code).
std::shared_ptr<ScanParameters> powerFrom(const MambaModel &model, int firstLayer, double s)
{
    auto p = ScanParameters::fromModel(model);
    for (int l = firstLayer; l < int(p->layers.size()); ++l)
        for (float &a : p->layers[size_t(l)].negA)
            a = -float(std::pow(double(-a), s));
    return p;
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    if (a.size() != b.size())
        return INFINITY;
    double d = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        d = std::max(d, double(std::fabs(a[i] - b[i])));
    return d;
}

}  // namespace

class IncrementalTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void chunkPlanDoublesThenStaysFlat();
    void fullPassMatchesPerplexityEvaluator();
    void restartFromLayerMatchesFullPass_data();
    void restartFromLayerMatchesFullPass();
    void unchangedParametersReplay();
    void cancelLeavesCacheConsistent_data();
    void cancelLeavesCacheConsistent();
    void smallBudgetCachesEveryFewLayers();
    void fixedWindowsMatchPerplexityEvaluator();
    void rejectsBadSegments();

private:
    IncrementalEvaluator::Options options(int64_t budget = int64_t(512) << 20) const
    {
        IncrementalEvaluator::Options o;
        o.chunkTokens = kChunk;
        o.cacheBudgetBytes = budget;
        return o;
    }
    // A fresh evaluator (nothing cached) with `scan`: the reference for every restart.
    std::vector<float> fullPass(const std::shared_ptr<const ScanParameters> &scan) const
    {
        IncrementalEvaluator fresh(m_model, options());
        fresh.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
        fresh.run(scan, 0);
        return fresh.nll()[0];
    }

    std::shared_ptr<const MambaModel> m_model;
    std::vector<int32_t> m_ids;
};

void IncrementalTest::initTestCase()
{
    m_model = MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const auto tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    // A prefix of the book is plenty for kTokens tokens.
    const QByteArray text =
        TextFile::readUtf8(QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt"))
            .left(40000);
    m_ids = tokenizer->encodeUtf8(text);
    QVERIFY(int(m_ids.size()) >= kTokens);
}

void IncrementalTest::chunkPlanDoublesThenStaysFlat()
{
    IncrementalEvaluator eval(m_model, options());
    eval.setSegments(IncrementalEvaluator::streamingSegments(m_ids, 1000));
    std::vector<int64_t> ends;
    for (const auto &c : eval.chunks())
        ends.push_back(c.end);
    const std::vector<int64_t> expected{16, 32, 64, 128, 256, 512, 768, 999};
    QCOMPARE(ends, expected);
    QCOMPARE(eval.positions(), int64_t(999));
}

void IncrementalTest::fullPassMatchesPerplexityEvaluator()
{
    IncrementalEvaluator eval(m_model, options());
    eval.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    int64_t seen = 0;
    eval.run(nullptr, 0, nullptr, [&](const IncrementalEvaluator::ChunkScores &s) {
        QCOMPARE(s.firstPosition, seen);
        seen += int64_t(s.nll.size());
        QCOMPARE(int(s.stateNorms.size()), m_model->config().nLayer);
    });
    QCOMPARE(seen, int64_t(kTokens - 1));

    ForwardPass forward(m_model);
    PerplexityEvaluator reference(forward, kChunk);
    const StreamResult r =
        reference.stream(std::vector<int32_t>(m_ids.begin(), m_ids.begin() + kTokens));
    // Different chunk boundaries change the summation order in the products only.
    QVERIFY2(maxAbsDiff(eval.nll()[0], r.nll) < 1e-4,
             qPrintable(QString::number(maxAbsDiff(eval.nll()[0], r.nll))));
}

void IncrementalTest::restartFromLayerMatchesFullPass_data()
{
    QTest::addColumn<int>("layer");
    const int last = m_model->config().nLayer - 1;
    QTest::newRow("first layer") << 0;
    QTest::newRow("middle layer") << last / 2;
    QTest::newRow("last layer") << last;
}

void IncrementalTest::restartFromLayerMatchesFullPass()
{
    QFETCH(int, layer);
    IncrementalEvaluator eval(m_model, options());
    eval.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    eval.run(nullptr, 0);
    const auto baseline = eval.nll()[0];

    const auto modulated = powerFrom(*m_model, layer, 0.45);
    QCOMPARE(eval.restartLayer(layer), layer);
    const auto stats = eval.run(modulated, layer);
    QCOMPARE(stats.firstLayer, layer);
    QVERIFY(eval.lastRunComplete());
    const auto expected = fullPass(modulated);
    QVERIFY2(maxAbsDiff(eval.nll()[0], expected) < 1e-6,
             qPrintable(QString::number(maxAbsDiff(eval.nll()[0], expected))));
    QVERIFY(maxAbsDiff(eval.nll()[0], baseline) > 1e-3);  // it did change something

    // State norms of the restarted run match a fresh run's too.
    IncrementalEvaluator fresh(m_model, options());
    fresh.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    fresh.run(modulated, 0);
    for (size_t c = 0; c < fresh.stateNorms().size(); ++c)
        for (size_t l = 0; l < fresh.stateNorms()[c].size(); ++l)
            QVERIFY(std::fabs(fresh.stateNorms()[c][l].maxChannel -
                              eval.stateNorms()[c][l].maxChannel) <=
                    1e-5 * (1.0 + fresh.stateNorms()[c][l].maxChannel));

    // And going back to the model as loaded restarts at the same layer.
    QCOMPARE(eval.restartLayer(layer), layer);
    eval.run(ScanParameters::fromModel(*m_model), layer);
    QVERIFY(maxAbsDiff(eval.nll()[0], baseline) < 1e-6);
}

void IncrementalTest::unchangedParametersReplay()
{
    IncrementalEvaluator eval(m_model, options());
    eval.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    const auto scan = powerFrom(*m_model, 2, 0.6);
    eval.run(scan, 0);
    const auto before = eval.nll()[0];
    int chunks = 0;
    // Told that nothing changed (an equal but distinct parameter object), it replays.
    const auto stats = eval.run(powerFrom(*m_model, 2, 0.6), m_model->config().nLayer, nullptr,
                                [&](const IncrementalEvaluator::ChunkScores &) { ++chunks; });
    QCOMPARE(stats.firstLayer, m_model->config().nLayer);
    QCOMPARE(chunks, int(eval.chunks().size()));
    QCOMPARE(eval.nll()[0], before);
}

void IncrementalTest::cancelLeavesCacheConsistent_data()
{
    QTest::addColumn<int>("cancelAfterChunk");
    QTest::addColumn<int>("changedLayer");
    QTest::newRow("after the first chunk, layer 0") << 0 << 0;
    QTest::newRow("half-way, layer 3") << 4 << 3;
    QTest::newRow("before the last chunk, layer 1") << 6 << 1;
}

void IncrementalTest::cancelLeavesCacheConsistent()
{
    QFETCH(int, cancelAfterChunk);
    QFETCH(int, changedLayer);
    IncrementalEvaluator eval(m_model, options());
    eval.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    const auto baselineScan = ScanParameters::fromModel(*m_model);
    eval.run(baselineScan, 0);
    const auto baseline = eval.nll()[0];

    // A run with new parameters, cancelled part-way.
    const auto interrupted = powerFrom(*m_model, changedLayer, 0.3);
    JobControl job;
    bool cancelled = false;
    try {
        eval.run(interrupted, changedLayer, &job, [&](const IncrementalEvaluator::ChunkScores &s) {
            if (s.chunkIndex == cancelAfterChunk)
                job.cancel();
        });
    } catch (const Cancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY(!eval.lastRunComplete());

    // Any later run is still right: back to the baseline, the interrupted parameters, and others.
    eval.run(baselineScan, changedLayer);
    QVERIFY(maxAbsDiff(eval.nll()[0], baseline) < 1e-6);

    JobControl job2;
    try {
        eval.run(interrupted, changedLayer, &job2, [&](const IncrementalEvaluator::ChunkScores &s) {
            if (s.chunkIndex == cancelAfterChunk)
                job2.cancel();
        });
    } catch (const Cancelled &) {
    }
    const auto other = powerFrom(*m_model, std::max(0, changedLayer - 1), 0.8);
    eval.run(other, std::max(0, changedLayer - 1));
    QVERIFY(maxAbsDiff(eval.nll()[0], fullPass(other)) < 1e-6);
    eval.run(interrupted, std::max(0, changedLayer - 1));
    QVERIFY(maxAbsDiff(eval.nll()[0], fullPass(interrupted)) < 1e-6);
}

void IncrementalTest::smallBudgetCachesEveryFewLayers()
{
    const int layers = m_model->config().nLayer;
    const int64_t perLayer = int64_t(kTokens - 1) * m_model->config().dModel * 4;
    IncrementalEvaluator eval(m_model, options(perLayer * 2));
    eval.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    const std::vector<int> cached = eval.cachedLayers();
    QVERIFY(!cached.empty());
    QVERIFY(int(cached.size()) <= 2);
    eval.run(nullptr, 0);
    QVERIFY(eval.cacheBytes() <= perLayer * 2);
    // The last layer changed: restart at the deepest cached layer.
    const auto scan = powerFrom(*m_model, layers - 1, 0.45);
    QCOMPARE(eval.restartLayer(layers - 1), cached.back());
    eval.run(scan, layers - 1);
    QVERIFY(maxAbsDiff(eval.nll()[0], fullPass(scan)) < 1e-6);

    IncrementalEvaluator none(m_model, options(1));
    none.setSegments(IncrementalEvaluator::streamingSegments(m_ids, kTokens));
    QVERIFY(none.cachedLayers().empty());
    none.run(nullptr, 0);
    QCOMPARE(none.restartLayer(layers - 1), 0);
}

void IncrementalTest::fixedWindowsMatchPerplexityEvaluator()
{
    const int window = 512;
    IncrementalEvaluator eval(m_model, options());
    eval.setSegments(IncrementalEvaluator::fixedWindowSegments(m_ids, window, kTokens));
    QCOMPARE(int(eval.segments().size()), kTokens / window);
    const auto scan = powerFrom(*m_model, 0, 0.6);
    eval.run(nullptr, 0);
    eval.run(scan, 0);

    ForwardPass forward(m_model, scan);
    PerplexityEvaluator reference(forward, kChunk);
    const FixedWindowResult r = reference.fixedWindows({m_ids}, window, kTokens);
    QCOMPARE(r.windows, int64_t(eval.segments().size()));
    for (int i = 0; i < window - 1; ++i) {
        double sum = 0.0;
        for (const auto &seg : eval.nll())
            sum += seg[size_t(i)];
        QVERIFY2(std::fabs(sum - r.positionNllSum[size_t(i)]) < 1e-3,
                 qPrintable(QStringLiteral("position %1: %2 vs %3")
                                .arg(i)
                                .arg(sum)
                                .arg(r.positionNllSum[size_t(i)])));
    }

    // With BOS: every window starts with token 0.
    const auto withBos = IncrementalEvaluator::fixedWindowSegments(m_ids, window, kTokens, 0);
    QCOMPARE(withBos.front().front(), 0);
    QCOMPARE(int(withBos.front().size()), window);
    QCOMPARE(withBos.front()[1], m_ids[0]);
}

void IncrementalTest::rejectsBadSegments()
{
    IncrementalEvaluator eval(m_model, options());
    QVERIFY_THROWS_EXCEPTION(Error, eval.setSegments({{1}}));
    QVERIFY_THROWS_EXCEPTION(Error, eval.setSegments({{1, 2, 1 << 20}}));
    QVERIFY_THROWS_EXCEPTION(Error, IncrementalEvaluator::fixedWindowSegments({1, 2, 3}, 8, 0));
}

MAMBASCOPE_TEST_MAIN(IncrementalTest)
#include "tst_incremental.moc"
