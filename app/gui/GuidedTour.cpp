// SPDX-License-Identifier: GPL-3.0-or-later
#include "GuidedTour.h"

#include "ChartStyle.h"
#include "LiveCurves.h"
#include "MainWindow.h"
#include "ModulationEditor.h"
#include "PerplexityChart.h"
#include "PerplexityPanel.h"
#include "ScalingPanel.h"
#include "SpectrumHeatmap.h"
#include "SpectrumPanel.h"
#include "StateNormChart.h"
#include "StatePanel.h"
#include "WorkbenchSession.h"

#include <QAction>
#include <QDockWidget>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// Perplexity over the positions [begin, end) of a curve (token-weighted, as the legend's).
double perplexityOver(const PositionBuckets &curve, int64_t begin, int64_t end)
{
    double nll = 0.0;
    int64_t count = 0;
    for (const auto &b : curve.buckets())
        if (b.count > 0 && b.begin >= begin && b.end <= end) {
            nll += std::log(b.perplexity()) * double(b.count);
            count += b.count;
        }
    return count > 0 ? std::exp(nll / double(count)) : NAN;
}

// A blue frame drawn over the panel a step is about (it lets every click through).
class Highlight : public QWidget
{
public:
    explicit Highlight(QWidget *parent) : QWidget(parent)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
        setAttribute(Qt::WA_NoSystemBackground);
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(ChartStyle::current(), 3.0));
        p.drawRoundedRect(QRectF(rect()).adjusted(1.5, 1.5, -1.5, -1.5), 6, 6);
    }
};

}  // namespace

GuidedTour::GuidedTour(MainWindow *window) : QFrame(window), m_window(window)
{
    setObjectName(QStringLiteral("guidedTour"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setFixedWidth(std::max(340, fontMetrics().averageCharWidth() * 48));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_title = new QLabel;
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    auto *close = new QToolButton;
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close the tour"));
    top->addWidget(m_title, 1);
    top->addWidget(close, 0, Qt::AlignTop);
    layout->addLayout(top);
    m_text = new QLabel;
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    layout->addWidget(m_text);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);
    auto *buttons = new QHBoxLayout;
    m_back = new QPushButton(tr("Back"));
    m_act = new QPushButton(tr("Show Me"));
    m_next = new QPushButton(tr("Next"));
    buttons->addWidget(m_back);
    buttons->addStretch(1);
    buttons->addWidget(m_act);
    buttons->addWidget(m_next);
    layout->addLayout(buttons);

    m_highlight = new Highlight(window);
    m_highlight->hide();

    connect(close, &QToolButton::clicked, this, [this] {
        if (m_highlight)
            m_highlight->hide();
        hide();
    });
    connect(m_back, &QPushButton::clicked, this, [this] { setStep(m_step - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] {
        if (m_step + 1 >= kSteps) {
            if (m_highlight)
                m_highlight->hide();
            hide();
        } else {
            setStep(m_step + 1);
        }
    });
    connect(m_act, &QPushButton::clicked, this, [this] { act(m_step); });
    // The numbers follow the window: curves finishing, the spectrum arriving.
    connect(window->liveCurves(), &LiveCurves::updated, this, &GuidedTour::refresh);
    connect(window->session(), &WorkbenchSession::spectrumReady, this, &GuidedTour::refresh);
    window->installEventFilter(this);
    setStep(0);
}

QWidget *GuidedTour::panelOf(int step) const
{
    switch (step) {
        case 0:
        case 2:
            return m_window->perplexityPanel()->parentWidget();
        case 1:
            return m_window->spectrumPanel()->parentWidget();
        case 3:
        case 4:
            return m_window->scalingPanel()->parentWidget();
        default:
            return nullptr;
    }
}

void GuidedTour::setStep(int step)
{
    m_step = std::clamp(step, 0, kSteps - 1);
    if (QWidget *panel = panelOf(m_step))
        if (auto *dock = qobject_cast<QDockWidget *>(panel)) {
            dock->show();
            dock->raise();
        }
    refresh();
}

bool GuidedTour::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && event->type() == QEvent::Resize && isVisible())
        refresh();
    return QFrame::eventFilter(watched, event);
}

void GuidedTour::refresh()
{
    m_title->setText(title(m_step));
    m_text->setText(text(m_step));
    QString why;
    const bool holds = check(m_step, &why);
    m_status->setText(holds ? tr("✓ What the window shows now: %1").arg(why) : tr("… %1").arg(why));
    m_back->setEnabled(m_step > 0);
    m_next->setText(m_step + 1 >= kSteps ? tr("Finish") : tr("Next"));
    m_act->setVisible(m_step >= 2);
    adjustSize();
    move(m_window->width() - width() - 16, 64);
    raise();
    placeHighlight();
}

