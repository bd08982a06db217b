// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "AboutDialog.h"
#include "AppSettings.h"
#include "CalibrationDialog.h"
#include "ChartStyle.h"
#include "ComparePanel.h"
#include "DivergingHeatmap.h"
#include "FactorScale.h"
#include "FactorSweepChart.h"
#include "GenerationPanel.h"
#include "GuidedTour.h"
#include "JobStatusWidget.h"
#include "LayerSpectrumChart.h"
#include "LiveCurves.h"
#include "ModelPanel.h"
#include "ModulationEditor.h"
#include "PasskeyHeatmap.h"
#include "PerplexityChart.h"
#include "PerplexityPanel.h"
#include "RetrievalPanel.h"
#include "ScalingPanel.h"
#include "SensitivityPanel.h"
#include "SettingsDialog.h"
#include "SpectrumHeatmap.h"
#include "SpectrumPanel.h"
#include "StateNormChart.h"
#include "StatePanel.h"
#include "TextSpreadChart.h"
#include "UiLanguage.h"
#include "ViewExporter.h"
#include "WorkbenchSession.h"
#include "analysis/DeltaStatistics.h"
#include "io/ResourceLocator.h"
#include "model/MambaModel.h"
#include "support/Error.h"

#include <QActionGroup>
#include <QApplication>
#include <QBuffer>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QScrollArea>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>
#include <QUrl>
#include <QWhatsThis>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// Bumped when the dock layout changes shape, so an old saved layout is not restored onto it.
constexpr int kLayoutVersion = 2;

}  // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("MambaScope"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks |
                   QMainWindow::AllowTabbedDocks);
    // The usual size, or less on a small screen (a 1366×768 laptop with a panel).
    QSize size(1440, 900);
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() * 0.96);
    resize(size);
    m_shareTimer.setSingleShot(true);
    connect(&m_shareTimer, &QTimer::timeout, this, &MainWindow::applyDockShares);

    m_session = new WorkbenchSession(this);
    m_editor = m_session->editor();
    m_curves = new LiveCurves(m_session->liveEvaluation(), this);
    m_modulationTimer.setSingleShot(true);
    connect(&m_modulationTimer, &QTimer::timeout, this, &MainWindow::applyModulationNow);

    createActions();
    createPanels();
    createTaskPanels();
    createMenus();
    createToolBars();
    connectSession();

    m_jobStatus = new JobStatusWidget;
    statusBar()->addPermanentWidget(m_jobStatus);
    connect(m_jobStatus, &JobStatusWidget::cancelRequested, m_session,
            &WorkbenchSession::cancelForegroundJob);

    m_defaultLayout = saveState(kLayoutVersion);
    const QByteArray geometry = AppSettings::windowGeometry();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    // A saved layout brings its own proportions: they are read once the window is shown.
    m_sharesFromLayout = restoreState(AppSettings::windowState(), kLayoutVersion);
    updateActions();
    updateLengths();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() = default;

QAction *MainWindow::action(const QString &objectName) const
{
    return findChild<QAction *>(objectName);
}

// ---------------------------------------------------------------------------------------------
// Construction

