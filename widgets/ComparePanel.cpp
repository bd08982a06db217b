// SPDX-License-Identifier: GPL-3.0-or-later
#include "ComparePanel.h"

#include "FactorSweepChart.h"
#include "FlowLayout.h"
#include "TextSpreadChart.h"

#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace mscope {

ComparePanel::ComparePanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *rowHost = new QWidget;
    auto *row = new FlowLayout(rowHost, 4);
    m_sweepButton = new QPushButton(tr("Sweep the All Factor"));
    m_sweepButton->setObjectName(QStringLiteral("sweepButton"));
    m_sweepButton->setToolTip(
        tr("One pass over the evaluation text per factor (every layer at that factor of the "
           "current family): perplexity at the training and the target length"));
    m_textsButton = new QPushButton(tr("Compare on All Test Texts"));
    m_textsButton->setObjectName(QStringLiteral("textsButton"));
    m_textsButton->setToolTip(
        tr("The baseline and the current scaling on every text not ticked for calibration: "
           "mean and range over the texts"));
    row->addWidget(m_sweepButton);
    row->addWidget(m_textsButton);
    layout->addWidget(rowHost);
    m_status =
        new QLabel(tr("Nothing computed yet: these take several passes, so they run when "
                      "asked."));
    m_status->setWordWrap(true);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_sweep = new FactorSweepChart;
    m_sweep->setObjectName(QStringLiteral("factorSweepChart"));
    m_texts = new TextSpreadChart;
    m_texts->setObjectName(QStringLiteral("textSpreadChart"));
    m_tabs->addTab(m_sweep, tr("Factor sweep"));
    m_tabs->addTab(m_texts, tr("Several texts"));
    layout->addWidget(m_tabs, 1);
    connect(m_sweepButton, &QPushButton::clicked, this, &ComparePanel::sweepRequested);
    connect(m_textsButton, &QPushButton::clicked, this, &ComparePanel::textsRequested);
}

void ComparePanel::setStatus(const QString &text)
{
    m_status->setText(text);
}

void ComparePanel::showSweep()
{
    m_tabs->setCurrentWidget(m_sweep);
}

void ComparePanel::showTexts()
{
    m_tabs->setCurrentWidget(m_texts);
}

}  // namespace mscope