void GuidedTour::placeHighlight()
{
    QWidget *panel = panelOf(m_step);
    if (!m_highlight || !panel || !isVisible()) {
        if (m_highlight)
            m_highlight->hide();
        return;
    }
    m_highlight->setGeometry(QRect(panel->mapTo(m_window, QPoint(0, 0)), panel->size()));
    m_highlight->show();
    m_highlight->raise();
    raise();
}

QString GuidedTour::title(int step) const
{
    switch (step) {
        case 0:
            return tr("1 of 5 · See the failure");
        case 1:
            return tr("2 of 5 · Look at the spectrum");
        case 2:
            return tr("3 of 5 · Fix it with one fader");
        case 3:
            return tr("4 of 5 · Calibrate");
        case 4:
            return tr("5 of 5 · Bake");
        default:
            return {};
    }
}

QString GuidedTour::text(int step) const
{
    const WorkbenchSession *s = m_window->session();
    const int training = s->trainingLength();
    switch (step) {
        case 0:
            return tr("The grey curve in <i>Perplexity vs Context Length</i> is the model as "
                      "loaded. Past the orange <i>training %1</i> line (the shaded area) it "
                      "climbs: the model fails on contexts longer than it was trained on.")
                .arg(ChartStyle::tokenCount(training, true));
        case 1:
            return tr("<i>Spectrum</i> shows every layer's memory times τ = 1/(Δ̄·α). Modes "
                      "right of the orange line remember longer than anything seen in training "
                      "(the column <i>τ &gt; train</i> gives their share), and <i>State "
                      "Convergence</i> shows the states growing past %1 tokens.")
                .arg(training);
        case 2:
            return tr("Drag the <b>All</b> fader in <i>Scaling</i> (power family) to %1, or "
                      "press <i>Show Me</i>. The blue curve recomputes within seconds, from the "
                      "first changed layer only.")
                .arg(kRepairPower);
        case 3:
            return tr(
                "<i>Calibrate…</i> (Ctrl+K) starts from the current faders and searches "
                "factors (SPSA or coordinate search per layer, or Adam per layer, channel or "
                "state) on the ticked calibration texts, never on the evaluation text; it "
                "plots the objective, moves the faders as it improves, <i>Stop</i> keeps the "
                "best, and at the end it reports on the texts it did not see.");
        case 4:
            return tr(
                "<i>File ▸ Bake Checkpoint…</i> (Ctrl+B) writes a new model folder with "
                "the factors folded into <code>A_log</code>: HuggingFace transformers "
                "loads it as an ordinary model.");
        default:
            return {};
    }
}

