// SPDX-License-Identifier: GPL-3.0-or-later
#include "RetrievalPanel.h"

#include "AppSettings.h"
#include "BackgroundJobs.h"
#include "FlowLayout.h"
#include "LiveEvaluation.h"
#include "ModulationEditor.h"
#include "PasskeyHeatmap.h"
#include "WorkbenchSession.h"
#include "io/ModelConfig.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tasks/PasskeyTask.h"
#include "tokenizer/BpeTokenizer.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

constexpr uint64_t kKeySeed = 2024;  // the CLI's default: the retrieval model recipe's keys
constexpr int kSettleMs = 500;

}  // namespace

RetrievalPanel::RetrievalPanel(WorkbenchSession *session, QWidget *parent)
    : QWidget(parent),
      m_session(session),
      m_jobs(session->backgroundJobs()),
      m_lengths(defaultLengths()),
      m_depths(defaultDepths())
{
    setObjectName(QStringLiteral("retrievalPanel"));
    m_lengthsEdit = new QLineEdit;
    m_lengthsEdit->setObjectName(QStringLiteral("retrievalLengths"));
    m_lengthsEdit->setToolTip(tr("Prompt lengths in tokens, separated by commas"));
    m_lengthsEdit->setMinimumWidth(90);
    m_keys = new QSpinBox;
    m_keys->setObjectName(QStringLiteral("retrievalKeys"));
    m_keys->setRange(1, 50);
    m_keys->setValue(3);
    m_keys->setToolTip(tr("Random keys per cell (the same keys in every cell)"));
    m_nll = new QCheckBox(tr("Key NLL"));
    m_nll->setObjectName(QStringLiteral("retrievalNll"));
    m_nll->setToolTip(
        tr("Show the mean NLL of the key's tokens (nats per token; smooth where "
           "accuracy is all or nothing) instead of the accuracy"));
    m_compute = new QPushButton(tr("Compute"));
    m_compute->setObjectName(QStringLiteral("retrievalCompute"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("retrievalStop"));
    m_stop->setEnabled(false);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("retrievalStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);

    auto *controls = new FlowLayout;
    auto *lengthsLabel = new QLabel(tr("Lengths:"));
    lengthsLabel->setBuddy(m_lengthsEdit);
    auto *keysLabel = new QLabel(tr("Keys:"));
    keysLabel->setBuddy(m_keys);
    for (QWidget *w : {static_cast<QWidget *>(lengthsLabel), static_cast<QWidget *>(m_lengthsEdit),
                       static_cast<QWidget *>(keysLabel), static_cast<QWidget *>(m_keys),
                       static_cast<QWidget *>(m_nll), static_cast<QWidget *>(m_compute),
                       static_cast<QWidget *>(m_stop)})
        controls->addWidget(w);

    m_baselineMap = new PasskeyHeatmap;
    m_baselineMap->setObjectName(QStringLiteral("retrievalBaseline"));
    m_baselineMap->setTitle(tr("As loaded"));
    m_baselineMap->setExportName(QStringLiteral("retrieval-as-loaded"));
    m_currentMap = new PasskeyHeatmap;
    m_currentMap->setObjectName(QStringLiteral("retrievalCurrent"));
    m_currentMap->setTitle(tr("Under the faders"));
    m_currentMap->setExportName(QStringLiteral("retrieval-under-faders"));
    m_baselineMap->setTooltipProvider(
        [this](int i, int j) { return cellTooltip(Side::Baseline, i, j); });
    m_currentMap->setTooltipProvider(
        [this](int i, int j) { return cellTooltip(Side::Current, i, j); });
    auto *maps = new QHBoxLayout;
    maps->setContentsMargins(0, 0, 0, 0);
    maps->addWidget(m_baselineMap);
    maps->addWidget(m_currentMap);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addLayout(maps, 1);
    layout->addWidget(m_status);
    setWhatsThis(
        tr("Passkey retrieval: a five-digit key hidden at a depth of a prompt of a given "
           "length, then asked for. Each cell is the fraction of keys the model "
           "repeats exactly (or the key's mean NLL), the model as loaded on the left "
           "and under the current faders on the right. Rest the pointer on a cell to "
           "see the prompt around the key and the answers."));

    m_settleTimer.setSingleShot(true);
    m_settleTimer.setInterval(kSettleMs);
    setLengths(m_lengths);
    connect(&m_settleTimer, &QTimer::timeout, this, [this] {
        // A calibration moves the faders at every step and needs the cores: after it. The live
        // curve is what the user watches after a fader move: after it too (run beside it, the
        // grid made the curve take 1.3 s instead of 0.7 s in the window).
        if (m_session->isCalibrating() || m_session->liveEvaluation()->isRunning())
            m_settleTimer.start();
        else if (m_currentStale && isVisible())
            recompute();
    });
    connect(m_compute, &QPushButton::clicked, this, [this] {
        readControls();
        recompute();
    });
    connect(m_lengthsEdit, &QLineEdit::editingFinished, this, &RetrievalPanel::readControls);
    connect(m_keys, &QSpinBox::valueChanged, this, [this] { invalidateBaseline(); });
    connect(m_stop, &QPushButton::clicked, this, &RetrievalPanel::cancel);
    connect(m_nll, &QCheckBox::toggled, this, &RetrievalPanel::setShowNll);
    connect(session, &WorkbenchSession::modelLoaded, this, &RetrievalPanel::onModelLoaded);
    connect(session->editor(), &ModulationEditor::changed, this, &RetrievalPanel::onFadersChanged);
    if (session->model())
        onModelLoaded();
    else
        setStatus(tr("Open a model to test passkey retrieval."));
}

RetrievalPanel::~RetrievalPanel()
{
    if (m_jobId && m_jobs)
        m_jobs->cancel(m_jobId);
}

QVector<qint64> RetrievalPanel::defaultLengths()
{
    return {256, 1024, 4096};
}

QVector<double> RetrievalPanel::defaultDepths()
{
    return {0.0, 0.25, 0.5, 0.75, 1.0};
}

void RetrievalPanel::setLengths(const QVector<qint64> &lengths)
{
    QStringList parts;
    for (qint64 l : lengths)
        parts << QString::number(l);
    m_lengthsEdit->setText(parts.join(QStringLiteral(", ")));
    if (lengths == m_lengths && !m_baseline.isEmpty())
        return;
    m_lengths = lengths;
    invalidateBaseline();
}

void RetrievalPanel::setDepths(const QVector<double> &depths)
{
    m_depths = depths;
    invalidateBaseline();
}

void RetrievalPanel::setKeyCount(int keys)
{
    m_keys->setValue(keys);  // invalidates through valueChanged
}

int RetrievalPanel::keyCount() const
{
    return m_keys->value();
}

void RetrievalPanel::readControls()
{
    QVector<qint64> lengths;
    for (const QString &part : m_lengthsEdit->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 v = QLocale::c().toLongLong(part.trimmed().remove(QLatin1Char('_')), &ok);
        if (ok && v > 0 && !lengths.contains(v))
            lengths << v;
    }
    std::sort(lengths.begin(), lengths.end());
    if (lengths.isEmpty())
        lengths = m_lengths;
    setLengths(lengths);
}

void RetrievalPanel::invalidateBaseline()
{
    cancel();
    m_baselineKnown = false;
    m_currentStale = true;
    const qsizetype n = m_lengths.size() * m_depths.size();
    m_baseline = QVector<std::optional<PasskeyCell>>(n);
    m_current = QVector<std::optional<PasskeyCell>>(n);
    m_baselineMap->setAxes(m_lengths, m_depths);
    m_currentMap->setAxes(m_lengths, m_depths);
    // On screen, the new grid follows on its own (a tab behind others waits until shown).
    if (m_session->model())
        m_settleTimer.start();
}

void RetrievalPanel::setShowNll(bool on)
{
    if (m_nll->isChecked() != on)
        m_nll->setChecked(on);  // comes back here through toggled
    const auto scale = on ? PasskeyHeatmap::Scale::Nll : PasskeyHeatmap::Scale::Accuracy;
    m_baselineMap->setScale(scale);
    m_currentMap->setScale(scale);
    redrawMaps();
}

PasskeyGrid RetrievalPanel::grid() const
{
    PasskeyGrid g;
    g.lengths.assign(m_lengths.begin(), m_lengths.end());
    g.depths.assign(m_depths.begin(), m_depths.end());
    g.keys = PasskeyTask::keys(kKeySeed, keyCount());
    return g;
}

void RetrievalPanel::onModelLoaded()
{
    const auto model = m_session->model();
    m_tokenizer = m_session->tokenizer();
    m_task.reset();
    if (model && m_tokenizer)
        m_task = std::make_unique<PasskeyTask>(*m_tokenizer, model->config().bosTokenId);
    invalidateBaseline();
    setStatus(tr("Passkey retrieval of %1: computed when this panel is shown.")
                  .arg(m_session->modelName()));
    if (isVisible())
        recompute();
}

void RetrievalPanel::onFadersChanged()
{
    // The grid as loaded stays; the one under the faders follows once they settle.
    m_currentStale = true;
    if (m_session->model())
        m_settleTimer.start();
}

void RetrievalPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_session->model() && m_currentStale && !isRunning())
        QTimer::singleShot(0, this, [this] {
            if (isVisible() && m_currentStale && !isRunning())
                recompute();
        });
}

