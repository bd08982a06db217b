// SPDX-License-Identifier: GPL-3.0-or-later
#include "SensitivityPanel.h"

#include "AppSettings.h"
#include "BackgroundJobs.h"
#include "DivergingHeatmap.h"
#include "FlowLayout.h"
#include "ModulationEditor.h"
#include "WorkbenchSession.h"
#include "model/MambaModel.h"
#include "support/EngineThreads.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace mscope {

SensitivityPanel::SensitivityPanel(WorkbenchSession *session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *rowHost = new QWidget;
    auto *row = new FlowLayout(rowHost, 4);
    m_windowLength = new QSpinBox;
    m_windowLength->setObjectName(QStringLiteral("sensitivityWindow"));
    m_windowLength->setRange(16, 1 << 20);
    m_windowLength->setSingleStep(256);
    m_windowLength->setGroupSeparatorShown(true);
    // A few seconds on the demo model with two threads (docs/user-guide.md has the timing).
    m_windowLength->setValue(1024);
    m_windowLength->setSuffix(tr(" tokens"));
    m_windowLength->setToolTip(
        tr("Length of each window of the calibration text the objective is measured on "
           "(each from a fresh state): the gradient says what helps at this context length"));
    m_windows = new QSpinBox;
    m_windows->setObjectName(QStringLiteral("sensitivityWindows"));
    m_windows->setRange(1, 256);
    m_windows->setValue(2);
    m_windows->setPrefix(tr("× "));
    m_windows->setToolTip(tr("Number of windows, spread over the calibration text"));
    m_quantity = new QComboBox;
    m_quantity->setObjectName(QStringLiteral("sensitivityQuantity"));
    m_quantity->addItem(tr("Decay rate α"));
    m_quantity->addItem(tr("Step Δ"));
    m_quantity->setToolTip(
        tr("Decay rate: dJ/d log α summed over the channel's states. Step: dJ/d log s for a "
           "multiplier s on the channel's Δ."));
    m_compute = new QPushButton(tr("Compute"));
    m_compute->setObjectName(QStringLiteral("sensitivityCompute"));
    m_compute->setToolTip(
        tr("The gradient of the perplexity at the current faders, by "
           "backpropagation (about four forward passes' worth of work)"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("sensitivityStop"));
    auto *windowLabel = new QLabel(tr("&Window:"));
    windowLabel->setBuddy(m_windowLength);
    row->addWidget(windowLabel);
    row->addWidget(m_windowLength);
    row->addWidget(m_windows);
    row->addWidget(m_quantity);
    row->addWidget(m_compute);
    row->addWidget(m_stop);
    layout->addWidget(rowHost);
    m_heatmap = new DivergingHeatmap;
    m_heatmap->setObjectName(QStringLiteral("sensitivityHeatmap"));
    m_heatmap->setExportName(QStringLiteral("sensitivity-heatmap"));
    m_heatmap->setTitle(tr("Sensitivity of perplexity per layer and channel"));
    m_heatmap->setPlaceholder(
        tr("Press Compute: the gradient of the perplexity on the calibration text, per layer "
           "and channel, at the current faders."));
    m_heatmap->setWhatsThis(
        tr("Each row is a layer, each column a channel (a head in Mamba-2). Blue: the "
           "perplexity falls if that channel's modes decay faster (shorter memory); red: if "
           "they decay slower (longer memory). The value is the derivative of the mean "
           "negative log-likelihood J with respect to log α summed over the channel's states "
           "(or to the log of a multiplier on Δ)."));
    layout->addWidget(m_heatmap, 1);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("sensitivityStatus"));
    m_status->setWordWrap(true);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);

    connect(m_compute, &QPushButton::clicked, this, &SensitivityPanel::compute);
    connect(m_stop, &QPushButton::clicked, this, &SensitivityPanel::cancel);
    connect(m_quantity, &QComboBox::currentIndexChanged, this, &SensitivityPanel::showMap);
    connect(m_session->editor(), &ModulationEditor::changed, this, [this] {
        if (m_map.layers > 0 && !m_stale) {
            m_stale = true;
            updateState();
        }
    });
    connect(m_session, &WorkbenchSession::modelLoaded, this, &SensitivityPanel::reset);
    updateState();
}

void SensitivityPanel::reset()
{
    cancel();
    m_map = SensitivityMap();
    m_stale = false;
    m_problem.clear();
    m_heatmap->clear();
    updateState();
}

