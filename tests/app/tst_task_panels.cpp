// SPDX-License-Identifier: GPL-3.0-or-later
// The Retrieval and Generation panels on the retrieval demo model, offscreen: the heat map's
// cells are PasskeyEvaluator's for the same grid (as loaded and under the faders, recomputed when
// the faders settle), a cancelled grid leaves a usable panel, the generated tokens are
// Generator's, Stop stops, and each token is tinted by its probability.
#include "AppSettings.h"
#include "GenerationPanel.h"
#include "LiveEvaluation.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "PasskeyHeatmap.h"
#include "RetrievalPanel.h"
#include "WorkbenchSession.h"
#include "io/ModelConfig.h"
#include "io/ResourceLocator.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/EngineThreads.h"
#include "tasks/PasskeyEvaluator.h"
#include "tasks/PasskeyTask.h"
#include "tokenizer/BpeTokenizer.h"
#include "widgets/GuiTestMain.h"

#include <QDockWidget>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTextBlock>
#include <QTextEdit>
#include <cmath>
#include <memory>

using namespace mscope;

class TaskPanelsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void retrievalCellsAreTheEvaluators();
    void retrievalFollowsTheFaders();
    void retrievalCancelLeavesAUsablePanel();
    void greedyTokensAreTheGenerators();
    void stopKeepsWhatWasMade();
    void tintFollowsProbability();
    void closingWhileBothRunIsClean();

private:
    // The core's grid for the panel's settings, with `scan` (null: as loaded).
    PasskeyResult coreGrid(const std::shared_ptr<const ScanParameters> &scan) const;
    GenerationResult coreGeneration(const std::shared_ptr<const ScanParameters> &scan,
                                    const std::vector<int32_t> &prompt,
                                    const GenerationOptions &options) const;
    void compareCells(RetrievalPanel::Side side, const PasskeyResult &expected) const;
    void raise(QWidget *panel) const;

    std::unique_ptr<MainWindow> m_window;
};

void TaskPanelsTest::initTestCase()
{
    // Little perplexity work beside the panels: they are what is tested here.
    AppSettings::setMaxTokens(2048);
    AppSettings::setThreads(2);
    AppSettings::setChunkTokens(512);
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const QString dir = ResourceLocator::retrievalModelDir();
    QVERIFY2(!dir.isEmpty(), "the retrieval demo model was not found");
    QSignalSpy loaded(m_window->session(), &WorkbenchSession::modelLoaded);
    m_window->openModel(dir);
    QVERIFY(loaded.wait(120000));
    // A small grid: seconds, not minutes.
    RetrievalPanel *r = m_window->retrievalPanel();
    r->setLengths({256, 512});
    r->setDepths({0.0, 0.5, 1.0});
    r->setKeyCount(2);
}

void TaskPanelsTest::cleanupTestCase()
{
    m_window.reset();
}

void TaskPanelsTest::raise(QWidget *panel) const
{
    for (QDockWidget *d : m_window->panels())
        if (d->widget() == panel) {
            d->show();
            d->raise();
        }
    QTest::qWait(50);
}

PasskeyResult TaskPanelsTest::coreGrid(const std::shared_ptr<const ScanParameters> &scan) const
{
    const auto model = m_window->session()->model();
    EngineThreads::set(2);
    PasskeyTask task(*m_window->session()->tokenizer(), model->config().bosTokenId);
    ForwardPass forward(model, scan);
    PasskeyEvaluator evaluator(forward, task, 512);
    return evaluator.run(m_window->retrievalPanel()->grid());
}

GenerationResult TaskPanelsTest::coreGeneration(const std::shared_ptr<const ScanParameters> &scan,
                                                const std::vector<int32_t> &prompt,
                                                const GenerationOptions &options) const
{
    EngineThreads::set(2);
    ForwardPass forward(m_window->session()->model(), scan);
    Generator generator(forward, 512);
    return generator.generate(prompt, options);
}