void RetrievalPanel::cancel()
{
    m_settleTimer.stop();
    ++m_generation;  // whatever still arrives from the running job is dropped
    if (m_jobId) {
        if (m_jobs)
            m_jobs->cancel(m_jobId);
        m_jobId = 0;
        m_stop->setEnabled(false);
        setStatus(tr("Stopped."));
        emit cancelled();
    }
}

void RetrievalPanel::recompute()
{
    const auto model = m_session->model();
    if (!model || !m_task || m_lengths.isEmpty() || m_depths.isEmpty())
        return;
    cancel();
    m_settleTimer.stop();
    const int generation = ++m_generation;
    const ModulationSet modulation = m_session->modulation();
    const bool identity = modulation.isIdentity();
    const bool needBaseline = !m_baselineKnown;
    m_currentStale = false;
    m_currentDescription = m_session->editor()->describe();
    m_current.fill(std::nullopt);
    m_currentMap->clearValues();
    m_currentMap->setTitle(identity ? tr("Under the faders (as loaded)")
                                    : tr("Under the faders: %1").arg(m_currentDescription));
    if (needBaseline) {
        m_baseline.fill(std::nullopt);
        m_baselineMap->clearValues();
    }
    if (!needBaseline && identity) {
        // Nothing to compute: the faders are at the model as loaded.
        for (const auto &c : std::as_const(m_baseline))
            if (c)
                storeCell(Side::Current, *c);
        setStatus(tr("The faders are at the model as loaded: the same grid on both sides."));
        emit finished();
        return;
    }

    const PasskeyGrid g = grid();
    const auto tokenizer = m_tokenizer;
    const int threads = AppSettings::threads();
    const int chunk = AppSettings::chunkTokens();
    const QPointer<RetrievalPanel> self(this);
    BackgroundJobs *jobs = m_session->backgroundJobs();
    const double passes = (needBaseline ? 1.0 : 0.0) + (identity ? 0.0 : 1.0);
    BackgroundJobs::Task task;
    task.label = tr("Passkey retrieval");
    task.context = tr("Passkey retrieval");
    task.work = [=](JobControl &job) {
        EngineThreads::set(threads);
        PasskeyTask passkey(*tokenizer, model->config().bosTokenId);
        double done = 0.0;
        auto runGrid = [&](const std::shared_ptr<const ScanParameters> &scan, Side side) {
            ForwardPass forward(model, scan);
            PasskeyEvaluator evaluator(forward, passkey, chunk);
            JobControl pass;
            pass.setProgressCallback([&job, &pass, done, passes](double f, const QString &) {
                job.report((done + f) / passes);
                if (job.isCancelled())
                    pass.cancel();
            });
            evaluator.run(g, &pass, [&](const PasskeyCell &cell) {
                jobs->post([self, generation, side, cell, identity] {
                    if (!self || self->m_generation != generation)
                        return;
                    self->storeCell(side, cell);
                    if (identity)
                        self->storeCell(Side::Current, cell);
                });
            });
            done += 1.0;
        };
        if (needBaseline)
            runGrid(nullptr, Side::Baseline);
        if (!identity)
            runGrid(modulation.apply(*model), Side::Current);
    };
    task.done = [self, generation, needBaseline] {
        if (!self || self->m_generation != generation)
            return;
        self->m_jobId = 0;
        self->m_stop->setEnabled(false);
        if (needBaseline)
            self->m_baselineKnown = true;
        self->redrawMaps();
        self->setStatus(self->status());
        emit self->finished();
    };
    task.failed = [self, generation](const QString &reason, bool cancelled) {
        if (!self || self->m_generation != generation)
            return;
        self->m_jobId = 0;
        self->m_stop->setEnabled(false);
        if (cancelled) {
            self->setStatus(tr("Stopped."));
            emit self->cancelled();
        } else {
            self->setStatus(tr("Not computed: %1").arg(reason));
            emit self->failed(reason);
        }
    };
    setStatus(tr("Computing %n key(s) per cell…", nullptr, keyCount()));
    m_stop->setEnabled(true);
    m_jobId = jobs->start(std::move(task));
}