void SensitivityPanel::compute()
{
    const auto model = m_session->model();
    if (!model || m_job)
        return;
    QString path;
    for (const QString &c : m_session->calibrationTexts())
        if (c != m_session->evaluationText() && path.isEmpty())
            path = c;
    if (path.isEmpty()) {
        m_problem =
            tr("Tick a calibration text other than the evaluation text in the Model & "
               "texts panel.");
        updateState();
        emit failed(m_problem);
        return;
    }
    m_problem.clear();
    const auto tokens = m_session->textTokens(path, 0);
    const auto tokenizer = m_session->tokenizer();
    const ModulationSet set = m_session->modulation();
    const QString setting = m_session->editor()->describe();
    const QString name = QFileInfo(path).fileName();
    const int length = m_windowLength->value();
    const int windows = m_windows->value();
    const int threads = AppSettings::threads();
    const int chunk = AppSettings::chunkTokens();
    auto result = std::make_shared<SensitivityMap>();
    BackgroundJobs::Task task;
    task.label = tr("Sensitivity on %1").arg(name);
    task.context = tr("Sensitivity");
    task.work = [=](JobControl &job) {
        EngineThreads::set(threads);
        const std::vector<int32_t> document = tokens ? *tokens : tokenizer->encodeFile(path);
        *result = SensitivityMap::compute(model, set, document, name, length, windows, chunk, &job);
        result->setting = setting;
    };
    QPointer<SensitivityPanel> self(this);
    task.done = [self, result, model] {
        if (!self)
            return;
        self->m_job = 0;
        if (self->m_session->model() != model) {  // another model meanwhile
            self->updateState();
            return;
        }
        self->m_map = *result;
        self->m_stale = false;
        self->showMap();
        emit self->computed();
    };
    task.failed = [self](const QString &reason, bool cancelled) {
        if (!self)
            return;
        self->m_job = 0;
        self->m_problem = cancelled ? tr("Stopped; the map shows the last result.") : reason;
        self->updateState();
        if (!cancelled)
            emit self->failed(reason);
    };
    m_job = m_session->backgroundJobs()->start(std::move(task));
    updateState();
}

void SensitivityPanel::cancel()
{
    if (m_job)
        m_session->backgroundJobs()->cancel(m_job);
}

void SensitivityPanel::showMap()
{
    if (m_map.layers <= 0) {
        updateState();
        return;
    }
    const bool decay = m_quantity->currentIndex() == 0;
    const QString column = m_map.heads ? tr("head") : tr("channel");
    m_heatmap->setAxisNames(tr("L"), tr("layer"), column);
    if (decay)
        m_heatmap->setMeanings(tr("dJ/d log α"), tr("J falls if these modes decay faster"),
                               tr("J falls if they decay slower"));
    else
        m_heatmap->setMeanings(tr("dJ/d log s_Δ"), tr("J falls with a larger step Δ"),
                               tr("J falls with a smaller step Δ"));
    m_heatmap->setTitle(m_map.heads ? tr("Sensitivity of perplexity per layer and head")
                                    : tr("Sensitivity of perplexity per layer and channel"));
    m_heatmap->setValues(m_map.layers, m_map.channels, decay ? m_map.decay : m_map.deltaScale);
    updateState();
}

void SensitivityPanel::updateState()
{
    const bool model = m_session->model() != nullptr;
    m_compute->setEnabled(model && !m_job);
    m_stop->setEnabled(m_job != 0);
    QString text;
    if (m_job) {
        text = tr("Computing in the background (progress in the status bar)…");
    } else if (m_map.layers > 0) {
        text = tr("J = %1 nats per token (perplexity %2) over %3 window(s) of %4 tokens of %5, "
                  "at %6; %7 s.")
                   .arg(m_map.objective, 0, 'f', 4)
                   .arg(std::exp(m_map.objective), 0, 'f', 2)
                   .arg(m_map.windows)
                   .arg(m_map.windowLength)
                   .arg(m_map.text, m_map.setting)
                   .arg(m_map.seconds, 0, 'f', 1);
        if (m_stale)
            text += QLatin1Char(' ') +
                    tr("The faders moved since: press Compute for the map at the new setting.");
    }
    if (!m_problem.isEmpty())
        text = text.isEmpty() ? m_problem : m_problem + QLatin1Char(' ') + text;
    m_status->setText(text);
}

}  // namespace mscope
