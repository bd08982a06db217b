// SPDX-License-Identifier: GPL-3.0-or-later
// Calibration on a tiny budget: deterministic for a seed, improves on its starting point, stops
// promptly when cancelled, refuses unusable options. (The full-budget run against the issue's
// target is in the report, not here: 200 passes of 16k tokens take minutes.)
#include "calibration/Calibrator.h"
#include "io/TextFile.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "TestMain.h"
#include "tokenizer/BpeTokenizer.h"

#include <QElapsedTimer>
#include <QTest>
#include <atomic>
#include <thread>

using namespace mscope;

class CalibrationTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void spsaIsDeterministicAndImproves();
    void coordinateSearchKeepsTheBudget();
    void cancellationStopsPromptly();
    void cancellationFromAnotherThread();
    void unusableOptionsAreRefused();

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
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.targetLength = 8192;  // longer than the slice
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
    o = tinyOptions(CalibrationOptions::Method::Spsa);
    o.windowsPerEvaluation = 4;
    o.budget = 3;  // less than one evaluation
    QVERIFY_THROWS_EXCEPTION(Error, Calibrator::run(m_model, o, nullptr, {}));
}

MAMBASCOPE_TEST_MAIN(CalibrationTest)
#include "tst_calibration.moc"
