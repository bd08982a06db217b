// SPDX-License-Identifier: GPL-3.0-or-later
// The reusable views and controls: curve bucketing, spectrum densities against the engine's
// SpectrumAnalysis, rendering (sampled pixels of grab()), export, the slider mapping, undo/redo.
#include "DivergingHeatmap.h"
#include "FactorScale.h"
#include "LayerFactorControl.h"
#include "ModulationEditor.h"
#include "PerplexityChart.h"
#include "ScaleAxis.h"
#include "ScalingPanel.h"
#include "SpectrumHeatmap.h"
#include "StateNormChart.h"
#include "ViewExporter.h"
#include "analysis/DeltaStatistics.h"
#include "analysis/SpectrumAnalysis.h"
#include "analysis/SpectrumDensity.h"
#include "eval/PositionBuckets.h"
#include "io/TextFile.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "widgets/GuiTestMain.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QSet>
#include <QSlider>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QWheelEvent>
#include <cmath>

using namespace mscope;

namespace {

// Share of pixels in `rect` of `image` that are not (near) white: the view drew something there.
double inkedShare(const QImage &image, const QRect &rect)
{
    int inked = 0, total = 0;
    for (int y = rect.top(); y <= rect.bottom(); y += 2) {
        for (int x = rect.left(); x <= rect.right(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            ++total;
            if (c.red() + c.green() + c.blue() < 3 * 235)
                ++inked;
        }
    }
    return total ? double(inked) / total : 0.0;
}

// Pixels that are clearly blue (the scaled spectrum's ink), not grey.
int bluePixels(const QImage &image)
{
    int n = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            if (c.blue() > c.red() + 40 && c.blue() > 120)
                ++n;
        }
    return n;
}

}  // namespace

class WidgetsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void perplexityCurveBuckets();
    void factorScaleRoundTrips_data();
    void factorScaleRoundTrips();
    void editorUndoRedoAndGestures();
    void editorLoadsMultiStepPresets();
    void scalingPanelFollowsEditor();
    void spectrumDensityMatchesSpectrumAnalysis();
    void spectrumHeatmapRenders();
    void spectrumStaysFastForDeepWideModels();
    void heatmapsZoomPanAndReset();
    void perplexityChartRendersAndExports();
    void stateNormChartRenders();
    void exportReportsUnwritablePaths();
    void logAxesHaveEnoughNiceLabels();
    void chartsReadOutZoomAndPan();
    void pinnedCurvesAreTellApartAndRatiosWork();
    void figuresCarryTitlesAndCaptions();
    void fadersReachEveryHundredth();

private:
    std::shared_ptr<const MambaModel> m_model;
    std::shared_ptr<const DeltaStatistics> m_stats;
};

void WidgetsTest::initTestCase()
{
    m_model = MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const auto tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    const QByteArray text = TextFile::readUtf8(QStringLiteral(MAMBASCOPE_RESOURCES
                                                              "/texts/val_senseandsensibility.txt"))
                                .left(20000);
    const auto ids = tokenizer->encodeUtf8(text);
    m_stats =
        std::make_shared<const DeltaStatistics>(DeltaStatistics::measure(*m_model, ids, 256, 8));
}

void WidgetsTest::perplexityCurveBuckets()
{
    PositionBuckets curve(1000, 1);
    std::vector<int64_t> edges;
    for (const auto &b : curve.buckets())
        edges.push_back(b.end);
    QCOMPARE(edges, (std::vector<int64_t>{16, 32, 64, 128, 256, 512, 1000}));
    std::vector<float> nll(1000, std::log(20.0f));
    std::fill(nll.begin() + 512, nll.end(), std::log(40.0f));
    curve.addRange(0, std::span<const float>(nll.data(), 300));
    curve.addRange(300, std::span<const float>(nll.data() + 300, 700));
    QCOMPARE(curve.positionsAdded(), int64_t(1000));
    QVERIFY(std::fabs(curve.lastOctavePerplexity() - 40.0) < 1e-3);
    QVERIFY(std::fabs(curve.perplexityOver(0, 256) - 20.0) < 1e-3);
    QCOMPARE(curve.points().size(), 7);
    QVERIFY(std::fabs(curve.buckets()[1].center() - std::sqrt(16.0 * 32.0)) < 1e-9);

    PositionBuckets half(16384, 2);
    QVERIFY(half.buckets().size() > 18);  // twice as many points per doubling
    for (size_t i = 1; i < half.buckets().size(); ++i)
        QCOMPARE(half.buckets()[i].begin, half.buckets()[i - 1].end);
}

