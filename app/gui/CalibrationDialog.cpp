// SPDX-License-Identifier: GPL-3.0-or-later
#include "CalibrationDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace mscope {

CalibrationDialog::CalibrationDialog(ModulationFamily family, int targetLength,
                                     const QStringList &calibrationTexts, double tokensPerSecond,
                                     QWidget *parent)
    : QDialog(parent), m_tokensPerSecond(tokensPerSecond)
{
    setWindowTitle(tr("Calibrate the scaling"));
    auto *layout = new QVBoxLayout(this);
    auto *intro =
        new QLabel(tr("Searches one factor per layer that minimizes perplexity at the "
                      "target length on the calibration texts (never the evaluation "
                      "text). The sliders follow the best point found; Stop keeps it."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_family = new QComboBox;
    m_family->addItem(tr("Power (the paper's method)"), int(ModulationFamily::Power));
    m_family->addItem(tr("Linear"), int(ModulationFamily::Linear));
    m_family->addItem(tr("Δ scaling"), int(ModulationFamily::Delta));
    const int index = m_family->findData(int(family));
    m_family->setCurrentIndex(index >= 0 ? index : 0);
    m_method = new QComboBox;
    m_method->addItem(tr("SPSA (as in the paper)"), int(CalibrationOptions::Method::Spsa));
    m_method->addItem(tr("Coordinate search (golden section per layer)"),
                      int(CalibrationOptions::Method::Coordinate));
    m_target = new QSpinBox;
    m_target->setRange(64, 1 << 22);
    m_target->setSingleStep(1024);
    m_target->setGroupSeparatorShown(true);
    m_target->setSuffix(tr(" tokens"));
    m_target->setValue(targetLength);
    m_budget = new QSpinBox;
    m_budget->setRange(4, 100000);
    m_budget->setValue(200);
    m_budget->setSuffix(tr(" forward passes"));
    m_budget->setToolTip(
        tr("Forward passes of the target length over the whole search; both "
           "methods get the same budget so they can be compared."));
    m_iterations = new QSpinBox;
    m_iterations->setRange(1, 10000);
    m_iterations->setValue(30);
    m_iterations->setToolTip(tr("SPSA iterations (the paper uses 30)."));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(0);
    QStringList names;
    for (const QString &t : calibrationTexts)
        names << QFileInfo(t).fileName();
    auto *texts =
        new QLabel(names.isEmpty() ? tr("none ticked") : names.join(QStringLiteral(", ")));
    texts->setWordWrap(true);
    form->addRow(tr("&Family:"), m_family);
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&Target length:"), m_target);
    form->addRow(tr("&Budget:"), m_budget);
    form->addRow(tr("SPSA &iterations:"), m_iterations);
    form->addRow(tr("&Seed:"), m_seed);
    form->addRow(tr("Texts:"), texts);
    layout->addLayout(form);
    // Said plainly: the search does not start from the faders.
    auto *start = new QLabel(
        tr("The search starts from its own point, not from the faders: SPSA from random "
           "factors between 0.75 and 1 (set by the seed), coordinate search from the model as "
           "loaded. The faders follow the best point found."));
    start->setWordWrap(true);
    start->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(start);
    m_estimate = new QLabel;
    m_estimate->setWordWrap(true);
    layout->addWidget(m_estimate);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Calibrate"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    for (QSpinBox *s : {m_target, m_budget})
        connect(s, &QSpinBox::valueChanged, this, &CalibrationDialog::updateEstimate);
    updateEstimate();
}

void CalibrationDialog::updateEstimate()
{
    const double tokens = double(m_budget->value()) * m_target->value();
    QString text = tr("About %1 million tokens through the model").arg(tokens / 1e6, 0, 'f', 1);
    if (m_tokensPerSecond > 0) {
        const double seconds = tokens / m_tokensPerSecond;
        text += seconds < 120
                    ? tr(", roughly %1 s at the current speed.").arg(std::ceil(seconds))
                    : tr(", roughly %1 min at the current speed.").arg(std::ceil(seconds / 60));
    } else {
        text += QLatin1Char('.');
    }
    m_estimate->setText(text);
}

CalibrationOptions CalibrationDialog::options() const
{
    CalibrationOptions o;
    o.family = ModulationFamily(m_family->currentData().toInt());
    o.method = CalibrationOptions::Method(m_method->currentData().toInt());
    o.targetLength = m_target->value();
    o.budget = m_budget->value();
    o.iterations = m_iterations->value();
    o.seed = uint64_t(m_seed->value());
    return o;
}

}  // namespace mscope