void MainWindow::createActions()
{
    auto make = [this](const QString &text, const QString &name, const QKeySequence &shortcut,
                       const QString &tip) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        if (!shortcut.isEmpty())
            a->setShortcut(shortcut);
        a->setStatusTip(tip);
        a->setToolTip(tip);
        return a;
    };
    m_openModel = make(tr("&Open Model…"), QStringLiteral("actionOpenModel"), QKeySequence::Open,
                       tr("Open a Mamba model folder (config.json and safetensors)"));
    m_addText = make(tr("Add &Text…"), QStringLiteral("actionAddText"), QKeySequence(tr("Ctrl+T")),
                     tr("Add a UTF-8 text file to evaluate or calibrate on"));
    m_loadPreset = make(tr("&Load Scaling Preset…"), QStringLiteral("actionLoadPreset"),
                        QKeySequence(tr("Ctrl+L")), tr("Load a modulation preset (JSON)"));
    m_savePreset = make(tr("&Save Scaling Preset…"), QStringLiteral("actionSavePreset"),
                        QKeySequence::Save, tr("Save the current scaling as a preset (JSON)"));
    m_bake = make(tr("&Bake Checkpoint…"), QStringLiteral("actionBake"), QKeySequence(tr("Ctrl+B")),
                  tr("Write a new checkpoint with the current scaling built into A_log"));
    m_exportGguf = make(tr("Export as &GGUF…"), QStringLiteral("actionExportGguf"), QKeySequence(),
                        tr("Write one GGUF file that llama.cpp runs, the current scaling folded "
                           "into A"));
    m_quit =
        make(tr("&Quit"), QStringLiteral("actionQuit"), QKeySequence::Quit, tr("Quit MambaScope"));
    m_quit->setMenuRole(QAction::QuitRole);

    m_undo = m_editor->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undo->setObjectName(QStringLiteral("actionUndo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = m_editor->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redo->setObjectName(QStringLiteral("actionRedo"));
    m_redo->setShortcut(QKeySequence::Redo);
    m_reset = make(tr("Rese&t Scaling"), QStringLiteral("actionResetScaling"),
                   QKeySequence(tr("Ctrl+R")), tr("Back to the model as loaded"));
    m_settings = make(tr("&Settings…"), QStringLiteral("actionSettings"), QKeySequence::Preferences,
                      tr("Threads, chunk size, max tokens, cache"));
    m_settings->setMenuRole(QAction::PreferencesRole);
    if (m_settings->shortcut().isEmpty())
        m_settings->setShortcut(QKeySequence(tr("Ctrl+,")));

    m_recompute = make(tr("&Recompute Curves"), QStringLiteral("actionRecompute"),
                       QKeySequence::Refresh, tr("Compute the curves again"));
    if (m_recompute->shortcut().isEmpty())
        m_recompute->setShortcut(QKeySequence(Qt::Key_F5));
    m_cancel = make(tr("&Cancel Running Job"), QStringLiteral("actionCancel"),
                    QKeySequence(Qt::Key_Escape), tr("Stop the most recent background job"));
    m_calibrate =
        make(tr("&Calibrate…"), QStringLiteral("actionCalibrate"), QKeySequence(tr("Ctrl+K")),
             tr("Search the per-layer factors automatically (in the background)"));
    m_stopCalibration =
        make(tr("Stop Calibration"), QStringLiteral("actionStopCalibration"),
             QKeySequence(tr("Ctrl+Shift+K")), tr("Stop and keep the best factors so far"));
    m_pin = make(tr("&Pin Current Curve"), QStringLiteral("actionPin"), QKeySequence(tr("Ctrl+P")),
                 tr("Keep the current curve on the chart for comparison"));
    m_clearPins = make(tr("Clear Pinned Curves"), QStringLiteral("actionClearPins"),
                       QKeySequence(tr("Ctrl+Shift+P")), tr("Remove the pinned curves"));
    m_logScale = make(tr("&Log Perplexity Axis"), QStringLiteral("actionLogScale"),
                      QKeySequence(tr("Ctrl+G")), tr("Perplexity on a log or linear axis"));
    m_logScale->setCheckable(true);
    // Short labels where they sit in the perplexity panel's tool bar.
    m_pin->setIconText(tr("Pin"));
    m_clearPins->setIconText(tr("Clear pins"));
    m_logScale->setIconText(tr("Log axis"));
    m_logScale->setChecked(true);
    m_ratio = make(tr("Perplexity &Relative to Baseline"), QStringLiteral("actionRatio"),
                   QKeySequence(tr("Ctrl+Shift+G")),
                   tr("Every curve divided by the baseline, bucket by bucket (1 = no change)"));
    m_ratio->setCheckable(true);
    m_ratio->setIconText(tr("÷ baseline"));
    m_presentation =
        make(tr("&Presentation Mode"), QStringLiteral("actionPresentation"),
             QKeySequence(tr("Ctrl+Shift+F")), tr("Larger fonts everywhere, for projectors"));
    m_presentation->setCheckable(true);
    m_report = make(tr("Save Session &Report…"), QStringLiteral("actionReport"),
                    QKeySequence(tr("Ctrl+Shift+R")),
                    tr("One HTML file with every chart, the settings and the numbers"));
    m_userGuide = make(tr("&User Guide"), QStringLiteral("actionUserGuide"),
                       QKeySequence::HelpContents, tr("Open the user guide"));
    m_tourAction = make(tr("Guided &Tour"), QStringLiteral("actionTour"), QKeySequence(),
                        tr("The five steps of the walkthrough, on this window"));
    m_resetLayout = make(tr("Reset &Layout"), QStringLiteral("actionResetLayout"), QKeySequence(),
                         tr("Put every panel back where it started"));
    m_whatsThis = QWhatsThis::createAction(this);
    m_whatsThis->setObjectName(QStringLiteral("actionWhatsThis"));
    m_about = make(tr("&About MambaScope"), QStringLiteral("actionAbout"), QKeySequence(),
                   tr("Version and licences"));
    m_about->setMenuRole(QAction::AboutRole);
    m_aboutQt =
        make(tr("About &Qt"), QStringLiteral("actionAboutQt"), QKeySequence(), tr("About Qt"));
    m_aboutQt->setMenuRole(QAction::AboutQtRole);

    connect(m_openModel, &QAction::triggered, this, &MainWindow::openModelDialog);
    connect(m_addText, &QAction::triggered, this, &MainWindow::addTextDialog);
    connect(m_loadPreset, &QAction::triggered, this, &MainWindow::loadPresetDialog);
    connect(m_savePreset, &QAction::triggered, this, &MainWindow::savePresetDialog);
    connect(m_bake, &QAction::triggered, this, &MainWindow::bakeDialog);
    connect(m_exportGguf, &QAction::triggered, this, &MainWindow::exportGgufDialog);
    connect(m_quit, &QAction::triggered, this, &QWidget::close);
    connect(m_reset, &QAction::triggered, m_editor, &ModulationEditor::reset);
    connect(m_settings, &QAction::triggered, this, &MainWindow::settingsDialog);
    // The current curve only: the baseline stays (it depends on nothing the user changed).
    connect(m_recompute, &QAction::triggered, m_session, &WorkbenchSession::recomputeCurrent);
    connect(m_ratio, &QAction::toggled, this,
            [this](bool on) { m_perplexityPanel->chart()->setRatioToBaseline(on); });
    connect(m_presentation, &QAction::toggled, this, &MainWindow::setPresentationMode);
    connect(m_report, &QAction::triggered, this, &MainWindow::reportDialog);
    connect(m_userGuide, &QAction::triggered, this, &MainWindow::openUserGuide);
    connect(m_tourAction, &QAction::triggered, this, &MainWindow::showTour);
    connect(m_cancel, &QAction::triggered, m_session, &WorkbenchSession::cancelForegroundJob);
    connect(m_calibrate, &QAction::triggered, this, &MainWindow::calibrateDialog);
    connect(m_stopCalibration, &QAction::triggered, m_session, &WorkbenchSession::stopCalibration);
    connect(m_resetLayout, &QAction::triggered, this, &MainWindow::resetLayout);
    connect(m_about, &QAction::triggered, this, [this] {
        AboutDialog dialog(this);
        dialog.exec();
    });
    connect(m_aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

QDockWidget *MainWindow::addPanel(QWidget *panel, const QString &title, const QString &objectName,
                                  Qt::DockWidgetArea area, QDockWidget *tabifyWith)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    if (tabifyWith)
        tabifyDockWidget(tabifyWith, dock);
    // "Model & Texts" in a menu: the ampersand is text, not a mnemonic.
    QAction *toggle = dock->toggleViewAction();
    toggle->setText(QString(title).replace(QLatin1Char('&'), QStringLiteral("&&")));
    toggle->setObjectName(QStringLiteral("actionShow-") + objectName);
    toggle->setStatusTip(tr("Show or hide the %1 panel").arg(title));
    // Alt+1 … Alt+9 in the order the panels were added; later panels are in the View menu.
    if (m_docks.size() < 9)
        toggle->setShortcut(QKeySequence(tr("Alt+%1").arg(m_docks.size() + 1)));
    m_docks << dock;
    connect(dock, &QDockWidget::dockLocationChanged, this, &MainWindow::rememberDockSharesLater);
    connect(dock, &QDockWidget::topLevelChanged, this, &MainWindow::rememberDockSharesLater);
    return dock;
}

void MainWindow::rememberDockSharesLater()
{
    // Not while the shares are being applied (restoring a state moves docks too).
    if (!m_applyingShares && isVisible() && m_sinceApplied.isValid() &&
        m_sinceApplied.elapsed() > 250)
        QTimer::singleShot(0, this, &MainWindow::rememberDockShares);
}

void MainWindow::rememberDockShares()
{
    if (m_applyingShares || width() <= 0 || height() <= 0)
        return;
    // Docks on screen only (a tab behind another keeps the share it had).
    for (QDockWidget *d : std::as_const(m_docks))
        if (d->isVisible() && !d->isFloating() && !d->visibleRegion().isEmpty())
            m_dockShares[d] = QSizeF(double(d->width()) / width(), double(d->height()) / height());
}

void MainWindow::applyDockShares()
{
    // Docks shrunk to their minimums by a small window get their shares back when it grows:
    // the layout recovers from any resize (Qt alone hands all the new room to one column).
    QList<QDockWidget *> docks;
    QList<int> widths, heights;
    for (QDockWidget *d : std::as_const(m_docks)) {
        if (!d->isVisible() || d->isFloating() || !m_dockShares.contains(d))
            continue;
        docks << d;
        widths << std::max(1, int(std::lround(m_dockShares[d].width() * width())));
        heights << std::max(1, int(std::lround(m_dockShares[d].height() * height())));
    }
    if (docks.isEmpty())
        return;
    m_applyingShares = true;
    resizeDocks(docks, widths, Qt::Horizontal);
    resizeDocks(docks, heights, Qt::Vertical);
    m_applyingShares = false;
    m_sinceApplied.start();
}

void MainWindow::resetLayout()
{
    m_sharesFromLayout = false;
    restoreState(m_defaultLayout, kLayoutVersion);
    m_dockShares = m_defaultShares;
    applyDockShares();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_firstShow) {
        m_firstShow = false;
        QTimer::singleShot(0, this, [this] {
            if (m_sharesFromLayout)
                rememberDockShares();
            else
                applyDockShares();
        });
    }
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    // Once the main window's layout has settled at the new size (a few events later).
    m_shareTimer.start(30);
}

bool MainWindow::event(QEvent *event)
{
    // A separator between docks was dragged: the new proportions are the user's.
    if (event->type() == QEvent::MouseButtonRelease)
        rememberDockSharesLater();
    return QMainWindow::event(event);
}

void MainWindow::createPanels()
{
    m_modelPanel = new ModelPanel;
    m_spectrumPanel = new SpectrumPanel;
    m_scalingPanel = new ScalingPanel(m_editor);
    m_scalingPanel->setObjectName(QStringLiteral("scalingPanel"));
    m_scalingPanel->setActions(m_undo, m_redo, m_reset, m_loadPreset, m_savePreset, m_calibrate);
    m_perplexityPanel = new PerplexityPanel;
    m_statePanel = new StatePanel;
    m_perplexityPanel->setProtocol(m_session->streaming(), m_session->fixedWindow());
    m_perplexityPanel->addAction(m_pin);
    m_perplexityPanel->addAction(m_clearPins);
    m_perplexityPanel->addAction(m_logScale);
    m_perplexityPanel->addAction(m_ratio);

    // Perplexity is the centre of attention: the central area, everything else around it.
    // Every panel is a dock, so users can rearrange them all; the layout is saved on exit.
    setCentralWidget(nullptr);
    // The model panel is a form: it scrolls in a short or narrow dock rather than push the
    // window's minimum size up.
    auto *modelScroll = new QScrollArea;
    modelScroll->setObjectName(QStringLiteral("modelScroll"));
    modelScroll->setWidget(m_modelPanel);
    modelScroll->setWidgetResizable(true);
    modelScroll->setFrameShape(QFrame::NoFrame);
    modelScroll->setMinimumWidth(180);
    // One dock area holds them all, split in columns: model | perplexity over scaling |
    // spectrum over state. (Across several areas Qt hands a grown window's room to one area and
    // resizeDocks cannot move the border back; inside one area every split follows its share.)
    const auto area = Qt::LeftDockWidgetArea;
    QDockWidget *model =
        addPanel(modelScroll, tr("Model & Texts"), QStringLiteral("dockModel"), area);
    QDockWidget *perplexity = addPanel(m_perplexityPanel, tr("Perplexity vs Context Length"),
                                       QStringLiteral("dockPerplexity"), area);
    QDockWidget *spectrum =
        addPanel(m_spectrumPanel, tr("Spectrum"), QStringLiteral("dockSpectrum"), area);
    QDockWidget *scaling =
        addPanel(m_scalingPanel, tr("Scaling"), QStringLiteral("dockScaling"), area);
    QDockWidget *state =
        addPanel(m_statePanel, tr("State Convergence"), QStringLiteral("dockState"), area);
    splitDockWidget(model, perplexity, Qt::Horizontal);
    splitDockWidget(perplexity, spectrum, Qt::Horizontal);
    splitDockWidget(perplexity, scaling, Qt::Vertical);
    splitDockWidget(spectrum, state, Qt::Vertical);
    // Comparisons that take several passes: a tab beside State Convergence.
    m_comparePanel = new ComparePanel;
    QDockWidget *compare =
        addPanel(m_comparePanel, tr("Comparisons"), QStringLiteral("dockCompare"), area, state);
    state->raise();
    // The sensitivity map: a tab beside the spectrum it explains.
    m_sensitivityPanel = new SensitivityPanel(m_session);
    QDockWidget *sensitivity = addPanel(m_sensitivityPanel, tr("Sensitivity"),
                                        QStringLiteral("dockSensitivity"), area, spectrum);
    spectrum->raise();
    // Shares of the window, not pixels: the same layout on a laptop and on a projector.
    m_defaultShares = {{model, QSizeF(0.22, 1.0)},      {perplexity, QSizeF(0.44, 0.6)},
                       {spectrum, QSizeF(0.34, 0.6)},   {scaling, QSizeF(0.44, 0.4)},
                       {state, QSizeF(0.34, 0.4)},      {compare, QSizeF(0.34, 0.4)},
                       {sensitivity, QSizeF(0.34, 0.6)}};
    m_dockShares = m_defaultShares;

    model->setWhatsThis(m_modelPanel->whatsThis());
}

void MainWindow::createTaskPanels()
{
    // Past perplexity (docs/tasks.md): passkey retrieval and generation, tabs beside State
    // Convergence (tabs, so the window's minimum size does not grow).
    auto *state = findChild<QDockWidget *>(QStringLiteral("dockState"));
    const auto area = Qt::LeftDockWidgetArea;
    m_retrievalPanel = new RetrievalPanel(m_session);
    QDockWidget *retrieval =
        addPanel(m_retrievalPanel, tr("Retrieval"), QStringLiteral("dockRetrieval"), area, state);
    m_generationPanel = new GenerationPanel(m_session);
    QDockWidget *generation = addPanel(m_generationPanel, tr("Generation"),
                                       QStringLiteral("dockGeneration"), area, state);
    state->raise();
    retrieval->setWhatsThis(m_retrievalPanel->whatsThis());
    generation->setWhatsThis(m_generationPanel->whatsThis());
    m_defaultShares.insert(retrieval, QSizeF(0.34, 0.4));
    m_defaultShares.insert(generation, QSizeF(0.34, 0.4));
    m_dockShares = m_defaultShares;
}

void MainWindow::addExportActions(QMenu *menu, ExportableView *view, QWidget *widget,
                                  const QString &title)
{
    QMenu *sub = menu->addMenu(title);
    const QString base = view->exportName();
    for (const auto &[format, label] : {std::pair{QStringLiteral("png"), tr("Image (PNG)…")},
                                        std::pair{QStringLiteral("svg"), tr("Vector Image (SVG)…")},
                                        std::pair{QStringLiteral("pdf"), tr("PDF…")},
                                        std::pair{QStringLiteral("csv"), tr("Data (CSV)…")}}) {
        QAction *a = sub->addAction(label);
        a->setObjectName(QStringLiteral("actionExport-%1-%2").arg(base, format));
        a->setStatusTip(tr("Export %1 as %2").arg(title, format.toUpper()));
        connect(a, &QAction::triggered, this, [this, view, format] { exportView(view, format); });
        widget->addAction(a);
    }
    widget->setContextMenuPolicy(Qt::ActionsContextMenu);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openModel);
    m_recentMenu = file->addMenu(tr("Open &Recent Model"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addAction(m_addText);
    file->addSeparator();
    file->addAction(m_loadPreset);
    file->addAction(m_savePreset);
    file->addAction(m_bake);
    file->addAction(m_exportGguf);
    file->addSeparator();
    file->addAction(m_report);
    QMenu *exports = file->addMenu(tr("&Export"));
    addExportActions(exports, m_perplexityPanel->chart(), m_perplexityPanel->chart(),
                     tr("Perplexity Chart"));
    addExportActions(exports, m_spectrumPanel->heatmap(), m_spectrumPanel->heatmap(),
                     tr("Spectrum Heat Map"));
    addExportActions(exports, m_spectrumPanel->layerChart(), m_spectrumPanel->layerChart(),
                     tr("Layer Spectrum"));
    addExportActions(exports, m_sensitivityPanel->heatmap(), m_sensitivityPanel->heatmap(),
                     tr("Sensitivity Heat Map"));
    addExportActions(exports, m_statePanel->chart(), m_statePanel->chart(), tr("State Norm Chart"));
    addExportActions(exports, m_comparePanel->sweepChart(), m_comparePanel->sweepChart(),
                     tr("Factor Sweep"));
    addExportActions(exports, m_comparePanel->textsChart(), m_comparePanel->textsChart(),
                     tr("Perplexity on Several Texts"));
    for (const auto &[side, title] :
         {std::pair{RetrievalPanel::Side::Baseline, tr("Retrieval, as Loaded")},
          std::pair{RetrievalPanel::Side::Current, tr("Retrieval, under the Faders")}})
        addExportActions(exports, m_retrievalPanel->heatmap(side), m_retrievalPanel->heatmap(side),
                         title);
    if (QAction *png = action(QStringLiteral("actionExport-perplexity-vs-context-png")))
        png->setShortcut(QKeySequence(tr("Ctrl+E")));
    if (QAction *csv = action(QStringLiteral("actionExport-perplexity-vs-context-csv")))
        csv->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    file->addSeparator();
    file->addAction(m_quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undo);
    edit->addAction(m_redo);
    edit->addSeparator();
    edit->addAction(m_reset);
    edit->addSeparator();
    edit->addAction(m_settings);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(m_recompute);
    analysis->addAction(m_cancel);
    analysis->addSeparator();
    analysis->addAction(m_calibrate);
    analysis->addAction(m_stopCalibration);
    analysis->addSeparator();
    analysis->addAction(m_pin);
    analysis->addAction(m_clearPins);
    analysis->addAction(m_logScale);
    analysis->addAction(m_ratio);

    // Rebuilt each time it opens: panels added later are listed too.
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    m_languageMenu = new QMenu(tr("Lan&guage"), this);
    createLanguageMenu(m_languageMenu);
    connect(m_viewMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildViewMenu);
    rebuildViewMenu();

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_tourAction);
    help->addAction(m_userGuide);
    help->addAction(m_whatsThis);
    help->addSeparator();
    help->addAction(m_about);
    help->addAction(m_aboutQt);
}

void MainWindow::rebuildViewMenu()
{
    m_viewMenu->clear();
    for (QDockWidget *d : std::as_const(m_docks))
        m_viewMenu->addAction(d->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_resetLayout);
    m_viewMenu->addAction(m_presentation);
    m_viewMenu->addSeparator();
    m_viewMenu->addMenu(m_languageMenu);
}

GuidedTour *MainWindow::showTour()
{
    if (!m_tour)
        m_tour = new GuidedTour(this);
    m_tour->show();
    m_tour->setStep(0);
    return m_tour;
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == presentationMode())
        return;
    QFont f = QApplication::font();
    if (on) {
        m_presentationFont = f.pointSizeF();
        f.setPointSizeF(m_presentationFont * 1.5);
    } else {
        f.setPointSizeF(m_presentationFont);
        m_presentationFont = 0;
    }
    // Every widget, the charts included (they follow their font, InteractiveChart).
    QApplication::setFont(f);
    const QSignalBlocker block(m_presentation);
    m_presentation->setChecked(on);
    statusBar()->showMessage(on ? tr("Presentation mode: larger fonts (Ctrl+Shift+F to leave)")
                                : tr("Presentation mode off"),
                             4000);
}