void WidgetsTest::factorScaleRoundTrips_data()
{
    QTest::addColumn<int>("family");
    QTest::newRow("power") << int(ModulationFamily::Power);
    QTest::newRow("linear") << int(ModulationFamily::Linear);
    QTest::newRow("delta") << int(ModulationFamily::Delta);
    QTest::newRow("winsorize") << int(ModulationFamily::Winsorize);
    QTest::newRow("tau-cap") << int(ModulationFamily::TauCap);
}

void WidgetsTest::factorScaleRoundTrips()
{
    QFETCH(int, family);
    const FactorScale scale = FactorScale::forFamily(ModulationFamily(family));
    // The identity is reachable exactly (a reset slider means "unchanged").
    QCOMPARE(scale.fromSlider(scale.toSlider(scale.identity())), scale.identity());
    for (int p = 0; p <= scale.sliderSteps(); p += 37) {
        const double f = scale.fromSlider(p);
        QVERIFY(std::isinf(f) || (f >= scale.minimum() && f <= scale.maximum()));
        // Values snap to what the spin box shows, and stay put through the slider.
        const double again = scale.fromSlider(scale.toSlider(f));
        const double tolerance = scale.logarithmic() ? 0.01 * f : std::pow(10.0, -scale.decimals());
        QVERIFY2(std::isinf(f) || std::fabs(again - f) <= tolerance,
                 qPrintable(QStringLiteral("%1 -> %2").arg(f).arg(again)));
    }
    if (ModulationFamily(family) == ModulationFamily::TauCap) {
        QVERIFY(std::isinf(scale.fromSlider(scale.sliderSteps())));
        QCOMPARE(scale.format(scale.identity()), QStringLiteral("∞"));
    }
}

void WidgetsTest::editorUndoRedoAndGestures()
{
    ModulationEditor editor;
    editor.setLayerCount(4);
    QVERIFY(editor.isIdentity());
    int changes = 0, firstLayer = -1;
    connect(&editor, &ModulationEditor::changed, this, [&](int first) {
        ++changes;
        firstLayer = first;
    });

    // One drag: many values, one undo step.
    const int gesture = editor.newGesture();
    for (double v : {0.9, 0.8, 0.7, 0.6})
        editor.setFactor(2, v, gesture);
    QCOMPARE(editor.undoStack()->count(), 1);
    QCOMPARE(changes, 4);
    QCOMPARE(firstLayer, 2);  // the curves restart at the fader that moved
    editor.setAllFactors(0.45);
    QCOMPARE(firstLayer, 0);
    QCOMPARE(editor.undoStack()->count(), 2);
    QCOMPARE(editor.describe(), QStringLiteral("power 0.45"));
    editor.undoStack()->undo();
    QCOMPARE(editor.factors(), (std::vector<double>{1.0, 1.0, 0.6, 1.0}));
    editor.undoStack()->undo();
    QVERIFY(editor.isIdentity());
    editor.undoStack()->redo();
    QCOMPARE(editor.factor(2), 0.6);

    editor.setFactor(3, 0.5);
    QCOMPARE(firstLayer, 3);
    editor.undoStack()->undo();
    QCOMPARE(firstLayer, 3);  // undo tells as much as an edit
    editor.setFamily(ModulationFamily::TauCap);
    QCOMPARE(firstLayer, 2);  // layers 0 and 1 were identity in both families
    QVERIFY(std::isinf(editor.factor(0)));
    QVERIFY(editor.isIdentity());
    editor.undoStack()->undo();
    QCOMPARE(editor.family(), ModulationFamily::Power);
    QCOMPARE(editor.factor(2), 0.6);
    editor.reset();
    QVERIFY(editor.isIdentity());
}

