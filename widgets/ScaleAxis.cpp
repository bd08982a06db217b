// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScaleAxis.h"

#include "ChartStyle.h"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// Multiples of `step` in [low, high], rounded so that 0.1 + 0.2 prints as 0.3.
std::vector<double> multiples(double low, double high, double step)
{
    std::vector<double> out;
    if (!(step > 0))
        return out;
    const double first = std::ceil(low / step - 1e-9);
    for (double k = first; k * step <= high * (1 + 1e-12) + 1e-300; k += 1.0) {
        out.push_back(k * step);
        if (out.size() > 400)
            break;
    }
    return out;
}

// The 1-2-5 steps from about (high-low)/60 upward, finest first.
std::vector<double> niceSteps(double low, double high)
{
    std::vector<double> steps;
    const double span = high - low;
    if (!(span > 0))
        return steps;
    const int e0 = int(std::floor(std::log10(span / 60.0)));
    for (int e = e0; e <= e0 + 3; ++e)
        for (double m : {1.0, 2.0, 2.5, 5.0})
            steps.push_back(m * std::pow(10.0, e));
    return steps;
}

}  // namespace

ScaleAxis::ScaleAxis(Kind kind, QObject *parent) : QCategoryAxis(parent), m_kind(kind)
{
    setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    setGridLineVisible(true);
    setMinorGridLineVisible(false);
    connect(this, &QValueAxis::rangeChanged, this, &ScaleAxis::relabel);
    connect(this, &QAbstractAxis::labelsFontChanged, this, &ScaleAxis::relabel);
    if (kind == Kind::LogTokens)
        m_format = [](double v) { return ChartStyle::tokenCount(v, true); };
}

void ScaleAxis::setKind(Kind kind)
{
    m_kind = kind;
    relabel();
}

double ScaleAxis::toAxis(double value) const
{
    if (m_kind == Kind::Linear)
        return value;
    return value > 0 ? std::log10(value) : NAN;
}

double ScaleAxis::fromAxis(double coordinate) const
{
    return m_kind == Kind::Linear ? coordinate : std::pow(10.0, coordinate);
}

void ScaleAxis::setFormatter(std::function<QString(double)> format)
{
    m_format = std::move(format);
    relabel();
}

QString ScaleAxis::format(double value) const
{
    if (m_format)
        return m_format(value);
    const double a = std::fabs(value);
    if (a >= 1e4)
        return ChartStyle::compactNumber(value);
    if (a != 0 && a < 1e-3)
        return QString::number(value, 'e', 0);
    return QString::number(value, 'g', 4);
}

void ScaleAxis::setPixelLength(double pixels)
{
    if (std::fabs(pixels - m_pixels) < 0.5 || pixels <= 0)
        return;
    m_pixels = pixels;
    relabel();
}

double ScaleAxis::labelSpacing() const
{
    const QFontMetricsF fm(labelsFont());
    if (orientation() == Qt::Vertical)
        return fm.height() * 1.6;
    const double lo = fromAxis(min()), hi = fromAxis(max());
    double widest = 0;
    for (double v : {lo, hi, (lo + hi) / 2})
        widest = std::max(widest, fm.horizontalAdvance(format(v)));
    return widest + fm.horizontalAdvance(QStringLiteral("000"));
}

std::vector<double> ScaleAxis::ticks(Kind kind, double low, double high, double pixels,
                                     double spacing)
{
    if (!(high > low) || !(pixels > 0) || !std::isfinite(low) || !std::isfinite(high))
        return {};
    const bool log = kind != Kind::Linear;
    if (log && low <= 0)
        return {};
    auto position = [&](double v) {
        return log ? (std::log10(v) - std::log10(low)) / (std::log10(high) - std::log10(low)) *
                         pixels
                   : (v - low) / (high - low) * pixels;
    };
    auto fits = [&](const std::vector<double> &t) {
        for (size_t i = 1; i < t.size(); ++i)
            if (position(t[i]) - position(t[i - 1]) < spacing)
                return false;
        return true;
    };
    if (!log) {
        for (double step : niceSteps(low, high)) {
            const auto t = multiples(low, high, step);
            if (t.size() >= 2 && fits(t))
                return t;
        }
        return multiples(low, high, niceSteps(low, high).back());
    }

    // Powers of two for token counts while at least three of them fit.
    if (kind == Kind::LogTokens) {
        const int k0 = int(std::ceil(std::log2(low) - 1e-9));
        const int k1 = int(std::floor(std::log2(high) + 1e-9));
        for (int every = 1; every <= 8; every *= 2) {
            std::vector<double> t;
            // Aligned to multiples of `every` so that 256, 4096 and 65536 stay labelled.
            for (int k = k0; k <= k1; ++k)
                if (k % every == 0)
                    t.push_back(std::exp2(k));
            if (t.size() >= 3 && fits(t))
                return t;
        }
    }
    std::vector<std::vector<double>> candidates;
    const int d0 = int(std::floor(std::log10(low))), d1 = int(std::ceil(std::log10(high)));
    auto decades = [&](std::initializer_list<double> mantissas, int every) {
        std::vector<double> t;
        for (int d = d0; d <= d1; ++d) {
            if (d % every != 0)
                continue;
            for (double m : mantissas) {
                const double v = m * std::pow(10.0, d);
                if (v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9))
                    t.push_back(v);
            }
        }
        return t;
    };
    candidates.push_back(decades({1, 2, 3, 4, 5, 6, 7, 8, 9}, 1));
    candidates.push_back(decades({1, 2, 5}, 1));
    candidates.push_back(decades({1, 3}, 1));
    for (int every : {1, 2, 3, 5, 10})
        candidates.push_back(decades({1}, every));
    // Inside a decade or two, evenly spaced round numbers read best.
    if (high / low < 30)
        for (double step : niceSteps(low, high))
            candidates.push_back(multiples(low, high, step));
    const std::vector<double> *best = nullptr;
    for (const auto &t : candidates)
        if (t.size() >= 2 && fits(t) && (!best || t.size() > best->size()))
            best = &t;
    if (best)
        return *best;
    // Nothing fits twice: one label in the middle of the range is better than none.
    const double mid = std::sqrt(low * high);
    const double e = std::pow(10.0, std::floor(std::log10(mid)));
    return {std::round(mid / e) * e};
}

void ScaleAxis::relabel()
{
    if (m_relabelling)
        return;
    m_relabelling = true;
    for (const QString &label : categoriesLabels())
        remove(label);
    const double lo = fromAxis(min()), hi = fromAxis(max());
    m_ticks = ticks(m_kind, lo, hi, m_pixels, labelSpacing());
    // A hair below the minimum, so that a tick exactly at the minimum is labelled too.
    setStartValue(min() - 1e-9 * std::max(1.0, max() - min()));
    QStringList used;
    for (double v : m_ticks) {
        const double c = toAxis(v);
        const QString label = format(v);
        if (!std::isfinite(c) || used.contains(label) || c <= startValue())
            continue;
        append(label, c);
        used << label;
    }
    m_relabelling = false;
}

}  // namespace mscope