QString MainWindow::userGuidePath()
{
    const QString app = QCoreApplication::applicationDirPath();
    const QStringList candidates{
        qEnvironmentVariable("MAMBASCOPE_DOCS") + QStringLiteral("/user-guide.md"),
        app + QStringLiteral("/../../docs/user-guide.md"),  // build tree: build/app/mambascope
        app + QStringLiteral("/../../../docs/user-guide.md"),
        app + QStringLiteral("/../share/doc/mambascope/user-guide.md"),
        QStringLiteral("/usr/share/doc/mambascope/user-guide.md")};
    for (const QString &c : candidates)
        if (QFileInfo(c).isFile())
            return QFileInfo(c).canonicalFilePath();
    return {};
}

void MainWindow::openUserGuide()
{
    const QString path = userGuidePath();
    if (path.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
        showError(tr("User guide"),
                  path.isEmpty()
                      ? tr("The user guide (docs/user-guide.md) was not found beside the program. "
                           "Set MAMBASCOPE_DOCS to the folder that holds it.")
                      : tr("No program to open %1 was found; open it in a text editor or "
                           "browser.")
                            .arg(QDir::toNativeSeparators(path)));
    }
}

void MainWindow::createToolBars()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("toolBarMain"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_openModel);
    bar->addSeparator();
    bar->addAction(m_calibrate);
    bar->addSeparator();

    auto *trainingLabel = new QLabel(tr(" Training length: "));
    m_trainingLength = new QSpinBox;
    m_trainingLength->setObjectName(QStringLiteral("trainingLength"));
    m_trainingLength->setRange(16, 1 << 24);
    m_trainingLength->setGroupSeparatorShown(true);
    m_trainingLength->setSuffix(tr(" tokens"));
    m_trainingLength->setKeyboardTracking(false);
    m_trainingLength->setToolTip(
        tr("The context length the model was trained on (orange in every "
           "chart): beyond it, Mamba models tend to fail. Guessed from the "
           "model folder; correct it here if needed."));
    auto *targetLabel = new QLabel(tr("  Target length: "));
    m_targetLength = new QSpinBox;
    m_targetLength->setObjectName(QStringLiteral("targetLength"));
    m_targetLength->setRange(16, 1 << 24);
    m_targetLength->setGroupSeparatorShown(true);
    m_targetLength->setSuffix(tr(" tokens"));
    m_targetLength->setKeyboardTracking(false);
    m_targetLength->setToolTip(
        tr("The context length you want the model to handle (green): "
           "calibration optimizes perplexity there."));
    bar->addWidget(trainingLabel);
    bar->addWidget(m_trainingLength);
    bar->addWidget(targetLabel);
    bar->addWidget(m_targetLength);
    connect(m_trainingLength, &QSpinBox::valueChanged, m_session,
            &WorkbenchSession::setTrainingLength);
    connect(m_targetLength, &QSpinBox::valueChanged, m_session, &WorkbenchSession::setTargetLength);
}