void WidgetsTest::editorLoadsMultiStepPresets()
{
    ModulationEditor editor;
    editor.setLayerCount(3);
    ModulationSet single;
    Modulation step = Modulation::uniform(ModulationFamily::Linear, 2.0, 3);
    step.layerFactors[1] = 4.0;
    single.steps.push_back(step);
    editor.loadSet(single, QStringLiteral("load"));
    QCOMPARE(editor.family(), ModulationFamily::Linear);
    QCOMPARE(editor.factors(), (std::vector<double>{2.0, 4.0, 2.0}));
    QVERIFY(editor.presetSteps().empty());

    ModulationSet two;
    two.steps.push_back(Modulation::uniform(ModulationFamily::Power, 0.5, 3));
    two.steps.push_back(Modulation::uniform(ModulationFamily::Delta, 2.0, 3));
    editor.loadSet(two, QStringLiteral("load two"));
    QCOMPARE(int(editor.presetSteps().size()), 2);
    QVERIFY(!editor.isIdentity());
    // The sliders act on top of the preset's steps.
    editor.setAllFactors(1.5);
    QCOMPARE(int(editor.modulationSet().steps.size()), 3);
    editor.undoStack()->undo();
    editor.undoStack()->undo();
    QCOMPARE(editor.factors(), (std::vector<double>{2.0, 4.0, 2.0}));

    ModulationSet wrong;
    wrong.steps.push_back(Modulation::uniform(ModulationFamily::Power, 0.5, 5));
    QVERIFY_THROWS_EXCEPTION(Error, editor.loadSet(wrong, QStringLiteral("wrong")));
}

void WidgetsTest::scalingPanelFollowsEditor()
{
    ModulationEditor editor;
    editor.setLayerCount(6);
    ScalingPanel panel(&editor);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.layerControl(5));
    // A keyboard step on layer 3's slider is one finished edit of that layer.
    int finished = 0;
    connect(&panel, &ScalingPanel::editFinished, this, [&] { ++finished; });
    QSlider *slider = panel.layerControl(3)->slider();
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_PageDown);
    QVERIFY(editor.factor(3) < 1.0);
    QCOMPARE(editor.factor(2), 1.0);
    QCOMPARE(finished, 1);
    // The master fader sets every layer.
    panel.masterControl()->slider()->setValue(panel.masterControl()->slider()->value() - 100);
    const double all = editor.factor(0);
    QVERIFY(all < 1.0);
    for (int l = 0; l < 6; ++l)
        QCOMPARE(editor.factor(l), all);
    // Undo moves the sliders back.
    editor.undoStack()->undo();
    QCOMPARE(panel.layerControl(0)->value(), 1.0);
    QVERIFY(panel.layerControl(3)->value() < 1.0);
    // A family switch rescales the faders.
    editor.setFamily(ModulationFamily::Linear);
    QCOMPARE(panel.familyBox()->currentData().toInt(), int(ModulationFamily::Linear));
    QCOMPARE(panel.layerControl(3)->value(), 1.0);
}

void WidgetsTest::spectrumDensityMatchesSpectrumAnalysis()
{
    const auto scan = ScanParameters::fromModel(*m_model);
    const auto spectra = SpectrumAnalysis::compute(*m_model, *scan, m_stats.get());
    const auto range = SpectrumDensity::axisRange({scan.get()}, m_stats.get(),
                                                  SpectrumQuantity::Tau, {256.0, 16384.0});
    QVERIFY(range.first < std::log10(256.0) && range.second > std::log10(16384.0));
    const SpectrumDensity d =
        SpectrumDensity::compute(*scan, m_stats.get(), SpectrumQuantity::Tau, range, 120, 256.0);
    QCOMPARE(d.layers(), m_model->config().nLayer);
    for (int l = 0; l < d.layers(); ++l) {
        double sum = 0;
        for (float v : d.share[size_t(l)])
            sum += v;
        QVERIFY(std::fabs(sum - 1.0) < 1e-4);
        // Same τ as the engine's analysis: its median and its share beyond the training length.
        const SpectrumSummary summary = SpectrumAnalysis::summarize(spectra[size_t(l)], 256, 16384);
        QVERIFY2(std::fabs(d.median[size_t(l)] / summary.tau.median - 1.0) < 1e-3,
                 qPrintable(QStringLiteral("layer %1: %2 vs %3")
                                .arg(l)
                                .arg(d.median[size_t(l)])
                                .arg(summary.tau.median)));
        QVERIFY(std::fabs(d.shareAbove[size_t(l)] - summary.shareBeyondTraining) < 1e-6);
    }
    // τ is not available without Δ statistics; α and λ are.
    QVERIFY(!SpectrumDensity::available(SpectrumQuantity::Tau, nullptr));
    const SpectrumDensity lambda = SpectrumDensity::compute(
        *scan, nullptr, SpectrumQuantity::Lambda,
        SpectrumDensity::axisRange({scan.get()}, nullptr, SpectrumQuantity::Lambda), 50, 0);
    QVERIFY(!lambda.logarithmic);
    QCOMPARE(lambda.layers(), m_model->config().nLayer);
}

