// SPDX-License-Identifier: GPL-3.0-or-later
// The forward pass's vectorized kernels against straightforward double-precision definitions.
// CTest runs this once per instruction set (MAMBASCOPE_ISA=avx2, =scalar, and the CPU's best).
#include "ScanReference.h"
#include "kernels/ElementwiseKernels.h"
#include "kernels/KernelIsa.h"
#include "kernels/LogitSummary.h"
#include "kernels/SelectiveScan.h"

#include <QTest>
#include <cmath>
#include <random>
#include <vector>

using namespace mscope;

namespace {

struct ScanCase
{
    int tokens, channels, stateSize;
    bool gate;
};

struct ScanBuffers
{
    std::vector<float> delta, x, bc, negA, d, z, state0;
};

ScanBuffers randomScan(const ScanCase &c, unsigned seed)
{
    const size_t T = size_t(c.tokens), E = size_t(c.channels), N = size_t(c.stateSize);
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> uniform(1e-3f, 0.5f);
    ScanBuffers b;
    b.delta.resize(T * E);
    b.x.resize(T * E);
    b.bc.resize(T * 2 * N);
    b.negA.resize(E * N);
    b.d.resize(E);
    b.z.resize(T * E * 2);
    b.state0.resize(E * N);
    for (auto &v : b.delta)
        v = uniform(rng);
    for (auto &v : b.x)
        v = normal(rng);
    for (auto &v : b.bc)
        v = normal(rng);
    for (auto &v : b.negA)
        v = -std::exp(normal(rng) * 2.0f);
    for (auto &v : b.d)
        v = normal(rng);
    for (auto &v : b.z)
        v = 3.0f * normal(rng);
    for (auto &v : b.state0)
        v = normal(rng);
    return b;
}

SelectiveScanArgs argsFor(const ScanCase &c, ScanBuffers &b, std::vector<float> &state,
                          std::vector<float> &y)
{
    state = b.state0;
    y.assign(size_t(c.tokens) * c.channels, 0.0f);
    SelectiveScanArgs a;
    a.tokens = c.tokens;
    a.channels = c.channels;
    a.stateSize = c.stateSize;
    a.delta = b.delta.data();
    a.x = b.x.data();
    a.bc = b.bc.data();
    a.bcStride = 2 * c.stateSize;
    a.negA = b.negA.data();
    a.d = b.d.data();
    a.state = state.data();
    a.y = y.data();
    if (c.gate) {
        // z interleaved with something else, as in in_proj's output: stride 2E.
        a.z = b.z.data() + c.channels;
        a.zStride = 2 * c.channels;
    }
    return a;
}

// fp32 accumulation and the 2e-7 exp error over the tokens: 1e-4 relative to the scale of y.
void compareScan(const std::vector<float> &y1, const std::vector<float> &s1,
                 const std::vector<float> &y2, const std::vector<float> &s2)
{
    double scale = 0.0, err = 0.0;
    for (size_t i = 0; i < y1.size(); ++i) {
        scale = std::max(scale, double(std::abs(y2[i])));
        err = std::max(err, double(std::abs(y1[i] - y2[i])));
    }
    QVERIFY2(err <= 1e-4 * scale, qPrintable(QStringLiteral("%1 vs scale %2").arg(err).arg(scale)));
    for (size_t i = 0; i < s1.size(); ++i)
        QVERIFY2(std::abs(s1[i] - s2[i]) <= 1e-4 * std::max(1.0f, std::abs(s2[i])),
                 qPrintable(QString::number(i)));
}

double softplusReference(double x)
{
    return x > 20.0 ? x : std::log1p(std::exp(x));
}

}  // namespace

class KernelsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void scanMatchesReference_data();
    void scanMatchesReference();
    void scanChannelRangesCompose();
    void siluMatchesDefinition();
    void softplusMatchesPyTorch();
    void logSumExpPieces();
    void firstIndexFindsTheFirst();
    void softmaxWeights();
    void logitSummaries();
};

void KernelsTest::initTestCase()
{
    qInfo("kernels: %s, channel alignment %d", isaName(selectedIsa()),
          selectiveScanChannelAlignment());
}

void KernelsTest::scanMatchesReference_data()
{
    QTest::addColumn<int>("stateSize");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("gate");
    QTest::newRow("N=16, 200 channels (vector + tail)") << 16 << 200 << false;
    QTest::newRow("N=16, gated") << 16 << 200 << true;
    QTest::newRow("N=8, 77 channels") << 8 << 77 << true;
    QTest::newRow("N=5 (odd state)") << 5 << 130 << true;
    QTest::newRow("N=128 (Mamba-2 sized state)") << 128 << 16 << false;
    QTest::newRow("N=300 (beyond the vector kernels)") << 300 << 20 << true;
    QTest::newRow("3 channels (tail only)") << 16 << 3 << true;
}