void MainWindow::connectSession()
{
    WorkbenchSession *s = m_session;
    connect(s, &WorkbenchSession::modelLoading, this, [this](const QString &dir) {
        m_modelPanel->setLoading(dir);
        statusBar()->showMessage(tr("Loading %1…").arg(QDir::toNativeSeparators(dir)));
    });
    connect(s, &WorkbenchSession::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(s, &WorkbenchSession::modelFailed, this, [this](const QString &message) {
        m_modelPanel->setModel(m_session->model());
        if (!message.isEmpty())
            showError(tr("Cannot open the model"), message);
        updateActions();
    });
    connect(s, &WorkbenchSession::textsChanged, this, [this] {
        m_modelPanel->setTexts(m_session->texts(), m_session->bundledTexts());
        for (const QString &t : m_session->texts())
            m_modelPanel->setTokenCount(t, m_session->tokenCount(t));
        m_modelPanel->setEvaluationText(m_session->evaluationText());
        m_modelPanel->setCalibrationTexts(m_session->calibrationTexts());
    });
    connect(s, &WorkbenchSession::tokenCountChanged, m_modelPanel, &ModelPanel::setTokenCount);
    connect(s, &WorkbenchSession::textFailed, this,
            [this](const QString &message) { showError(tr("Problem with a text"), message); });
    connect(s, &WorkbenchSession::evaluationReset, this,
            [this](const QString &text, const QString &protocol, qint64 length) {
                m_curves->reset(length);
                m_perplexityPanel->chart()->clearCurves();
                m_perplexityPanel->chart()->setContext(text, protocol);
                m_statePanel->chart()->clearCurves();
                m_lastSummary.clear();
                m_perplexityPanel->setSummary(QString());
            });
    connect(s, &WorkbenchSession::lengthsChanged, this, &MainWindow::updateLengths);
    connect(s, &WorkbenchSession::deltaStatisticsChanged, this, &MainWindow::updateSpectrumNote);
    connect(s, &WorkbenchSession::spectrumReady, this,
            [this](const SpectrumDensity &original, const SpectrumDensity &modulated) {
                m_spectrumPanel->setDensities(original, modulated);
                updateSpectrumNote();
            });
    connect(s, &WorkbenchSession::jobsChanged, this, &MainWindow::updateJobStatus);
    connect(s, &WorkbenchSession::calibrationStep, this, &MainWindow::onCalibrationStep);
    connect(s, &WorkbenchSession::calibrationFinished, this,
            [this](const ModulationSet &result, bool stoppedEarly) {
                m_scalingPanel->setCalibrationStatus(QString());
                if (!stoppedEarly && !result.steps.empty()) {
                    // The calibrated step on the faders (finer factors under them), the steps
                    // of the start point it kept before it.
                    m_editor->loadCalibration(result, tr("Calibrate"), m_calibrationGesture);
                    // Its provenance goes with the steps as the editor holds them (a fader over
                    // channel factors holds their mean).
                    m_lastCalibration = result;
                    m_lastCalibration->steps = m_editor->modulationSet().steps;
                    statusBar()->showMessage(
                        tr("Calibration done: perplexity at %1 tokens %2 (from %3)")
                            .arg(result.targetLength)
                            .arg(result.calibrationScore.value_or(NAN), 0, 'f', 2)
                            .arg(m_calibrationStartObjective, 0, 'f', 2));
                } else {
                    // The best point as a whole (channel and state factors included), where
                    // the calibration reported one; else the faders keep its layer factors.
                    if (m_calibrationBest)
                        m_editor->loadCalibration(*m_calibrationBest, tr("Calibrate"),
                                                  m_calibrationGesture);
                    statusBar()->showMessage(
                        tr("Calibration stopped; the sliders keep the best "
                           "factors found"));
                }
                m_calibrationGesture = 0;
                applyModulationNow();
                updateActions();
            });
    connect(s, &WorkbenchSession::calibrationFailed, this, [this](const QString &message) {
        m_scalingPanel->setCalibrationStatus(QString());
        m_calibrationGesture = 0;
        updateActions();
        showError(tr("Calibration failed"), message);
    });
    connect(s, &WorkbenchSession::bakeFinished, this, [this](const QString &dir) {
        statusBar()->showMessage(tr("Checkpoint written to %1").arg(QDir::toNativeSeparators(dir)));
    });
    connect(s, &WorkbenchSession::bakeFailed, this, [this](const QString &message) {
        showError(tr("Cannot bake the checkpoint"), message);
    });

    LiveEvaluation *live = s->liveEvaluation();
    connect(live, &LiveEvaluation::failed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Curve not computed: %1").arg(message));
    });
    connect(live, &LiveEvaluation::chunkReady, this,
            [this](LiveEvaluation::Role, int, qint64, const QVector<float> &,
                   const QVector<LayerStateNorm> &, double, double rate) { m_lastRate = rate; });
    connect(m_curves, &LiveCurves::updated, this, &MainWindow::redrawCurves);
    connect(
        m_curves, &LiveCurves::currentFinished, this,
        [this](int firstLayer, qint64 positions, double seconds) {
            const PositionBuckets &b = m_curves->baseline();
            const PositionBuckets &c = m_curves->current();
            const int layers = m_session->model() ? m_session->model()->config().nLayer : 0;
            QString how =
                firstLayer >= layers ? tr("unchanged")
                : firstLayer > 0
                    ? tr("recomputed from layer %1 in %2 s").arg(firstLayer).arg(seconds, 0, 'f', 2)
                    : tr("computed in %1 s").arg(seconds, 0, 'f', 2);
            if (seconds > 0 && firstLayer < layers)
                how += tr(" (%1 tokens/s)").arg(QLocale().toString(qint64(positions / seconds)));
            m_finishedRevision = m_requestedRevision;
            m_lastCurveSeconds = seconds;
            m_lastCurveFirstLayer = firstLayer;
            m_lastSummary =
                tr("Perplexity over the last octave (%1–%2 tokens): baseline <b>%3</b> → "
                   "<b>%4</b> with %5 · %6")
                    .arg(ChartStyle::tokenCount(double(c.lastOctaveBegin()), true),
                         ChartStyle::tokenCount(double(c.length()), true))
                    .arg(b.lastOctavePerplexity(), 0, 'f', 1)
                    .arg(c.lastOctavePerplexity(), 0, 'f', 1)
                    .arg(m_curveDescription.toHtmlEscaped(), how);
            // During a drag the next value waits for this pass: the whole curve redraws each
            // time, as often as the engine keeps up.
            if (m_applyWhenIdle) {
                m_applyWhenIdle = false;
                applyModulationNow();
            }
            updateSummary();
        });

    connect(m_editor, &ModulationEditor::changed, this, &MainWindow::scheduleModulation);
    connect(m_scalingPanel, &ScalingPanel::editFinished, this, &MainWindow::applyModulationNow);
    connect(m_scalingPanel, &ScalingPanel::layerClicked, this, [this](int layer) {
        m_spectrumPanel->setSelectedLayer(layer);
        m_scalingPanel->setSelectedLayer(layer);
    });
    connect(m_spectrumPanel, &SpectrumPanel::layerSelected, m_scalingPanel,
            &ScalingPanel::setSelectedLayer);
    connect(m_spectrumPanel, &SpectrumPanel::quantityChanged, m_session,
            &WorkbenchSession::setSpectrumQuantity);

    connect(m_comparePanel, &ComparePanel::sweepRequested, this, [this] {
        if (!m_session->model())
            return;
        const FactorScale scale = FactorScale::forFamily(m_editor->family());
        m_comparePanel->setStatus(
            tr("Sweeping %1 over %n factor(s)…", nullptr, int(scale.sweepValues().size()))
                .arg(modulationFamilyName(m_editor->family())));
        m_session->startFactorSweep(scale.sweepValues());
    });
    connect(m_comparePanel, &ComparePanel::textsRequested, this, [this] {
        if (!m_session->model())
            return;
        m_comparePanel->setStatus(
            tr("Computing %1 and the baseline on the test texts…").arg(m_editor->describe()));
        m_session->startTextComparison();
    });
    connect(s, &WorkbenchSession::factorSweepReady, this,
            [this](const QVector<double> &factors, const QVector<double> &atTraining,
                   const QVector<double> &atTarget, const QString &description) {
                FactorSweepChart *chart = m_comparePanel->sweepChart();
                chart->setLengths(m_session->trainingLength(), m_session->targetLength());
                chart->setSweep(factors, atTraining, atTarget, description);
                const int best =
                    int(std::find(factors.begin(), factors.end(), chart->bestAtTarget()) -
                        factors.begin());
                m_comparePanel->setStatus(
                    tr("%1: lowest at the target length with All = %2 (%3; %4 at the training "
                       "length).")
                        .arg(description)
                        .arg(chart->bestAtTarget(), 0, 'g', 3)
                        .arg(atTarget.value(best), 0, 'f', 1)
                        .arg(atTraining.value(best), 0, 'f', 1));
                m_comparePanel->showSweep();
            });
    connect(s, &WorkbenchSession::textComparisonReady, this,
            [this](const QStringList &texts, const QList<PositionBuckets> &baseline,
                   const QList<PositionBuckets> &current, const QString &description) {
                m_comparePanel->textsChart()->setCurves(texts, baseline, current, description);
                m_comparePanel->setStatus(tr("%1 against the model as loaded on %2.")
                                              .arg(description, texts.join(QStringLiteral(", "))));
                m_comparePanel->showTexts();
            });
    connect(s, &WorkbenchSession::comparisonFailed, this, [this](const QString &message) {
        m_comparePanel->setStatus(QString());
        showError(tr("Cannot compare"), message);
    });

    connect(m_modelPanel, &ModelPanel::openModelRequested, this, &MainWindow::openModelDialog);
    connect(m_modelPanel, &ModelPanel::recentModelChosen, this, &MainWindow::openModel);
    connect(m_modelPanel, &ModelPanel::addTextRequested, this, &MainWindow::addTextDialog);
    connect(m_modelPanel, &ModelPanel::evaluationTextChosen, m_session,
            &WorkbenchSession::setEvaluationText);
    connect(m_modelPanel, &ModelPanel::calibrationTextsChanged, m_session,
            &WorkbenchSession::setCalibrationTexts);
    connect(m_perplexityPanel, &PerplexityPanel::protocolChanged, this,
            [this](bool streaming, int window) {
                m_session->setFixedWindow(window);
                m_session->setStreaming(streaming);
            });
    connect(m_pin, &QAction::triggered, this, [this] {
        m_perplexityPanel->chart()->pinCurrent(m_editor->describe());
        updateActions();
    });
    connect(m_clearPins, &QAction::triggered, this, [this] {
        m_perplexityPanel->chart()->clearPinned();
        updateActions();
    });
    connect(m_logScale, &QAction::toggled, m_perplexityPanel->chart(),
            &PerplexityChart::setLogPerplexity);

    m_modelPanel->setTexts(s->texts(), s->bundledTexts());
    m_modelPanel->setEvaluationText(s->evaluationText());
    m_modelPanel->setCalibrationTexts(s->calibrationTexts());
    m_modelPanel->setRecentModels(AppSettings::recentModels());
}

