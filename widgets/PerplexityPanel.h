// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;
class QToolButton;

namespace mscope {

class FlowLayout;
class PerplexityChart;

/// The perplexity panel: protocol choice (streaming, or fixed windows of a chosen length) and the
/// chart's actions in a row that wraps in narrow docks, the chart, and a summary of the latest
/// pass (two lines, always the same height, so the docks around it do not jump).
class PerplexityPanel : public QWidget
{
    Q_OBJECT

public:
    explicit PerplexityPanel(QWidget *parent = nullptr);

    PerplexityChart *chart() const { return m_chart; }
    /// A button for `action` in the panel's row (Pin, Clear pins, Log axis, ...).
    QToolButton *addAction(QAction *action);
    void setProtocol(bool streaming, int window);
    bool streaming() const;
    int window() const;
    void setSummary(const QString &text);
    QString summary() const;
    QComboBox *protocolBox() const { return m_protocol; }

signals:
    void protocolChanged(bool streaming, int window);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitSummary();

    QString m_fullSummary;
    double m_twoLines = 0;  // the height of two lines of the summary
    FlowLayout *m_row = nullptr;
    QComboBox *m_protocol = nullptr;
    QSpinBox *m_window = nullptr;
    QLabel *m_summary = nullptr;
    PerplexityChart *m_chart = nullptr;
};

}  // namespace mscope
