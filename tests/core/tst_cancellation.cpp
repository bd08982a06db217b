// SPDX-License-Identifier: GPL-3.0-or-later
// Cancellation at any point of loading, evaluation, calibration and baking: the job stops with
// mscope::Cancelled, leaves nothing half-written, and the next run on the same objects gives
// exactly the results of a run that was never interrupted. Cancels come from the job's own progress
// callback (every step in turn) and from another thread at random moments (the seed is printed;
// MAMBASCOPE_CANCEL_SEED=N repeats a run).
#include "BpeTokenizer.h"
#include "Calibrator.h"
#include "CheckpointBaker.h"
#include "FileError.h"
#include "ForwardPass.h"
#include "JobControl.h"
#include "MambaModel.h"
#include "Modulation.h"
#include "PerplexityEvaluator.h"
#include "TestMain.h"
#include "TextFile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

using namespace mscope;

namespace {

const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
const QString kTexts = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/");

// Runs `job` body on this thread while another thread cancels it after `delay`. Returns whether
// the body stopped with Cancelled (false: it finished first).
bool runCancelledAfter(std::chrono::microseconds delay,
                       const std::function<void(JobControl &)> &body)
{
    JobControl job;
    std::atomic<bool> done{false};
    std::thread canceller([&] {
        const auto until = std::chrono::steady_clock::now() + delay;
        while (!done.load() && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        job.cancel();
    });
    bool cancelled = false;
    try {
        body(job);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    done = true;
    canceller.join();
    return cancelled;
}

std::chrono::microseconds elapsedOf(const std::function<void()> &body)
{
    QElapsedTimer timer;
    timer.start();
    body();
    return std::chrono::microseconds(timer.nsecsElapsed() / 1000);
}

// `trials` runs of `body`, each cancelled from another thread at a random moment within `upTo`
// (the time an uninterrupted run took), `check` called after each. On a busy machine a run can
// be quicker than the one measured: then later moments are drawn from its shorter time, so that
// most runs do get interrupted. Returns how many were.
int cancelAtRandomMoments(QRandomGenerator &random, int trials, std::chrono::microseconds upTo,
                          const std::function<void(JobControl &)> &body,
                          const std::function<void(bool cancelled)> &check)
{
    int cancelled = 0;
    for (int trial = 0; trial < trials; ++trial) {
        const std::chrono::microseconds delay(random.bounded(qint64(upTo.count()) + 1));
        bool stopped = false;
        const auto took = elapsedOf([&] { stopped = runCancelledAfter(delay, body); });
        if (stopped)
            ++cancelled;
        else
            upTo = std::min(upTo, took * 9 / 10);
        check(stopped);
    }
    return cancelled;
}

QByteArray presetText(const ModulationSet &set)
{
    return QJsonDocument(set.toJson()).toJson(QJsonDocument::Compact);
}

QStringList entriesOf(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

}  // namespace

class CancellationTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loadCancelledAtEveryStep();
    void loadCancelledFromAnotherThread();
    void streamCancelledAtRandomMoments();
    void fixedWindowsCancelledAtRandomMoments();
    void calibrationCancelledAtEveryStep();
    void calibrationCancelledFromAnotherThread();
    void bakeCancelledAtEveryStepLeavesNothing();

private:
    CalibrationOptions calibrationOptions() const;

    std::shared_ptr<const MambaModel> m_model;
    std::vector<int32_t> m_ids;
    QRandomGenerator m_random;
};

void CancellationTest::initTestCase()
{
    const quint32 seed = qEnvironmentVariableIsSet("MAMBASCOPE_CANCEL_SEED")
                             ? quint32(qEnvironmentVariableIntValue("MAMBASCOPE_CANCEL_SEED"))
                             : QRandomGenerator::global()->generate();
    qInfo("cancellation moments: MAMBASCOPE_CANCEL_SEED=%u", seed);
    m_random.seed(seed);
    m_model = MambaModel::load(kDemo);
    const auto tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    const QString path = kTexts + QStringLiteral("val_senseandsensibility.txt");
    const QByteArray text = TextFile::readUtf8(path);
    m_ids = tokenizer->encodeUtf8(text.left(text.indexOf('\n', 6000)), path);
    QVERIFY(m_ids.size() > 1024);
    m_ids.resize(1024);
}

CalibrationOptions CancellationTest::calibrationOptions() const
{
    CalibrationOptions options;
    options.family = ModulationFamily::Power;
    options.method = CalibrationOptions::Method::Spsa;
    options.targetLength = 256;
    options.budget = 8;
    options.iterations = 2;
    options.seed = 11;
    options.calibrationDocs = {m_ids};
    options.calibrationTexts = {QStringLiteral("val_senseandsensibility.txt[:1024]")};
    return options;
}

void CancellationTest::loadCancelledAtEveryStep()
{
    const int layers = m_model->config().nLayer;
    // Progress is reported when opening and after every layer: cancel at each report in turn.
    for (int cancelAt = 0; cancelAt <= layers; ++cancelAt) {
        JobControl job;
        int reports = 0;
        job.setProgressCallback([&](double, const QString &) {
            if (reports++ == cancelAt)
                job.cancel();
        });
        try {
            const auto loaded = MambaModel::load(kDemo, &job);
            // After the last layer only the final norm is left: a cancel may come too late.
            QCOMPARE(cancelAt, layers);
            QCOMPARE(loaded->fingerprint(), m_model->fingerprint());
        } catch (const Cancelled &) {
        }
    }
    const auto again = MambaModel::load(kDemo);
    QCOMPARE(again->fingerprint(), m_model->fingerprint());
    QCOMPARE(again->parameterCount(), m_model->parameterCount());
}

void CancellationTest::loadCancelledFromAnotherThread()
{
    const auto loadTime = elapsedOf([] { MambaModel::load(kDemo); });
    std::shared_ptr<const MambaModel> loaded;
    const int cancelled = cancelAtRandomMoments(
        m_random, 12, loadTime,
        [&](JobControl &job) {
            loaded.reset();
            loaded = MambaModel::load(kDemo, &job);
        },
        [&](bool stopped) {
            QVERIFY(stopped ? !loaded : loaded->fingerprint() == m_model->fingerprint());
        });
    qInfo("%d of 12 loads cancelled", cancelled);
    QCOMPARE(MambaModel::load(kDemo)->fingerprint(), m_model->fingerprint());
}

void CancellationTest::streamCancelledAtRandomMoments()
{
    // One ForwardPass and evaluator throughout: an interrupted run must leave nothing behind in
    // their scratch buffers or state that changes the next run.
    ForwardPass forward(m_model);
    PerplexityEvaluator evaluator(forward, 128);
    StreamResult reference;
    const auto runTime = elapsedOf([&] { reference = evaluator.stream(m_ids); });
    int64_t seen = 0;
    const int cancelled = cancelAtRandomMoments(
        m_random, 4, runTime,
        [&](JobControl &job) {
            seen = 0;
            evaluator.stream(m_ids, &job, [&](int64_t first, const float *, int64_t count) {
                QCOMPARE(first, seen);  // chunks arrive in order, none twice
                seen += count;
            });
        },
        [&](bool stopped) {
            const int64_t all = int64_t(m_ids.size()) - 1;
            QVERIFY(stopped ? seen < all : seen == all);
            const StreamResult again = evaluator.stream(m_ids);
            QCOMPARE(again.nll, reference.nll);
            QCOMPARE(again.finalSsmNorm, reference.finalSsmNorm);
        });
    QVERIFY2(cancelled > 0, "no run was cancelled: the random moments all fell after the end");
    JobControl already;
    already.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, evaluator.stream(m_ids, &already));
}

void CancellationTest::fixedWindowsCancelledAtRandomMoments()
{
    ForwardPass forward(m_model);
    PerplexityEvaluator evaluator(forward, 128);
    const std::vector<std::vector<int32_t>> documents{
        std::vector<int32_t>(m_ids.begin(), m_ids.begin() + 512),
        std::vector<int32_t>(m_ids.begin() + 400, m_ids.end())};
    FixedWindowResult reference;
    const auto runTime = elapsedOf([&] { reference = evaluator.fixedWindows(documents, 256); });
    const int cancelled = cancelAtRandomMoments(
        m_random, 4, runTime,
        [&](JobControl &job) { evaluator.fixedWindows(documents, 256, 0, false, &job); },
        [&](bool) {
            const FixedWindowResult again = evaluator.fixedWindows(documents, 256);
            QCOMPARE(again.windows, reference.windows);
            QCOMPARE(again.nllSum, reference.nllSum);
            QCOMPARE(again.positionNllSum, reference.positionNllSum);
            QCOMPARE(again.finalSsmNorm, reference.finalSsmNorm);
        });
    QVERIFY2(cancelled > 0, "no run was cancelled: the random moments all fell after the end");
}

void CancellationTest::calibrationCancelledAtEveryStep()
{
    const CalibrationOptions options = calibrationOptions();
    int steps = 0;
    const ModulationSet reference =
        Calibrator::run(m_model, options, nullptr, [&](const CalibrationStep &) { ++steps; });
    QVERIFY(steps > 1);
    for (int cancelAt = 0; cancelAt < steps; ++cancelAt) {
        JobControl job;
        int seen = 0;
        try {
            const ModulationSet done =
                Calibrator::run(m_model, options, &job, [&](const CalibrationStep &) {
                    if (seen++ == cancelAt)
                        job.cancel();
                });
            // Only a cancel at the very last step may come too late to matter.
            QCOMPARE(cancelAt, steps - 1);
            QCOMPARE(presetText(done), presetText(reference));
        } catch (const Cancelled &) {
            QCOMPARE(seen, cancelAt + 1);  // nothing evaluated after the cancel
        }
    }
    QCOMPARE(presetText(Calibrator::run(m_model, options, nullptr, {})), presetText(reference));
}

void CancellationTest::calibrationCancelledFromAnotherThread()
{
    CalibrationOptions options = calibrationOptions();
    options.family = ModulationFamily::Linear;
    options.method = CalibrationOptions::Method::Coordinate;
    ModulationSet reference;
    const auto runTime =
        elapsedOf([&] { reference = Calibrator::run(m_model, options, nullptr, {}); });
    const int cancelled = cancelAtRandomMoments(
        m_random, 4, runTime, [&](JobControl &job) { Calibrator::run(m_model, options, &job, {}); },
        [](bool) {});
    QVERIFY2(cancelled > 0, "no run was cancelled: the random moments all fell after the end");
    QCOMPARE(presetText(Calibrator::run(m_model, options, nullptr, {})), presetText(reference));
}

void CancellationTest::bakeCancelledAtEveryStepLeavesNothing()
{
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5"), m_model->config().nLayer);
    const QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("baked"));
    int reports = 0;
    {
        JobControl counter;
        counter.setProgressCallback([&](double, const QString &) { ++reports; });
        CheckpointBaker::bake(*m_model, set, out, &counter);
    }
    const QString expected = MambaModel::load(out)->fingerprint();
    QVERIFY(QDir(out).removeRecursively());
    QVERIFY(reports > 1);

    for (int cancelAt = 0; cancelAt < reports; ++cancelAt) {
        JobControl job;
        int seen = 0;
        job.setProgressCallback([&](double, const QString &) {
            if (seen++ == cancelAt)
                job.cancel();
        });
        try {
            CheckpointBaker::bake(*m_model, set, out, &job);
            // The last report comes after the rename: the bake is complete, and must be whole.
            QCOMPARE(MambaModel::load(out)->fingerprint(), expected);
            QVERIFY(QDir(out).removeRecursively());
        } catch (const Cancelled &) {
            QVERIFY2(entriesOf(dir.path()).isEmpty(), qPrintable(entriesOf(dir.path()).join(u' ')));
        }
    }
    CheckpointBaker::bake(*m_model, set, out);
    QCOMPARE(MambaModel::load(out)->fingerprint(), expected);
}

MAMBASCOPE_TEST_MAIN(CancellationTest)
#include "tst_cancellation.moc"