void KernelsTest::scanMatchesReference()
{
    QFETCH(int, stateSize);
    QFETCH(int, channels);
    QFETCH(bool, gate);
    const ScanCase c{97, channels, stateSize, gate};
    ScanBuffers b = randomScan(c, 42);
    std::vector<float> s1, y1, s2, y2;
    selectiveScan(argsFor(c, b, s1, y1));
    test::selectiveScanReference(argsFor(c, b, s2, y2));
    compareScan(y1, s1, y2, s2);
}

void KernelsTest::scanChannelRangesCompose()
{
    // What ForwardPass does inside its parallel region: disjoint aligned ranges, one per thread.
    const ScanCase c{64, 200, 16, true};
    ScanBuffers b = randomScan(c, 7);
    std::vector<float> s1, y1, s2, y2;
    const SelectiveScanArgs whole = argsFor(c, b, s1, y1);
    selectiveScan(whole);
    const SelectiveScanArgs parts = argsFor(c, b, s2, y2);
    const int split = selectiveScanChannelAlignment() * 5;
    selectiveScanChannels(parts, 0, split);
    selectiveScanChannels(parts, split, c.channels);
    QCOMPARE(y1, y2);
    QCOMPARE(s1, s2);
}

void KernelsTest::siluMatchesDefinition()
{
    std::vector<float> x;
    for (double v = -120.0; v <= 120.0; v += 0.0137)
        x.push_back(float(v));
    for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-5f, -88.0f, 88.0f, -1000.0f, 1000.0f})
        x.push_back(v);
    std::vector<float> y = x;
    siluInPlace(y.data(), int64_t(y.size()));
    for (size_t i = 0; i < x.size(); ++i) {
        const double exact = double(x[i]) / (1.0 + std::exp(-double(x[i])));
        // Below -87 the kernel may give about x·1e-38 instead of x·e^x: both are 0 to a model.
        const double tolerance = std::max(1e-6 * std::abs(exact), 1e-33);
        QVERIFY2(std::abs(y[i] - exact) <= tolerance,
                 qPrintable(
                     QStringLiteral("silu(%1) = %2, expected %3").arg(x[i]).arg(y[i]).arg(exact)));
    }
}

void KernelsTest::softplusMatchesPyTorch()
{
    std::vector<float> x, bias, scale;
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> b(-2.0f, 2.0f), s(0.5f, 2.0f);
    for (double v = -100.0; v <= 60.0; v += 0.0071) {
        x.push_back(float(v));
        bias.push_back(b(rng));
        scale.push_back(s(rng));
    }
    for (float v : {0.0f, 1e-30f, 19.99f, 20.0f, 20.01f, 0.49999f, 0.5f, 0.50001f}) {
        x.push_back(v);
        bias.push_back(0.0f);
        scale.push_back(1.0f);
    }
    for (const float *sc :
         {static_cast<const float *>(nullptr), static_cast<const float *>(scale.data())}) {
        std::vector<float> y = x;
        softplusInPlace(y.data(), bias.data(), sc, int64_t(y.size()));
        for (size_t i = 0; i < x.size(); ++i) {
            const double in = double(x[i] + bias[i]);  // the kernel adds in float too
            const double exact = softplusReference(in) * (sc ? double(sc[i]) : 1.0);
            // Relative 1e-6 (a few ulp); below 1e-37 the AVX2 path flushes toward 2^-126.
            const double tolerance = std::max(1e-6 * std::abs(exact), 5e-38);
            QVERIFY2(std::abs(y[i] - exact) <= tolerance,
                     qPrintable(QStringLiteral("softplus(%1) = %2, expected %3")
                                    .arg(in)
                                    .arg(double(y[i]))
                                    .arg(exact)));
        }
    }
}

void KernelsTest::logSumExpPieces()
{
    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 4.0f);
    for (int n : {1, 7, 16, 63, 64, 65, 1000, 50280}) {
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v)
            x = normal(rng);
        const float m = maxNotNaN(v.data(), n);
        QCOMPARE(m, *std::max_element(v.begin(), v.end()));
        double exact = 0.0;
        for (float x : v)
            exact += std::exp(double(x) - double(m));
        const double sum = sumExpShifted(v.data(), n, m);
        QVERIFY2(std::abs(sum / exact - 1.0) < 1e-6, qPrintable(QStringLiteral("n = %1").arg(n)));
    }
}

void KernelsTest::firstIndexFindsTheFirst()
{
    // Around the runs of 64 the search compares in vectors: the first of two equal values, one
    // in the tail after the last whole run, none, and a NaN value (never equal to anything).
    std::vector<float> v(4100, 1.0f);
    QCOMPARE(firstIndexOf(v.data(), 4100, 2.0f), int64_t(4100));
    for (int64_t at : {0, 63, 64, 1000, 4095, 4096, 4099}) {
        std::vector<float> w = v;
        w[size_t(at)] = 2.0f;
        w[4099] = 2.0f;
        QCOMPARE(firstIndexOf(w.data(), 4100, 2.0f), at);
    }
    QCOMPARE(firstIndexOf(v.data(), 0, 1.0f), int64_t(0));
    v[7] = std::numeric_limits<float>::quiet_NaN();
    QCOMPARE(firstIndexOf(v.data(), 4100, v[7]), int64_t(4100));
}

