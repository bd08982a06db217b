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

int FactorScale::sliderSteps() const
{
    if (m_log)
        return 1000;
    const double step = m_family == ModulationFamily::Winsorize ? 0.005 : 0.01;
    return int(std::lround((m_max - m_min) / step));
}

int FactorScale::singleStep() const
{
    return m_log ? 10 : 1;
}

int FactorScale::pageStep() const
{
    return m_log ? 100 : 10;
}

std::vector<double> FactorScale::scaleLabels() const
{
    switch (m_family) {
        case ModulationFamily::Power:
            return {0.01, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5};
        case ModulationFamily::Linear:
            return {0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0};
        case ModulationFamily::Delta:
            return {0.1, 0.3, 1.0, 3.0, 10.0};
        case ModulationFamily::Winsorize:
            return {0.0, 0.1, 0.2, 0.3, 0.4};
        case ModulationFamily::TauCap:
            return {0.125, 1.0, 8.0, 64.0, std::numeric_limits<double>::infinity()};
    }
    return {};
}

std::vector<double> FactorScale::sweepValues() const
{
    switch (m_family) {
        case ModulationFamily::Power:
            return {0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.0};
        case ModulationFamily::Linear:
            return {1.0, 2.0, 4.0, 8.0, 16.0, 32.0};
        case ModulationFamily::Delta:
            return {0.25, 0.5, 1.0, 2.0, 4.0};
        case ModulationFamily::Winsorize:
            return {0.0, 0.01, 0.02, 0.05, 0.1, 0.2};
        case ModulationFamily::TauCap:
            return {0.5, 1.0, 2.0, 4.0, 8.0, 16.0};
    }
    return {};
}

QString FactorScale::keyboardHelp() const
{
    if (m_log) {
        const double single = std::pow(m_max / m_min, double(singleStep()) / sliderSteps());
        const double page = std::pow(m_max / m_min, double(pageStep()) / sliderSteps());
        return tr("Keys: ↑/↓ (or the wheel) ×%1 or ÷%1, Page Up/Down ×%2 or ÷%2, Home/End "
                  "the ends; or type a value in the box below.")
            .arg(single, 0, 'f', 3)
            .arg(page, 0, 'f', 2);
    }
    const double position = (m_max - m_min) / sliderSteps();
    return tr("Keys: ↑/↓ (or the wheel) ±%1, Page Up/Down ±%2, Home/End the ends; or type a "
              "value in the box below.")
        .arg(position * singleStep(), 0, 'g', 3)
        .arg(position * pageStep(), 0, 'g', 3);
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
