// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScalingPanel.h"

#include "FactorScale.h"
#include "FlowLayout.h"
#include "LayerFactorControl.h"
#include "ModulationEditor.h"

#include <QAction>
#include <QComboBox>
#include <QCoreApplication>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace mscope {

namespace {

const ModulationFamily kFamilies[] = {ModulationFamily::Power, ModulationFamily::Linear,
                                      ModulationFamily::Delta, ModulationFamily::Winsorize,
                                      ModulationFamily::TauCap};

QString familyTitle(ModulationFamily f)
{
    switch (f) {
        case ModulationFamily::Power:
            return QCoreApplication::translate("mscope::ScalingPanel", "Power  α' = α^s");
        case ModulationFamily::Linear:
            return QCoreApplication::translate("mscope::ScalingPanel", "Linear  α' = s·α");
        case ModulationFamily::Delta:
            return QCoreApplication::translate("mscope::ScalingPanel", "Δ scaling  Δ' = s·Δ");
        case ModulationFamily::Winsorize:
            return QCoreApplication::translate("mscope::ScalingPanel", "Winsorize λ at q");
        case ModulationFamily::TauCap:
            return QCoreApplication::translate("mscope::ScalingPanel", "Cap τ at c·L_train");
    }
    return {};
}

}  // namespace

ScalingPanel::ScalingPanel(ModulationEditor *editor, QWidget *parent)
    : QWidget(parent), m_editor(editor)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    outer->setSpacing(6);

    // Family and buttons in one row that wraps in a narrow dock (nothing hides behind "»").
    auto *topHost = new QWidget;
    m_buttons = new FlowLayout(topHost, 2);
    auto *familyLabel = new QLabel(tr("&Family:"));
    m_family = new QComboBox;
    for (ModulationFamily f : kFamilies)
        m_family->addItem(familyTitle(f), int(f));
    familyLabel->setBuddy(m_family);
    m_family->setToolTip(tr("How the sliders change each layer's state transition."));
    m_buttons->addWidget(familyLabel);
    m_buttons->addWidget(m_family);
    outer->addWidget(topHost);
    m_explanation = new QLabel;
    m_explanation->setWordWrap(true);
    m_explanation->setForegroundRole(QPalette::PlaceholderText);
    outer->addWidget(m_explanation);

    auto *console = new QHBoxLayout;
    console->setSpacing(6);
    m_master = new LayerFactorControl(tr("All"));
    m_master->setToolTip(tr("Master fader: sets every layer to the same factor."));
    auto *masterFrame = new QFrame;
    masterFrame->setFrameShape(QFrame::StyledPanel);
    auto *masterLayout = new QVBoxLayout(masterFrame);
    masterLayout->setContentsMargins(2, 2, 2, 2);
    masterLayout->addWidget(m_master);
    console->addWidget(masterFrame);

    m_scroll = new QScrollArea;
    m_scroll->setWidgetResizable(true);
    // Sideways for deep models; upwards only when the dock is shorter than a usable fader.
    m_scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_stripHost = new QWidget;
    m_stripLayout = new QHBoxLayout(m_stripHost);
    m_stripLayout->setContentsMargins(0, 0, 0, 0);
    m_stripLayout->setSpacing(2);
    m_scroll->setWidget(m_stripHost);
    console->addWidget(m_scroll, 1);
    outer->addLayout(console, 1);

    m_presetNote = new QLabel;
    m_presetNote->setWordWrap(true);
    m_presetNote->hide();
    outer->addWidget(m_presetNote);

    auto *calibrationRow = new QHBoxLayout;
    m_calibrationStatus = new QLabel;
    m_calibrationStatus->hide();
    m_stopButton = new QToolButton;
    m_stopButton->hide();
    calibrationRow->addWidget(m_calibrationStatus, 1);
    calibrationRow->addWidget(m_stopButton);
    outer->addLayout(calibrationRow);

    connect(m_family, &QComboBox::activated, this, [this](int index) {
        m_editor->setFamily(ModulationFamily(m_family->itemData(index).toInt()));
    });
    connect(m_master, &LayerFactorControl::gestureStarted, this,
            [this] { m_gesture = m_editor->newGesture(); });
    connect(m_master, &LayerFactorControl::valueEdited, this, [this](double v, bool finished) {
        m_dragging = !finished;
        m_editor->setAllFactors(v, m_gesture);
        if (finished)
            emit editFinished();
    });
    connect(m_editor, &ModulationEditor::changed, this, &ScalingPanel::syncFromEditor);

    setToolTip(
        tr("Scaling console: one fader per layer sets how strongly that layer's spectrum is "
           "rescaled; the master fader sets them all. The curves recompute as you move."));
    setWhatsThis(toolTip() + tr(" Type exact values under the faders; Undo/Redo step through every "
                                "change; Calibrate searches the factors automatically."));
    rebuildStrips();
    syncFromEditor();
}

