// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayerFactorControl.h"

#include "ChartStyle.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QMouseEvent>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

namespace mscope {

namespace {

// A spin box that writes its maximum as ∞ where the family's top is "no limit" (tau-cap).
class FactorSpinBox : public QDoubleSpinBox
{
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    bool infiniteTop = false;

    QString textFromValue(double value) const override
    {
        if (infiniteTop && value >= maximum())
            return QStringLiteral("∞");
        return QDoubleSpinBox::textFromValue(value);
    }
    double valueFromText(const QString &text) const override
    {
        if (infiniteTop &&
            (text.trimmed() == QStringLiteral("∞") ||
             text.trimmed().compare(QStringLiteral("inf"), Qt::CaseInsensitive) == 0))
            return maximum();
        return QDoubleSpinBox::valueFromText(text);
    }
    QValidator::State validate(QString &text, int &pos) const override
    {
        if (infiniteTop && (text.trimmed() == QStringLiteral("∞") ||
                            QStringLiteral("inf").startsWith(text.trimmed(), Qt::CaseInsensitive)))
            return QValidator::Acceptable;
        return QDoubleSpinBox::validate(text, pos);
    }
};

}  // namespace

LayerFactorControl::LayerFactorControl(const QString &label, QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(3);
    m_label = new QLabel(label);
    m_label->setAlignment(Qt::AlignHCenter);
    m_slider = new QSlider(Qt::Vertical);
    m_slider->setMinimumHeight(90);
    m_slider->setTickPosition(QSlider::TicksBothSides);
    m_spin = new FactorSpinBox;
    m_spin->setKeyboardTracking(false);
    m_spin->setButtonSymbols(QAbstractSpinBox::NoButtons);
    m_spin->setAlignment(Qt::AlignHCenter);
    m_spin->setFixedWidth(m_spin->fontMetrics().horizontalAdvance(QStringLiteral("00.000")) + 14);
    layout->addWidget(m_label, 0, Qt::AlignHCenter);
    layout->addWidget(m_slider, 1, Qt::AlignHCenter);
    layout->addWidget(m_spin, 0, Qt::AlignHCenter);

    connect(m_slider, &QSlider::sliderPressed, this, &LayerFactorControl::gestureStarted);
    connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
        if (m_updating)
            return;
        if (!m_slider->isSliderDown())
            emit gestureStarted();  // arrow keys, page keys, wheel: one undo step each
        m_value = m_scale.fromSlider(position);
        m_updating = true;
        m_spin->setValue(std::isinf(m_value) ? m_spin->maximum() : m_value);
        m_updating = false;
        updateModifiedLook();
        emit valueEdited(m_value, !m_slider->isSliderDown());
    });
    connect(m_slider, &QSlider::sliderReleased, this, [this] { emit valueEdited(m_value, true); });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (m_updating)
            return;
        auto *spin = static_cast<FactorSpinBox *>(m_spin);
        const double factor = spin->infiniteTop && v >= spin->maximum()
                                  ? std::numeric_limits<double>::infinity()
                                  : m_scale.clamp(v);
        emit gestureStarted();
        setValue(factor);
        emit valueEdited(m_value, true);
    });
    setScale(FactorScale::forFamily(ModulationFamily::Power));
}

void LayerFactorControl::setScale(const FactorScale &scale)
{
    m_scale = scale;
    m_updating = true;
    m_slider->setRange(0, scale.sliderSteps());
    m_slider->setPageStep(scale.sliderSteps() / 20);
    m_slider->setSingleStep(scale.logarithmic() ? 5 : std::max(1, scale.sliderSteps() / 150));
    m_slider->setTickInterval(scale.sliderSteps() / 10);
    auto *spin = static_cast<FactorSpinBox *>(m_spin);
    spin->infiniteTop = scale.family() == ModulationFamily::TauCap;
    m_spin->setDecimals(scale.decimals() + (scale.logarithmic() ? 1 : 0));
    m_spin->setRange(scale.minimum(),
                     spin->infiniteTop ? scale.maximum() * 1.0001 : scale.maximum());
    m_spin->setStepType(scale.logarithmic() ? QAbstractSpinBox::AdaptiveDecimalStepType
                                            : QAbstractSpinBox::DefaultStepType);
    m_spin->setSingleStep(scale.logarithmic() ? 0.1 : 0.01);
    m_updating = false;
    const QString tip = scale.explanation();
    m_slider->setToolTip(tip);
    m_spin->setToolTip(tip);
    setValue(scale.identity());
}

void LayerFactorControl::setValue(double factor)
{
    m_value = factor;
    m_updating = true;
    m_slider->setValue(m_scale.toSlider(factor));
    m_spin->setValue(std::isinf(factor) ? m_spin->maximum() : factor);
    m_updating = false;
    updateModifiedLook();
}

void LayerFactorControl::setLabel(const QString &label)
{
    m_label->setText(label);
}

void LayerFactorControl::setHighlighted(bool highlighted)
{
    QFont f = m_label->font();
    f.setUnderline(highlighted);
    m_label->setFont(f);
}

void LayerFactorControl::updateModifiedLook()
{
    // A changed layer reads at a glance: bold label, blue like the scaled curves.
    const bool modified = m_value != m_scale.identity();
    QFont f = m_label->font();
    f.setBold(modified);
    m_label->setFont(f);
    QPalette pal = m_label->palette();
    pal.setColor(QPalette::WindowText,
                 modified ? ChartStyle::current() : palette().color(QPalette::WindowText));
    m_label->setPalette(pal);
}

void LayerFactorControl::mousePressEvent(QMouseEvent *event)
{
    emit clicked();
    QWidget::mousePressEvent(event);
}

}  // namespace mscope
