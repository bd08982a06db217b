// SPDX-License-Identifier: GPL-3.0-or-later
#include "PerplexityPanel.h"

#include "FlowLayout.h"
#include "PerplexityChart.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mscope {

PerplexityPanel::PerplexityPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    auto *rowHost = new QWidget;
    m_row = new FlowLayout(rowHost, 4);
    m_protocol = new QComboBox;
    m_protocol->addItem(tr("Streaming (one pass, state carried)"), true);
    m_protocol->addItem(tr("Fixed windows (fresh state each)"), false);
    // Narrow in the row; the list shows the whole names.
    m_protocol->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_protocol->setMinimumContentsLength(16);
    m_protocol->setToolTip(
        tr("Streaming: one pass over the text with the state carried along, "
           "perplexity per position. Fixed windows: the paper's protocol, the "
           "text cut into windows that each start from an empty state, averaged."));
    m_window = new QSpinBox;
    m_window->setRange(32, 1 << 22);
    m_window->setSingleStep(256);
    m_window->setSuffix(tr(" tokens"));
    m_window->setKeyboardTracking(false);
    m_window->setToolTip(tr("Window length of the fixed-window protocol."));
    auto *protocolLabel = new QLabel(tr("Protocol:"));
    protocolLabel->setBuddy(m_protocol);
    m_row->addWidget(protocolLabel);
    m_row->addWidget(m_protocol);
    m_row->addWidget(m_window);
    layout->addWidget(rowHost);
    m_chart = new PerplexityChart;
    m_chart->setObjectName(QStringLiteral("perplexityChart"));
    layout->addWidget(m_chart, 1);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("perplexitySummary"));
    m_summary->setWordWrap(true);
    m_summary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // Two lines, always: a summary that wraps differently must not move the docks. (Measured
    // as the label lays rich text out, with a word of the user's language: CJK lines, drawn in
    // a fallback font, are taller than the font's line spacing, and "Ag" alone left the Chinese
    // summary's second line half hidden.)
    QTextDocument twoLines;
    twoLines.setDefaultFont(m_summary->font());
    twoLines.setDocumentMargin(0);
    twoLines.setHtml(QStringLiteral("Ag %1<br>Ag %1").arg(tr("Perplexity").toHtmlEscaped()));
    m_twoLines = twoLines.size().height();
    m_summary->setFixedHeight(int(std::ceil(m_twoLines)) + 2);
    layout->addWidget(m_summary);

    connect(m_protocol, &QComboBox::activated, this, [this] {
        m_window->setVisible(!streaming());
        emit protocolChanged(streaming(), window());
    });
    connect(m_window, &QSpinBox::valueChanged, this, [this] {
        if (!streaming())
            emit protocolChanged(false, window());
    });
    setProtocol(true, 2048);
}

QToolButton *PerplexityPanel::addAction(QAction *action)
{
    auto *button = new QToolButton;
    button->setDefaultAction(action);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setObjectName(action->objectName() + QStringLiteral("Button"));
    m_row->addWidget(button);
    return button;
}

void PerplexityPanel::setProtocol(bool streaming, int window)
{
    const QSignalBlocker b1(m_protocol), b2(m_window);
    m_protocol->setCurrentIndex(streaming ? 0 : 1);
    m_window->setValue(window);
    m_window->setVisible(!streaming);
}

bool PerplexityPanel::streaming() const
{
    return m_protocol->currentData().toBool();
}

int PerplexityPanel::window() const
{
    return m_window->value();
}

void PerplexityPanel::setSummary(const QString &text)
{
    m_fullSummary = text;
    m_summary->setToolTip(text);
    fitSummary();
}

QString PerplexityPanel::summary() const
{
    return m_fullSummary;
}

void PerplexityPanel::fitSummary()
{
    // Two lines at most: the parts after " · " (how it was computed) go first when the text
    // would wrap further; the tooltip keeps it all.
    QString text = m_fullSummary;
    const int width = std::max(50, m_summary->width());
    auto lines = [&](const QString &t) {
        QTextDocument doc;
        doc.setDefaultFont(m_summary->font());
        doc.setDocumentMargin(0);
        doc.setTextWidth(width);
        doc.setHtml(t);
        return doc.size().height();
    };
    while (lines(text) > m_twoLines + 1) {
        const int cut = text.lastIndexOf(QStringLiteral(" · "));
        if (cut <= 0)
            break;
        text = text.left(cut);
    }
    m_summary->setText(text);
}

void PerplexityPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitSummary();
}

}  // namespace mscope