void WidgetsTest::spectrumHeatmapRenders()
{
    const auto scan = ScanParameters::fromModel(*m_model);
    ModulationSet set;
    set.steps.push_back(
        Modulation::uniform(ModulationFamily::Power, 0.45, m_model->config().nLayer));
    const auto scaled = set.apply(*m_model);
    const auto range = SpectrumDensity::axisRange({scan.get(), scaled.get()}, m_stats.get(),
                                                  SpectrumQuantity::Tau, {256.0, 16384.0});
    const auto original =
        SpectrumDensity::compute(*scan, m_stats.get(), SpectrumQuantity::Tau, range, 160, 256);
    const auto modulated =
        SpectrumDensity::compute(*scaled, m_stats.get(), SpectrumQuantity::Tau, range, 160, 256);

    SpectrumHeatmap view;
    view.resize(600, 360);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage empty = view.grab().toImage();
    view.setDensities(original, SpectrumDensity());
    view.setTrainingLength(256);
    view.setTargetLength(16384);
    const QImage plain = view.grab().toImage();
    const QRect middle(plain.width() / 6, plain.height() / 4, plain.width() * 2 / 3,
                       plain.height() / 2);
    QVERIFY(inkedShare(empty, middle) < 0.05);
    QVERIFY2(inkedShare(plain, middle) > 0.2,
             qPrintable(QString::number(inkedShare(plain, middle))));
    QCOMPARE(bluePixels(plain) < 200, true);  // as loaded only: grey ink
    view.setDensities(original, modulated);
    const QImage split = view.grab().toImage();
    QVERIFY2(bluePixels(split) > 500, qPrintable(QString::number(bluePixels(split))));

    // Clicking a row selects that layer.
    int selected = -1;
    connect(&view, &SpectrumHeatmap::layerSelected, this, [&](int l) { selected = l; });
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(view.width() / 2, view.height() / 2));
    QVERIFY(selected >= 0 && selected < m_model->config().nLayer);
    QVERIFY(view.toCsv().count(QLatin1Char('\n')) == 1 + 160 * m_model->config().nLayer);
}

void WidgetsTest::spectrumStaysFastForDeepWideModels()
{
    // 64 layers × 24,576 channels × 16 states (25 million modes), the size the heat map must keep
    // up with: a spectrum is computed in the background in well under a second per parameter set
    // on two cores, and painting is a scaled copy of a small image.
    const int layers = 64, channels = 24576, states = 16;
    ScanParameters scan;
    scan.layers.resize(layers);
    DeltaStatistics stats;
    stats.meanDelta.assign(layers, std::vector<float>(channels));
    uint32_t seed = 1;
    auto uniform = [&] {
        seed = seed * 1664525u + 1013904223u;
        return float(seed >> 8) / float(1 << 24);
    };
    for (int l = 0; l < layers; ++l) {
        auto &negA = scan.layers[size_t(l)].negA;
        negA.resize(size_t(channels) * states);
        for (size_t i = 0; i < negA.size(); ++i)
            negA[i] = -(float(i % states) + 1.0f) * std::pow(10.0f, -3.0f * uniform());
        for (float &d : stats.meanDelta[size_t(l)])
            d = 0.001f + 0.1f * uniform();
    }
    QElapsedTimer timer;
    timer.start();
    const auto range = SpectrumDensity::axisRange({&scan}, &stats, SpectrumQuantity::Tau, {2048.0});
    const qint64 rangeMs = timer.elapsed();
    const SpectrumDensity d =
        SpectrumDensity::compute(scan, &stats, SpectrumQuantity::Tau, range, 160, 2048);
    const qint64 computeMs = timer.elapsed();
    QCOMPARE(d.layers(), layers);

    SpectrumHeatmap view;
    view.resize(700, 520);
    view.setDensities(d, d);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.grab();  // first paint builds the image
    timer.restart();
    for (int i = 0; i < 10; ++i) {
        view.resize(700 + (i % 2), 520);  // a new size rebuilds the image each time
        view.grab();
    }
    const double paintMs = timer.elapsed() / 10.0;
    qInfo("64 x 24576 x 16 modes: range %lld ms + density %lld ms, repaint with rebuild %.1f ms",
          rangeMs, computeMs - rangeMs, paintMs);
    QVERIFY2(paintMs < 100, qPrintable(QString::number(paintMs)));
    QVERIFY2(computeMs < 10000, qPrintable(QString::number(computeMs)));
}

