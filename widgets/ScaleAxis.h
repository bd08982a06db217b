// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCategoryAxis>
#include <functional>
#include <vector>

namespace mscope {

/// A chart axis in "axis coordinates" with labels placed where a reader wants them. Logarithmic
/// quantities are plotted as log10(value) on a linear axis, so zoom and pan are plain linear
/// moves, and the labels are chosen from nice values whatever the range: powers of two for
/// token counts, 1-2-5 per decade, or evenly spaced round numbers inside one decade (30, 35,
/// 40, 45 rather than a lone "32"). Labels never crowd: the densest set whose labels keep
/// `labelSpacing()` pixels apart is used. Relabels itself whenever the range changes.
class ScaleAxis : public QCategoryAxis
{
    Q_OBJECT

public:
    enum class Kind {
        Linear,     ///< value = coordinate
        Log10,      ///< coordinate = log10(value)
        LogTokens,  ///< coordinate = log10(value), labels at powers of two first ("256", "16k")
    };
    explicit ScaleAxis(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    /// Switches between linear and log (the chart re-fills its series in the new coordinates).
    void setKind(Kind kind);
    bool logarithmic() const { return m_kind != Kind::Linear; }
    /// Value to axis coordinate and back; values <= 0 on a log axis give NaN.
    double toAxis(double value) const;
    double fromAxis(double coordinate) const;
    /// How labels are written (default: 3 significant digits; tokens: "16k").
    void setFormatter(std::function<QString(double)> format);
    QString format(double value) const;
    /// The axis's length on screen, set by the chart when its plot area changes.
    void setPixelLength(double pixels);
    /// The labelled values for the current range (tests and exports).
    std::vector<double> tickValues() const { return m_ticks; }

    /// Nice tick values in [low, high] (values, not coordinates) for an axis `pixels` long whose
    /// labels need `spacing` pixels each. Exposed for tests.
    static std::vector<double> ticks(Kind kind, double low, double high, double pixels,
                                     double spacing);

private:
    void relabel();
    double labelSpacing() const;

    Kind m_kind;
    std::function<QString(double)> m_format;
    double m_pixels = 300.0;
    bool m_relabelling = false;
    std::vector<double> m_ticks;
};

}  // namespace mscope
