// SPDX-License-Identifier: GPL-3.0-or-later
#include "FactorScale.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

FactorScale FactorScale::forFamily(ModulationFamily family)
{
    FactorScale s;
    s.m_family = family;
    switch (family) {
        case ModulationFamily::Power:
            // The paper searches [0.01, 1]; a little above 1 shows the opposite effect.
            s.m_min = 0.01;
            s.m_max = 1.5;
            s.m_decimals = 2;
            break;
        case ModulationFamily::Linear:
            s.m_min = 0.1;
            s.m_max = 100.0;
            s.m_log = true;
            s.m_decimals = 2;
            break;
        case ModulationFamily::Delta:
            s.m_min = 0.1;
            s.m_max = 10.0;
            s.m_log = true;
            s.m_decimals = 2;
            break;
        case ModulationFamily::Winsorize:
            s.m_min = 0.0;
            s.m_max = 0.45;
            s.m_decimals = 3;
            break;
        case ModulationFamily::TauCap:
            s.m_min = 0.125;
            s.m_max = 64.0;
            s.m_log = true;
            s.m_infiniteTop = true;
            s.m_decimals = 2;
            break;
    }
    return s;
}

int FactorScale::toSlider(double factor) const
{
    if (m_infiniteTop && (std::isinf(factor) || factor > m_max))
        return sliderSteps();
    const int usable = m_infiniteTop ? sliderSteps() - 1 : sliderSteps();
    const double f = std::clamp(factor, m_min, m_max);
    const double u =
        m_log ? std::log(f / m_min) / std::log(m_max / m_min) : (f - m_min) / (m_max - m_min);
    return int(std::lround(u * usable));
}

double FactorScale::fromSlider(int position) const
{
    if (m_infiniteTop && position >= sliderSteps())
        return std::numeric_limits<double>::infinity();
    // "Unchanged" must be reachable exactly: a slider put back reads as no modulation.
    if (!std::isinf(identity()) && position == toSlider(identity()))
        return identity();
    const int usable = m_infiniteTop ? sliderSteps() - 1 : sliderSteps();
    const double u = std::clamp(double(position) / usable, 0.0, 1.0);
    double f = m_log ? m_min * std::pow(m_max / m_min, u) : m_min + u * (m_max - m_min);
    // Round to what the spin box shows, so slider and number always agree.
    const double digits =
        m_log ? std::max(0.0, m_decimals - std::floor(std::log10(f))) : m_decimals;
    const double q = std::pow(10.0, std::min(digits, 6.0));
    f = std::round(f * q) / q;
    return std::clamp(f, m_min, m_max);
}

double FactorScale::clamp(double factor) const
{
    if (m_infiniteTop && (std::isinf(factor) || factor > m_max))
        return std::numeric_limits<double>::infinity();
    if (std::isnan(factor))
        return identity();
    return std::clamp(factor, m_min, m_max);
}

QString FactorScale::format(double factor) const
{
    if (std::isinf(factor))
        return QStringLiteral("∞");
    if (m_log)
        return QString::number(factor, 'g', 3);
    return QString::number(factor, 'f', m_decimals);
}

QString FactorScale::explanation() const
{
    switch (m_family) {
        case ModulationFamily::Power:
            return tr(
                "Power scaling (the paper's method): α' = α^s. Below 1 it pulls every decay rate "
                "toward 1, so modes that remember too long forget sooner. 1 = unchanged.");
        case ModulationFamily::Linear:
            return tr(
                "Linear scaling: α' = s·α. Above 1 every mode forgets s times faster. "
                "1 = unchanged.");
        case ModulationFamily::Delta:
            return tr(
                "Δ scaling (MambaExtend): Δ' = s·Δ, the step size after the softplus. Cannot be "
                "baked into a checkpoint. 1 = unchanged.");
        case ModulationFamily::Winsorize:
            return tr(
                "Winsorization: clip each layer's eigenvalues λ to their own [q, 1−q] quantiles. "
                "0 = unchanged.");
        case ModulationFamily::TauCap:
            return tr(
                "τ cap: make every mode forget within c × the training length (needs Δ "
                "statistics). ∞ = unchanged.");
    }
    return {};
}

QString FactorScale::shortName() const
{
    switch (m_family) {
        case ModulationFamily::Power:
            return tr("power s");
        case ModulationFamily::Linear:
            return tr("α ×");
        case ModulationFamily::Delta:
            return tr("Δ ×");
        case ModulationFamily::Winsorize:
            return tr("quantile q");
        case ModulationFamily::TauCap:
            return tr("τ ≤ c·L");
    }
    return {};
}

}  // namespace mscope
