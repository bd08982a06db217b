// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;
class QToolBar;

namespace mscope {

class PerplexityChart;

/// The perplexity panel: protocol choice (streaming, or fixed windows of a chosen length), the
/// chart, and a one-line summary of the latest pass.
class PerplexityPanel : public QWidget
{
    Q_OBJECT

public:
    explicit PerplexityPanel(QWidget *parent = nullptr);

    PerplexityChart *chart() const { return m_chart; }
    QToolBar *toolBar() const { return m_toolBar; }
    void setProtocol(bool streaming, int window);
    bool streaming() const;
    int window() const;
    void setSummary(const QString &text);
    QComboBox *protocolBox() const { return m_protocol; }

signals:
    void protocolChanged(bool streaming, int window);

private:
    QToolBar *m_toolBar = nullptr;
    QComboBox *m_protocol = nullptr;
    QSpinBox *m_window = nullptr;
    QAction *m_windowAction = nullptr;
    QLabel *m_summary = nullptr;
    PerplexityChart *m_chart = nullptr;
};

}  // namespace mscope
