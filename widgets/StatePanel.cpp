// SPDX-License-Identifier: GPL-3.0-or-later
#include "StatePanel.h"

#include "FlowLayout.h"

#include "StateNormChart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

namespace mscope {

StatePanel::StatePanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *rowHost = new QWidget;
    auto *row = new FlowLayout(rowHost, 4);
    m_layers = new QToolButton;
    m_layers->setText(tr("Layers"));
    m_layers->setPopupMode(QToolButton::InstantPopup);
    m_layers->setMenu(new QMenu(m_layers));
    m_layers->setToolTip(tr("Choose the layers drawn."));
    m_statistic = new QComboBox;
    m_statistic->addItem(tr("Largest channel"), int(StateNormHistory::Statistic::MaxOverChannels));
    m_statistic->addItem(tr("Mean over channels"),
                         int(StateNormHistory::Statistic::MeanOverChannels));
    m_statistic->setToolTip(
        tr("Per channel the L2 norm over the state dimension, then the largest "
           "or the mean over a layer's channels."));
    row->addWidget(m_layers);
    row->addWidget(new QLabel(tr("Norm:")));
    row->addWidget(m_statistic);
    m_statistic->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_statistic->setMinimumContentsLength(12);
    layout->addWidget(rowHost);
    m_chart = new StateNormChart;
    m_chart->setObjectName(QStringLiteral("stateNormChart"));
    layout->addWidget(m_chart, 1);
    connect(m_statistic, &QComboBox::activated, this, [this] {
        m_chart->setStatistic(StateNormHistory::Statistic(m_statistic->currentData().toInt()));
    });
}

void StatePanel::setLayerCount(int layers)
{
    m_chart->setLayerCount(layers);
    rebuildLayerMenu();
}

void StatePanel::rebuildLayerMenu()
{
    QMenu *menu = m_layers->menu();
    menu->clear();
    QAction *all = menu->addAction(tr("All layers"));
    QAction *none = menu->addAction(tr("No layer"));
    menu->addSeparator();
    QList<QAction *> layerActions;
    for (int l = 0; l < m_chart->layerCount(); ++l) {
        QAction *a = menu->addAction(tr("Layer %1").arg(l));
        a->setCheckable(true);
        a->setChecked(m_chart->isLayerVisible(l));
        connect(a, &QAction::toggled, this,
                [this, l](bool on) { m_chart->setLayerVisible(l, on); });
        layerActions << a;
    }
    connect(all, &QAction::triggered, this, [layerActions] {
        for (QAction *a : layerActions)
            a->setChecked(true);
    });
    connect(none, &QAction::triggered, this, [layerActions] {
        for (QAction *a : layerActions)
            a->setChecked(false);
    });
}

}  // namespace mscope