void KernelsTest::logitSummaries()
{
    // A vector's summary merged from blocks (as the step's threads make it, the LM head's blocks
    // of 128 on the vector path, other sizes on the general one) against the vector itself: the
    // largest value that is not NaN, the first id that has it (ties in different blocks), and
    // log p(id) against double exp; any cut into blocks gives the same largest value and id.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    std::mt19937 rng(23);
    std::normal_distribution<float> normal(0.0f, 5.0f);
    for (int n : {1, 17, 128, 4096, 4100}) {
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v)
            x = normal(rng);
        if (n > 300) {
            v[5] = nan;
            v[200] = -inf;
            v[size_t(n - 1)] = nan;
            v[1000] = v[3000] = 30.0f;  // the largest, twice, in different blocks
        }
        float top = -inf;
        for (float x : v)
            if (!std::isnan(x))
                top = std::max(top, x);
        const int32_t first = int32_t(std::find(v.begin(), v.end(), top) - v.begin());
        double exact = 0.0;
        for (float x : v)
            if (!std::isnan(x))
                exact += std::exp(double(x) - double(top));
        for (int blockSize : {128, 100, 4096}) {
            std::vector<LogitBlockSummary> blocks;
            for (int b0 = 0; b0 < n; b0 += blockSize)
                blocks.push_back(summarizeLogits(v.data() + b0, std::min(blockSize, n - b0), b0));
            const LogitSummary m = mergeLogitSummaries(blocks);
            const QString where = QStringLiteral("n = %1, blocks of %2").arg(n).arg(blockSize);
            QVERIFY2(m.valid && m.max == top && m.first == first, qPrintable(where));
            // NaN logits: no meaningful sum, as with sumExpShifted (NaN or not by ISA).
            if (n > 300)
                continue;
            QVERIFY2(std::abs(m.sumExp / exact - 1.0) < 1e-6, qPrintable(where));
            const int32_t id = n / 2;
            const double logP = double(v[size_t(id)]) - double(top) - std::log(exact);
            QVERIFY2(std::abs(m.logProbability(v[size_t(id)]) - logP) < 1e-6, qPrintable(where));
        }
    }
    // No value but NaN: no id (the sampler then takes 0, as its greedy choice does), no sum.
    std::vector<float> allNaN(128, nan);
    const LogitSummary none =
        mergeLogitSummaries(std::vector<LogitBlockSummary>{summarizeLogits(allNaN.data(), 128, 0)});
    QCOMPARE(none.first, -1);
    QVERIFY(none.max == -inf && std::isnan(none.logProbability(0.0f)));
    // Only -inf and NaN: the first -inf is the largest.
    std::vector<float> low(128, nan);
    low[70] = low[90] = -inf;
    const LogitBlockSummary lowest = summarizeLogits(low.data(), 128, 256);
    QCOMPARE(lowest.first, 256 + 70);
    QCOMPARE(lowest.sumExp, 0.0);
}

void KernelsTest::softmaxWeights()
{
    // The sampler's weights: the largest logit that is not NaN, then exp(v - that) in place, with
    // NaN, -inf and anything more than 87.3 below the top as 0, against double exp, for lengths
    // around the vector widths (the tails take the masked and scalar paths).
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    std::mt19937 rng(17);
    std::normal_distribution<float> normal(0.0f, 6.0f);
    for (int n : {1, 5, 8, 15, 16, 17, 31, 33, 100, 4096}) {
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v)
            x = normal(rng);
        if (n > 1) {
            v[0] = nan;  // a NaN in the first vector and in the tail
            v[size_t(n - 1)] = nan;
        }
        if (n > 2)
            v[size_t(n / 2)] = -inf;
        if (n > 3)
            v[1] = -200.0f;  // far below the top: its weight underflows
        float expectedTop = -inf;
        for (float x : v)
            if (!std::isnan(x))
                expectedTop = std::max(expectedTop, x);
        const float top = maxNotNaN(v.data(), n);
        QCOMPARE(top, expectedTop);
        if (!std::isfinite(top))
            continue;
        std::vector<float> w = v;
        expShifted(w.data(), n, top, w.data());
        for (int i = 0; i < n; ++i) {
            const float x = v[size_t(i)];
            const float shifted = x - top;  // in float, as the kernel
            const double exact =
                std::isnan(x) || shifted < -87.33f ? 0.0 : std::exp(double(shifted));
            QVERIFY2(std::abs(double(w[size_t(i)]) - exact) <= 1e-6 * exact,
                     qPrintable(QStringLiteral("n = %1, exp(%2) = %3, expected %4")
                                    .arg(n)
                                    .arg(double(shifted))
                                    .arg(double(w[size_t(i)]))
                                    .arg(exact)));
        }
    }
    // Every value NaN: no top.
    const std::vector<float> allNaN(20, nan);
    QCOMPARE(maxNotNaN(allNaN.data(), 20), -inf);
    QCOMPARE(maxNotNaN(allNaN.data(), 0), -inf);
}

QTEST_GUILESS_MAIN(KernelsTest)
#include "tst_kernels.moc"
