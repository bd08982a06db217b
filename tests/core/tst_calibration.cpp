// SPDX-License-Identifier: GPL-3.0-or-later
// Calibration on a tiny budget: deterministic for a seed, improves on its starting point, stops
// promptly when cancelled, refuses unusable options; Adam on the gradient, every method from a
// start preset, the 1-D search of tau-cap's constant against a brute-force grid. (The full-budget
// run against the target is in the report, not here: 200 passes of 16k tokens take
// minutes.)
#include "TestMain.h"
#include "analysis/DeltaStatistics.h"
#include "calibration/Calibrator.h"
#include "calibration/ConstantSearch.h"
#include "calibration/GoldenSection.h"
#include "calibration/ScoredObjective.h"
#include "io/TextFile.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <cmath>
#include <thread>

using namespace mscope;

class CalibrationTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void goldenSectionKeepsItsCountAndConverges();
    void spsaIsDeterministicAndImproves();
    void coordinateSearchKeepsTheBudget();
    void cancellationStopsPromptly();
    void cancellationFromAnotherThread();
    void unusableOptionsAreRefused();
    void adamIsDeterministicAndImproves();
    void adamStatesFromAStartPreset();
    void searchesStartFromTheStartPreset();
    void constantSearchMatchesABruteForceGrid();
    void adamCancelledKeepsItsBest();

private:
    CalibrationOptions tinyOptions(CalibrationOptions::Method method) const;
    std::shared_ptr<const MambaModel> m_model;
    std::vector<int32_t> m_slice;
};

void CalibrationTest::initTestCase()
{
    m_model = MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const auto tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    const QString path = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/val_senseandsensibility.txt");
    m_slice = tokenizer->encodeUtf8(TextFile::readUtf8(path), path);
    m_slice.resize(4096);  // 4 windows of the target length
}

CalibrationOptions CalibrationTest::tinyOptions(CalibrationOptions::Method method) const
{
    CalibrationOptions o;
    o.family = ModulationFamily::Power;
    o.method = method;
    o.targetLength = 1024;
    o.budget = 12;
    o.seed = 3;
    o.calibrationDocs = {m_slice};
    o.calibrationTexts = {QStringLiteral("val_senseandsensibility.txt[:4096]")};
    return o;
}

void CalibrationTest::goldenSectionKeepsItsCountAndConverges()
{
    // Exactly the evaluations it is given: the searches divide their budget by this count.
    for (int k : {-1, 0, 1, 2, 3, 7}) {
        int calls = 0;
        goldenSection([&](double x) { return ++calls, x * x; }, -1.0, 2.0, k);
        QCOMPARE(calls, std::max(0, k));
    }
    // On a unimodal function the best point seen approaches the minimum as 0.618^k: after 30
    // evaluations of (x - 0.3)^2 on [0, 1] the bracket is 0.618^28 ≈ 1.4e-6 wide.
    double bestX = -1.0, bestF = 1e300;
    const auto f = [&](double x) {
        const double v = (x - 0.3) * (x - 0.3);
        if (v < bestF) {
            bestF = v;
            bestX = x;
        }
        return v;
    };
    goldenSection(f, 0.0, 1.0, 30);
    QVERIFY2(std::fabs(bestX - 0.3) < 2e-6, qPrintable(QString::number(bestX, 'g', 10)));
    // The first two points are the golden points of the interval, in that order.
    std::vector<double> xs;
    goldenSection([&](double x) { return xs.push_back(x), 0.0; }, 0.0, 1.0, 2);
    QCOMPARE(xs.size(), size_t(2));
    QVERIFY(std::fabs(xs[0] - (1.0 - 0.6180339887)) < 1e-9);
    QVERIFY(std::fabs(xs[1] - 0.6180339887) < 1e-9);
}

