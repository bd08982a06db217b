// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTabWidget;

namespace mscope {

class FactorSweepChart;
class TextSpreadChart;

/// Comparisons that take several passes, run on request in the background: the factor sweep
/// (the All factor against perplexity at the training and target lengths) and the current
/// setting against the baseline on several texts at once (mean and range). Two tabs, a button
/// each, and a line that says what the charts were computed on.
class ComparePanel : public QWidget
{
    Q_OBJECT

public:
    explicit ComparePanel(QWidget *parent = nullptr);

    FactorSweepChart *sweepChart() const { return m_sweep; }
    TextSpreadChart *textsChart() const { return m_texts; }
    QPushButton *sweepButton() const { return m_sweepButton; }
    QPushButton *textsButton() const { return m_textsButton; }
    void setStatus(const QString &text);
    void showSweep();
    void showTexts();

signals:
    void sweepRequested();
    void textsRequested();

private:
    QTabWidget *m_tabs = nullptr;
    FactorSweepChart *m_sweep = nullptr;
    TextSpreadChart *m_texts = nullptr;
    QPushButton *m_sweepButton = nullptr;
    QPushButton *m_textsButton = nullptr;
    QLabel *m_status = nullptr;
};

}  // namespace mscope