void TaskPanelsTest::compareCells(RetrievalPanel::Side side, const PasskeyResult &expected) const
{
    RetrievalPanel *r = m_window->retrievalPanel();
    const PasskeyHeatmap *map = r->heatmap(side);
    const QVector<qint64> lengths = r->lengths();
    const QVector<double> depths = r->depths();
    for (int i = 0; i < lengths.size(); ++i)
        for (int j = 0; j < depths.size(); ++j) {
            const PasskeyCell *got = r->cell(side, i, j);
            const PasskeyCell *want = expected.cell(lengths[i], depths[j]);
            QVERIFY(got && want);
            QCOMPARE(got->answers.size(), want->answers.size());
            QCOMPARE(got->accuracy(), want->accuracy());
            QVERIFY2(
                std::abs(got->meanKeyNll() - want->meanKeyNll()) <= 1e-6,
                qPrintable(
                    QStringLiteral("%1 vs %2").arg(got->meanKeyNll()).arg(want->meanKeyNll())));
            for (size_t k = 0; k < want->answers.size(); ++k)
                QCOMPARE(got->answers[k].given, want->answers[k].given);
            const double shown = map->value(i, j);
            QCOMPARE(shown, map->scale() == PasskeyHeatmap::Scale::Accuracy ? got->accuracy()
                                                                            : got->meanKeyNll());
        }
}

void TaskPanelsTest::retrievalCellsAreTheEvaluators()
{
    RetrievalPanel *r = m_window->retrievalPanel();
    QSignalSpy finished(r, &RetrievalPanel::finished);
    raise(r);  // shown: it computes what it lacks
    QVERIFY(finished.wait(120000));
    QVERIFY(!r->isRunning());
    const PasskeyResult expected = coreGrid(nullptr);
    compareCells(RetrievalPanel::Side::Baseline, expected);
    compareCells(RetrievalPanel::Side::Current, expected);  // the faders are as loaded
    // The retrieval model retrieves within its 256-token training length (as the CLI shows).
    for (int j = 0; j < r->depths().size(); ++j)
        QCOMPARE(r->cell(RetrievalPanel::Side::Baseline, 0, j)->accuracy(), 1.0);
    // The NLL toggle shows the key's NLL in the same cells.
    r->setShowNll(true);
    compareCells(RetrievalPanel::Side::Baseline, expected);
    r->setShowNll(false);
    // Hovering a cell: the prompt around the key, the answers and the right keys.
    const QString tip = r->cellTooltip(RetrievalPanel::Side::Baseline, 0, 1);
    const int key = r->grid().keys.front();
    QVERIFY2(tip.contains(QStringLiteral("The secret number is %1").arg(key)), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("key %1").arg(key)));
    const PasskeyHeatmap *map = r->heatmap(RetrievalPanel::Side::Baseline);
    QCOMPARE(map->tooltipAt(map->cellRect(0, 1).center()), tip);
}

void TaskPanelsTest::retrievalFollowsTheFaders()
{
    RetrievalPanel *r = m_window->retrievalPanel();
    QSignalSpy finished(r, &RetrievalPanel::finished);
    // The grid waits for the live curve the same edits started (the curve is what the user
    // watches): it never starts while a pass of the curve runs.
    LiveEvaluation *live = m_window->session()->liveEvaluation();
    int startedBesideTheCurve = 0, started = 0;
    bool wasRunning = false;
    const QMetaObject::Connection watch =
        connect(m_window->session(), &WorkbenchSession::jobsChanged, this, [&] {
            if (r->isRunning() && !wasRunning) {
                ++started;
                if (live->isRunning())
                    ++startedBesideTheCurve;
            }
            wasRunning = r->isRunning();
        });
    // A drag's worth of edits: one grid once they settle, not one per edit.
    ModulationEditor *editor = m_window->editor();
    const int gesture = editor->newGesture();
    for (double f : {0.8, 0.6, 0.45})
        editor->setAllFactors(f, gesture);
    QVERIFY(finished.wait(120000));
    QTest::qWait(700);
    disconnect(watch);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(started, 1);
    QCOMPARE(startedBesideTheCurve, 0);
    const auto model = m_window->session()->model();
    compareCells(RetrievalPanel::Side::Current,
                 coreGrid(m_window->session()->modulation().apply(*model)));
    // The grid as loaded was kept.
    compareCells(RetrievalPanel::Side::Baseline, coreGrid(nullptr));
    QVERIFY(r->heatmap(RetrievalPanel::Side::Current)->title().contains(QStringLiteral("0.45")));
}