// ---------------------------------------------------------------------------------------------
// Model, texts, lengths

void MainWindow::openDemo()
{
    const QString demo = ResourceLocator::demoModelDir();
    if (demo.isEmpty()) {
        showError(tr("No demo model"), tr("The bundled demo model was not found. Set "
                                          "MAMBASCOPE_RESOURCES or open a model folder."));
        return;
    }
    openModel(demo);
}

void MainWindow::openModel(const QString &dir)
{
    m_session->openModel(dir);
    updateActions();
}

void MainWindow::onModelLoaded()
{
    const auto model = m_session->model();
    const int layers = model->config().nLayer;
    setWindowTitle(tr("%1 — MambaScope").arg(m_session->modelName()));
    m_modelPanel->setModel(model);
    m_modelPanel->setRecentModels(AppSettings::recentModels());
    m_lastCalibration.reset();
    m_statePanel->setLayerCount(layers);
    m_spectrumPanel->setSelectedLayer(0);
    m_scalingPanel->setSelectedLayer(0);
    m_perplexityPanel->chart()->clearPinned();
    m_perplexityPanel->chart()->setCurrentLabel(m_editor->describe());
    m_perplexityPanel->chart()->setCurrentIsBaseline(m_editor->isIdentity());
    m_curveDescription = m_editor->describe();
    // The session requests the first curves itself when a model opens.
    m_requestedRevision = m_editRevision;
    updateLengths();
    updateSpectrumNote();
    updateActions();
    statusBar()->showMessage(tr("Opened %1: %n layer(s), %2 parameters", nullptr, layers)
                                 .arg(m_session->modelName())
                                 .arg(QLocale().toString(model->parameterCount())),
                             8000);
}