void ScalingPanel::setActions(QAction *undo, QAction *redo, QAction *reset, QAction *load,
                              QAction *save, QAction *calibrate)
{
    // Short labels here; the menus carry the long ones. Each button follows its action's state.
    const std::pair<QAction *, QString> buttons[] = {
        {undo, tr("Undo")},  {redo, tr("Redo")},  {reset, tr("Reset")},
        {load, tr("Load…")}, {save, tr("Save…")}, {calibrate, tr("Calibrate…")}};
    for (const auto &[action, text] : buttons) {
        if (!action)
            continue;
        auto *b = new QToolButton;
        b->setText(text);
        b->setAutoRaise(true);
        b->setToolTip(action->toolTip());
        b->setEnabled(action->isEnabled());
        connect(b, &QToolButton::clicked, action, &QAction::trigger);
        connect(action, &QAction::changed, b, [b, action] {
            b->setEnabled(action->isEnabled());
            b->setToolTip(action->toolTip());
        });
        m_buttons->addWidget(b);
    }
}

LayerFactorControl *ScalingPanel::layerControl(int layer) const
{
    return layer >= 0 && layer < int(m_strips.size()) ? m_strips[size_t(layer)] : nullptr;
}

void ScalingPanel::connectStrip(LayerFactorControl *strip, int layer)
{
    connect(strip, &LayerFactorControl::gestureStarted, this,
            [this] { m_gesture = m_editor->newGesture(); });
    connect(strip, &LayerFactorControl::valueEdited, this, [this, layer](double v, bool finished) {
        m_dragging = !finished;
        m_editor->setFactor(layer, v, m_gesture);
        if (finished)
            emit editFinished();
    });
    connect(strip, &LayerFactorControl::clicked, this, [this, layer] { emit layerClicked(layer); });
    connect(strip->slider(), &QSlider::sliderPressed, this,
            [this, layer] { emit layerClicked(layer); });
}

void ScalingPanel::rebuildStrips()
{
    for (LayerFactorControl *s : m_strips)
        delete s;
    m_strips.clear();
    while (QLayoutItem *item = m_stripLayout->takeAt(0))
        delete item;
    const FactorScale scale = FactorScale::forFamily(m_editor->family());
    for (int l = 0; l < m_editor->layerCount(); ++l) {
        auto *strip = new LayerFactorControl(tr("L%1").arg(l));
        strip->setObjectName(QStringLiteral("layerFactor%1").arg(l));
        strip->setScale(scale);
        strip->setHighlighted(l == m_selected);
        connectStrip(strip, l);
        m_stripLayout->addWidget(strip);
        m_strips.push_back(strip);
    }
    m_stripLayout->addStretch(1);
}

void ScalingPanel::syncFromEditor()
{
    if (int(m_strips.size()) != m_editor->layerCount())
        rebuildStrips();
    const FactorScale scale = FactorScale::forFamily(m_editor->family());
    const int familyIndex = m_family->findData(int(m_editor->family()));
    if (familyIndex != m_family->currentIndex()) {
        m_family->setCurrentIndex(familyIndex);
    }
    // Rescale strips when the family changed (their slider mapping differs).
    if (m_shownFamily != int(m_editor->family())) {
        m_shownFamily = int(m_editor->family());
        m_master->setScale(scale);
        for (LayerFactorControl *s : m_strips)
            s->setScale(scale);
    }
    m_explanation->setText(scale.explanation());
    const auto &f = m_editor->factors();
    for (int l = 0; l < int(m_strips.size()); ++l)
        if (m_strips[size_t(l)]->value() != f[size_t(l)])
            m_strips[size_t(l)]->setValue(f[size_t(l)]);
    // The master shows the common value, or stays where it was when the layers differ.
    const bool uniform =
        !f.empty() && std::all_of(f.begin(), f.end(), [&](double v) { return v == f.front(); });
    if (uniform && (m_master->value() != f.front() || m_master->isMixed()))
        m_master->setValue(f.front());
    m_master->setMixed(!uniform && !f.empty());
    m_master->setLabel(uniform || f.empty() ? tr("All") : tr("All (mixed)"));

    if (m_editor->presetSteps().empty()) {
        m_presetNote->hide();
    } else {
        ModulationSet preset;
        preset.steps = m_editor->presetSteps();
        m_presetNote->setText(
            tr("Also applied, from the loaded preset (the faders act on top): %1. "
               "Reset removes it.")
                .arg(preset.describe()));
        m_presetNote->show();
    }
}

void ScalingPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // A short dock keeps the faders whole; the explanation is in every fader's tooltip too.
    m_explanation->setVisible(height() >= 330);
}

void ScalingPanel::setSelectedLayer(int layer)
{
    m_selected = layer;
    for (int l = 0; l < int(m_strips.size()); ++l)
        m_strips[size_t(l)]->setHighlighted(l == layer);
    if (LayerFactorControl *s = layerControl(layer))
        m_scroll->ensureWidgetVisible(s);
}

void ScalingPanel::setCalibrationStatus(const QString &status, QAction *stop)
{
    m_calibrationStatus->setText(status);
    m_calibrationStatus->setVisible(!status.isEmpty());
    if (stop)
        m_stopButton->setDefaultAction(stop);
    m_stopButton->setVisible(!status.isEmpty() && m_stopButton->defaultAction());
}

}  // namespace mscope