void TaskPanelsTest::retrievalCancelLeavesAUsablePanel()
{
    RetrievalPanel *r = m_window->retrievalPanel();
    const QVector<qint64> lengths = r->lengths();
    r->setLengths({256, 16384});  // long enough to be caught running
    QSignalSpy cancelled(r, &RetrievalPanel::cancelled);
    r->recompute();
    QVERIFY(r->isRunning());
    QTest::qWait(300);
    QVERIFY(r->isRunning());
    r->cancel();
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!r->isRunning());
    QVERIFY(QTest::qWaitFor([&] { return m_window->session()->jobs().isEmpty(); }, 60000));
    // Usable: the small grid again, to the same numbers.
    QSignalSpy finished(r, &RetrievalPanel::finished);
    r->setLengths(lengths);
    r->recompute();
    QVERIFY(finished.wait(120000));
    compareCells(RetrievalPanel::Side::Baseline, coreGrid(nullptr));
}

void TaskPanelsTest::greedyTokensAreTheGenerators()
{
    GenerationPanel *g = m_window->generationPanel();
    raise(g);
    g->setPromptText(QStringLiteral("The morning was grey and the road was quiet. A cart went"));
    g->setGreedy(true);
    g->setMaxNewTokens(40);
    QSignalSpy finished(g, &GenerationPanel::finished);
    QSignalSpy first(g, &GenerationPanel::firstTokenShown);
    g->generate();
    QVERIFY(finished.wait(60000));
    const std::vector<int32_t> prompt = g->promptIds();
    QVERIFY(!prompt.empty());
    const auto model = m_window->session()->model();
    for (auto side : {GenerationPanel::Side::Baseline, GenerationPanel::Side::Current}) {
        const auto scan = side == GenerationPanel::Side::Baseline
                              ? nullptr
                              : m_window->session()->modulation().apply(*model);
        const GenerationResult want = coreGeneration(scan, prompt, g->options());
        const auto &got = g->tokens(side);
        QCOMPARE(size_t(got.size()), want.ids.size());
        for (qsizetype i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].id, want.ids[size_t(i)]);
            QCOMPARE(got[i].probability, want.probabilities[size_t(i)]);
        }
        QVERIFY(g->firstTokenLatencyMs(side) >= 0.0);
        // The column's text is the continuation's.
        std::vector<int32_t> ids(want.ids.begin(), want.ids.end());
        const QString text = m_window->session()->tokenizer()->decode(ids);
        QVERIFY2(g->output(side)->toPlainText().endsWith(text),
                 qPrintable(g->output(side)->toPlainText()));
    }
    QCOMPARE(first.count(), 2);
}

