// SPDX-License-Identifier: GPL-3.0-or-later
#include "SpectrumPanel.h"

#include "FlowLayout.h"

#include "LayerSpectrumChart.h"
#include "SpectrumHeatmap.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

namespace mscope {

SpectrumPanel::SpectrumPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    // Controls in a row that wraps in a narrow dock; the note on its own line under them.
    auto *rowHost = new QWidget;
    auto *row = new FlowLayout(rowHost, 4);
    auto *label = new QLabel(tr("&Show:"));
    m_quantity = new QComboBox;
    m_quantity->addItem(tr("Memory τ (tokens)"), int(SpectrumQuantity::Tau));
    m_quantity->addItem(tr("Decay rate α"), int(SpectrumQuantity::Alpha));
    m_quantity->addItem(tr("Eigenvalue λ = exp(−α)"), int(SpectrumQuantity::Lambda));
    m_quantity->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_quantity->setMinimumContentsLength(14);
    m_quantity->setToolTip(
        tr("τ = 1/(Δ̄·α) is how many tokens a mode remembers (Δ̄: the mean step "
           "size measured on a calibration text); α and λ are the raw spectrum."));
    label->setBuddy(m_quantity);
    m_note = new QLabel;
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->setWordWrap(true);
    QFont small = m_note->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_note->setFont(small);
    row->addWidget(label);
    row->addWidget(m_quantity);
    layout->addWidget(rowHost);
    layout->addWidget(m_note);

    auto *split = new QSplitter(Qt::Vertical);
    m_split = split;
    m_heatmap = new SpectrumHeatmap;
    m_heatmap->setObjectName(QStringLiteral("spectrumHeatmap"));
    m_layerChart = new LayerSpectrumChart;
    m_layerChart->setObjectName(QStringLiteral("layerSpectrumChart"));
    // The histogram gives way in a short dock (resizeEvent): it must not hold the window's
    // minimum height up meanwhile (minimumSizeHint).
    split->addWidget(m_heatmap);
    split->addWidget(m_layerChart);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);

    connect(m_quantity, &QComboBox::activated, this, [this](int index) {
        emit quantityChanged(SpectrumQuantity(m_quantity->itemData(index).toInt()));
    });
    connect(m_heatmap, &SpectrumHeatmap::layerSelected, this, [this](int layer) {
        m_layerChart->setLayer(layer);
        emit layerSelected(layer);
    });
    m_heatmap->setSelectedLayer(0);
}

void SpectrumPanel::setDensities(const SpectrumDensity &original, const SpectrumDensity &modulated)
{
    m_heatmap->setDensities(original, modulated);
    m_layerChart->setDensities(original, modulated);
    const int index = m_quantity->findData(int(original.quantity));
    if (index >= 0 && !original.isEmpty())
        m_quantity->setCurrentIndex(index);
    if (m_heatmap->selectedLayer() < 0 && original.layers() > 0)
        setSelectedLayer(0);
}

void SpectrumPanel::setLengths(double trainingLength, double targetLength)
{
    m_heatmap->setTrainingLength(trainingLength);
    m_heatmap->setTargetLength(targetLength);
    m_layerChart->setTrainingLength(trainingLength);
    m_layerChart->setTargetLength(targetLength);
}

void SpectrumPanel::setSelectedLayer(int layer)
{
    m_heatmap->setSelectedLayer(layer);
    m_layerChart->setLayer(layer);
}

void SpectrumPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // In a short dock the heat map keeps the room: its rows hold every layer at once, and its
    // readout gives a layer's numbers; the histogram comes back when there is room for it.
    m_layerChart->setVisible(height() >= 400);
}

QSize SpectrumPanel::minimumSizeHint() const
{
    // Without the histogram, which hides below 400 px (resizeEvent): QChartView raises its own
    // minimum to its chart's (82 px under X11), and counted here it kept the main window 43 px
    // taller than 640.
    QSize size = QWidget::minimumSizeHint();
    if (!m_layerChart->isHidden())
        size.rheight() -=
            m_layerChart->minimumSizeHint().expandedTo(m_layerChart->minimumSize()).height() +
            m_split->handleWidth();
    return size;
}

void SpectrumPanel::setNote(const QString &note)
{
    m_note->setText(note);
}

}  // namespace mscope