void MainWindow::updateLengths()
{
    const QSignalBlocker b1(m_trainingLength), b2(m_targetLength);
    m_trainingLength->setValue(m_session->trainingLength());
    m_targetLength->setValue(m_session->targetLength());
    const double training = m_session->trainingLength(), target = m_session->targetLength();
    m_perplexityPanel->chart()->setTrainingLength(int64_t(training));
    m_perplexityPanel->chart()->setTargetLength(int64_t(target));
    m_statePanel->chart()->setTrainingLength(int64_t(training));
    m_statePanel->chart()->setTargetLength(int64_t(target));
    m_spectrumPanel->setLengths(training, target);
}

void MainWindow::updateSpectrumNote()
{
    const auto stats = m_session->deltaStatistics();
    if (!m_session->model()) {
        m_spectrumPanel->setNote(QString());
        m_spectrumPanel->heatmap()->setPlaceholder(tr("Open a model to see its spectrum"));
    } else if (!stats && m_session->spectrumQuantity() == SpectrumQuantity::Tau) {
        m_spectrumPanel->setNote(tr("Measuring the mean step Δ̄ for τ; showing α meanwhile."));
    } else if (stats) {
        m_spectrumPanel->setNote(tr("τ = 1/(Δ̄·α), Δ̄ measured over %1 tokens in windows of %2.")
                                     .arg(QLocale().toString(qint64(stats->tokens)))
                                     .arg(stats->windowLength));
    }
}

// ---------------------------------------------------------------------------------------------
// Modulation and curves

void MainWindow::updateSummary()
{
    PerplexityChart *chart = m_perplexityPanel->chart();
    // Up to date once a pass of the latest edit has finished (a newer request cancels a stale
    // pass, so a finished pass is always of the latest request).
    const bool updating = m_editRevision != m_finishedRevision;
    chart->setUpdating(updating);
    if (updating && m_session->model())
        m_perplexityPanel->setSummary(
            tr("Updating the curve for %1…").arg(m_editor->describe().toHtmlEscaped()));
    else
        m_perplexityPanel->setSummary(m_lastSummary);
}

void MainWindow::scheduleModulation()
{
    ++m_editRevision;
    m_perplexityPanel->chart()->setCurrentLabel(m_editor->describe());
    m_perplexityPanel->chart()->setCurrentIsBaseline(m_editor->isIdentity());
    updateActions();
    updateSummary();
    // While a slider is dragged, recompute at most every 60 ms (each new value cancels the stale
    // pass anyway); any other edit (release, typed value, undo) right away.
    if (m_session->isCalibrating()) {
        // The calibration needs the cores: let the curve catch up now and then, not at each step.
        if (!m_modulationTimer.isActive())
            m_modulationTimer.start(1500);
    } else if (m_scalingPanel->isDragging()) {
        // A running pass finishes first (the whole curve redraws); the newest value follows.
        if (m_session->liveEvaluation()->isRunning())
            m_applyWhenIdle = true;
        else if (!m_modulationTimer.isActive())
            m_modulationTimer.start(60);
    } else {
        m_modulationTimer.start(0);
    }
}

void MainWindow::applyModulationNow()
{
    m_modulationTimer.stop();
    m_applyWhenIdle = false;
    m_requestedRevision = m_editRevision;
    if (!m_session->model())
        return;
    m_curveDescription = m_editor->describe();
    m_session->applyModulation();
}

void MainWindow::redrawCurves()
{
    PerplexityChart *chart = m_perplexityPanel->chart();
    if (!m_curves->baseline().isEmpty() || m_curves->baselineComplete())
        chart->setBaseline(m_curves->baseline());
    if (!m_curves->current().isEmpty() || m_curves->currentComplete())
        chart->setCurrent(m_curves->current(), m_curves->currentComplete());
    StateNormChart *states = m_statePanel->chart();
    states->setBaseline(m_curves->baselineStates());
    if (!m_curves->currentStates().isEmpty() || m_curves->currentComplete())
        states->setCurrent(m_curves->currentStates(), m_curves->currentComplete());
}

void MainWindow::updateJobStatus()
{
    const auto &jobs = m_session->jobs();
    if (jobs.isEmpty()) {
        m_jobStatus->finish();
        updateActions();
        return;
    }
    const WorkbenchSession::Job &job = jobs.last();
    if (!m_jobStatus->isBusy())
        m_jobStatus->start(job.label, bool(job.cancel));
    QString label = job.label;
    if (jobs.size() > 1)
        label += tr(" (+%n more)", nullptr, int(jobs.size() - 1));
    m_jobStatus->setActivity(label);
    m_jobStatus->setProgress(job.fraction);
    m_jobStatus->setRate(job.tokensPerSecond);
    updateActions();
}

void MainWindow::updateActions()
{
    const bool model = bool(m_session->model());
    const bool calibrating = m_session->isCalibrating();
    m_savePreset->setEnabled(model);
    m_loadPreset->setEnabled(model);
    m_reset->setEnabled(model && !m_editor->isIdentity());
    const bool bakeable =
        model && !m_editor->isIdentity() && m_editor->modulationSet().isBakeable();
    m_bake->setEnabled(bakeable);
    m_bake->setToolTip(bakeable
                           ? tr("Write a new checkpoint with the current scaling built into A_log")
                           : tr("Needs a scaling that can be written into A_log (not Δ scaling)"));
    // GGUF stores A itself: every scaling but Δ scaling folds into it, and no scaling at all is
    // a plain conversion.
    const bool exportable = model && (m_editor->isIdentity() || bakeable);
    m_exportGguf->setEnabled(exportable);
    m_exportGguf->setToolTip(
        exportable
            ? tr("Write one GGUF file that llama.cpp runs, the current scaling folded into A")
            : tr("Needs a scaling that can be folded into A (not Δ scaling)"));
    m_calibrate->setEnabled(model && !calibrating);
    m_stopCalibration->setEnabled(calibrating);
    m_recompute->setEnabled(model);
    m_cancel->setEnabled(!m_session->jobs().isEmpty());
    m_pin->setEnabled(model);
    m_clearPins->setEnabled(m_perplexityPanel->chart()->pinnedCount() > 0);
}

// ---------------------------------------------------------------------------------------------
// Presets, calibration, baking

QString MainWindow::loadPresetFile(const QString &path)
{
    if (!m_session->model())
        return tr("No model is open.");
    try {
        const ModulationSet set = ModulationSet::load(path, m_session->model().get());
        m_editor->loadSet(set, tr("Load preset %1").arg(QFileInfo(path).fileName()));
        if (set.targetLength > 0)
            m_session->setTargetLength(set.targetLength);
        if (set.trainingLength > 0)
            m_session->setTrainingLength(set.trainingLength);
        AppSettings::addRecentPreset(path);
        statusBar()->showMessage(
            tr("Loaded %1: %2").arg(QFileInfo(path).fileName(), set.describe()), 6000);
        applyModulationNow();
        return {};
    } catch (const Error &e) {
        return e.message();
    }
}

QString MainWindow::savePresetFile(const QString &path)
{
    if (!m_session->model())
        return tr("No model is open.");
    ModulationSet set = m_session->modulation();
    set.targetLength = m_session->targetLength();
    if (std::none_of(set.steps.begin(), set.steps.end(),
                     [](const Modulation &m) { return m.family == ModulationFamily::TauCap; }))
        set.deltaStatistics.reset();
    // Keep the calibration's provenance when the sliders still hold its result.
    if (m_lastCalibration && m_lastCalibration->steps == set.steps) {
        set.targetLength = m_lastCalibration->targetLength;
        set.calibrationTexts = m_lastCalibration->calibrationTexts;
        set.calibrationTextHashes = m_lastCalibration->calibrationTextHashes;
        set.calibrationScore = m_lastCalibration->calibrationScore;
        set.calibrationMethod = m_lastCalibration->calibrationMethod;
    }
    try {
        set.save(path);
        AppSettings::addRecentPreset(path);
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 6000);
        return {};
    } catch (const Error &e) {
        return e.message();
    }
}

