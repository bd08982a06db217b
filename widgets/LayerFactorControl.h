// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FactorScale.h"

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QSlider;
class QToolButton;

namespace mscope {

/// One channel strip of the scaling console: a vertical slider with the layer's name above and
/// the exact factor below (type a value, or use the arrows). Emits edits with whether the
/// gesture is finished, so the caller can recompute lightly while dragging and fully on release.
class LayerFactorControl : public QWidget
{
    Q_OBJECT

public:
    explicit LayerFactorControl(const QString &label, QWidget *parent = nullptr);

    void setScale(const FactorScale &scale);
    /// Shows `factor` without emitting anything.
    void setValue(double factor);
    double value() const { return m_value; }
    void setLabel(const QString &label);
    /// The master fader while the layers differ: the box says "mixed" instead of a stale value.
    void setMixed(bool mixed);
    bool isMixed() const;
    /// Highlight for the layer selected in the spectrum views.
    void setHighlighted(bool highlighted);
    QSlider *slider() const { return m_slider; }
    QDoubleSpinBox *spinBox() const { return m_spin; }

signals:
    /// A drag, arrow key or typed value began (one undo step follows).
    void gestureStarted();
    /// `finished` is false while a slider drag is still going on.
    void valueEdited(double factor, bool finished);
    void clicked();

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    void updateModifiedLook();

    FactorScale m_scale;
    double m_value = 1.0;
    bool m_updating = false;
    QLabel *m_label = nullptr;
    QSlider *m_slider = nullptr;
    QDoubleSpinBox *m_spin = nullptr;
};

}  // namespace mscope
