// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QPen>
#include <QString>

class QChart;
class QLogValueAxis;
class QValueAxis;

namespace mscope {

/// The look shared by every chart: colours that mean the same thing in every view (baseline grey,
/// current modulation blue, training length orange, target length green), fonts, and the settings
/// live charts need (no animations).
class ChartStyle
{
public:
    static QColor baseline();
    static QColor current();
    static QColor pinned(int index);
    /// A qualitative colour per layer, distinguishable for up to 10 layers and cycling after.
    static QColor layer(int index);
    static QColor trainingLength();
    static QColor targetLength();

    static QPen markerPen(const QColor &color);
    /// Animations off, tight margins, legend on top, plain background.
    static void apply(QChart *chart);
    /// A log axis with plain numbers as labels (16, 256, 4096 rather than 1.6e+01).
    static QLogValueAxis *logAxis(const QString &title, double base = 2.0);
    static QValueAxis *valueAxis(const QString &title);
    /// "16,384" style, or "16k" when `compact`.
    static QString tokenCount(double tokens, bool compact = false);
    /// Decimal and short: 1000 -> "1k", 2.5e6 -> "2.5M", 0.01 -> "0.01".
    static QString compactNumber(double value);
    /// Picks the log axis base (2, 4 or 16) whose labels fit in `pixels` without eliding.
    static void fitLogBase(QLogValueAxis *axis, double min, double max, double pixels);
};

}  // namespace mscope
