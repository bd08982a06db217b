// SPDX-License-Identifier: GPL-3.0-or-later
#include "PasskeyHeatmap.h"

#include "ChartStyle.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace mscope {

PasskeyHeatmap::PasskeyHeatmap(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void PasskeyHeatmap::setAxes(const QVector<qint64> &lengths, const QVector<double> &depths)
{
    m_lengths = lengths;
    m_depths = depths;
    m_values = QVector<double>(lengths.size() * depths.size(), NAN);
    update();
}

void PasskeyHeatmap::setValue(int lengthIndex, int depthIndex, double value)
{
    if (lengthIndex < 0 || lengthIndex >= m_lengths.size() || depthIndex < 0 ||
        depthIndex >= m_depths.size())
        return;
    m_values[lengthIndex * m_depths.size() + depthIndex] = value;
    update(cellRect(lengthIndex, depthIndex));
}

double PasskeyHeatmap::value(int lengthIndex, int depthIndex) const
{
    if (lengthIndex < 0 || lengthIndex >= m_lengths.size() || depthIndex < 0 ||
        depthIndex >= m_depths.size())
        return NAN;
    return m_values[lengthIndex * m_depths.size() + depthIndex];
}

void PasskeyHeatmap::clearValues()
{
    std::fill(m_values.begin(), m_values.end(), NAN);
    update();
}

void PasskeyHeatmap::setScale(Scale scale)
{
    m_scale = scale;
    update();
}

void PasskeyHeatmap::setNllRange(double maxNll)
{
    m_maxNll = std::max(1e-6, maxNll);
    update();
}

void PasskeyHeatmap::setTitle(const QString &title)
{
    m_title = title;
    update();
}

QRect PasskeyHeatmap::plotRect() const
{
    const QFontMetrics fm(font());
    // Depth labels on the left ("100 %"), lengths under the cells, the title on top.
    const int left = fm.horizontalAdvance(QStringLiteral("100 %")) + 8;
    const int top = fm.height() + 6;
    const int bottom = fm.height() + 6;
    return rect().adjusted(left, top, -4, -bottom);
}

QRect PasskeyHeatmap::cellRect(int lengthIndex, int depthIndex) const
{
    const QRect plot = plotRect();
    if (m_lengths.isEmpty() || m_depths.isEmpty())
        return {};
    const double w = double(plot.width()) / m_lengths.size();
    const double h = double(plot.height()) / m_depths.size();
    const int x0 = plot.left() + int(std::lround(lengthIndex * w));
    const int x1 = plot.left() + int(std::lround((lengthIndex + 1) * w));
    const int y0 = plot.top() + int(std::lround(depthIndex * h));
    const int y1 = plot.top() + int(std::lround((depthIndex + 1) * h));
    return QRect(QPoint(x0, y0), QPoint(x1 - 1, y1 - 1));
}

QPair<int, int> PasskeyHeatmap::cellAt(const QPoint &pos) const
{
    const QRect plot = plotRect();
    if (!plot.contains(pos) || m_lengths.isEmpty() || m_depths.isEmpty())
        return {-1, -1};
    const int i = std::clamp(int((pos.x() - plot.left()) * m_lengths.size() / plot.width()), 0,
                             int(m_lengths.size()) - 1);
    const int j = std::clamp(int((pos.y() - plot.top()) * m_depths.size() / plot.height()), 0,
                             int(m_depths.size()) - 1);
    return {i, j};
}

QString PasskeyHeatmap::tooltipAt(const QPoint &pos) const
{
    const auto [i, j] = cellAt(pos);
    if (i < 0)
        return {};
    if (m_tooltip)
        return m_tooltip(i, j);
    return tr("%1 tokens, depth %2 %: %3")
        .arg(ChartStyle::tokenCount(double(m_lengths[i])))
        .arg(m_depths[j] * 100.0, 0, 'f', 0)
        .arg(valueText(value(i, j)));
}

QColor PasskeyHeatmap::colorFor(double value) const
{
    if (!std::isfinite(value))
        return palette().color(QPalette::Mid);
    // Dark where the model retrieves, in both scales: accuracy 1, or a key NLL near 0.
    const double good = m_scale == Scale::Accuracy ? std::clamp(value, 0.0, 1.0)
                                                   : 1.0 - std::clamp(value / m_maxNll, 0.0, 1.0);
    const QColor low(246, 246, 242), high = ChartStyle::current().darker(130);
    auto mix = [good](int a, int b) { return int(std::lround(a + (b - a) * good)); };
    return QColor(mix(low.red(), high.red()), mix(low.green(), high.green()),
                  mix(low.blue(), high.blue()));
}

QString PasskeyHeatmap::valueText(double value) const
{
    if (!std::isfinite(value))
        return QStringLiteral("…");
    return m_scale == Scale::Accuracy ? QString::number(value, 'f', 2)
                                      : QString::number(value, 'f', 2);
}

void PasskeyHeatmap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QFontMetrics fm(font());
    const QRect plot = plotRect();
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(0, 0, width(), fm.height() + 4), Qt::AlignCenter,
               fm.elidedText(m_title, Qt::ElideRight, width() - 4));
    if (m_lengths.isEmpty() || m_depths.isEmpty())
        return;
    for (int i = 0; i < m_lengths.size(); ++i) {
        for (int j = 0; j < m_depths.size(); ++j) {
            const QRect cell = cellRect(i, j);
            const double v = value(i, j);
            const QColor fill = colorFor(v);
            p.fillRect(cell, fill);
            p.setPen(fill.lightnessF() < 0.55 ? Qt::white : Qt::black);
            const QString text = valueText(v);
            if (fm.horizontalAdvance(text) + 2 <= cell.width() && fm.height() <= cell.height())
                p.drawText(cell, Qt::AlignCenter, text);
        }
    }
    p.setPen(palette().color(QPalette::Base));
    for (int i = 1; i < m_lengths.size(); ++i)
        p.drawLine(cellRect(i, 0).left(), plot.top(), cellRect(i, 0).left(), plot.bottom());
    for (int j = 1; j < m_depths.size(); ++j)
        p.drawLine(plot.left(), cellRect(0, j).top(), plot.right(), cellRect(0, j).top());
    p.setPen(palette().color(QPalette::Text));
    for (int j = 0; j < m_depths.size(); ++j) {
        const QRect cell = cellRect(0, j);
        p.drawText(QRect(0, cell.top(), plot.left() - 4, cell.height()),
                   Qt::AlignRight | Qt::AlignVCenter,
                   QStringLiteral("%1 %").arg(m_depths[j] * 100.0, 0, 'f', 0));
    }
    for (int i = 0; i < m_lengths.size(); ++i) {
        const QRect cell = cellRect(i, 0);
        const QString label = ChartStyle::tokenCount(double(m_lengths[i]), true);
        p.drawText(QRect(cell.left(), plot.bottom() + 2, cell.width(), fm.height() + 4),
                   Qt::AlignHCenter | Qt::AlignTop, label);
    }
}

bool PasskeyHeatmap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this,
                               cellRect(cellAt(help->pos()).first, cellAt(help->pos()).second));
        return true;
    }
    return QWidget::event(event);
}

QString PasskeyHeatmap::toCsv() const
{
    QString csv = m_scale == Scale::Accuracy ? QStringLiteral("length,depth,accuracy\n")
                                             : QStringLiteral("length,depth,mean_key_nll\n");
    for (int i = 0; i < m_lengths.size(); ++i)
        for (int j = 0; j < m_depths.size(); ++j)
            csv += QStringLiteral("%1,%2,%3\n")
                       .arg(m_lengths[i])
                       .arg(m_depths[j])
                       .arg(std::isfinite(value(i, j)) ? QString::number(value(i, j), 'g', 6)
                                                       : QString());
    return csv;
}

}  // namespace mscope
