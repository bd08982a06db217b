// SPDX-License-Identifier: GPL-3.0-or-later
#include "GenerationPanel.h"

#include "AppSettings.h"
#include "BackgroundJobs.h"
#include "FlowLayout.h"
#include "ModulationEditor.h"
#include "WorkbenchSession.h"
#include "io/ModelConfig.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tokenizer/BpeTokenizer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTextEdit>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <mutex>

namespace mscope {

namespace {

// How much of the prompt each column shows above the continuation (characters).
constexpr int kPromptTail = 400;

QTextEdit *makeOutput(const QString &name)
{
    auto *view = new QTextEdit;
    view->setObjectName(name);
    view->setReadOnly(true);
    view->setMinimumSize(96, 60);
    view->setLineWrapMode(QTextEdit::WidgetWidth);
    return view;
}

}  // namespace

GenerationPanel::GenerationPanel(WorkbenchSession *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_jobs(session->backgroundJobs())
{
    setObjectName(QStringLiteral("generationPanel"));
    m_source = new QComboBox;
    m_source->setObjectName(QStringLiteral("generationSource"));
    m_source->setToolTip(tr("Type a prompt, or start from the first tokens of a text"));
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source->setMinimumContentsLength(10);
    m_firstTokens = new QSpinBox;
    m_firstTokens->setObjectName(QStringLiteral("generationFirstTokens"));
    m_firstTokens->setRange(1, 1 << 20);
    m_firstTokens->setValue(256);
    m_firstTokens->setGroupSeparatorShown(true);
    m_firstTokens->setPrefix(tr("first "));
    m_firstTokens->setSuffix(tr(" tokens"));
    m_prompt = new QPlainTextEdit;
    m_prompt->setObjectName(QStringLiteral("generationPrompt"));
    m_prompt->setPlaceholderText(tr("Type a prompt…"));
    m_prompt->setPlainText(tr("Once upon a time"));
    m_prompt->setMinimumHeight(30);
    m_prompt->setMaximumHeight(64);

    m_greedy = new QCheckBox(tr("Greedy"));
    m_greedy->setObjectName(QStringLiteral("generationGreedy"));
    m_greedy->setChecked(true);
    m_greedy->setToolTip(tr("Always the most likely token (temperature, top-k and top-p unused)"));
    m_temperature = new QDoubleSpinBox;
    m_temperature->setObjectName(QStringLiteral("generationTemperature"));
    m_temperature->setRange(0.05, 5.0);
    m_temperature->setSingleStep(0.05);
    m_temperature->setValue(0.8);
    m_temperature->setPrefix(tr("T "));
    m_topK = new QSpinBox;
    m_topK->setObjectName(QStringLiteral("generationTopK"));
    m_topK->setRange(0, 100000);
    m_topK->setValue(40);
    m_topK->setPrefix(tr("top-k "));
    m_topK->setToolTip(tr("Keep the k most likely tokens (0 keeps all)"));
    m_topP = new QDoubleSpinBox;
    m_topP->setObjectName(QStringLiteral("generationTopP"));
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setValue(0.95);
    m_topP->setPrefix(tr("top-p "));
    m_seed = new QSpinBox;
    m_seed->setObjectName(QStringLiteral("generationSeed"));
    m_seed->setRange(0, 2147483647);
    m_seed->setPrefix(tr("seed "));
    m_length = new QSpinBox;
    m_length->setObjectName(QStringLiteral("generationLength"));
    m_length->setRange(1, 4096);
    m_length->setValue(120);
    m_length->setSuffix(tr(" new tokens"));
    m_generate = new QPushButton(tr("Generate"));
    m_generate->setObjectName(QStringLiteral("generationGenerate"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("generationStop"));
    m_stop->setEnabled(false);

    auto *controls = new FlowLayout;
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_source, m_firstTokens, m_greedy, m_temperature, m_topK,
                                          m_topP, m_seed, m_length, m_generate, m_stop})
        controls->addWidget(w);

    m_baselineView = makeOutput(QStringLiteral("generationBaseline"));
    m_currentView = makeOutput(QStringLiteral("generationCurrent"));
    m_baselineTitle = new QLabel(tr("As loaded"));
    m_currentTitle = new QLabel(tr("Under the faders"));
    m_currentTitle->setTextFormat(Qt::PlainText);
    for (QLabel *l : {m_baselineTitle, m_currentTitle}) {
        l->setMinimumWidth(40);
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    }
    auto *columns = new QGridLayout;
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addWidget(m_baselineTitle, 0, 0);
    columns->addWidget(m_currentTitle, 0, 1);
    columns->addWidget(m_baselineView, 1, 0);
    columns->addWidget(m_currentView, 1, 1);
    columns->setRowStretch(1, 1);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("generationStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_prompt);
    layout->addLayout(columns, 1);
    layout->addWidget(m_status);
    setWhatsThis(
        tr("What the model says after a prompt, as loaded (left) and under the current "
           "faders (right), token by token as it is made. Each token's background is "
           "the probability the model gave it: green sure, red unsure. Rest the "
           "pointer on a token to read its probability."));

    connect(m_source, &QComboBox::currentIndexChanged, this,
            &GenerationPanel::updateSourceControls);
    connect(m_greedy, &QCheckBox::toggled, this, &GenerationPanel::updateSamplingControls);
    connect(m_generate, &QPushButton::clicked, this, &GenerationPanel::generate);
    connect(m_stop, &QPushButton::clicked, this, &GenerationPanel::stop);
    connect(session, &WorkbenchSession::textsChanged, this, &GenerationPanel::refreshTexts);
    connect(session, &WorkbenchSession::modelLoaded, this, [this] {
        stop();
        // Tokens of the previous model still queued are dropped (its tokenizer is gone).
        ++m_generation;
        m_jobId = 0;
        m_stop->setEnabled(false);
        clearColumns({});
        setStatus(tr("Type a prompt or choose a text, then Generate."));
    });
    connect(session->editor(), &ModulationEditor::changed, this, [this] {
        m_currentTitle->setText(tr("Under the faders: %1").arg(m_session->editor()->describe()));
    });
    refreshTexts();
    updateSamplingControls();
    setStatus(session->model() ? tr("Type a prompt or choose a text, then Generate.")
                               : tr("Open a model to generate text."));
}

GenerationPanel::~GenerationPanel()
{
    if (m_jobId && m_jobs)
        m_jobs->cancel(m_jobId);
}

QColor GenerationPanel::tint(double probability)
{
    const double p = std::isfinite(probability) ? std::clamp(probability, 0.0, 1.0) : 0.0;
    return QColor::fromHsv(int(std::lround(120.0 * p)), 70, 255);
}

void GenerationPanel::refreshTexts()
{
    const QString current = m_source->currentData().toString();
    const QSignalBlocker block(m_source);
    m_source->clear();
    m_source->addItem(tr("Typed prompt"), QString());
    for (const QString &t : m_session->texts())
        m_source->addItem(QFileInfo(t).fileName(), t);
    const int i = m_source->findData(current);
    m_source->setCurrentIndex(std::max(0, i));
    updateSourceControls();
}

void GenerationPanel::updateSourceControls()
{
    const bool typed = m_source->currentData().toString().isEmpty();
    m_prompt->setVisible(typed);
    m_firstTokens->setEnabled(!typed);
}

void GenerationPanel::updateSamplingControls()
{
    const bool sampling = !m_greedy->isChecked();
    for (QWidget *w : std::initializer_list<QWidget *>{m_temperature, m_topK, m_topP, m_seed})
        w->setEnabled(sampling);
}

void GenerationPanel::setPromptText(const QString &text)
{
    m_source->setCurrentIndex(0);
    m_prompt->setPlainText(text);
}

void GenerationPanel::setPromptFromText(const QString &path, int tokens)
{
    int i = m_source->findData(path);
    if (i < 0) {
        m_source->addItem(QFileInfo(path).fileName(), path);
        i = m_source->count() - 1;
    }
    m_source->setCurrentIndex(i);
    m_firstTokens->setValue(tokens);
}

void GenerationPanel::setGreedy(bool on)
{
    m_greedy->setChecked(on);
}
void GenerationPanel::setTemperature(double t)
{
    m_temperature->setValue(t);
}
void GenerationPanel::setTopK(int k)
{
    m_topK->setValue(k);
}
void GenerationPanel::setTopP(double p)
{
    m_topP->setValue(p);
}
void GenerationPanel::setSeed(int seed)
{
    m_seed->setValue(seed);
}
void GenerationPanel::setMaxNewTokens(int n)
{
    m_length->setValue(n);
}

std::vector<int32_t> GenerationPanel::promptIds(QString *why) const
{
    const auto tokenizer = m_session->tokenizer();
    if (!m_session->model() || !tokenizer) {
        if (why)
            *why = tr("Open a model first.");
        return {};
    }
    const QString path = m_source->currentData().toString();
    if (path.isEmpty()) {
        try {
            std::vector<int32_t> ids = tokenizer->encode(m_prompt->toPlainText());
            if (ids.empty() && why)
                *why = tr("The prompt is empty.");
            return ids;
        } catch (const Error &e) {
            if (why)
                *why = e.message();
            return {};
        }
    }
    const auto ids = m_session->textTokens(path, m_firstTokens->value());
    if (!ids || ids->empty()) {
        if (why)
            *why =
                tr("%1 is not counted yet; try again in a moment.").arg(QFileInfo(path).fileName());
        return {};
    }
    return *ids;
}

GenerationOptions GenerationPanel::options() const
{
    GenerationOptions o;
    o.maxNewTokens = m_length->value();
    o.sampling.greedy = m_greedy->isChecked();
    o.sampling.temperature = m_temperature->value();
    o.sampling.topK = m_topK->value();
    o.sampling.topP = m_topP->value();
    o.sampling.seed = uint64_t(m_seed->value());
    return o;
}

void GenerationPanel::clearColumns(const std::vector<int32_t> &prompt)
{
    m_baseline = Column();
    m_current = Column();
    QString tail;
    if (const auto tokenizer = m_session->tokenizer(); tokenizer && !prompt.empty()) {
        // The end of the prompt, in grey: what the continuation continues.
        const size_t from = prompt.size() > 160 ? prompt.size() - 160 : 0;
        tail = tokenizer->decode(std::vector<int32_t>(prompt.begin() + from, prompt.end()));
        if (tail.size() > kPromptTail)
            tail = QStringLiteral("…") + tail.right(kPromptTail);
    }
    for (QTextEdit *view : {m_baselineView, m_currentView}) {
        view->clear();
        QTextCursor c(view->document());
        QTextCharFormat grey;
        grey.setForeground(palette().color(QPalette::PlaceholderText));
        c.insertText(tail, grey);
    }
}

void GenerationPanel::generate()
{
    stop();
    QString why;
    const std::vector<int32_t> prompt = promptIds(&why);
    if (prompt.empty()) {
        setStatus(why);
        return;
    }
    const auto model = m_session->model();
    const GenerationOptions opts = options();
    try {
        opts.sampling.validate();
    } catch (const Error &e) {
        setStatus(e.message());
        return;
    }
    clearColumns(prompt);
    const ModulationSet modulation = m_session->modulation();
    const bool identity = modulation.isIdentity();
    m_currentTitle->setText(identity
                                ? tr("Under the faders (as loaded)")
                                : tr("Under the faders: %1").arg(m_session->editor()->describe()));
    const int generation = ++m_generation;
    const int threads = AppSettings::threads();
    const int chunk = AppSettings::chunkTokens();
    const QPointer<GenerationPanel> self(this);
    BackgroundJobs *jobs = m_session->backgroundJobs();
    struct Outcome
    {
        GenerationResult baseline, current;
    };
    auto outcome = std::make_shared<Outcome>();
    struct Stream
    {
        struct Item
        {
            Side side;
            GeneratedToken token;
            Clock::time_point madeAt;
        };
        std::mutex mutex;
        std::vector<Item> pending;
        bool posted = false;
    };
    auto stream = std::make_shared<Stream>();
    BackgroundJobs::Task task;
    task.label = tr("Generating");
    task.context = tr("Generation");
    task.work = [=](JobControl &job) {
        EngineThreads::set(threads);
        // As loaded, then under the faders (the same text twice when they are at the model as
        // loaded): one after the other, each streaming its tokens as they are made.
        for (Side side : {Side::Baseline, Side::Current}) {
            if (side == Side::Current && identity) {
                outcome->current = outcome->baseline;
                break;
            }
            job.throwIfCancelled();
            ForwardPass forward(model, side == Side::Baseline ? nullptr : modulation.apply(*model));
            Generator generator(forward, chunk);
            JobControl pass;
            const double offset = side == Side::Baseline ? 0.0 : 0.5, share = identity ? 1.0 : 0.5;
            double reported = -1.0;
            pass.setProgressCallback(
                [&job, &pass, &reported, offset, share](double f, const QString &) {
                    // Every percent, not every token: each report is an event for the GUI.
                    if (f - reported >= 0.01 || f >= 1.0) {
                        reported = f;
                        job.report(offset + share * f);
                    }
                    if (job.isCancelled())
                        pass.cancel();
                });
            const GenerationResult r =
                generator.generate(prompt, opts, &pass, [&](const GeneratedToken &token) {
                    if (job.isCancelled())
                        pass.cancel();
                    // Tokens wait in `stream` until the GUI thread takes them: one event per batch
                    // (the first token at once), so a fast model does not flood the event loop
                    // and the GUI's work does not take the cores from the engine token by token.
                    std::lock_guard lock(stream->mutex);
                    stream->pending.push_back({side, token, Clock::now()});
                    if (stream->posted)
                        return;
                    stream->posted = true;
                    jobs->post([self, generation, stream, identity] {
                        std::vector<Stream::Item> items;
                        {
                            std::lock_guard lock(stream->mutex);
                            items.swap(stream->pending);
                            stream->posted = false;
                        }
                        if (!self || self->m_generation != generation)
                            return;
                        for (const Stream::Item &item : items) {
                            self->appendToken(item.side, item.token, item.madeAt);
                            if (identity)
                                self->appendToken(Side::Current, item.token, item.madeAt);
                        }
                    });
                });
            (side == Side::Baseline ? outcome->baseline : outcome->current) = r;
            if (r.stop == GenerationResult::Stop::Cancelled)
                break;
        }
    };
    auto end = [self, generation, outcome](bool cancelled) {
        if (!self || self->m_generation != generation)
            return;
        self->m_jobId = 0;
        self->m_stop->setEnabled(false);
        for (Side side : {Side::Baseline, Side::Current}) {
            const GenerationResult &r =
                side == Side::Baseline ? outcome->baseline : outcome->current;
            Column &c = self->column(side);
            c.prefillSeconds = r.prefillSeconds;
            c.tokensPerSecond = r.tokensPerSecond();
            c.stop = cancelled ? GenerationResult::Stop::Cancelled : r.stop;
        }
        self->setStatus(self->status());
        const bool stopped = cancelled ||
                             outcome->baseline.stop == GenerationResult::Stop::Cancelled ||
                             outcome->current.stop == GenerationResult::Stop::Cancelled;
        if (stopped)
            emit self->stopped();
        else
            emit self->finished();
    };
    task.done = [end] { end(false); };
    task.failed = [self, generation, end](const QString &reason, bool cancelled) {
        if (!self || self->m_generation != generation)
            return;
        if (cancelled) {
            end(true);
            return;
        }
        self->m_jobId = 0;
        self->m_stop->setEnabled(false);
        self->setStatus(tr("Not generated: %1").arg(reason));
        emit self->failed(reason);
    };
    setStatus(tr("Generating after %n prompt token(s)…", nullptr, int(prompt.size())));
    m_stop->setEnabled(true);
    m_startedAt = Clock::now();
    m_jobId = jobs->start(std::move(task));
}

void GenerationPanel::stop()
{
    if (m_jobId && m_jobs)
        m_jobs->cancel(m_jobId);  // the job's end reports what was made
}

void GenerationPanel::appendToken(Side side, const GeneratedToken &token, Clock::time_point madeAt)
{
    Column &c = column(side);
    const auto tokenizer = m_session->tokenizer();
    if (!tokenizer)
        return;
    if (!c.decoder || c.tokenizer != tokenizer) {
        c.tokenizer = tokenizer;
        c.decoder = std::make_unique<IncrementalDecoder>(*tokenizer);
    }
    // Byte-level tokens may end mid-character: nothing is shown until the character is whole.
    const QString piece = c.decoder->add(token.id);
    QTextEdit *view = output(side);
    QTextCursor cursor(view->document());
    cursor.movePosition(QTextCursor::End);
    Token t;
    t.id = token.id;
    t.text = piece;
    t.probability = token.probability;
    t.position = cursor.position();
    if (!piece.isEmpty()) {
        QTextCharFormat format;
        format.setBackground(tint(token.probability));
        format.setForeground(QColor(Qt::black));
        format.setToolTip(tr("p = %1").arg(token.probability, 0, 'f', 3));
        cursor.insertText(piece, format);
    }
    c.tokens << t;
    if (token.index == 0 && c.firstTokenMs < 0) {
        c.firstTokenMs = std::chrono::duration<double, std::milli>(Clock::now() - madeAt).count();
        emit firstTokenShown(side, c.firstTokenMs);
    }
}

const QVector<GenerationPanel::Token> &GenerationPanel::tokens(Side side) const
{
    return column(side).tokens;
}

QTextEdit *GenerationPanel::output(Side side) const
{
    return side == Side::Baseline ? m_baselineView : m_currentView;
}

GenerationResult::Stop GenerationPanel::stopReason(Side side) const
{
    return column(side).stop;
}

double GenerationPanel::firstTokenLatencyMs(Side side) const
{
    return column(side).firstTokenMs;
}

double GenerationPanel::prefillSeconds(Side side) const
{
    return column(side).prefillSeconds;
}

QString GenerationPanel::status() const
{
    auto describe = [](const Column &c) {
        return tr("%n token(s), %1 tokens/s, prefill %2 ms, first token shown %3 ms after it",
                  nullptr, int(c.tokens.size()))
            .arg(c.tokensPerSecond, 0, 'f', 0)
            .arg(c.prefillSeconds * 1e3, 0, 'f', 0)
            .arg(c.firstTokenMs, 0, 'f', 1);
    };
    QString s =
        tr("As loaded: %1. Under the faders: %2.").arg(describe(m_baseline), describe(m_current));
    if (m_baseline.stop == GenerationResult::Stop::Cancelled ||
        m_current.stop == GenerationResult::Stop::Cancelled)
        s += tr(" Stopped.");
    return s;
}

void GenerationPanel::setStatus(const QString &text)
{
    m_status->setText(text);
}

}  // namespace mscope
