// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QComboBox;
class QToolButton;

namespace mscope {

class StateNormChart;

/// The state convergence panel: the chart, which layers it shows, and max or mean over channels.
class StatePanel : public QWidget
{
    Q_OBJECT

public:
    explicit StatePanel(QWidget *parent = nullptr);

    StateNormChart *chart() const { return m_chart; }
    /// Rebuilds the layer menu (the chart picks a spread of layers for deep models).
    void setLayerCount(int layers);

private:
    void rebuildLayerMenu();

    QToolButton *m_layers = nullptr;
    QComboBox *m_statistic = nullptr;
    StateNormChart *m_chart = nullptr;
};

}  // namespace mscope
