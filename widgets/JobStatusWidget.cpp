// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobStatusWidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>
#include <cmath>

namespace mscope {

JobStatusWidget::JobStatusWidget(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    m_activity = new QLabel;
    m_activity->setObjectName(QStringLiteral("jobActivity"));
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setFixedWidth(140);
    m_progress->setMaximumHeight(14);
    m_rate = new QLabel;
    m_rate->setMinimumWidth(
        m_rate->fontMetrics().horizontalAdvance(QStringLiteral("000,000 tok/s")));
    m_rate->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_cancel = new QToolButton;
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    m_cancel->setToolTip(tr("Stop the running job (Esc)"));
    m_cancel->setAutoRaise(true);
    layout->addWidget(m_activity);
    layout->addWidget(m_progress);
    layout->addWidget(m_rate);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, &JobStatusWidget::cancelRequested);
    setToolTip(tr("Background work: what runs, its progress and speed in tokens per second."));
    finish();
}

void JobStatusWidget::start(const QString &activity, bool cancellable)
{
    m_busy = true;
    m_activity->setText(activity);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->show();
    m_rate->clear();
    m_rate->show();
    m_cancel->setVisible(cancellable);
}

void JobStatusWidget::setActivity(const QString &activity)
{
    m_activity->setText(activity);
}

void JobStatusWidget::setProgress(double fraction)
{
    if (fraction < 0) {
        m_progress->setRange(0, 0);
        return;
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(std::lround(std::min(1.0, fraction) * 1000)));
}

void JobStatusWidget::setRate(double tokensPerSecond)
{
    m_rate->setText(
        tokensPerSecond > 0
            ? tr("%1 tok/s").arg(QLocale().toString(qint64(std::llround(tokensPerSecond))))
            : QString());
}

void JobStatusWidget::finish(const QString &message)
{
    m_busy = false;
    m_activity->setText(message);
    m_progress->hide();
    m_cancel->hide();
    if (message.isEmpty())
        m_rate->clear();
}

QString JobStatusWidget::activity() const
{
    return m_activity->text();
}

}  // namespace mscope
