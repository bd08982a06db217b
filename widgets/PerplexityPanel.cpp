// SPDX-License-Identifier: GPL-3.0-or-later
#include "PerplexityPanel.h"

#include "PerplexityChart.h"

#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QToolBar>
#include <QVBoxLayout>

namespace mscope {

PerplexityPanel::PerplexityPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    m_toolBar = new QToolBar;
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_protocol = new QComboBox;
    m_protocol->addItem(tr("Streaming (one pass, state carried)"), true);
    m_protocol->addItem(tr("Fixed windows (fresh state each)"), false);
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
    m_toolBar->addWidget(new QLabel(tr("Protocol: ")));
    m_toolBar->addWidget(m_protocol);
    m_windowAction = m_toolBar->addWidget(m_window);
    m_toolBar->addSeparator();
    layout->addWidget(m_toolBar);
    m_chart = new PerplexityChart;
    m_chart->setObjectName(QStringLiteral("perplexityChart"));
    layout->addWidget(m_chart, 1);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("perplexitySummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    connect(m_protocol, &QComboBox::activated, this, [this] {
        m_windowAction->setVisible(!streaming());
        emit protocolChanged(streaming(), window());
    });
    connect(m_window, &QSpinBox::valueChanged, this, [this] {
        if (!streaming())
            emit protocolChanged(false, window());
    });
    setProtocol(true, 2048);
}

void PerplexityPanel::setProtocol(bool streaming, int window)
{
    const QSignalBlocker b1(m_protocol), b2(m_window);
    m_protocol->setCurrentIndex(streaming ? 0 : 1);
    m_window->setValue(window);
    m_windowAction->setVisible(!streaming);
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
    m_summary->setText(text);
}

}  // namespace mscope
