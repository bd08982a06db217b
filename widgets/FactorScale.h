// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "modulation/Modulation.h"

#include <QCoreApplication>
#include <QString>
#include <vector>

namespace mscope {

/// How a modulation family's factor maps onto a slider: its range, whether the slider moves on a
/// log scale, what "no change" is, and how the value is written. Tau-cap's top position is +∞
/// (no cap).
class FactorScale
{
    Q_DECLARE_TR_FUNCTIONS(mscope::FactorScale)

public:
    static FactorScale forFamily(ModulationFamily family);

    ModulationFamily family() const { return m_family; }
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    double identity() const { return identityFactor(m_family); }
    bool logarithmic() const { return m_log; }
    int decimals() const { return m_decimals; }
    /// Slider positions run 0..sliderSteps(): 0.01 per position for power (0.005 for
    /// winsorize), so that every value the box shows can be reached by dragging; a thousand
    /// positions on the log scales.
    int sliderSteps() const;
    /// Positions per arrow key (and wheel notch) and per Page key.
    int singleStep() const;
    int pageStep() const;
    /// Values written beside the fader's scale.
    std::vector<double> scaleLabels() const;
    /// The All factors a factor sweep evaluates (identity included).
    std::vector<double> sweepValues() const;
    /// What the keys do, for the fader's tooltip.
    QString keyboardHelp() const;
    int toSlider(double factor) const;
    double fromSlider(int position) const;
    /// Into the range (+∞ stays for tau-cap).
    double clamp(double factor) const;
    QString format(double factor) const;
    /// One or two sentences on what the factor does, for tooltips.
    QString explanation() const;
    QString shortName() const;  // "power s", "α ×", ...

private:
    ModulationFamily m_family = ModulationFamily::Power;
    double m_min = 0.01;
    double m_max = 1.5;
    bool m_log = false;
    bool m_infiniteTop = false;
    int m_decimals = 2;
};

}  // namespace mscope
