// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "HeldOutReport.h"
#include "calibration/Calibrator.h"

#include <QDialog>

class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineSeries;
class QPushButton;
class QSlider;
class QSpinBox;
class QValueAxis;

namespace mscope {

class WorkbenchSession;

/// Calibrate ▸ how and what, then the run itself: method (SPSA, coordinate search, gradient
/// descent by Adam), granularity (layer, channel or head, state), objective (perplexity,
/// retrieval, or a mix with a weight), target length, budget, and for the gradient the learning
/// rate and steps. It starts from the current faders (the session's modulation), plots the
/// objective of every evaluation and the best so far while the calibration runs, can stop it
/// (the faders keep the best point), and at the end reports perplexity and passkey retrieval on
/// the texts the calibration never saw, before and after. Every decision is core's
/// (Calibrator, WorkbenchSession::startHeldOutEvaluation): this only asks and shows.
class CalibrationDialog : public QDialog
{
    Q_OBJECT

public:
    /// `tokensPerSecond` feeds the estimate (0 = unknown).
    CalibrationDialog(WorkbenchSession *session, double tokensPerSecond, QWidget *parent = nullptr);
    /// What Calibrate would start now: the start point is the session's current modulation.
    CalibrationOptions options() const;
    /// Passkey prompts for a retrieval or mixed objective and for the held-out report.
    int prompts() const;

    QComboBox *methodBox() const { return m_method; }
    QComboBox *granularityBox() const { return m_granularity; }
    QComboBox *objectiveBox() const { return m_objective; }
    QComboBox *familyBox() const { return m_family; }
    QSlider *weightSlider() const { return m_weight; }
    QSpinBox *targetBox() const { return m_target; }
    QSpinBox *budgetBox() const { return m_budget; }
    QSpinBox *stepsBox() const { return m_steps; }
    QSpinBox *windowsBox() const { return m_windows; }
    QSpinBox *promptsBox() const { return m_prompts; }
    QDoubleSpinBox *learningRateBox() const { return m_learningRate; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    /// The plotted objective, one point per evaluation (x: evaluation number).
    QLineSeries *objectiveSeries() const { return m_series; }
    QLineSeries *bestSeries() const { return m_bestSeries; }
    QLabel *reportLabel() const { return m_report; }
    bool isRunning() const { return m_running; }
    /// The last held-out report (empty texts before the first).
    const HeldOutReport &heldOut() const { return m_heldOut; }

signals:
    /// Calibrate was pressed: the window starts the calibration with these options.
    void startRequested(const mscope::CalibrationOptions &options, int prompts);
    /// The held-out report arrived (or failed: `ok` false).
    void reportReady(bool ok);

private:
    void updateControls();
    void updateEstimate();
    void onStarted();
    void onStep(const CalibrationStep &step);
    void onFinished(bool stoppedEarly);
    void onFailed(const QString &message);
    void onHeldOut(const HeldOutReport &report);

    WorkbenchSession *m_session;
    QComboBox *m_family = nullptr;
    QComboBox *m_method = nullptr;
    QComboBox *m_granularity = nullptr;
    QComboBox *m_objective = nullptr;
    QSlider *m_weight = nullptr;
    QLabel *m_weightLabel = nullptr;
    QSpinBox *m_target = nullptr;
    QSpinBox *m_budget = nullptr;
    QSpinBox *m_iterations = nullptr;
    QSpinBox *m_steps = nullptr;
    QDoubleSpinBox *m_learningRate = nullptr;
    QSpinBox *m_windows = nullptr;
    QSpinBox *m_prompts = nullptr;
    QSpinBox *m_seed = nullptr;
    QLabel *m_startPoint = nullptr;
    QLabel *m_estimate = nullptr;
    QChartView *m_chart = nullptr;
    QLineSeries *m_series = nullptr;
    QLineSeries *m_bestSeries = nullptr;
    QValueAxis *m_xAxis = nullptr;
    QValueAxis *m_yAxis = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_report = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QList<QWidget *> m_settings;  // disabled while running
    double m_tokensPerSecond = 0.0;
    bool m_running = false;
    int m_evaluations = 0;
    double m_yMin = 0.0, m_yMax = 0.0;
    ModulationSet m_startSet;
    int m_length = 0;
    int m_promptCount = 0;
    HeldOutReport m_heldOut;
};

}  // namespace mscope
