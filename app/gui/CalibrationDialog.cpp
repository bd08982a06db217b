// SPDX-License-Identifier: GPL-3.0-or-later
#include "CalibrationDialog.h"

#include "ChartStyle.h"
#include "ModulationEditor.h"
#include "WorkbenchSession.h"
#include "io/ModelConfig.h"
#include "model/MambaModel.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

namespace mscope {

namespace {

constexpr int kLayer = int(FactorGranularity::Layer);
constexpr int kChannel = int(FactorGranularity::Channel);
constexpr int kState = int(FactorGranularity::State);

}  // namespace

CalibrationDialog::CalibrationDialog(WorkbenchSession *session, double tokensPerSecond,
                                     QWidget *parent)
    : QDialog(parent), m_session(session), m_tokensPerSecond(tokensPerSecond)
{
    setWindowTitle(tr("Calibrate the scaling"));
    const auto model = session->model();
    const bool mamba2 = model && model->config().architecture == Architecture::Mamba2;
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Chooses factors that minimize the objective at the target length on the "
           "calibration texts (never the evaluation text), starting from the current faders. "
           "The faders follow the best point found; Stop keeps it."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *columns = new QHBoxLayout;
    auto *what = new QFormLayout;
    auto *how = new QFormLayout;
    columns->addLayout(what);
    columns->addLayout(how);
    layout->addLayout(columns);

    m_family = new QComboBox;
    m_family->addItem(tr("Power (the paper's method)"), int(ModulationFamily::Power));
    m_family->addItem(tr("Linear"), int(ModulationFamily::Linear));
    m_family->addItem(tr("Δ scaling"), int(ModulationFamily::Delta));
    const int index = m_family->findData(int(session->editor()->family()));
    m_family->setCurrentIndex(index >= 0 ? index : 0);
    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("calibrationMethod"));
    m_method->addItem(tr("SPSA (as in the paper)"), int(CalibrationOptions::Method::Spsa));
    m_method->addItem(tr("Coordinate search (golden section per layer)"),
                      int(CalibrationOptions::Method::Coordinate));
    m_method->addItem(tr("Gradient (Adam, by backpropagation)"),
                      int(CalibrationOptions::Method::Adam));
    m_granularity = new QComboBox;
    m_granularity->setObjectName(QStringLiteral("calibrationGranularity"));
    m_granularity->addItem(tr("One factor per layer"), kLayer);
    m_granularity->addItem(mamba2 ? tr("One factor per head") : tr("One factor per channel"),
                           kChannel);
    if (!mamba2)  // Mamba-2's A is one number per head: the head is its finest granularity
        m_granularity->addItem(tr("One factor per state (channel × state)"), kState);
    m_granularity->setToolTip(
        tr("Finer than per layer needs the gradient method; the faders "
           "then show each layer's mean and the spectrum the real "
           "factors."));
    m_objective = new QComboBox;
    m_objective->setObjectName(QStringLiteral("calibrationObjective"));
    m_objective->addItem(tr("Perplexity"), int(ObjectiveSpec::Kind::Perplexity));
    m_objective->addItem(tr("Retrieval (passkey key NLL)"), int(ObjectiveSpec::Kind::Retrieval));
    m_objective->addItem(tr("Mixed"), int(ObjectiveSpec::Kind::Mixed));
    m_objective->setToolTip(
        tr("Perplexity: mean NLL of windows of the target length. Retrieval: mean NLL of the "
           "key in passkey prompts of the target length made from the calibration texts. "
           "Retrieval and mixed need the gradient method."));
    m_weight = new QSlider(Qt::Horizontal);
    m_weight->setObjectName(QStringLiteral("calibrationWeight"));
    m_weight->setRange(0, 100);
    m_weight->setValue(50);
    m_weight->setToolTip(tr("Retrieval weight W: J = (1 − W)·perplexity NLL + W·key NLL"));
    m_weightLabel = new QLabel;
    auto *weightRow = new QHBoxLayout;
    weightRow->addWidget(m_weight, 1);
    weightRow->addWidget(m_weightLabel);
    m_prompts = new QSpinBox;
    m_prompts->setRange(1, 256);
    m_prompts->setValue(4);
    m_prompts->setToolTip(
        tr("Passkey prompts for a retrieval objective, and for the held-out "
           "report at the end"));
    m_target = new QSpinBox;
    m_target->setRange(64, 1 << 22);
    m_target->setSingleStep(1024);
    m_target->setGroupSeparatorShown(true);
    m_target->setSuffix(tr(" tokens"));
    m_target->setValue(session->targetLength());
    what->addRow(tr("&Family:"), m_family);
    what->addRow(tr("&Method:"), m_method);
    what->addRow(tr("&Granularity:"), m_granularity);
    what->addRow(tr("&Objective:"), m_objective);
    // A row that is a layout gets no buddy from QFormLayout: without one the label showed its "&".
    auto *weightTitle = new QLabel(tr("Retrieval &weight:"));
    weightTitle->setBuddy(m_weight);
    what->addRow(weightTitle, weightRow);
    what->addRow(tr("Passkey &prompts:"), m_prompts);
    what->addRow(tr("&Target length:"), m_target);

