// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench and the CLI give the same numbers: the same model, text and modulation (τ-cap
// c = 1 on the demo model, which depends on every shared decision: the tokenizer, the training
// length, the Δ statistics and the spectrum's counting) run through the GUI's session and
// through mambascope-cli agree to the last bit on the curve's position buckets, the spectrum's
// shares of modes beyond the training length, and the modulated decay rates. Both sides run on two
// threads: the engine's numbers depend on the thread count in the last bits (OpenBLAS's kernels
// for small products do), not on the program.
#include "AppSettings.h"
#include "LiveCurves.h"
#include "WorkbenchSession.h"
#include "analysis/SpectrumDensity.h"
#include "cli/CliRunner.h"
#include "io/ResourceLocator.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "widgets/GuiTestMain.h"

#include <QJsonArray>
#include <QSignalSpy>

using namespace mscope;

namespace {

constexpr int kTokens = 4096;
const QString kText = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_prideandprejudice.txt");

}  // namespace

class ConsistencyTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void curveBucketsAreTheCliBuckets();
    void spectrumSharesAreTheCliShares();
    void tauCapFactorsAreTheCliFactors();

private:
    std::unique_ptr<WorkbenchSession> m_session;
    std::unique_ptr<LiveCurves> m_curves;
    SpectrumDensity m_original, m_modulated;
    QJsonObject m_spectrum;  // spectrum --values --json of the CLI
};

void ConsistencyTest::initTestCase()
{
    AppSettings::setMaxTokens(kTokens);
    AppSettings::setThreads(2);
    AppSettings::setChunkTokens(512);
    AppSettings::setStreamingProtocol(true);
    m_session = std::make_unique<WorkbenchSession>();
    m_curves = std::make_unique<LiveCurves>(m_session->liveEvaluation());
    m_curves->setBucketsPerOctave(2);
    QSignalSpy loaded(m_session.get(), &WorkbenchSession::modelLoaded);
    QSignalSpy stats(m_session.get(), &WorkbenchSession::deltaStatisticsChanged);
    m_session->openModel(ResourceLocator::demoModelDir());
    QVERIFY(loaded.wait(120000));
    QCOMPARE(m_session->evaluationText(), kText);
    QCOMPARE(m_session->trainingLength(), 256);
    // The model as loaded first: its curves, Δ statistics and spectrum.
    QVERIFY(QTest::qWaitFor(
        [&] {
            return m_session->deltaStatistics() && m_curves->currentComplete() &&
                   m_curves->baselineComplete() && !m_session->liveEvaluation()->isRunning() &&
                   m_session->jobs().isEmpty();
        },
        120000));

    bool finished = false;
    connect(m_curves.get(), &LiveCurves::currentFinished, this, [&] { finished = true; });
    connect(m_session.get(), &WorkbenchSession::spectrumReady, this,
            [this](const SpectrumDensity &original, const SpectrumDensity &modulated) {
                m_original = original;
                m_modulated = modulated;
            });
    ModulationEditor *editor = m_session->editor();
    editor->setFamily(ModulationFamily::TauCap);
    editor->setAllFactors(1.0);
    m_session->applyModulation();
    QVERIFY(QTest::qWaitFor(
        [&] {
            return finished && m_curves->currentComplete() &&
                   !m_session->liveEvaluation()->isRunning() && !m_modulated.isEmpty();
        },
        300000));
    QCOMPARE(m_original.quantity, SpectrumQuantity::Tau);

    const CliRun r = runCli(
        {QStringLiteral("spectrum"), QStringLiteral("--calib"), ResourceLocator::calibrationText(),
         QStringLiteral("--modulate"), QStringLiteral("tau-cap:1"), QStringLiteral("--values"),
         QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    m_spectrum = r.json();
    QCOMPARE(m_spectrum[QStringLiteral("training_length")].toInt(), 256);
}

void ConsistencyTest::curveBucketsAreTheCliBuckets()
{
    const CliRun r =
        runCli({QStringLiteral("eval"), QStringLiteral("--stream"), QStringLiteral("--first"),
                QString::number(kTokens), QStringLiteral("--buckets-per-octave"),
                QStringLiteral("2"), QStringLiteral("--modulate"), QStringLiteral("tau-cap:1"),
                QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--chunk"),
                QStringLiteral("512"), QStringLiteral("--json"), kText});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray cli = r.json()[QStringLiteral("buckets")].toArray();
    std::vector<PositionBucket> gui;
    for (const PositionBucket &b : m_curves->current().buckets())
        if (b.count > 0)
            gui.push_back(b);
    QCOMPARE(int(gui.size()), cli.size());
    QVERIFY(gui.size() > 10);
    for (size_t i = 0; i < gui.size(); ++i) {
        const QJsonObject c = cli[qsizetype(i)].toObject();
        QCOMPARE(gui[i].begin, c[QStringLiteral("begin")].toInteger());
        QCOMPARE(gui[i].end, c[QStringLiteral("end")].toInteger());
        QCOMPARE(gui[i].count, c[QStringLiteral("count")].toInteger());
        QCOMPARE(gui[i].perplexity(), c[QStringLiteral("ppl")].toDouble());
    }
}

void ConsistencyTest::spectrumSharesAreTheCliShares()
{
    const QJsonArray layers = m_spectrum[QStringLiteral("layers")].toArray();
    QCOMPARE(layers.size(), m_original.layers());
    for (int l = 0; l < layers.size(); ++l) {
        const QJsonObject layer = layers[l].toObject();
        const double loaded =
            layer[QStringLiteral("as_loaded")][QStringLiteral("share_tau_beyond_training")]
                .toDouble();
        const double capped =
            layer[QStringLiteral("modulated")][QStringLiteral("share_tau_beyond_training")]
                .toDouble();
        QCOMPARE(m_original.shareAbove[size_t(l)], loaded);
        QCOMPARE(m_modulated.shareAbove[size_t(l)], capped);
        // The demo model's point: many slow modes as trained, none past the cap under it.
        QVERIFY(loaded > 0.05);
        QCOMPARE(capped, 0.0);
    }
}

void ConsistencyTest::tauCapFactorsAreTheCliFactors()
{
    const auto scan = m_session->modulation().apply(*m_session->model());
    const QJsonArray layers = m_spectrum[QStringLiteral("layers")].toArray();
    int raised = 0;
    for (int l = 0; l < layers.size(); ++l) {
        const QJsonArray alpha =
            layers[l][QStringLiteral("modulated")][QStringLiteral("alpha_values")].toArray();
        const auto &negA = scan->layers[size_t(l)].negA;
        QCOMPARE(alpha.size(), qsizetype(negA.size()));
        const auto &loaded = m_session->model()->layers()[size_t(l)].aLog;
        for (size_t i = 0; i < negA.size(); ++i) {
            QCOMPARE(float(alpha[qsizetype(i)].toDouble()), -negA[i]);
            raised += -negA[i] > std::exp(loaded.data[i]) * 1.0001f;
        }
    }
    QVERIFY(raised > 1000);  // the cap did change many modes
}

MAMBASCOPE_GUI_TEST_MAIN(ConsistencyTest)
#include "tst_consistency.moc"
