// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calibration/Calibrator.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QSpinBox;

namespace mscope {

/// Asks how to calibrate: family, search method, target length and budget of forward passes,
/// with an estimate of the time it takes at the current speed.
class CalibrationDialog : public QDialog
{
    Q_OBJECT

public:
    /// `calibrationTexts` are shown (names); `tokensPerSecond` feeds the estimate (0 = unknown).
    CalibrationDialog(ModulationFamily family, int targetLength,
                      const QStringList &calibrationTexts, double tokensPerSecond,
                      QWidget *parent = nullptr);
    CalibrationOptions options() const;

private:
    void updateEstimate();

    QComboBox *m_family = nullptr;
    QComboBox *m_method = nullptr;
    QSpinBox *m_target = nullptr;
    QSpinBox *m_budget = nullptr;
    QSpinBox *m_iterations = nullptr;
    QSpinBox *m_seed = nullptr;
    QLabel *m_estimate = nullptr;
    double m_tokensPerSecond = 0.0;
};

}  // namespace mscope