    m_budget = new QSpinBox;
    m_budget->setRange(4, 100000);
    m_budget->setValue(200);
    m_budget->setSuffix(tr(" forward passes"));
    m_budget->setToolTip(
        tr("Forward passes of the target length over the whole search (SPSA "
           "and coordinate search get the same budget so they compare)."));
    m_iterations = new QSpinBox;
    m_iterations->setRange(1, 10000);
    m_iterations->setValue(30);
    m_iterations->setToolTip(tr("SPSA iterations (the paper uses 30)."));
    m_learningRate = new QDoubleSpinBox;
    m_learningRate->setObjectName(QStringLiteral("calibrationLearningRate"));
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(0.00001, 1.0);
    m_learningRate->setSingleStep(0.001);
    m_learningRate->setValue(0.01);
    m_learningRate->setToolTip(tr("Adam's learning rate (the paper sweeps 1e-4 … 1e-1)"));
    m_steps = new QSpinBox;
    m_steps->setObjectName(QStringLiteral("calibrationSteps"));
    m_steps->setRange(1, 100000);
    m_steps->setValue(20);
    m_steps->setToolTip(tr("Adam steps: one gradient of every window per step"));
    m_windows = new QSpinBox;
    m_windows->setRange(0, 1 << 16);
    m_windows->setValue(0);
    m_windows->setSpecialValueText(tr("automatic"));
    m_windows->setToolTip(
        tr("Windows of the target length per evaluation; automatic takes "
           "budget / (1 + 3 × SPSA iterations), at least 1"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(0);
    how->addRow(tr("&Budget:"), m_budget);
    how->addRow(tr("SPSA &iterations:"), m_iterations);
    how->addRow(tr("&Learning rate:"), m_learningRate);
    how->addRow(tr("S&teps:"), m_steps);
    how->addRow(tr("&Windows:"), m_windows);
    how->addRow(tr("&Seed:"), m_seed);

    QStringList names;
    for (const QString &t : session->calibrationTexts())
        if (t != session->evaluationText())
            names << QFileInfo(t).fileName();
    auto *texts = new QLabel(
        tr("Calibration texts: %1")
            .arg(names.isEmpty() ? tr("none ticked") : names.join(QStringLiteral(", "))));
    texts->setWordWrap(true);
    layout->addWidget(texts);
    m_startPoint = new QLabel;
    m_startPoint->setObjectName(QStringLiteral("calibrationStart"));
    m_startPoint->setWordWrap(true);
    layout->addWidget(m_startPoint);
    m_estimate = new QLabel;
    m_estimate->setWordWrap(true);
    m_estimate->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_estimate);

    // The objective of every evaluation and the best so far.
    auto *chart = new QChart;
    ChartStyle::apply(chart);
    chart->setTitle(tr("Objective per evaluation"));
    m_series = new QLineSeries;
    m_series->setName(tr("evaluated"));
    m_series->setColor(ChartStyle::baseline());
    m_bestSeries = new QLineSeries;
    m_bestSeries->setName(tr("best so far"));
    m_bestSeries->setColor(ChartStyle::current());
    chart->addSeries(m_series);
    chart->addSeries(m_bestSeries);
    m_xAxis = ChartStyle::valueAxis(tr("Evaluation"));
    m_yAxis = ChartStyle::valueAxis(tr("Objective"));
    m_xAxis->setLabelFormat(QStringLiteral("%d"));
    m_xAxis->setRange(0, 10);
    chart->addAxis(m_xAxis, Qt::AlignBottom);
    chart->addAxis(m_yAxis, Qt::AlignLeft);
    for (QLineSeries *s : {m_series, m_bestSeries}) {
        s->attachAxis(m_xAxis);
        s->attachAxis(m_yAxis);
    }
    m_chart = new QChartView(chart);
    m_chart->setObjectName(QStringLiteral("calibrationChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(180);
    layout->addWidget(m_chart, 1);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_report = new QLabel;
    m_report->setObjectName(QStringLiteral("calibrationReport"));
    m_report->setWordWrap(true);
    m_report->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_report);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    m_start = buttons->addButton(tr("Calibrate"), QDialogButtonBox::ActionRole);
    m_start->setObjectName(QStringLiteral("calibrationStartButton"));
    m_start->setDefault(true);
    m_stop = buttons->addButton(tr("Stop"), QDialogButtonBox::ActionRole);
    m_stop->setObjectName(QStringLiteral("calibrationStopButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_settings = {m_family,  m_method,  m_granularity, m_objective,  m_weight,
                  m_prompts, m_target,  m_budget,      m_iterations, m_learningRate,
                  m_steps,   m_windows, m_seed};
    for (QComboBox *c : {m_family, m_method, m_granularity, m_objective})
        connect(c, &QComboBox::currentIndexChanged, this, &CalibrationDialog::updateControls);
    connect(m_weight, &QSlider::valueChanged, this, &CalibrationDialog::updateControls);
    for (QSpinBox *s : {m_target, m_budget, m_iterations, m_steps, m_windows})
        connect(s, &QSpinBox::valueChanged, this, &CalibrationDialog::updateEstimate);
    connect(m_start, &QPushButton::clicked, this, [this] {
        emit startRequested(options(), prompts());
        if (m_session->isCalibrating())
            onStarted();
    });
    connect(m_stop, &QPushButton::clicked, m_session, &WorkbenchSession::stopCalibration);
    connect(m_session, &WorkbenchSession::calibrationStep, this, &CalibrationDialog::onStep);
    connect(m_session, &WorkbenchSession::calibrationFinished, this,
            [this](const ModulationSet &, bool stoppedEarly) { onFinished(stoppedEarly); });
    connect(m_session, &WorkbenchSession::calibrationFailed, this, &CalibrationDialog::onFailed);
    connect(m_session, &WorkbenchSession::heldOutReady, this, &CalibrationDialog::onHeldOut);
    connect(m_session, &WorkbenchSession::heldOutFailed, this, [this](const QString &message) {
        if (m_promptCount < 0)
            return;
        m_promptCount = -1;
        m_report->setText(tr("Held-out test not run: %1").arg(message));
        emit reportReady(false);
    });
    // The faders may move while the dialog is open: say where Calibrate would start.
    connect(m_session->editor(), &ModulationEditor::changed, this,
            &CalibrationDialog::updateControls);
    m_promptCount = -1;
    updateControls();
}

void CalibrationDialog::updateControls()
{
    const auto method = CalibrationOptions::Method(m_method->currentData().toInt());
    const bool adam = method == CalibrationOptions::Method::Adam;
    const auto family = ModulationFamily(m_family->currentData().toInt());
    // Δ has one factor per channel, not per state; zeroth-order searches go per layer only.
    if (!adam || (family == ModulationFamily::Delta && m_granularity->currentData() == kState))
        m_granularity->setCurrentIndex(m_granularity->findData(adam ? kChannel : kLayer));
    if (!adam)
        m_objective->setCurrentIndex(0);
    const bool mixed = m_objective->currentData().toInt() == int(ObjectiveSpec::Kind::Mixed);
    if (!m_running) {
        m_granularity->setEnabled(adam);
        m_objective->setEnabled(adam);
        m_weight->setEnabled(adam && mixed);
        m_learningRate->setEnabled(adam);
        m_steps->setEnabled(adam);
        m_budget->setEnabled(!adam);
        m_iterations->setEnabled(method == CalibrationOptions::Method::Spsa);
    }
    m_weightLabel->setText(QStringLiteral("%1").arg(m_weight->value() / 100.0, 0, 'f', 2));
    m_startPoint->setText(
        tr("Starts from the current faders: %1.").arg(m_session->editor()->describe()));
    updateEstimate();
}

void CalibrationDialog::updateEstimate()
{
    const auto method = CalibrationOptions::Method(m_method->currentData().toInt());
    double tokens = 0.0;
    if (method == CalibrationOptions::Method::Adam) {
        // A gradient costs about four forward passes (bench --sections gradient).
        const int windows = m_windows->value() > 0
                                ? m_windows->value()
                                : std::max(1, m_budget->value() / (1 + 3 * m_iterations->value()));
        tokens = 5.0 * (m_steps->value() + 1) * windows * double(m_target->value());
    } else {
        tokens = double(m_budget->value()) * m_target->value();
    }
    QString text =
        tr("About %1 million token passes through the model").arg(tokens / 1e6, 0, 'f', 1);
    if (m_tokensPerSecond > 0) {
        const double seconds = tokens / m_tokensPerSecond;
        text += seconds < 120
                    ? tr(", roughly %1 s at the current speed.").arg(std::ceil(seconds))
                    : tr(", roughly %1 min at the current speed.").arg(std::ceil(seconds / 60));
    } else {
        text += QLatin1Char('.');
    }
    m_estimate->setText(text);
    m_start->setEnabled(!m_running && m_session->model() && !m_session->isCalibrating());
    m_stop->setEnabled(m_running);
}

CalibrationOptions CalibrationDialog::options() const
{
    CalibrationOptions o;
    o.family = ModulationFamily(m_family->currentData().toInt());
    o.method = CalibrationOptions::Method(m_method->currentData().toInt());
    o.targetLength = m_target->value();
    o.budget = m_budget->value();
    o.iterations = m_iterations->value();
    o.seed = uint64_t(m_seed->value());
    o.windowsPerEvaluation = m_windows->value();
    o.granularity = FactorGranularity(m_granularity->currentData().toInt());
    o.objective.kind = ObjectiveSpec::Kind(m_objective->currentData().toInt());
    o.objective.retrievalWeight = o.objective.kind == ObjectiveSpec::Kind::Retrieval ? 1.0
                                  : o.objective.kind == ObjectiveSpec::Kind::Mixed
                                      ? m_weight->value() / 100.0
                                      : 0.0;
    o.learningRate = m_learningRate->value();
    o.steps = m_steps->value();
    o.start = m_session->modulation();
    return o;
}

int CalibrationDialog::prompts() const
{
    return m_prompts->value();
}

void CalibrationDialog::onStarted()
{
    m_running = true;
    m_startSet = m_session->modulation();
    m_length = m_target->value();
    m_promptCount = -1;
    m_evaluations = 0;
    m_series->clear();
    m_bestSeries->clear();
    m_heldOut = HeldOutReport();
    m_report->clear();
    m_status->setText(tr("Preparing the calibration texts…"));
    for (QWidget *w : std::as_const(m_settings))
        w->setEnabled(false);
    updateEstimate();
}

void CalibrationDialog::onStep(const CalibrationStep &step)
{
    if (!m_running)
        return;
    ++m_evaluations;
    if (std::isfinite(step.objective)) {
        m_series->append(m_evaluations, step.objective);
        m_yMin = m_series->count() == 1 ? step.objective : std::min(m_yMin, step.objective);
        m_yMax = m_series->count() == 1 ? step.objective : std::max(m_yMax, step.objective);
    }
    if (std::isfinite(step.bestObjective))
        m_bestSeries->append(m_evaluations, step.bestObjective);
    m_xAxis->setRange(0, std::max(10, m_evaluations));
    const double pad = std::max(1e-6, 0.05 * (m_yMax - m_yMin));
    m_yAxis->setRange(m_yMin - pad, m_yMax + pad);
    const QString name = step.objectiveName.isEmpty() ? tr("perplexity") : step.objectiveName;
    m_yAxis->setTitleText(name);
    m_status->setText(tr("Evaluation %1 (%2 of %3 passes) · %4 · %5 %6 · best %7")
                          .arg(m_evaluations)
                          .arg(step.forwardPasses)
                          .arg(step.budget)
                          .arg(step.phase, name)
                          .arg(step.objective, 0, 'f', 3)
                          .arg(step.bestObjective, 0, 'f', 3));
}

void CalibrationDialog::onFinished(bool stoppedEarly)
{
    if (!m_running)
        return;
    m_running = false;
    for (QWidget *w : std::as_const(m_settings))
        w->setEnabled(true);
    updateControls();
    m_status->setText(
        stoppedEarly
            ? tr("Stopped after %1 evaluations; the faders keep the best point found.")
                  .arg(m_evaluations)
            : tr("Done after %1 evaluations; the faders hold the result.").arg(m_evaluations));
    // The window has applied the result: test it against the start on unseen texts.
    m_promptCount = m_prompts->value();
    m_report->setText(tr("Testing on the texts not used for calibration…"));
    m_session->startHeldOutEvaluation(m_startSet, m_session->modulation(), m_length, m_promptCount);
}

void CalibrationDialog::onFailed(const QString &message)
{
    if (!m_running)
        return;
    m_running = false;
    for (QWidget *w : std::as_const(m_settings))
        w->setEnabled(true);
    updateControls();
    m_status->setText(tr("Calibration failed: %1").arg(message));
}

void CalibrationDialog::onHeldOut(const HeldOutReport &report)
{
    if (m_promptCount < 0)
        return;  // not this dialog's request
    m_promptCount = -1;
    m_heldOut = report;
    m_report->setText(tr("<b>On texts not used for calibration</b> (%1):<br>"
                         "perplexity in windows of %2 tokens (%3 windows): %4 → %5<br>"
                         "passkey accuracy at %2 tokens (%6 prompts): %7% → %8% · key NLL %9 → %10")
                          .arg(report.texts.join(QStringLiteral(", ")).toHtmlEscaped())
                          .arg(report.length)
                          .arg(report.windows)
                          .arg(report.perplexityBefore, 0, 'f', 2)
                          .arg(report.perplexityAfter, 0, 'f', 2)
                          .arg(report.prompts)
                          .arg(100.0 * report.accuracyBefore, 0, 'f', 0)
                          .arg(100.0 * report.accuracyAfter, 0, 'f', 0)
                          .arg(report.keyNllBefore, 0, 'f', 3)
                          .arg(report.keyNllAfter, 0, 'f', 3));
    emit reportReady(true);
}

}  // namespace mscope
