// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "modulation/Modulation.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSizeF>
#include <QTimer>
#include <optional>

class QAction;
class QDockWidget;
class QMenu;
class QSpinBox;

namespace mscope {

class CalibrationDialog;
class ComparePanel;
class ExportableView;
class GenerationPanel;
class GuidedTour;
class JobStatusWidget;
class LiveCurves;
class ModelPanel;
class ModulationEditor;
class PerplexityPanel;
class RetrievalPanel;
class ScalingPanel;
class SensitivityPanel;
class SpectrumPanel;
class StatePanel;
class WorkbenchSession;
struct CalibrationOptions;
struct CalibrationStep;

/// The workbench window: five dockable panels (model & texts, spectrum, scaling, perplexity
/// against context length, state convergence) around one session, with menus for every action,
/// the lengths toolbar and the job status bar. Owns no computation: the session does that.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens the bundled demo model (what a first start shows).
    void openDemo();
    void openModel(const QString &dir);
    /// Preset I/O without dialogs; returns the problem, or an empty string on success.
    QString loadPresetFile(const QString &path);
    QString savePresetFile(const QString &path);
    /// Bakes the current scaling into a new checkpoint folder, in the background.
    void bakeInto(const QString &dir);
    /// File ▸ Export as GGUF without the dialogs (tests).
    void exportGgufTo(const QString &path, const QString &dtype);
    /// Starts a calibration in the background from options.start (the faders when unset); the
    /// sliders follow its best point. `prompts`: passkey prompts for a retrieval objective.
    void startCalibration(const CalibrationOptions &options, int prompts = 4);
    /// Analysis ▸ Calibrate: the calibrate dialog, made on first use (not modal).
    void calibrateDialog();
    /// The open calibrate dialog, or null.
    CalibrationDialog *calibrationDialog() const;

    WorkbenchSession *session() const { return m_session; }
    ModulationEditor *editor() const { return m_editor; }
    LiveCurves *liveCurves() const { return m_curves; }
    ModelPanel *modelPanel() const { return m_modelPanel; }
    SpectrumPanel *spectrumPanel() const { return m_spectrumPanel; }
    ScalingPanel *scalingPanel() const { return m_scalingPanel; }
    PerplexityPanel *perplexityPanel() const { return m_perplexityPanel; }
    StatePanel *statePanel() const { return m_statePanel; }
    ComparePanel *comparePanel() const { return m_comparePanel; }
    SensitivityPanel *sensitivityPanel() const { return m_sensitivityPanel; }
    RetrievalPanel *retrievalPanel() const { return m_retrievalPanel; }
    GenerationPanel *generationPanel() const { return m_generationPanel; }
    JobStatusWidget *jobStatus() const { return m_jobStatus; }
    QAction *action(const QString &objectName) const;
    QList<QDockWidget *> panels() const { return m_docks; }

