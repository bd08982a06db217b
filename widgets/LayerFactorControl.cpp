// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayerFactorControl.h"

#include "ChartStyle.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QSlider>
#include <QStyleOptionSlider>
#include <QVBoxLayout>
#include <algorithm>
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
    bool mixed = false;

    void refresh() { lineEdit()->setText(textFromValue(value())); }
    QString textFromValue(double value) const override
    {
        if (mixed)
            return QStringLiteral("–");
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

// A vertical fader with the numbers of its scale written left of the groove (0.25, 0.5, ...),
// thinned out when the fader is short.
class ScaledSlider : public QSlider
{
public:
    ScaledSlider() : QSlider(Qt::Vertical) {}
    FactorScale scale;

    int labelWidth() const
    {
        int w = 0;
        for (double v : scale.scaleLabels())
            w = std::max(w, fontMetrics().horizontalAdvance(scale.format(v)));
        return w + 4;
    }
    QSize sizeHint() const override
    {
        const QSize s = QSlider::sizeHint();
        return QSize(s.width() + labelWidth(), s.height());
    }
    QSize minimumSizeHint() const override
    {
        const QSize s = QSlider::minimumSizeHint();
        return QSize(s.width() + labelWidth(), s.height());
    }

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QSlider::paintEvent(event);
        QStyleOptionSlider opt;
        initStyleOption(&opt);
        const QRect groove =
            style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderGroove, this);
        const QRect handle =
            style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, this);
        const int span = groove.height() - handle.height();
        QPainter p(this);
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.8);
        p.setFont(f);
        p.setPen(palette().color(QPalette::PlaceholderText));
        const QFontMetrics fm(f);
        double lastY = 1e9;
        for (double v : scale.scaleLabels()) {
            const int position = scale.toSlider(v);
            const double y = groove.top() + handle.height() / 2.0 +
                             QStyle::sliderPositionFromValue(minimum(), maximum(), position, span,
                                                             opt.upsideDown);
            if (std::fabs(lastY - y) < fm.height() * 0.9)
                continue;
            lastY = y;
            p.drawText(QRectF(0, y - fm.height() / 2.0, labelWidth() - 2, fm.height()),
                       Qt::AlignRight | Qt::AlignVCenter, scale.format(v));
        }
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
    m_slider = new ScaledSlider;
    m_slider->setMinimumHeight(80);
    m_slider->setTickPosition(QSlider::TicksRight);
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
    static_cast<ScaledSlider *>(m_slider)->scale = scale;
    m_slider->updateGeometry();
    m_updating = true;
    m_slider->setRange(0, scale.sliderSteps());
    m_slider->setPageStep(scale.pageStep());
    m_slider->setSingleStep(scale.singleStep());
    m_slider->setTickInterval(scale.logarithmic() ? scale.sliderSteps() / 10 : scale.pageStep());
    auto *spin = static_cast<FactorSpinBox *>(m_spin);
    spin->infiniteTop = scale.family() == ModulationFamily::TauCap;
    m_spin->setDecimals(scale.decimals() + (scale.logarithmic() ? 1 : 0));
    m_spin->setRange(scale.minimum(),
                     spin->infiniteTop ? scale.maximum() * 1.0001 : scale.maximum());
    m_spin->setStepType(scale.logarithmic() ? QAbstractSpinBox::AdaptiveDecimalStepType
                                            : QAbstractSpinBox::DefaultStepType);
    m_spin->setSingleStep(scale.logarithmic() ? 0.1 : 0.01);
    m_updating = false;
    const QString tip = scale.explanation() + QStringLiteral("\n") + scale.keyboardHelp();
    m_slider->setToolTip(tip);
    m_spin->setToolTip(scale.explanation());
    setValue(scale.identity());
}

void LayerFactorControl::setValue(double factor)
{
    static_cast<FactorSpinBox *>(m_spin)->mixed = false;
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

void LayerFactorControl::setMixed(bool mixed)
{
    auto *spin = static_cast<FactorSpinBox *>(m_spin);
    if (spin->mixed == mixed)
        return;
    spin->mixed = mixed;
    spin->refresh();
}

bool LayerFactorControl::isMixed() const
{
    return static_cast<FactorSpinBox *>(m_spin)->mixed;
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