void CalibrationTest::spsaIsDeterministicAndImproves()
{
    const CalibrationOptions options = tinyOptions(CalibrationOptions::Method::Spsa);
    std::vector<CalibrationStep> first, second;
    const ModulationSet a = Calibrator::run(m_model, options, nullptr,
                                            [&](const CalibrationStep &s) { first.push_back(s); });
    const ModulationSet b = Calibrator::run(m_model, options, nullptr,
                                            [&](const CalibrationStep &s) { second.push_back(s); });
    QCOMPARE(a.steps.size(), size_t(1));
    QCOMPARE(a.steps[0].layerFactors, b.steps[0].layerFactors);
    QCOMPARE(a.calibrationScore, b.calibrationScore);
    QCOMPARE(first.size(), second.size());
    for (size_t i = 0; i < first.size(); ++i) {
        QCOMPARE(first[i].factors, second[i].factors);
        QCOMPARE(first[i].objective, second[i].objective);
    }

    // One window per evaluation (12 / 91 rounds down): start, then s+, s-, iterate per step.
    QCOMPARE(int(first.size()), 12);
    QCOMPARE(first.front().phase, QStringLiteral("start"));
    QCOMPARE(first.back().forwardPasses, 12);
    for (const CalibrationStep &s : first) {
        QVERIFY(s.forwardPasses <= s.budget);
        QVERIFY(s.bestObjective <= s.objective);
        for (double f : s.factors)
            QVERIFY(f >= 0.01 && f <= 1.0);
    }
    const double start = first.front().objective;
    QVERIFY2(*a.calibrationScore < start,
             qPrintable(QStringLiteral("best %1, start %2").arg(*a.calibrationScore).arg(start)));
    QCOMPARE(first.back().bestFactors, a.steps[0].layerFactors);
    // The start is drawn from U(0.75, 1) per layer.
    for (double f : first.front().factors)
        QVERIFY(f >= 0.75 && f <= 1.0);

    // Provenance travels with the preset.
    QCOMPARE(a.modelFingerprint, m_model->fingerprint());
    QCOMPARE(a.targetLength, 1024);
    QCOMPARE(a.calibrationMethod, QStringLiteral("spsa"));
    QCOMPARE(a.calibrationTexts, options.calibrationTexts);

    // Another seed, another start.
    CalibrationOptions other = options;
    other.seed = 4;
    other.budget = 1;
    std::vector<double> otherStart;
    Calibrator::run(m_model, other, nullptr,
                    [&](const CalibrationStep &s) { otherStart = s.factors; });
    QVERIFY(otherStart != first.front().factors);
}

void CalibrationTest::coordinateSearchKeepsTheBudget()
{
    std::vector<CalibrationStep> steps;
    const ModulationSet set =
        Calibrator::run(m_model, tinyOptions(CalibrationOptions::Method::Coordinate), nullptr,
                        [&](const CalibrationStep &s) { steps.push_back(s); });
    QCOMPARE(int(steps.size()), 12);
    QCOMPARE(steps.back().forwardPasses, 12);
    // It starts from the model as loaded and only ever keeps improvements.
    QCOMPARE(steps.front().factors, std::vector<double>(6, 1.0));
    QVERIFY(*set.calibrationScore <= steps.front().objective);
    double best = steps.front().objective;
    for (const CalibrationStep &s : steps) {
        best = std::min(best, s.objective);
        QCOMPARE(s.bestObjective, best);
    }
    QCOMPARE(set.calibrationMethod, QStringLiteral("coordinate"));
}

void CalibrationTest::cancellationStopsPromptly()
{
    JobControl job;
    int stepsSeen = 0;
    CalibrationStep last;
    try {
        Calibrator::run(m_model, tinyOptions(CalibrationOptions::Method::Spsa), &job,
                        [&](const CalibrationStep &s) {
                            ++stepsSeen;
                            last = s;
                            if (s.iteration == 1)
                                job.cancel();
                        });
        QFAIL("not cancelled");
    } catch (const Cancelled &) {
    }
    // Cancelled after the first s+ evaluation: nothing more was evaluated, and the best point so
    // far was in hand.
    QCOMPARE(stepsSeen, 2);
    QCOMPARE(last.phase, QStringLiteral("s+"));
    QCOMPARE(int(last.bestFactors.size()), 6);
    QVERIFY(last.bestModulation);
    QCOMPARE(last.bestModulation->steps.front().layerFactors, last.bestFactors);
}