void TaskPanelsTest::stopKeepsWhatWasMade()
{
    GenerationPanel *g = m_window->generationPanel();
    g->setMaxNewTokens(4096);
    QSignalSpy stopped(g, &GenerationPanel::stopped);
    QSignalSpy first(g, &GenerationPanel::firstTokenShown);
    g->generate();
    QVERIFY(first.wait(60000));
    g->stop();
    QVERIFY(stopped.wait(60000));
    QVERIFY(!g->isRunning());
    const auto &made = g->tokens(GenerationPanel::Side::Baseline);
    QVERIFY(!made.isEmpty());
    QVERIFY(made.size() < 4096);
    QCOMPARE(g->stopReason(GenerationPanel::Side::Baseline), GenerationResult::Stop::Cancelled);
    QVERIFY(QTest::qWaitFor([&] { return m_window->session()->jobs().isEmpty(); }, 60000));
    // And it generates again.
    QSignalSpy finished(g, &GenerationPanel::finished);
    g->setMaxNewTokens(8);
    g->generate();
    QVERIFY(finished.wait(60000));
    QCOMPARE(g->tokens(GenerationPanel::Side::Baseline).size(), 8);
}

void TaskPanelsTest::tintFollowsProbability()
{
    // The scale: red (hue 0) for p = 0 to green (hue 120) for p = 1, monotonic.
    QCOMPARE(GenerationPanel::tint(0.0).hue(), 0);
    QCOMPARE(GenerationPanel::tint(1.0).hue(), 120);
    for (double p = 0.0; p < 1.0; p += 0.05)
        QVERIFY(GenerationPanel::tint(p).hue() <= GenerationPanel::tint(p + 0.05).hue());
    // Sampled tokens (a spread of probabilities): each token's text carries its tint.
    GenerationPanel *g = m_window->generationPanel();
    g->setPromptText(QStringLiteral("Once upon a time, in a small village by the sea,"));
    g->setGreedy(false);
    g->setTemperature(1.2);
    g->setTopK(0);
    g->setTopP(1.0);
    g->setSeed(7);
    g->setMaxNewTokens(60);
    QSignalSpy finished(g, &GenerationPanel::finished);
    g->generate();
    QVERIFY(finished.wait(60000));
    QTextDocument *doc = g->output(GenerationPanel::Side::Baseline)->document();
    int checked = 0;
    double lowest = 1.0, highest = 0.0;
    for (const GenerationPanel::Token &t : g->tokens(GenerationPanel::Side::Baseline)) {
        // A paragraph break has no format of its own: a character of the token that is not one.
        const qsizetype k = t.text.indexOf(QRegularExpression(QStringLiteral("[^\\n]")));
        if (k < 0)
            continue;
        QTextCursor c(doc);
        c.setPosition(t.position + int(k) + 1);  // the format of the character before the cursor
        QCOMPARE(c.charFormat().background().color(), GenerationPanel::tint(t.probability));
        lowest = std::min(lowest, t.probability);
        highest = std::max(highest, t.probability);
        ++checked;
    }
    QVERIFY(checked > 30);
    QVERIFY2(lowest < 0.3 && highest > 0.7,
             qPrintable(QStringLiteral("the sample should spread over the scale: %1 to %2")
                            .arg(lowest)
                            .arg(highest)));
    g->setGreedy(true);
}

void TaskPanelsTest::closingWhileBothRunIsClean()
{
    // The session goes before the docks: the panels must not reach its jobs afterwards (this
    // crashed tst_layout once).
    auto window = std::make_unique<MainWindow>();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QSignalSpy loaded(window->session(), &WorkbenchSession::modelLoaded);
    window->openModel(ResourceLocator::retrievalModelDir());
    QVERIFY(loaded.wait(120000));
    window->retrievalPanel()->setLengths({256, 16384});
    window->retrievalPanel()->recompute();
    window->generationPanel()->setMaxNewTokens(4096);
    QSignalSpy first(window->generationPanel(), &GenerationPanel::firstTokenShown);
    window->generationPanel()->generate();
    QVERIFY(first.wait(60000));
    // (The generation may have met the end of text already; the grid is still running.)
    QVERIFY(window->retrievalPanel()->isRunning());
    window.reset();
    QTest::qWait(100);  // anything still queued for the dead window is dropped
}

MAMBASCOPE_GUI_TEST_MAIN(TaskPanelsTest)
#include "tst_task_panels.moc"