void MainWindow::loadPresetDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load Scaling Preset"), dialogDirectory(),
                                     tr("Scaling presets (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    rememberDirectory(path);
    const QString problem = loadPresetFile(path);
    if (!problem.isEmpty())
        showError(tr("Cannot load the preset"), problem);
}

void MainWindow::savePresetDialog()
{
    const QString suggestion =
        QDir(dialogDirectory())
            .filePath(QStringLiteral("%1-%2.json")
                          .arg(m_session->modelName(), modulationFamilyName(m_editor->family())));
    QString path = QFileDialog::getSaveFileName(this, tr("Save Scaling Preset"), suggestion,
                                                tr("Scaling presets (*.json)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    rememberDirectory(path);
    const QString problem = savePresetFile(path);
    if (!problem.isEmpty())
        showError(tr("Cannot save the preset"), problem);
}

void MainWindow::calibrateDialog()
{
    if (!m_session->model() || m_session->isCalibrating())
        return;
    // Not modal: the faders, the curves and the spectrum follow the calibration beside it.
    if (!m_calibrationDialog) {
        m_calibrationDialog = new CalibrationDialog(m_session, m_lastRate, this);
        m_calibrationDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_calibrationDialog, &CalibrationDialog::startRequested, this,
                &MainWindow::startCalibration);
    }
    m_calibrationDialog->show();
    m_calibrationDialog->raise();
    m_calibrationDialog->activateWindow();
}

CalibrationDialog *MainWindow::calibrationDialog() const
{
    return m_calibrationDialog;
}

void MainWindow::startCalibration(const CalibrationOptions &options, int prompts)
{
    if (!m_session->model() || m_session->isCalibrating())
        return;
    m_calibrationGesture = m_editor->newGesture();
    // Another family than the faders': what they do becomes a preset step under faders of that
    // family, so the modulation (the start point) stays the same.
    if (options.family != m_editor->family())
        m_editor->freezeSliders(options.family, tr("Calibrate"), m_calibrationGesture);
    m_calibrationStartObjective = 0.0;
    m_calibrationBest.reset();
    m_lastCalibration.reset();
    m_scalingPanel->setCalibrationStatus(tr("Calibrating: preparing the calibration texts…"),
                                         m_stopCalibration);
    m_session->startCalibration(options, prompts);
    updateActions();
}

void MainWindow::onCalibrationStep(const CalibrationStep &step)
{
    if (step.iteration == 0 && m_calibrationStartObjective == 0.0)
        m_calibrationStartObjective = step.objective;
    if (step.bestModulation)
        m_calibrationBest = step.bestModulation;
    if (!step.bestFactors.empty() && step.bestFactors != m_editor->factors())
        m_editor->setFactors(step.bestFactors, tr("Calibrate"), m_calibrationGesture);
    m_scalingPanel->setCalibrationStatus(
        tr("Calibrating: %1 of %2 forward passes · %3 · best %4 %5 (start %6)")
            .arg(step.forwardPasses)
            .arg(step.budget)
            .arg(step.phase, step.objectiveName.isEmpty() ? tr("perplexity") : step.objectiveName)
            .arg(step.bestObjective, 0, 'f', 2)
            .arg(m_calibrationStartObjective, 0, 'f', 2),
        m_stopCalibration);
}

void MainWindow::bakeDialog()
{
    if (!m_session->model())
        return;
    const QString suggestion = QDir(QFileInfo(m_session->model()->directory()).absolutePath())
                                   .filePath(m_session->modelName() + QStringLiteral("-modulated"));
    const QString dir = QFileDialog::getSaveFileName(
        this, tr("Bake Checkpoint into a New Folder"), suggestion, QString(), nullptr,
        QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
    if (dir.isEmpty())
        return;
    bakeInto(dir);
}

void MainWindow::bakeInto(const QString &dir)
{
    // The session may not have seen the latest slider values yet (they reach it on a timer).
    applyModulationNow();
    m_session->bake(dir);
}

void MainWindow::exportGgufDialog()
{
    if (!m_session->model())
        return;
    const QString suggestion =
        QDir(QFileInfo(m_session->model()->directory()).absolutePath())
            .filePath(m_session->modelName() +
                      (m_editor->isIdentity() ? QString() : QStringLiteral("-modulated")) +
                      QStringLiteral(".gguf"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export as GGUF for llama.cpp"),
                                                      suggestion, tr("GGUF files (*.gguf)"));
    if (path.isEmpty())
        return;
    // What llama.cpp's converter offers; norms, the conv and A stay F32 whatever is chosen.
    const QStringList types{QStringLiteral("f32"), QStringLiteral("f16"), QStringLiteral("bf16"),
                            QStringLiteral("q8_0")};
    bool ok = false;
    const QString dtype = QInputDialog::getItem(
        this, tr("Export as GGUF"),
        tr("Storage of the matrices (f32 keeps every bit; f16, bf16 and q8_0 are smaller):"), types,
        0, false, &ok);
    if (!ok)
        return;
    exportGgufTo(path, dtype);
}

void MainWindow::exportGgufTo(const QString &path, const QString &dtype)
{
    applyModulationNow();
    m_session->exportGguf(path, dtype);
}

// ---------------------------------------------------------------------------------------------
// Dialogs, export, drag and drop

void MainWindow::openModelDialog()
{
    // A model is a folder (chosen by its config.json or weights) or one GGUF file.
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Model"), dialogDirectory(),
        tr("Models (config.json *.safetensors *.gguf);;All files (*)"));
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    AppSettings::setLastDirectory(info.absolutePath());
    const bool gguf = info.suffix().compare(QLatin1String("gguf"), Qt::CaseInsensitive) == 0;
    openModel(gguf ? info.absoluteFilePath() : info.absolutePath());
}

void MainWindow::addTextDialog()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Add Texts"), dialogDirectory(), tr("Text files (*.txt);;All files (*)"));
    for (const QString &p : paths) {
        rememberDirectory(p);
        m_session->addText(p);
    }
}

void MainWindow::settingsDialog()
{
    SettingsDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        m_session->applyEngineSettings();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = AppSettings::recentModels();
    for (const QString &dir : recent) {
        QAction *a = m_recentMenu->addAction(QDir::toNativeSeparators(dir));
        connect(a, &QAction::triggered, this, [this, dir] { openModel(dir); });
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
}

void MainWindow::createLanguageMenu(QMenu *menu)
{
    m_languageMenu = menu;
    m_languageMenu->setObjectName(QStringLiteral("languageMenu"));
    auto *group = new QActionGroup(this);
    group->setExclusive(true);
    // The language of this run is checked: --language may differ from the saved choice.
    QString chosen = AppSettings::language();
    if (UiLanguage::resolve(chosen) != UiLanguage::current())
        chosen = UiLanguage::current();
    // Language names are written in their own language, so that anyone can find theirs.
    QStringList codes{QString()};
    codes << UiLanguage::available();
    for (const QString &code : codes) {
        QAction *a = m_languageMenu->addAction(
            code.isEmpty() ? tr("&System Default (%1)")
                                 .arg(UiLanguage::nativeName(UiLanguage::resolve(QString())))
                           : UiLanguage::nativeName(code));
        a->setObjectName(QStringLiteral("actionLanguage-%1")
                             .arg(code.isEmpty() ? QStringLiteral("system") : code));
        a->setCheckable(true);
        a->setChecked(code == chosen || (code.isEmpty() && !codes.contains(chosen)));
        a->setStatusTip(tr("The language of the interface; it changes at the next start"));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, code] { chooseLanguage(code); });
        if (code.isEmpty())
            m_languageMenu->addSeparator();
    }
}

