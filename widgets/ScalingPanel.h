// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "modulation/Modulation.h"

#include <QWidget>
#include <vector>

class QAction;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QScrollArea;
class QToolButton;

namespace mscope {

class FlowLayout;
class LayerFactorControl;
class ModulationEditor;

/// The scaling console: the modulation family, a master fader for every layer, one fader per
/// layer (scrolling sideways for deep models) and the preset and calibration buttons. Edits go
/// to a ModulationEditor; the panel follows the editor on undo, redo and loads.
class ScalingPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ScalingPanel(ModulationEditor *editor, QWidget *parent = nullptr);

    /// Buttons for the app's actions (the same ones as in the menus).
    void setActions(QAction *undo, QAction *redo, QAction *reset, QAction *load, QAction *save,
                    QAction *calibrate);
    void setSelectedLayer(int layer);
    /// Shown under the faders while a calibration runs; empty hides it.
    void setCalibrationStatus(const QString &status, QAction *stop = nullptr);
    bool isDragging() const { return m_dragging; }

    LayerFactorControl *layerControl(int layer) const;
    LayerFactorControl *masterControl() const { return m_master; }
    QComboBox *familyBox() const { return m_family; }

signals:
    /// A slider was released or a value typed: recompute now rather than after a debounce.
    void editFinished();
    void layerClicked(int layer);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuildStrips();
    void syncFromEditor();
    void connectStrip(LayerFactorControl *strip, int layer);

    ModulationEditor *m_editor;
    QComboBox *m_family = nullptr;
    QLabel *m_explanation = nullptr;
    QLabel *m_presetNote = nullptr;
    LayerFactorControl *m_master = nullptr;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_stripHost = nullptr;
    QHBoxLayout *m_stripLayout = nullptr;
    std::vector<LayerFactorControl *> m_strips;
    FlowLayout *m_buttons = nullptr;
    QLabel *m_calibrationStatus = nullptr;
    QToolButton *m_stopButton = nullptr;
    int m_gesture = 0;
    bool m_dragging = false;
    int m_selected = -1;
    int m_shownFamily = -1;
};

}  // namespace mscope