    /// Adds a panel as a dock (listed in View, Alt+N for the first nine, its share of the window
    /// kept across resizes); with `tabifyWith`, as a tab beside that panel. Panels added later
    /// (retrieval, generation, ...) come in the same way.
    QDockWidget *addPanel(QWidget *panel, const QString &title, const QString &objectName,
                          Qt::DockWidgetArea area, QDockWidget *tabifyWith = nullptr);
    /// View ▸ Reset Layout: the panels where they start, with their default shares.
    void resetLayout();
    /// Help ▸ Guided Tour: shows the tour at its first step (made on first use).
    GuidedTour *showTour();
    GuidedTour *tour() const { return m_tour; }
    /// Larger fonts everywhere, for projectors (View ▸ Presentation Mode).
    void setPresentationMode(bool on);
    bool presentationMode() const { return m_presentationFont > 0; }
    /// What a figure's caption says: model, text, protocol, lengths, factors.
    QString figureCaption() const;
    /// Writes the session report (HTML with the figures and the settings) to `path`; returns the
    /// problem, or an empty string on success.
    QString saveReport(const QString &path);
    /// The user guide on this machine (docs/user-guide.md beside the program or installed), or "".
    static QString userGuidePath();

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    bool event(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createPanels();
    void createTaskPanels();
    void createActions();
    void createMenus();
    void createToolBars();
    void connectSession();
    void rememberDockSharesLater();
    void rememberDockShares();
    void applyDockShares();
    void rebuildViewMenu();
    void updateSummary();
    void reportDialog();
    void openUserGuide();
    void addExportActions(QMenu *menu, ExportableView *view, QWidget *widget, const QString &title);
    void exportView(ExportableView *view, const QString &format);
    void showError(const QString &title, const QString &message);
    void applyModulationNow();
    void scheduleModulation();
    void redrawCurves();
    void updateJobStatus();
    void updateLengths();
    void updateSpectrumNote();
    void updateActions();
    void onModelLoaded();
    void onCalibrationStep(const CalibrationStep &step);
    void openModelDialog();
    void addTextDialog();
    void loadPresetDialog();
    void savePresetDialog();
    void bakeDialog();
    void exportGgufDialog();
    void settingsDialog();
    void rebuildRecentMenu();
    void createLanguageMenu(QMenu *parent);
    void chooseLanguage(const QString &code);
    QString dialogDirectory() const;
    void rememberDirectory(const QString &path);

    WorkbenchSession *m_session = nullptr;
    ModulationEditor *m_editor = nullptr;
    LiveCurves *m_curves = nullptr;
    ModelPanel *m_modelPanel = nullptr;
    SpectrumPanel *m_spectrumPanel = nullptr;
    ScalingPanel *m_scalingPanel = nullptr;
    PerplexityPanel *m_perplexityPanel = nullptr;
    StatePanel *m_statePanel = nullptr;
    ComparePanel *m_comparePanel = nullptr;
    SensitivityPanel *m_sensitivityPanel = nullptr;
    RetrievalPanel *m_retrievalPanel = nullptr;
    GenerationPanel *m_generationPanel = nullptr;
    JobStatusWidget *m_jobStatus = nullptr;
    QList<QDockWidget *> m_docks;
    QSpinBox *m_trainingLength = nullptr;
    QSpinBox *m_targetLength = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_languageMenu = nullptr;
    QTimer m_modulationTimer;
    QByteArray m_defaultLayout;
    QHash<QDockWidget *, QSizeF> m_defaultShares;
    QHash<QDockWidget *, QSizeF> m_dockShares;  // each dock's width and height / the window's
    QTimer m_shareTimer;
    bool m_applyingShares = false;
    QElapsedTimer m_sinceApplied;
    bool m_sharesFromLayout = false;
    bool m_firstShow = true;
    double m_presentationFont = 0;  // the normal point size while presenting, else 0
    QString m_lastSummary;
    QString m_curveDescription;  // the setting of the curve last requested
    int m_editRevision = 0;      // edits so far, and the one the last request included
    int m_requestedRevision = 0;
    int m_finishedRevision = 0;
    bool m_applyWhenIdle = false;
    double m_lastCurveSeconds = 0;
    int m_lastCurveFirstLayer = 0;
    double m_lastRate = 0.0;
    int m_calibrationGesture = 0;
    std::optional<ModulationSet> m_lastCalibration;
    double m_calibrationStartObjective = 0.0;
    QPointer<CalibrationDialog> m_calibrationDialog;
    std::shared_ptr<const ModulationSet> m_calibrationBest;  // of the calibration under way

    QAction *m_openModel = nullptr;
    QAction *m_addText = nullptr;
    QAction *m_loadPreset = nullptr;
    QAction *m_savePreset = nullptr;
    QAction *m_bake = nullptr;
    QAction *m_exportGguf = nullptr;
    QAction *m_quit = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_reset = nullptr;
    QAction *m_settings = nullptr;
    QAction *m_recompute = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_calibrate = nullptr;
    QAction *m_stopCalibration = nullptr;
    QAction *m_pin = nullptr;
    QAction *m_clearPins = nullptr;
    QAction *m_logScale = nullptr;
    QAction *m_ratio = nullptr;
    QAction *m_presentation = nullptr;
    QAction *m_report = nullptr;
    QAction *m_userGuide = nullptr;
    QAction *m_tourAction = nullptr;
    GuidedTour *m_tour = nullptr;
    QAction *m_resetLayout = nullptr;
    QAction *m_whatsThis = nullptr;
    QAction *m_about = nullptr;
    QAction *m_aboutQt = nullptr;
};

}  // namespace mscope