void MainWindow::chooseLanguage(const QString &code)
{
    if (code == AppSettings::language())
        return;
    AppSettings::setLanguage(code);
    const QString next = UiLanguage::resolve(code);
    if (next == UiLanguage::current()) {
        statusBar()->showMessage(tr("Language: %1").arg(UiLanguage::nativeName(next)), 6000);
        return;
    }
    // Every text is set when a window is built: the new language shows from the next start. Say
    // so in the language in use and in the one chosen.
    const char *notice =
        QT_TR_NOOP("The interface will be in %1 from the next start of MambaScope.");
    QString text = tr(notice).arg(UiLanguage::nativeName(next));
    const QString inNext =
        UiLanguage::translate(next, "mscope::MainWindow", notice).arg(UiLanguage::nativeName(next));
    if (inNext != text)
        text += QStringLiteral("\n\n") + inNext;
    auto *box =
        new QMessageBox(QMessageBox::Information, tr("Language"), text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

QString MainWindow::dialogDirectory() const
{
    const QString last = AppSettings::lastDirectory();
    return last.isEmpty() ? QDir::homePath() : last;
}

void MainWindow::rememberDirectory(const QString &path)
{
    AppSettings::setLastDirectory(QFileInfo(path).absolutePath());
}

QString MainWindow::figureCaption() const
{
    if (!m_session->model())
        return QString();
    const QString protocol =
        m_session->streaming()
            ? tr("streaming (one pass, state carried)")
            : tr("fixed windows of %1 tokens").arg(QLocale().toString(m_session->fixedWindow()));
    QStringList calibration;
    for (const QString &t : m_session->calibrationTexts())
        calibration << QFileInfo(t).fileName();
    QString caption =
        tr("MambaScope %1 · model %2 (%3 layers) · evaluated on %4, first %5 tokens, %6 · "
           "training length %7, target length %8 · scaling: %9")
            .arg(QApplication::applicationVersion(), m_session->modelName())
            .arg(m_session->model()->config().nLayer)
            .arg(QFileInfo(m_session->evaluationText()).fileName())
            .arg(QLocale().toString(qint64(m_curves->length())))
            .arg(protocol)
            .arg(QLocale().toString(m_session->trainingLength()),
                 QLocale().toString(m_session->targetLength()), m_editor->describe());
    const auto &f = m_editor->factors();
    if (!f.empty() && !m_editor->isIdentity()) {
        QStringList values;
        for (double v : f)
            values << QString::number(v, 'g', 4);
        caption += tr(" (factors per layer, L0 first: %1)").arg(values.join(QStringLiteral(", ")));
    }
    if (!calibration.isEmpty())
        caption += tr(" · calibration texts: %1").arg(calibration.join(QStringLiteral(", ")));
    const QStringList pins = m_perplexityPanel->chart()->pinnedNames();
    if (!pins.isEmpty())
        caption += tr(" · pinned: %1").arg(pins.join(QStringLiteral("; ")));
    return caption;
}

void MainWindow::exportView(ExportableView *view, const QString &format)
{
    const QString filter = format == QLatin1String("png")   ? tr("PNG images (*.png)")
                           : format == QLatin1String("svg") ? tr("SVG images (*.svg)")
                           : format == QLatin1String("pdf") ? tr("PDF documents (*.pdf)")
                                                            : tr("CSV files (*.csv)");
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export"),
        QDir(dialogDirectory()).filePath(view->exportName() + QLatin1Char('.') + format), filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + format;
    rememberDirectory(path);
    try {
        // Figures carry their full titles and a caption: model, text, protocol, factors.
        if (format == QLatin1String("csv"))
            ViewExporter::saveText(view->toCsv(), path);
        else
            ViewExporter::saveFigure(view, path, format, figureCaption());
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 6000);
    } catch (const Error &e) {
        showError(tr("Cannot export"), e.message());
    }
}

QString MainWindow::saveReport(const QString &path)
{
    if (!m_session->model())
        return tr("No model is open.");
    auto figure = [](ExportableView *view, const QString &alt) {
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        ViewExporter::figureImage(view, QString(), 1.5).save(&buffer, "PNG");
        return QStringLiteral(
                   "<figure><img alt=\"%1\" style=\"max-width:100%\" "
                   "src=\"data:image/png;base64,%2\"></figure>\n")
            .arg(alt.toHtmlEscaped(), QString::fromLatin1(png.toBase64()));
    };
    const PositionBuckets &b = m_curves->baseline();
    const PositionBuckets &c = m_curves->current();
    QString html =
        QStringLiteral(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
            "td,th{padding:2px 10px;text-align:left}figure{margin:1em 0}</style></head><body>\n")
            .arg(tr("MambaScope session report").toHtmlEscaped());
    html += QStringLiteral("<h1>%1</h1>\n<p>%2</p>\n")
                .arg(tr("MambaScope session report").toHtmlEscaped(),
                     QDateTime::currentDateTime().toString(Qt::ISODate));
    html += QStringLiteral("<p>%1</p>\n").arg(figureCaption().toHtmlEscaped());
    html += QStringLiteral("<h2>%1</h2>\n<table>\n").arg(tr("Perplexity").toHtmlEscaped());
    auto row = [&](const QString &name, const QString &value) {
        html += QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n")
                    .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    };
    row(tr("Last octave"), tr("%1–%2 tokens")
                               .arg(ChartStyle::tokenCount(double(b.lastOctaveBegin())),
                                    ChartStyle::tokenCount(double(b.length()))));
    row(tr("Baseline (as loaded)"), QString::number(b.lastOctavePerplexity(), 'f', 2));
    row(tr("Current: %1").arg(m_editor->describe()),
        QString::number(c.lastOctavePerplexity(), 'f', 2));
    html += QStringLiteral("</table>\n");
    html += figure(m_perplexityPanel->chart(), tr("Perplexity against context length"));
    html += QStringLiteral("<h2>%1</h2>\n").arg(tr("Spectrum").toHtmlEscaped());
    html += figure(m_spectrumPanel->heatmap(), tr("Spectrum per layer"));
    html += figure(m_spectrumPanel->layerChart(), tr("Layer spectrum"));
    html += QStringLiteral("<h2>%1</h2>\n").arg(tr("State convergence").toHtmlEscaped());
    html += figure(m_statePanel->chart(), tr("State norms"));
    html += QStringLiteral("<h2>%1</h2>\n<pre>%2</pre>\n")
                .arg(tr("Perplexity by position (CSV)").toHtmlEscaped(),
                     m_perplexityPanel->chart()->toCsv().toHtmlEscaped());
    html += QStringLiteral("</body></html>\n");
    try {
        ViewExporter::saveText(html, path);
    } catch (const Error &e) {
        return e.message();
    }
    statusBar()->showMessage(tr("Report written to %1").arg(QDir::toNativeSeparators(path)), 6000);
    return {};
}

void MainWindow::reportDialog()
{
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save Session Report"),
        QDir(dialogDirectory()).filePath(m_session->modelName() + QStringLiteral("-report.html")),
        tr("HTML files (*.html)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".html");
    rememberDirectory(path);
    const QString problem = saveReport(path);
    if (!problem.isEmpty())
        showError(tr("Cannot write the report"), problem);
}

void MainWindow::showError(const QString &title, const QString &message)
{
    // Window-modal and non-blocking: background jobs keep delivering while it is open.
    auto *box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    AppSettings::setWindowLayout(saveGeometry(), saveState(kLayoutVersion));
    m_session->stopCalibration();
    m_session->liveEvaluation()->cancel();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (info.isDir()) {
            openModel(info.absoluteFilePath());
        } else if (info.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0 &&
                   info.fileName() != QLatin1String("config.json")) {
            const QString problem = loadPresetFile(info.absoluteFilePath());
            if (!problem.isEmpty())
                showError(tr("Cannot load the preset"), problem);
        } else if (info.fileName() == QLatin1String("config.json") ||
                   info.suffix() == QLatin1String("safetensors")) {
            openModel(info.absolutePath());
        } else if (info.suffix().compare(QLatin1String("gguf"), Qt::CaseInsensitive) == 0) {
            openModel(info.absoluteFilePath());
        } else if (info.isFile()) {
            m_session->addText(info.absoluteFilePath());
        }
    }
    event->acceptProposedAction();
}

}  // namespace mscope