bool GuidedTour::check(int step, QString *why) const
{
    QString said;
    bool holds = false;
    const WorkbenchSession *s = m_window->session();
    const LiveCurves *curves = m_window->liveCurves();
    const int64_t training = s->trainingLength();
    const PositionBuckets &b = curves->baseline();
    const PositionBuckets &c = curves->current();
    const int64_t length = b.length();
    switch (step) {
        case 0: {
            const double within = perplexityOver(b, 0, training);
            const double last = b.lastOctavePerplexity();
            holds = curves->baselineComplete() && std::isfinite(within) && last > 1.5 * within;
            said = curves->baselineComplete()
                       ? tr("baseline %1 up to %2 tokens, %3 over the last octave (%4–%5).")
                             .arg(within, 0, 'f', 1)
                             .arg(training)
                             .arg(last, 0, 'f', 1)
                             .arg(ChartStyle::tokenCount(double(b.lastOctaveBegin()), true),
                                  ChartStyle::tokenCount(double(length), true))
                       : tr("the baseline is still being computed.");
            break;
        }
        case 1: {
            const SpectrumDensity &d = m_window->spectrumPanel()->heatmap()->original();
            double lo = 1.0, hi = 0.0;
            for (double v : d.shareAbove) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            const StateNormHistory &states = m_window->statePanel()->chart()->baseline();
            const auto positions = states.positions();
            int grower = -1;
            double from = 0, to = 0;
            int64_t at = 0, end = positions.empty() ? 0 : positions.back();
            for (int64_t p : positions)
                if (p >= training) {
                    at = p;
                    break;
                }
            const auto stat = StateNormHistory::Statistic::MaxOverChannels;
            for (int l = 0; at > 0 && l < m_window->statePanel()->chart()->layerCount(); ++l) {
                const double x = states.value(at, l, stat), y = states.value(end, l, stat);
                if (std::isfinite(x) && std::isfinite(y) &&
                    y / x > (grower < 0 ? 1.0 : to / from)) {
                    grower = l;
                    from = x;
                    to = y;
                }
            }
            const bool tau = d.quantity == SpectrumQuantity::Tau && !d.shareAbove.empty();
            holds = tau && hi > 0 && grower >= 0 && to > 1.1 * from;
            said = !tau ? tr("the spectrum in τ is still being measured.")
                        : tr("τ > train in %1%–%2% of each layer's modes; the largest state of "
                             "layer L%3 grows from %4 at %5 tokens to %6 at %7.")
                              .arg(100 * lo, 0, 'f', 0)
                              .arg(100 * hi, 0, 'f', 0)
                              .arg(grower)
                              .arg(from, 0, 'g', 3)
                              .arg(at)
                              .arg(to, 0, 'g', 3)
                              .arg(end);
            break;
        }
        case 2: {
            const auto &f = m_window->editor()->factors();
            const bool set =
                m_window->editor()->family() == ModulationFamily::Power && !f.empty() &&
                std::all_of(f.begin(), f.end(), [](double v) { return v == kRepairPower; });
            const bool done = set && curves->currentComplete() && !c.isEmpty() &&
                              !m_window->perplexityPanel()->chart()->isUpdating();
            const double last = c.lastOctavePerplexity();
            const double previous = perplexityOver(c, length / 4, length / 2 + 1);
            const double early = perplexityOver(c, 0, std::min<int64_t>(1024, length));
            // What a run shows: far below the baseline at the longest context, and level over
            // the last two octaves (it still rises from the first thousand tokens).
            holds = done && last < 0.6 * b.lastOctavePerplexity() && last <= 1.1 * previous;
            said = !set    ? tr("All is not at %1 yet.").arg(kRepairPower)
                   : !done ? tr("the blue curve is being computed.")
                           : tr("blue %1 over the last octave instead of %2; %3 up to 1k "
                                "tokens, %4 over %5–%6, %7 over %6–%8: level from there on.")
                                 .arg(last, 0, 'f', 1)
                                 .arg(b.lastOctavePerplexity(), 0, 'f', 1)
                                 .arg(early, 0, 'f', 1)
                                 .arg(previous, 0, 'f', 1)
                                 .arg(ChartStyle::tokenCount(double(length / 4), true),
                                      ChartStyle::tokenCount(double(length / 2), true))
                                 .arg(last, 0, 'f', 1)
                                 .arg(ChartStyle::tokenCount(double(length), true));
            break;
        }
        case 3: {
            const QAction *calibrate = m_window->action(QStringLiteral("actionCalibrate"));
            const QStringList texts = s->calibrationTexts();
            const bool honest = !texts.contains(s->evaluationText());
            holds = calibrate && calibrate->isEnabled() && !texts.isEmpty() && honest;
            QStringList names;
            for (const QString &t : texts)
                names << QFileInfo(t).fileName();
            said = texts.isEmpty()
                       ? tr("no calibration text is ticked in Model & Texts.")
                       : tr("Calibrate… is %1; it would fit %2 at %3 tokens.")
                             .arg(calibrate && calibrate->isEnabled() ? tr("ready") : tr("busy"),
                                  names.join(QStringLiteral(", ")))
                             .arg(s->targetLength());
            break;
        }
        case 4: {
            const QAction *bake = m_window->action(QStringLiteral("actionBake"));
            const bool bakeable = !m_window->editor()->isIdentity() &&
                                  m_window->editor()->modulationSet().isBakeable();
            holds = bake && bake->isEnabled() == bakeable && bakeable;
            said =
                bakeable
                    ? tr("Bake Checkpoint… is enabled for %1.").arg(m_window->editor()->describe())
                    : tr("there is nothing to bake yet (no scaling, or Δ scaling).");
            break;
        }
        default:
            break;
    }
    if (why)
        *why = said;
    return holds;
}

void GuidedTour::act(int step)
{
    switch (step) {
        case 2:
            m_window->editor()->setFamily(ModulationFamily::Power);
            m_window->editor()->setAllFactors(kRepairPower);
            break;
        case 3:
            if (QAction *a = m_window->action(QStringLiteral("actionCalibrate")))
                a->trigger();
            break;
        case 4:
            if (QAction *a = m_window->action(QStringLiteral("actionBake")))
                a->trigger();
            break;
        default:
            break;
    }
    refresh();
}

}  // namespace mscope
