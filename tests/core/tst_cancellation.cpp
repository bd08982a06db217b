// SPDX-License-Identifier: GPL-3.0-or-later
// Cancellation at any point of loading, evaluation, calibration and baking: the job stops with
// mscope::Cancelled, leaves nothing half-written, and the next run on the same objects gives
// exactly the results of a run that was never interrupted. Cancels come from the job's own progress
// callback (every step in turn) and from another thread at random moments (the seed is printed;
// MAMBASCOPE_CANCEL_SEED=N repeats a run).
// And failures while writing: a bake that fails half-way (a full disk, weights changed on disk)
// leaves nothing behind, and a preset or safetensors file that cannot be written whole leaves the
// previous version untouched (SECURITY.md, "No lost work").
#include "FileSizeLimit.h"
#include "TestMain.h"
#include "calibration/Calibrator.h"
#include "eval/PerplexityEvaluator.h"
#include "io/SafetensorsFile.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "modulation/CheckpointBaker.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <chrono>
#include <cstring>
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

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The message of the Error `f` throws, or a note that it threw none.
QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("(no Error thrown)");
}

// A copy of the model directory `from` in `to`.
void copyModel(const QString &from, const QString &to)
{
    QVERIFY(QDir().mkpath(to));
    for (const QString &name : QDir(from).entryList(QDir::Files))
        QVERIFY(QFile::copy(QDir(from).filePath(name), QDir(to).filePath(name)));
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
    // Failures while writing.
    void bakeFailingOnAFullDiskLeavesNothing();
    void bakeOfWeightsChangedOnDiskLeavesNothing();
    void failedSaveKeepsTheOldPreset();
    void failedWriteKeepsTheOldSafetensors();

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

void CancellationTest::bakeFailingOnAFullDiskLeavesNothing()
{
    // The disk fills up while the 14 MB of weights are written: refused with the reason, and
    // neither the output nor the temporary directory beside it is left. An empty directory chosen
    // as the output stays as it was.
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5"), m_model->config().nLayer);
    const QTemporaryDir dir;
    for (const bool existing : {false, true}) {
        const QString out = dir.filePath(QStringLiteral("baked"));
        if (existing)
            QVERIFY(QDir().mkdir(out));
        QString message;
        {
            const FileSizeLimit full(1 << 20);
            message = errorOf([&] { CheckpointBaker::bake(*m_model, set, out); });
        }
        QVERIFY2(message.startsWith(out + QStringLiteral(": cannot write model.safetensors (")),
                 qPrintable(message));
        QCOMPARE(entriesOf(dir.path()),
                 existing ? QStringList{QStringLiteral("baked")} : QStringList{});
        if (existing) {
            QVERIFY(entriesOf(out).isEmpty());
            QVERIFY(QDir().rmdir(out));
        }
    }
    // With room again, the same bake succeeds.
    const QString out = dir.filePath(QStringLiteral("baked"));
    CheckpointBaker::bake(*m_model, set, out);
    QCOMPARE(MambaModel::load(out)->config().nLayer, m_model->config().nLayer);
}

void CancellationTest::bakeOfWeightsChangedOnDiskLeavesNothing()
{
    // A sharded model whose second shard is replaced after loading: the first shard is already
    // written when the bake notices, and everything it wrote goes.
    const QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("model"));
    copyModel(QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m1_sharded"), model);
    const auto loaded = MambaModel::load(model);
    const QString shard = QDir(model).filePath(QStringLiteral("model-00002-of-00003.safetensors"));
    const QString aLog = QStringLiteral("backbone.layers.1.mixer.A_log");
    {
        const SafetensorsFile source(shard);
        SafetensorsWriter writer;
        for (const QString &name : source.tensorNames()) {
            const TensorInfo &t = source.tensor(name);
            QCOMPARE(t.type, StorageType::F32);
            std::vector<float> values(size_t(t.elementCount()));
            std::memcpy(values.data(), t.data, values.size() * sizeof(float));
            if (name == aLog)
                values[3] += 0.25f;
            writer.add(name, t.shape, values.data(), t.type);
        }
        writer.write(shard);
    }
    const ModulationSet set =
        ModulationSet::fromShorthand(QStringLiteral("power:0.5"), loaded->config().nLayer);
    const QString out = dir.filePath(QStringLiteral("baked"));
    int reports = 0;
    JobControl job;
    job.setProgressCallback([&](double, const QString &) { ++reports; });
    QCOMPARE(errorOf([&] { CheckpointBaker::bake(*loaded, set, out, &job); }),
             shard + QStringLiteral(": tensor '%1' differs from the weights loaded earlier (the "
                                    "file changed on disk); load the model again")
                         .arg(aLog));
    QCOMPARE(reports, 1);  // the first shard was written
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("model")});
}

void CancellationTest::failedSaveKeepsTheOldPreset()
{
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("preset.json"));
    ModulationSet old = ModulationSet::fromShorthand(QStringLiteral("power:0.5"), 6);
    old.save(path);
    const QByteArray before = readFile(path);
    QVERIFY(before.size() > 100 && before.size() < 4096);

    ModulationSet bigger = ModulationSet::fromShorthand(QStringLiteral("power:0.7"), 6);
    for (int i = 0; i < 200; ++i)
        bigger.calibrationTexts
            << QStringLiteral("calibration-text-%1-with-a-long-name.txt").arg(i);
    QString message;
    {
        const FileSizeLimit full(4096);
        message = errorOf([&] { bigger.save(path); });
    }
    QVERIFY2(message.startsWith(path + QStringLiteral(": cannot write (")), qPrintable(message));
    QCOMPARE(readFile(path), before);  // the old preset, whole
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("preset.json")});
    QCOMPARE(ModulationSet::load(path).describe(), old.describe());

    // A directory that does not exist (or cannot be written): refused, nothing created.
    const QString nowhere = dir.filePath(QStringLiteral("missing/preset.json"));
    const QString refused = errorOf([&] { old.save(nowhere); });
    QVERIFY2(refused.startsWith(nowhere + QStringLiteral(": cannot write (")), qPrintable(refused));
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("preset.json")});
}

void CancellationTest::failedWriteKeepsTheOldSafetensors()
{
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("weights.safetensors"));
    const std::vector<float> small(16, 1.0f), large(64 * 1024, 2.0f);
    SafetensorsWriter first;
    first.add(QStringLiteral("w"), {16}, small.data());
    first.write(path);
    const QByteArray before = readFile(path);
    SafetensorsWriter second;
    second.add(QStringLiteral("w"), {int64_t(large.size())}, large.data());
    QString message;
    {
        const FileSizeLimit full(64 * 1024);
        message = errorOf([&] { second.write(path); });
    }
    QVERIFY2(message.startsWith(path + QStringLiteral(": cannot write (")), qPrintable(message));
    QCOMPARE(readFile(path), before);
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("weights.safetensors")});
    QCOMPARE(SafetensorsFile(path).tensor(QStringLiteral("w")).elementCount(), int64_t(16));
}

MAMBASCOPE_TEST_MAIN(CancellationTest)
#include "tst_cancellation.moc"