namespace {

// Real input events, as a hand gives them: the wheel at a point, and a left-button drag in steps.
void wheelAt(QWidget &w, const QPoint &at, int notches)
{
    QWheelEvent wheel(at, w.mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(&w, &wheel);
}

void dragBy(QWidget &w, const QPoint &from, int dx)
{
    QTest::mousePress(&w, Qt::LeftButton, {}, from);
    for (int step = 1; step <= 10; ++step) {
        const QPoint at = from + QPoint(dx * step / 10, 0);
        QMouseEvent move(QEvent::MouseMove, at, w.mapToGlobal(at), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &move);
    }
    QTest::mouseRelease(&w, Qt::LeftButton, {}, from + QPoint(dx, 0));
}

}  // namespace

void WidgetsTest::heatmapsZoomPanAndReset()
{
    // The sensitivity map: columns zoom about the pointer, never fewer than four, and a drag
    // pans them within the first and the last.
    DivergingHeatmap map;
    map.resize(640, 360);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    const QPoint middle(map.width() / 2, map.height() / 2);
    wheelAt(map, middle, 3);  // nothing to zoom yet
    QCOMPARE(map.viewLast() - map.viewFirst(), 0.0);
    const int rows = 6, columns = 512;
    std::vector<double> values(size_t(rows) * columns);
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = std::sin(double(i));
    map.setValues(rows, columns, values);
    QCOMPARE(map.viewFirst(), 0.0);
    QCOMPARE(map.viewLast(), double(columns));
    QVERIFY(!map.readoutAt(middle).isEmpty());
    const auto [row, column] = map.cellAt(middle);
    wheelAt(map, middle, 3);
    const double span = map.viewLast() - map.viewFirst();
    QVERIFY2(span < 0.6 * columns && span >= 4.0, qPrintable(QString::number(span)));
    // About the pointer: the cell under it stays under it.
    QCOMPARE(map.cellAt(middle), std::make_pair(row, column));
    for (int i = 0; i < 40; ++i)
        wheelAt(map, middle, 3);
    QVERIFY(map.viewLast() - map.viewFirst() >= 4.0);
    map.resetZoom();
    wheelAt(map, middle, 2);
    const double first = map.viewFirst(), zoomedSpan = map.viewLast() - map.viewFirst();
    dragBy(map, middle, -120);  // drag left: later columns come into view, as many as before
    QVERIFY2(map.viewFirst() > first, qPrintable(QString::number(map.viewFirst())));
    QVERIFY(std::fabs(map.viewLast() - map.viewFirst() - zoomedSpan) < 1e-9);
    dragBy(map, middle, 5000);  // far right: stops at the first column
    QCOMPARE(map.viewFirst(), 0.0);
    QVERIFY(map.viewLast() < columns);
    QTest::mouseDClick(&map, Qt::LeftButton, {}, middle);
    QCOMPARE(map.viewFirst(), 0.0);
    QCOMPARE(map.viewLast(), double(columns));

    // The spectrum map: the same gestures; a drag is not a click (no layer selected by it).
    const auto scan = ScanParameters::fromModel(*m_model);
    const auto range = SpectrumDensity::axisRange({scan.get()}, m_stats.get(),
                                                  SpectrumQuantity::Tau, {256.0, 16384.0});
    SpectrumHeatmap spectrum;
    spectrum.resize(600, 360);
    spectrum.show();
    QVERIFY(QTest::qWaitForWindowExposed(&spectrum));
    spectrum.setDensities(
        SpectrumDensity::compute(*scan, m_stats.get(), SpectrumQuantity::Tau, range, 160, 256),
        SpectrumDensity());
    int selected = -1;
    connect(&spectrum, &SpectrumHeatmap::layerSelected, this, [&](int l) { selected = l; });
    const QPoint centre(spectrum.width() / 2, spectrum.height() / 2);
    const double min0 = spectrum.viewMin(), max0 = spectrum.viewMax();
    wheelAt(spectrum, centre, 2);
    QVERIFY(spectrum.isZoomed());
    QVERIFY(spectrum.viewMax() - spectrum.viewMin() < 0.7 * (max0 - min0));
    const double min1 = spectrum.viewMin();
    dragBy(spectrum, centre, 80);  // drag right: earlier values come into view
    QVERIFY(spectrum.viewMin() < min1);
    QCOMPARE(selected, -1);
    QTest::mouseClick(&spectrum, Qt::LeftButton, {}, centre);
    QVERIFY(selected >= 0 && selected < m_model->config().nLayer);
    QTest::mouseDClick(&spectrum, Qt::LeftButton, {}, centre);
    QVERIFY(!spectrum.isZoomed());
    QCOMPARE(spectrum.viewMin(), min0);
    QCOMPARE(spectrum.viewMax(), max0);
}

void WidgetsTest::perplexityChartRendersAndExports()
{
    PerplexityChart chart;
    chart.resize(640, 420);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    PositionBuckets baseline(4096), current(4096);
    std::vector<float> rising(4095), flat(4095, 3.9f);
    for (size_t i = 0; i < rising.size(); ++i)
        rising[i] = 3.8f + float(i) / 4095.0f;
    baseline.addRange(0, rising);
    current.addRange(0, std::span<const float>(flat.data(), 2000));
    chart.setTrainingLength(256);
    chart.setTargetLength(4096);
    chart.setBaseline(baseline);
    chart.setCurrent(current, false);
    QVERIFY(!chart.currentComplete());
    current.addRange(2000, std::span<const float>(flat.data() + 2000, 2095));
    chart.setCurrent(current, true);
    chart.pinCurrent(QStringLiteral("flat"));
    QCOMPARE(chart.pinnedCount(), 1);
    const QImage image = chart.grab().toImage();
    int blue = 0, grey = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.blue() > 150 && c.red() < 90)
                ++blue;
            if (std::abs(c.red() - 0x70) < 12 && std::abs(c.green() - 0x70) < 12 &&
                std::abs(c.blue() - 0x70) < 12)
                ++grey;
        }
    QVERIFY2(blue > 100 && grey > 100,
             qPrintable(QStringLiteral("%1 blue, %2 grey").arg(blue).arg(grey)));

    QTemporaryDir dir;
    ViewExporter::savePng(&chart, dir.filePath(QStringLiteral("c.png")));
    ViewExporter::saveSvg(&chart, dir.filePath(QStringLiteral("c.svg")), QStringLiteral("test"));
    ViewExporter::saveText(chart.toCsv(), dir.filePath(QStringLiteral("c.csv")));
    QImage png(dir.filePath(QStringLiteral("c.png")));
    QCOMPARE(png.width(), 2 * chart.width());
    QFile svg(dir.filePath(QStringLiteral("c.svg")));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray svgText = svg.readAll();
    QVERIFY(svgText.contains("<svg") && svgText.contains("<path"));
    QFile csv(dir.filePath(QStringLiteral("c.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().split('\n');
    QVERIFY(lines.first().startsWith("bucket_begin,bucket_end,center,baseline_ppl"));
    QVERIFY(lines.first().contains("flat ppl"));
    QCOMPARE(int(lines.size()) - 2, int(baseline.buckets().size()));  // header + trailing newline
    QCOMPARE(ViewExporter::csvLine({QStringLiteral("a,b"), QStringLiteral("say \"hi\"")}),
             QStringLiteral("\"a,b\",\"say \"\"hi\"\"\"\r\n"));
}

void WidgetsTest::stateNormChartRenders()
{
    StateNormChart chart;
    chart.resize(520, 360);
    chart.setLayerCount(8);
    // Deep models start with a spread of layers, first and last included.
    QVERIFY(chart.isLayerVisible(0) && chart.isLayerVisible(7));
    StateNormHistory history;
    for (int64_t p = 16; p <= 8192; p *= 2) {
        std::vector<LayerStateNorm> norms(8);
        for (int l = 0; l < 8; ++l)
            norms[size_t(l)] = {1.0 + l * std::log2(double(p)), 0.5};
        history.add(p, norms);
    }
    chart.setBaseline(history);
    chart.setCurrent(history, true);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const QImage image = chart.grab().toImage();
    QVERIFY(inkedShare(image, QRect(60, 60, image.width() - 120, image.height() - 140)) > 0.02);
    const QString csv = chart.toCsv();
    QVERIFY(csv.startsWith(QStringLiteral("tokens_seen,layer0_baseline_max")));
    QCOMPARE(csv.count(QLatin1Char('\n')), 1 + 10);
}

void WidgetsTest::exportReportsUnwritablePaths()
{
    QWidget w;
    w.resize(50, 50);
    const QString path = QStringLiteral("/nonexistent-dir/sub/x.png");
    try {
        ViewExporter::savePng(&w, path);
        QFAIL("no error");
    } catch (const Error &e) {
        QCOMPARE(e.file(), path);
        QVERIFY(!e.problem().isEmpty());
    }
    QVERIFY_THROWS_EXCEPTION(Error, ViewExporter::saveText(QStringLiteral("x"), path));
}

void WidgetsTest::logAxesHaveEnoughNiceLabels()
{
    // The issue: perplexity 30–47 on a log axis showed one label ("32"); state norms 1–14 two.
    const auto narrow = ScaleAxis::ticks(ScaleAxis::Kind::Log10, 28.0, 50.0, 300.0, 30.0);
    QVERIFY2(narrow.size() >= 3, qPrintable(QString::number(narrow.size())));
    for (double v : narrow)  // round numbers: 30, 35, 40 ... or 30, 40, 50
        QVERIFY(std::fabs(v / 5.0 - std::round(v / 5.0)) < 1e-9);
    const auto norms = ScaleAxis::ticks(ScaleAxis::Kind::Log10, 0.8, 14.0, 200.0, 28.0);
    QVERIFY(norms.size() >= 4);
    // Token counts: powers of two while they fit, thinned evenly (256 and 4096 stay).
    const auto tokens = ScaleAxis::ticks(ScaleAxis::Kind::LogTokens, 8.0, 16384.0, 600.0, 40.0);
    QCOMPARE(tokens.front(), 8.0);
    QCOMPARE(tokens.back(), 16384.0);
    QVERIFY(std::find(tokens.begin(), tokens.end(), 256.0) != tokens.end());
    const auto narrowTokens =
        ScaleAxis::ticks(ScaleAxis::Kind::LogTokens, 8.0, 16384.0, 200.0, 40.0);
    QVERIFY(narrowTokens.size() >= 3 && narrowTokens.size() < tokens.size());
    // Labels never closer than the spacing asked for.
    for (size_t i = 1; i < narrowTokens.size(); ++i)
        QVERIFY(std::log10(narrowTokens[i] / narrowTokens[i - 1]) / std::log10(16384.0 / 8.0) *
                    200.0 >=
                40.0 - 1e-9);
    const auto linear = ScaleAxis::ticks(ScaleAxis::Kind::Linear, 0.0, 3.2, 200.0, 25.0);
    QVERIFY(linear.size() >= 4);
}

// A chart with a rising baseline and a flat current curve on 4,096 positions.
static void fillChart(PerplexityChart &chart)
{
    PositionBuckets baseline(4096), current(4096);
    std::vector<float> rising(4095), flat(4095, 3.9f);
    for (size_t i = 0; i < rising.size(); ++i)
        rising[i] = 3.8f + float(i) / 4095.0f;
    baseline.addRange(0, rising);
    current.addRange(0, flat);
    chart.setTrainingLength(256);
    chart.setTargetLength(4096);
    chart.setBaseline(baseline);
    chart.setCurrentLabel(QStringLiteral("power 0.45"));
    chart.setCurrent(current, true);
}

void WidgetsTest::chartsReadOutZoomAndPan()
{
    PerplexityChart chart;
    chart.resize(640, 420);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    fillChart(chart);
    QTest::qWait(50);
    // The readout stays while the pointer rests, and names every curve with its value.
    const QPointF middle =
        chart.mapFromScene(chart.chart()->mapToScene(chart.chart()->plotArea().center()));
    chart.showReadoutAt(middle);
    QTest::qWait(1500);  // longer than a tooltip would have lasted
    const QString readout = chart.readout();
    QVERIFY2(readout.contains(QStringLiteral("positions")) &&
                 readout.contains(QStringLiteral("baseline")) &&
                 readout.contains(QStringLiteral("power 0.45")),
             qPrintable(readout));
    // Zoom in around the middle, pan, and double-click back to the data's ranges.
    const double x0 = chart.xAxis()->min(), x1 = chart.xAxis()->max();
    chart.zoomAt(middle, 2.0);
    QVERIFY(chart.isZoomed());
    QVERIFY(chart.xAxis()->max() - chart.xAxis()->min() < 0.6 * (x1 - x0));
    const double before = chart.xAxis()->min();
    chart.panBy(QPointF(-50, 0));
    QVERIFY(chart.xAxis()->min() > before);
    // Live updates keep the zoom.
    fillChart(chart);
    QVERIFY(chart.isZoomed());
    QTest::mouseDClick(chart.viewport(), Qt::LeftButton, {}, middle.toPoint());
    QVERIFY(!chart.isZoomed());
    QCOMPARE(chart.xAxis()->min(), x0);
    QCOMPARE(chart.xAxis()->max(), x1);
    QVERIFY(chart.overflowingTexts().isEmpty());
}

void WidgetsTest::pinnedCurvesAreTellApartAndRatiosWork()
{
    PerplexityChart chart;
    chart.resize(640, 420);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    fillChart(chart);
    chart.pinCurrent(QStringLiteral("power 0.45"));
    chart.pinCurrent(QStringLiteral("power 0.45"));
    // Two pins of one setting and the live curve: three different legend texts.
    const QStringList names = chart.legendNames();
    QVERIFY2(names.filter(QStringLiteral("power 0.45")).size() == 3, qPrintable(names.join('|')));
    QCOMPARE(QSet<QString>(names.begin(), names.end()).size(), names.size());
    QVERIFY(chart.pinnedNames().at(0).startsWith(QStringLiteral("#1 ")));
    // The model as loaded does not hide the baseline.
    chart.setCurrentIsBaseline(true);
    QVERIFY(chart.legendNames().filter(QStringLiteral("now:")).isEmpty());
    chart.setCurrentIsBaseline(false);
    // Ratio to the baseline: the baseline becomes 1, the flat curve falls below it late on.
    chart.setRatioToBaseline(true);
    const double lo = chart.yAxis()->fromAxis(chart.yAxis()->min());
    const double hi = chart.yAxis()->fromAxis(chart.yAxis()->max());
    QVERIFY2(lo < 1.0 && hi > 1.0 && hi < 2.0, qPrintable(QStringLiteral("%1 %2").arg(lo).arg(hi)));
    QVERIFY(chart.fullTitle().contains(QStringLiteral("relative")));
}

void WidgetsTest::figuresCarryTitlesAndCaptions()
{
    PerplexityChart chart;
    chart.resize(360, 260);  // narrow: the title on screen is a short one
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    fillChart(chart);
    chart.setContext(QStringLiteral("a_text_with_a_rather_long_name.txt"),
                     QStringLiteral("streaming"));
    QTest::qWait(50);
    QVERIFY(chart.overflowingTexts().isEmpty());
    // The figure is wide enough for the full titles, and the caption adds a block under it.
    const QSize figure = chart.figureSize();
    QVERIFY(figure.width() >= chart.width());
    const QString caption = QStringLiteral("model demo · evaluated on a text · power 0.45");
    const QImage plain = ViewExporter::figureImage(&chart, QString(), 1.0);
    const QImage captioned = ViewExporter::figureImage(&chart, caption, 1.0);
    QCOMPARE(plain.size(), figure);
    QVERIFY(captioned.height() > plain.height() + 10);
    QTemporaryDir dir;
    for (const char *format : {"png", "svg", "pdf"})
        ViewExporter::saveFigure(&chart, dir.filePath(QStringLiteral("f.") + format),
                                 QString::fromLatin1(format), caption);
    QFile pdf(dir.filePath(QStringLiteral("f.pdf")));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QFile svg(dir.filePath(QStringLiteral("f.svg")));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray svgText = svg.readAll();
    // The full title is in the vector figure even though the screen shows a short one.
    QVERIFY(svgText.contains("legend: perplexity at"));
    QVERIFY(QImage(dir.filePath(QStringLiteral("f.png"))).height() > 2 * plain.height());
}

void WidgetsTest::fadersReachEveryHundredth()
{
    const FactorScale power = FactorScale::forFamily(ModulationFamily::Power);
    // 0.45 is a slider position, and an arrow key moves by 0.01, Page by 0.1.
    QCOMPARE(power.fromSlider(power.toSlider(0.45)), 0.45);
    QCOMPARE(power.fromSlider(power.toSlider(0.45) + power.singleStep()), 0.46);
    QCOMPARE(power.fromSlider(power.toSlider(0.45) + power.pageStep()), 0.55);
    QVERIFY(power.keyboardHelp().contains(QStringLiteral("0.01")));
    LayerFactorControl control(QStringLiteral("L0"));
    control.setScale(power);
    control.setValue(0.45);
    control.slider()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    QCOMPARE(control.value(), 0.46);
    QVERIFY(control.slider()->toolTip().contains(QStringLiteral("Page")));
}

MAMBASCOPE_GUI_TEST_MAIN(WidgetsTest)
#include "tst_widgets.moc"
