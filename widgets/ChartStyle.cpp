// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChartStyle.h"

#include <QChart>
#include <QFont>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLocale>
#include <QLogValueAxis>
#include <QValueAxis>
#include <array>
#include <cmath>

namespace mscope {

QColor ChartStyle::baseline()
{
    return QColor(0x70, 0x70, 0x70);
}

QColor ChartStyle::current()
{
    return QColor(0x1f, 0x6f, 0xc4);
}

QColor ChartStyle::pinned(int index)
{
    static const std::array<QColor, 6> colors{QColor(0xc4, 0x3c, 0x8e), QColor(0x2a, 0x9d, 0x8f),
                                              QColor(0x8c, 0x5a, 0xc8), QColor(0xb8, 0x86, 0x0b),
                                              QColor(0x6b, 0x8e, 0x23), QColor(0x8b, 0x45, 0x13)};
    return colors[size_t(std::abs(index)) % colors.size()];
}

QColor ChartStyle::layer(int index)
{
    // Tableau 10: readable on white and in print.
    static const std::array<QColor, 10> colors{QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b),
                                               QColor(0xe1, 0x57, 0x59), QColor(0x76, 0xb7, 0xb2),
                                               QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48),
                                               QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7),
                                               QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac)};
    return colors[size_t(std::abs(index)) % colors.size()];
}

QColor ChartStyle::trainingLength()
{
    return QColor(0xd9, 0x5f, 0x02);
}

QColor ChartStyle::targetLength()
{
    return QColor(0x1b, 0x9e, 0x77);
}

QPen ChartStyle::markerPen(const QColor &color)
{
    QPen pen(color, 1.5, Qt::DashLine);
    pen.setCosmetic(true);
    return pen;
}

void ChartStyle::apply(QChart *chart)
{
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTheme(QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    chart->legend()->setFont(legendFont);
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
}

QLogValueAxis *ChartStyle::logAxis(const QString &title, double base)
{
    auto *axis = new QLogValueAxis;
    axis->setBase(base);
    axis->setTitleText(title);
    axis->setLabelFormat(QStringLiteral("%g"));
    axis->setMinorTickCount(base == 10.0 ? 8 : 0);
    axis->setMinorGridLineVisible(base == 10.0);
    QColor minor = axis->minorGridLineColor();
    minor.setAlpha(60);
    axis->setMinorGridLineColor(minor);
    return axis;
}

QValueAxis *ChartStyle::valueAxis(const QString &title)
{
    auto *axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(QStringLiteral("%g"));
    return axis;
}

QString ChartStyle::tokenCount(double tokens, bool compact)
{
    if (!compact)
        return QLocale().toString(qint64(std::llround(tokens)));
    const double a = std::fabs(tokens);
    if (a >= 1e6 && std::fmod(a, 1 << 20) == 0)
        return QStringLiteral("%1M").arg(tokens / double(1 << 20), 0, 'g', 4);
    if (a >= 1e6)
        return QStringLiteral("%1M").arg(tokens / 1e6, 0, 'g', 3);
    // Lengths one short of a power of two (16,383 positions of a 16,384-token text) read as 16k.
    const double kibi = std::round(a / 1024.0) * 1024.0;
    if (a >= 1023 && std::fabs(a - kibi) <= 1.0)
        return QStringLiteral("%1k").arg((tokens < 0 ? -kibi : kibi) / 1024.0, 0, 'g', 4);
    if (a >= 1000)
        return QStringLiteral("%1k").arg(tokens / 1000.0, 0, 'g', 3);
    return QString::number(tokens, 'g', 4);
}

QString ChartStyle::compactNumber(double value)
{
    const double a = std::fabs(value);
    if (a >= 1e9)
        return QStringLiteral("%1G").arg(value / 1e9, 0, 'g', 3);
    if (a >= 1e6)
        return QStringLiteral("%1M").arg(value / 1e6, 0, 'g', 3);
    if (a >= 1e3)
        return QStringLiteral("%1k").arg(value / 1e3, 0, 'g', 3);
    return QString::number(value, 'g', 3);
}

void ChartStyle::fitLogBase(QLogValueAxis *axis, double min, double max, double pixels)
{
    if (min <= 0 || max <= min || pixels <= 0)
        return;
    const double octaves = std::log2(max / min);
    // About 46 pixels per label ("16384" in the default font, with a gap).
    double base = 2.0;
    if (pixels / std::max(1.0, octaves) < 46.0)
        base = 4.0;
    if (pixels / std::max(1.0, octaves / 2.0) < 46.0)
        base = 16.0;
    if (axis->base() != base)
        axis->setBase(base);
}

}  // namespace mscope