void CalibrationTest::cancellationFromAnotherThread()
{
    JobControl job;
    std::atomic<bool> started{false};
    CalibrationOptions options = tinyOptions(CalibrationOptions::Method::Coordinate);
    options.budget = 1000;
    options.windowsPerEvaluation = 4;
    bool cancelled = false;
    std::thread worker([&] {
        try {
            Calibrator::run(m_model, options, &job,
                            [&](const CalibrationStep &) { started = true; });
        } catch (const Cancelled &) {
            cancelled = true;
        }
    });
    while (!started)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    QElapsedTimer timer;
    timer.start();
    job.cancel();
    worker.join();
    QVERIFY(cancelled);
    // The flag is checked before every chunk of 512 tokens: far below a second of work.
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

void CalibrationTest::unusableOptionsAreRefused()
{
    CalibrationOptions o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.family = ModulationFamily::Winsorize;
    o.method = CalibrationOptions::Method::Adam;  // winsorize has no gradient
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.objective = ObjectiveSpec::parse(QStringLiteral("passkey"));  // SPSA: perplexity only
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o.method = CalibrationOptions::Method::Adam;  // no prompts given
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.family = ModulationFamily::TauCap;  // no Δ statistics to cap with
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.targetLength = 8192;  // longer than the slice
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.windowsPerEvaluation = 4;
    o.budget = 3;  // less than one evaluation
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
}

void CalibrationTest::adamIsDeterministicAndImproves()
{
    CalibrationOptions options = tinyOptions(CalibrationOptions::Method::Adam);
    options.targetLength = 512;
    options.windowsPerEvaluation = 1;
    options.granularity = FactorGranularity::Channel;
    options.steps = 3;
    options.learningRate = 0.05;
    std::vector<CalibrationStep> first, second;
    const ModulationSet a = Calibrator::run(m_model, options, nullptr,
                                            [&](const CalibrationStep &s) { first.push_back(s); });
    const ModulationSet b = Calibrator::run(m_model, options, nullptr,
                                            [&](const CalibrationStep &s) { second.push_back(s); });
    QCOMPARE(first.size(), size_t(4));  // the start and three steps
    QCOMPARE(first.size(), second.size());
    for (size_t i = 0; i < first.size(); ++i) {
        QCOMPARE(first[i].objective, second[i].objective);
        QCOMPARE(first[i].factors, second[i].factors);
        QCOMPARE(first[i].objectiveName, QStringLiteral("perplexity"));
        QCOMPARE(first[i].iteration, int(i));
    }
    QCOMPARE(a.steps.size(), size_t(1));
    QCOMPARE(a.steps[0].channelFactors, b.steps[0].channelFactors);
    // The last step carries the whole best preset (what a cancelled run keeps).
    QVERIFY(first.back().bestModulation);
    QCOMPARE(first.back().bestModulation->steps[0].channelFactors, a.steps[0].channelFactors);
    QCOMPARE(first.front().phase, QStringLiteral("start"));
    QCOMPARE(first.front().factors, std::vector<double>(6, 1.0));  // the identity
    QVERIFY(first.front().gradientNorm > 0.0);
    // Every step lowered perplexity here (a small learning rate on a smooth objective).
    for (size_t i = 1; i < first.size(); ++i)
        QVERIFY2(first[i].objective < first[i - 1].objective,
                 qPrintable(QStringLiteral("step %1: %2 after %3")
                                .arg(i)
                                .arg(first[i].objective)
                                .arg(first[i - 1].objective)));
    QCOMPARE(*a.calibrationScore, first.back().bestObjective);
    QCOMPARE(a.calibrationMethod, QStringLiteral("adam"));
    const int channels = m_model->decayChannels();
    QCOMPARE(int(a.steps[0].channelFactors.size()), 6);
    for (const auto &row : a.steps[0].channelFactors) {
        QCOMPARE(int(row.size()), channels);
        for (double f : row)
            QVERIFY(f >= 0.01 && f <= 1.0);
    }
    double lowest = 1.0;
    for (const auto &row : a.steps[0].channelFactors)
        for (double f : row)
            lowest = std::min(lowest, f);
    // Adam moves a coordinate by about lr per step (here 0.15025 in three steps of 0.05): the
    // learning rate is what it says, and something moved.
    QVERIFY2(lowest >= 1.0 - 3 * 0.05 * 1.1 && lowest < 1.0 - 2 * 0.05,
             qPrintable(QString::number(lowest)));
}

void CalibrationTest::adamStatesFromAStartPreset()
{
    CalibrationOptions options = tinyOptions(CalibrationOptions::Method::Adam);
    options.targetLength = 256;
    options.windowsPerEvaluation = 1;
    options.granularity = FactorGranularity::State;
    options.steps = 1;
    options.learningRate = 0.01;
    ModulationSet start = ModulationSet::fromShorthand(QStringLiteral("power:0.5"), 6);
    start.steps.push_back(Modulation::uniform(ModulationFamily::Delta, 0.9, 6));
    options.start = start;
    std::vector<CalibrationStep> steps;
    const ModulationSet set = Calibrator::run(
        m_model, options, nullptr, [&](const CalibrationStep &s) { steps.push_back(s); });
    QCOMPARE(steps.front().factors, std::vector<double>(6, 0.5));
    // The delta step of the start stays; the power step now has one factor per A_log entry.
    QCOMPARE(set.steps.size(), size_t(2));
    QCOMPARE(set.steps[1], start.steps[1]);
    const Modulation &power = set.steps[0];
    QCOMPARE(power.family, ModulationFamily::Power);
    const size_t entries = size_t(m_model->decayChannels()) * size_t(m_model->decayStateSize());
    QCOMPARE(power.stateFactors.size(), size_t(6));
    bool moved = false;
    for (const auto &row : power.stateFactors) {
        QCOMPARE(row.size(), entries);
        for (double f : row) {
            QVERIFY(std::abs(f - 0.5) <= 0.01 * (1 + 1e-6));  // one step of at most lr
            moved = moved || f != 0.5;
        }
    }
    QVERIFY(moved);
    // Per-state factors survive the preset file.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("state.json"));
    set.save(path);
    const ModulationSet loaded = ModulationSet::load(path, m_model.get());
    QCOMPARE(loaded.steps[0].stateFactors, power.stateFactors);
    QCOMPARE(loaded.steps[0].stateCount, m_model->decayStateSize());
}

void CalibrationTest::searchesStartFromTheStartPreset()
{
    for (auto method : {CalibrationOptions::Method::Spsa, CalibrationOptions::Method::Coordinate}) {
        CalibrationOptions options = tinyOptions(method);
        options.budget = 1;  // the start only
        options.start = ModulationSet::fromShorthand(QStringLiteral("power:0.7"), 6);
        std::vector<CalibrationStep> steps;
        const ModulationSet set = Calibrator::run(
            m_model, options, nullptr, [&](const CalibrationStep &s) { steps.push_back(s); });
        QCOMPARE(steps.size(), size_t(1));
        QCOMPARE(steps.front().factors, std::vector<double>(6, 0.7));
        QCOMPARE(set.steps.front().layerFactors, std::vector<double>(6, 0.7));
    }
}

void CalibrationTest::constantSearchMatchesABruteForceGrid()
{
    CalibrationOptions options = tinyOptions(CalibrationOptions::Method::Spsa);
    options.family = ModulationFamily::TauCap;
    options.targetLength = 512;
    options.windowsPerEvaluation = 1;
    options.budget = 12;
    ModulationSet start;
    start.trainingLength = 256;
    start.deltaStatistics =
        std::make_shared<DeltaStatistics>(DeltaStatistics::measure(*m_model, m_slice, 256, 8));
    options.start = start;
    std::vector<CalibrationStep> steps;
    const ModulationSet set = Calibrator::run(
        m_model, options, nullptr, [&](const CalibrationStep &s) { steps.push_back(s); });
    QCOMPARE(int(steps.size()), 12);
    QCOMPARE(set.calibrationMethod, QStringLiteral("golden-section"));
    QCOMPARE(set.steps.size(), size_t(1));
    const double c = set.steps[0].layerFactors[0];

    // The same objective on 40 log-spaced constants over the searched range.
    ScoredObjective objective(m_model, options, 40, nullptr, {});
    const auto [lo, hi] = ConstantSearch::range(ModulationFamily::TauCap, 512, 256);
    double bruteBest = 1e300, bruteC = 0;
    for (int i = 0; i < 40; ++i) {
        const double x = std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / 39.0);
        const double j = objective.evaluate(
            ConstantSearch::at(start, ModulationFamily::TauCap, x, 6), i, QString());
        if (j < bruteBest) {
            bruteBest = j;
            bruteC = x;
        }
    }
    // 12 evaluations find a point as good as 40 to within 0.05% of perplexity, near the same c.
    const double found = *set.calibrationScore, brute = std::exp(bruteBest);
    QVERIFY2(found <= brute * (1 + 5e-4),
             qPrintable(QStringLiteral("search %1 at c = %2, grid %3 at c = %4")
                            .arg(found)
                            .arg(c)
                            .arg(brute)
                            .arg(bruteC)));
    QVERIFY2(std::abs(std::log(c / bruteC)) < std::log(2.0),
             qPrintable(QStringLiteral("c = %1, grid %2").arg(c).arg(bruteC)));
}

void CalibrationTest::adamCancelledKeepsItsBest()
{
    CalibrationOptions options = tinyOptions(CalibrationOptions::Method::Adam);
    options.targetLength = 256;
    options.windowsPerEvaluation = 1;
    options.granularity = FactorGranularity::Channel;
    options.steps = 10;
    options.learningRate = 0.05;
    JobControl job;
    std::vector<CalibrationStep> steps;
    QVERIFY_THROWS_EXCEPTION(Cancelled,
                             Calibrator::run(m_model, options, &job, [&](const CalibrationStep &s) {
                                 steps.push_back(s);
                                 if (s.iteration == 2)
                                     job.cancel();
                             }));
    QCOMPARE(steps.size(), size_t(3));  // nothing evaluated after the cancel
    const auto &best = steps.back().bestModulation;
    QVERIFY(best);
    QCOMPARE(best->steps.size(), size_t(1));
    QCOMPARE(int(best->steps[0].channelFactors.size()), 6);
    QVERIFY(steps.back().bestObjective <= steps.front().objective);
}

MAMBASCOPE_TEST_MAIN(CalibrationTest)
#include "tst_calibration.moc"
