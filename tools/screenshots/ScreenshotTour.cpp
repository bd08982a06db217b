// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScreenshotTour.h"

#include "CalibrationDialog.h"
#include "GenerationPanel.h"
#include "JobStatusWidget.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ModelPanel.h"
#include "ModulationEditor.h"
#include "PerplexityChart.h"
#include "PerplexityPanel.h"
#include "RetrievalPanel.h"
#include "ScalingPanel.h"
#include "SettingsDialog.h"
#include "SpectrumHeatmap.h"
#include "SpectrumPanel.h"
#include "StateNormChart.h"
#include "StatePanel.h"
#include "WorkbenchSession.h"
#include "io/ResourceLocator.h"
#include "io/SaveFile.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QSaveFile>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <limits>

namespace mscope {

namespace {

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// A 256-colour copy of a screenshot: the most frequent colours first, then, greedily, the colours
// worst served by the palette so far (frequency times distance), every pixel mapped to its nearest
// entry. User interfaces are mostly flat colour, so they stay crisp and gradients keep their hue,
// while the file shrinks to a size a repository can carry.
QImage withAdaptivePalette(const QImage &source)
{
    const QImage image = source.convertToFormat(QImage::Format_RGB32);
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            ++counts[line[x]];
    }
    std::vector<std::pair<int, QRgb>> colors;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        colors.push_back({it.value(), it.key()});
    std::sort(colors.begin(), colors.end(),
              [](const auto &a, const auto &b) { return a.first > b.first; });
    auto distance = [](QRgb a, QRgb b) {
        const long dr = qRed(a) - qRed(b), dg = qGreen(a) - qGreen(b), db = qBlue(a) - qBlue(b);
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
    };
    QList<QRgb> palette;
    const size_t popular = std::min<size_t>(160, colors.size());
    for (size_t i = 0; i < popular; ++i)
        palette.append(colors[i].second);
    std::vector<long> nearestDistance(colors.size(), std::numeric_limits<long>::max());
    for (size_t c = 0; c < colors.size(); ++c)
        for (QRgb p : palette)
            nearestDistance[c] = std::min(nearestDistance[c], distance(colors[c].second, p));
    while (palette.size() < 256 && palette.size() < qsizetype(colors.size())) {
        size_t worst = 0;
        double worstError = -1;
        for (size_t c = 0; c < colors.size(); ++c) {
            const double error = double(colors[c].first) * double(nearestDistance[c]);
            if (error > worstError) {
                worstError = error;
                worst = c;
            }
        }
        if (worstError <= 0)
            break;
        const QRgb added = colors[worst].second;
        palette.append(added);
        for (size_t c = 0; c < colors.size(); ++c)
            nearestDistance[c] = std::min(nearestDistance[c], distance(colors[c].second, added));
    }
    QHash<QRgb, int> nearest;
    auto indexOf = [&](QRgb c) {
        const auto it = nearest.constFind(c);
        if (it != nearest.constEnd())
            return it.value();
        int best = 0;
        long bestDistance = std::numeric_limits<long>::max();
        for (int i = 0; i < palette.size(); ++i) {
            const long d = distance(c, palette[i]);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        nearest.insert(c, best);
        return best;
    };
    QImage out(image.size(), QImage::Format_Indexed8);
    out.setColorTable(palette);
    for (int y = 0; y < image.height(); ++y) {
        const auto *in = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        uchar *line = out.scanLine(y);
        for (int x = 0; x < image.width(); ++x)
            line[x] = uchar(indexOf(in[x]));
    }
    return out;
}

// Through a QSaveFile: an interrupted tour never leaves a cut picture in docs/.
bool savePng(const QImage &image, const QString &path)
{
    QSaveFile file(path);
    QString reason;
    return file.open(QIODevice::WriteOnly) && image.save(&file, "PNG", 9) &&
           commitSaveFile(file, &reason);
}

bool save(QWidget *w, const QString &path, bool palette = false)
{
    QImage image = w->grab().toImage();
    bool ok = savePng(palette ? withAdaptivePalette(image) : image, path);
    // Keep pictures meant for the repository under 300 KB.
    if (ok && !palette && QFileInfo(path).size() > 280 * 1024)
        ok = savePng(withAdaptivePalette(image), path);
    std::printf("%s %s (%dx%d, %lld KB)\n", ok ? "wrote" : "FAILED", qPrintable(path),
                image.width(), image.height(),
                static_cast<long long>(QFileInfo(path).size() / 1024));
    return ok;
}

// Past perplexity (docs/tasks.md), on the retrieval demo model with All = 0.45: the window with
// the Retrieval tab on screen beside the perplexity chart (the trade-off at once), the Retrieval
// panel and the Generation panel.
bool taskPanels(MainWindow &window, const QString &images, const std::function<bool(int)> &settle)
{
    const QString dir = ResourceLocator::retrievalModelDir();
    if (dir.isEmpty()) {
        std::fprintf(stderr, "screenshots: the retrieval demo model was not found\n");
        return false;
    }
    bool loaded = false;
    const auto c =
        QObject::connect(window.session(), &WorkbenchSession::modelLoaded, [&] { loaded = true; });
    window.openModel(dir);
    waitFor([&] { return loaded; }, 120000);
    QObject::disconnect(c);
    settle(600000);
    auto show = [&](QWidget *panel) {
        for (QDockWidget *d : window.panels())
            if (d->widget() == panel) {
                d->show();
                d->raise();
            }
    };
    RetrievalPanel *retrieval = window.retrievalPanel();
    bool grid = false;
    const auto g = QObject::connect(retrieval, &RetrievalPanel::finished, [&] { grid = true; });
    window.editor()->setAllFactors(0.45);
    show(retrieval);
    settle(600000);
    // The grid as loaded, then the one under the settled faders.
    waitFor([&] { return grid && !retrieval->isRunning(); }, 600000);
    QObject::disconnect(g);
    waitFor([] { return false; }, 400);
    auto image = [&](const char *name) {
        return QDir(images).filePath(QString::fromLatin1(name) + QStringLiteral(".png"));
    };
    bool ok = save(&window, image("window-tasks"));
    ok &= save(retrieval, image("retrieval-panel"));
    GenerationPanel *generation = window.generationPanel();
    show(generation);
    generation->setPromptText(QStringLiteral("The old miller lived at the edge of the village."));
    generation->setMaxNewTokens(80);
    bool generated = false;
    const auto d =
        QObject::connect(generation, &GenerationPanel::finished, [&] { generated = true; });
    generation->generate();
    waitFor([&] { return generated; }, 120000);
    QObject::disconnect(d);
    waitFor([] { return false; }, 300);
    ok &= save(generation, image("generation-panel"));
    return ok;
}

}  // namespace

int ScreenshotTour::run(const Options &options)
{
    const QString outDir = options.outDir;
    MainWindow window;
    window.resetLayout();
    window.resize(1500, 940);
    window.show();
    bool finished = false;
    QObject::connect(window.liveCurves(), &LiveCurves::currentFinished, [&] { finished = true; });
    bool spectrum = false;
    QObject::connect(window.session(), &WorkbenchSession::spectrumReady, [&] { spectrum = true; });
    window.openDemo();
    auto settle = [&](int timeoutMs) {
        const bool ok =
            waitFor([&] { return finished && !window.session()->liveEvaluation()->isRunning(); },
                    timeoutMs);
        waitFor([&] { return window.session()->jobs().isEmpty(); }, timeoutMs);
        waitFor([] { return false; }, 300);  // let the last redraws land
        return ok;
    };
    if (!settle(600000)) {
        std::fprintf(stderr, "screenshots: the baseline curve never finished\n");
        return 1;
    }
    // The failure before any scaling, for docs/method.md: the curve climbing past the training
    // length, the modes beyond it (τ needs the measured Δ̄), the states growing on.
    waitFor([&] { return bool(window.session()->deltaStatistics()); }, 120000);
    waitFor([] { return false; }, 500);
    bool ok = true;
    if (!outDir.isEmpty()) {
        QDir().mkpath(outDir);
        const QString images = QDir(outDir).filePath(QStringLiteral("images"));
        QDir().mkpath(images);
        auto image = [&](const char *name) {
            return QDir(images).filePath(QString::fromLatin1(name) + QStringLiteral(".png"));
        };
        ok &= save(window.perplexityPanel()->chart(), image("perplexity-baseline"));
        ok &= save(window.spectrumPanel()->heatmap(), image("spectrum-heatmap-baseline"));
        ok &= save(window.statePanel()->chart(), image("state-norms-baseline"));
        ok &= save(window.modelPanel(), image("model-panel"));
    }

    finished = false;
    window.editor()->setAllFactors(0.75);
    settle(600000);
    window.perplexityPanel()->chart()->pinCurrent(window.editor()->describe());
    finished = false;
    spectrum = false;
    window.editor()->setAllFactors(0.45);
    // The status bar while the curve recomputes.
    if (waitFor([&] { return window.jobStatus()->isBusy(); }, 20000) && !outDir.isEmpty()) {
        waitFor([] { return false; }, 400);
        ok &= save(window.jobStatus(),
                   QDir(outDir).filePath(QStringLiteral("images/status-bar.png")));
    }
    settle(600000);
    waitFor([&] { return spectrum; }, 60000);
    window.spectrumPanel()->setSelectedLayer(1);
    window.scalingPanel()->setSelectedLayer(1);
    waitFor([] { return false; }, 300);

    // The whole window at laptop and projector sizes (docs/screenshots/).
    if (!options.windowDir.isEmpty()) {
        QDir().mkpath(options.windowDir);
        for (const QSize &size : options.sizes) {
            window.resize(size);
            waitFor([] { return false; }, 600);  // the layout, then the charts' relabelling
            ok &= save(&window,
                       QDir(options.windowDir)
                           .filePath(QStringLiteral("window-%1-%2x%3.png")
                                         .arg(options.language)
                                         .arg(size.width())
                                         .arg(size.height())),
                       true);
        }
        window.resize(1500, 940);
        waitFor([] { return false; }, 600);
    }
    if (outDir.isEmpty())
        return ok ? 0 : 1;
    const QString images = QDir(outDir).filePath(QStringLiteral("images"));
    auto image = [&](const char *name) {
        return QDir(images).filePath(QString::fromLatin1(name) + QStringLiteral(".png"));
    };

    ok &= save(&window, QDir(outDir).filePath(QStringLiteral("mambascope-window.png")));
    ok &= save(window.perplexityPanel(),
               QDir(outDir).filePath(QStringLiteral("perplexity-panel.png")));
    ok &= save(window.spectrumPanel(), QDir(outDir).filePath(QStringLiteral("spectrum-panel.png")));
    ok &= save(window.scalingPanel(), QDir(outDir).filePath(QStringLiteral("scaling-panel.png")));
    ok &= save(window.statePanel(), QDir(outDir).filePath(QStringLiteral("state-panel.png")));
    ok &= save(window.spectrumPanel()->heatmap(), image("spectrum-heatmap-power045"));
    ok &= save(window.statePanel()->chart(), image("state-norms-power045"));

    // The dialogs, for docs/user-guide.md.
    {
        CalibrationDialog dialog(window.session(), 14000.0, &window);
        dialog.show();
        waitFor([] { return false; }, 200);
        ok &= save(&dialog, image("calibrate-dialog"));
    }
    {
        SettingsDialog dialog(&window);
        dialog.show();
        waitFor([] { return false; }, 200);
        ok &= save(&dialog, image("settings-dialog"));
    }
    ok &= taskPanels(window, images, settle);
    return ok ? 0 : 1;
}

}  // namespace mscope