int RetrievalPanel::indexOf(int64_t length, double depth, int *depthIndex) const
{
    const int i = int(m_lengths.indexOf(length));
    int j = -1;
    for (int k = 0; k < m_depths.size(); ++k)
        if (m_depths[k] == depth)
            j = k;
    *depthIndex = j;
    return j < 0 ? -1 : i;
}

void RetrievalPanel::storeCell(Side side, const PasskeyCell &cell)
{
    int j = -1;
    const int i = indexOf(cell.length, cell.depth, &j);
    if (i < 0)
        return;
    auto &cells = side == Side::Baseline ? m_baseline : m_current;
    cells[i * m_depths.size() + j] = cell;
    PasskeyHeatmap *map = heatmap(side);
    map->setValue(i, j, m_nll->isChecked() ? cell.meanKeyNll() : cell.accuracy());
}

void RetrievalPanel::redrawMaps()
{
    // One colour scale for both sides, so that a darker cell means the same on either.
    double maxNll = 1.0;
    for (const auto *cells : {&m_baseline, &m_current})
        for (const auto &c : *cells)
            if (c && std::isfinite(c->meanKeyNll()))
                maxNll = std::max(maxNll, c->meanKeyNll());
    for (Side side : {Side::Baseline, Side::Current}) {
        PasskeyHeatmap *map = heatmap(side);
        map->setNllRange(maxNll);
        const auto &cells = side == Side::Baseline ? m_baseline : m_current;
        for (int i = 0; i < m_lengths.size(); ++i)
            for (int j = 0; j < m_depths.size(); ++j) {
                const auto &c = cells[i * m_depths.size() + j];
                map->setValue(i, j,
                              !c                   ? NAN
                              : m_nll->isChecked() ? c->meanKeyNll()
                                                   : c->accuracy());
            }
    }
}

const PasskeyCell *RetrievalPanel::cell(Side side, int lengthIndex, int depthIndex) const
{
    const auto &cells = side == Side::Baseline ? m_baseline : m_current;
    const qsizetype k = qsizetype(lengthIndex) * m_depths.size() + depthIndex;
    if (lengthIndex < 0 || depthIndex < 0 || lengthIndex >= m_lengths.size() ||
        depthIndex >= m_depths.size() || !cells[k])
        return nullptr;
    return &*cells[k];
}

PasskeyHeatmap *RetrievalPanel::heatmap(Side side) const
{
    return side == Side::Baseline ? m_baselineMap : m_currentMap;
}

QString RetrievalPanel::cellTooltip(Side side, int lengthIndex, int depthIndex) const
{
    const PasskeyCell *c = cell(side, lengthIndex, depthIndex);
    if (!c || !m_tokenizer || !m_task)
        return tr("Not computed yet");
    QString html = tr("<b>%1 tokens, key at %2 %</b> — %3 of %4 right, key NLL %5")
                       .arg(QLocale().toString(c->length))
                       .arg(c->depth * 100.0, 0, 'f', 0)
                       .arg(std::count_if(c->answers.begin(), c->answers.end(),
                                          [](const PasskeyAnswer &a) { return a.correct; }))
                       .arg(c->answers.size())
                       .arg(c->meanKeyNll(), 0, 'f', 3);
    if (!c->answers.empty()) {
        // The prompt around the first key: a few tokens either side of its sentence.
        const PasskeyAnswer &a = c->answers.front();
        try {
            const PasskeyPrompt p = m_task->build(c->length, c->depth, a.key);
            const int64_t context = 24;
            const int64_t b0 = std::max<int64_t>(1, p.keyPosition - context);
            const int64_t k1 = p.keyPosition + p.keySentenceLength;
            const int64_t e1 = std::min<int64_t>(int64_t(p.ids.size()), k1 + context);
            auto text = [&](int64_t from, int64_t to) {
                return m_tokenizer
                    ->decode(std::vector<int32_t>(p.ids.begin() + from, p.ids.begin() + to))
                    .toHtmlEscaped();
            };
            html += QStringLiteral("<p>") + tr("Token %1 of %2:").arg(p.keyPosition).arg(p.length) +
                    QStringLiteral("<br><i>…%1<b>%2</b>%3…</i></p>")
                        .arg(text(b0, p.keyPosition), text(p.keyPosition, k1), text(k1, e1));
        } catch (const Error &) {
            // A prompt that cannot be built has no cell either; nothing to show.
        }
    }
    html += QStringLiteral("<p>");
    for (const PasskeyAnswer &a : c->answers)
        html += tr("%1 key %2: said “%3” (NLL %4)<br>")
                    .arg(a.correct ? QStringLiteral("✓") : QStringLiteral("✗"))
                    .arg(a.key)
                    .arg(m_tokenizer->decode(a.given).trimmed().toHtmlEscaped())
                    .arg(a.meanNll, 0, 'f', 3);
    html += QStringLiteral("</p>");
    return html;
}

QString RetrievalPanel::status() const
{
    auto mean = [this](const QVector<std::optional<PasskeyCell>> &cells) {
        double sum = 0.0;
        int n = 0;
        for (const auto &c : cells)
            if (c) {
                sum += c->accuracy();
                ++n;
            }
        return n ? sum / n : NAN;
    };
    return tr("Mean accuracy over the grid: %1 as loaded, %2 under the faders (%3; %n key(s) "
              "per cell).",
              nullptr, keyCount())
        .arg(mean(m_baseline), 0, 'f', 2)
        .arg(mean(m_current), 0, 'f', 2)
        .arg(m_currentDescription);
}

void RetrievalPanel::setStatus(const QString &text)
{
    m_status->setText(text);
}

}  // namespace mscope
