// SPDX-License-Identifier: GPL-3.0-or-later
#include "DivergingHeatmap.h"

#include "ViewExporter.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// Blue for negative, red for positive, white at 0 (ColorBrewer's RdBu ends): readable in print
// and by the common forms of colour blindness, unlike red against green.
const QColor kNegative(0x21, 0x66, 0xac);
const QColor kPositive(0xb2, 0x18, 0x2b);

QRgb mix(const QColor &a, const QColor &b, double u)
{
    return qRgb(int(std::lround(a.red() + (b.red() - a.red()) * u)),
                int(std::lround(a.green() + (b.green() - a.green()) * u)),
                int(std::lround(a.blue() + (b.blue() - a.blue()) * u)));
}

QString number(double v)
{
    return QString::number(v, 'g', 4);
}

}  // namespace

DivergingHeatmap::DivergingHeatmap(QWidget *parent) : ZoomableHeatmap(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_rowName = tr("layer");
    m_columnName = tr("channel");
}

void DivergingHeatmap::setValues(int rows, int columns, std::vector<double> values)
{
    if (rows <= 0 || columns <= 0 || values.size() != size_t(rows) * size_t(columns)) {
        clear();
        return;
    }
    const bool shapeChanged = rows != m_rows || columns != m_columns;
    m_rows = rows;
    m_columns = columns;
    m_values = std::move(values);
    // Saturate at the 99th percentile of |value|: one outlier must not leave the rest white.
    std::vector<double> magnitudes;
    magnitudes.reserve(m_values.size());
    for (double v : m_values)
        if (std::isfinite(v))
            magnitudes.push_back(std::fabs(v));
    m_limit = 0.0;
    if (!magnitudes.empty()) {
        const size_t k = std::min(magnitudes.size() - 1, size_t(0.99 * double(magnitudes.size())));
        std::nth_element(magnitudes.begin(), magnitudes.begin() + std::ptrdiff_t(k),
                         magnitudes.end());
        m_limit = magnitudes[k];
        if (m_limit <= 0.0)
            m_limit = *std::max_element(magnitudes.begin(), magnitudes.end());
    }
    if (shapeChanged || m_view1 <= m_view0) {
        m_view0 = 0.0;
        m_view1 = m_columns;
    }
    m_image = QImage();
    updateGeometry();
    update();
}

void DivergingHeatmap::clear()
{
    m_rows = m_columns = 0;
    m_values.clear();
    m_limit = 0.0;
    m_image = QImage();
    update();
}

void DivergingHeatmap::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void DivergingHeatmap::setAxisNames(const QString &rowPrefix, const QString &rowName,
                                    const QString &columnName)
{
    m_rowPrefix = rowPrefix;
    m_rowName = rowName;
    m_columnName = columnName;
    update();
}

void DivergingHeatmap::setMeanings(const QString &valueName, const QString &negative,
                                   const QString &positive)
{
    m_valueName = valueName;
    m_negative = negative;
    m_positive = positive;
    update();
}

void DivergingHeatmap::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

QRgb DivergingHeatmap::colourOf(double value) const
{
    if (!std::isfinite(value))
        return qRgb(0x80, 0x80, 0x80);
    if (m_limit <= 0.0 || value == 0.0)
        return qRgb(255, 255, 255);
    const double t = std::clamp(value / m_limit, -1.0, 1.0);
    return mix(Qt::white, t < 0 ? kNegative : kPositive, std::sqrt(std::fabs(t)));
}

QSize DivergingHeatmap::minimumSizeHint() const
{
    const QFontMetrics fm(font());
    return QSize(200, 4 * fm.height() + 28 + std::min(std::max(1, m_rows) * 8, 96));
}

QRect DivergingHeatmap::plotRect() const
{
    const QFontMetrics fm(font());
    const int top = fm.height() + 10;  // the title
    const int left = fm.horizontalAdvance(m_rowPrefix + QStringLiteral("000")) + 10;
    // Column ticks, the colour key, and its line of meanings.
    const int bottom = 3 * fm.height() + 22;
    return QRect(left, top, std::max(10, width() - left - 10),
                 std::max(10, height() - top - bottom));
}

QFont DivergingHeatmap::labelFont() const
{
    QFont f = font();
    const double rowHeight = double(plotRect().height()) / std::max(1, m_rows);
    const double wanted = std::max(7.0, std::min(double(QFontMetrics(f).height()), rowHeight));
    if (wanted < QFontMetrics(f).height())
        f.setPixelSize(std::max(7, int(std::floor(wanted * 0.8))));
    return f;
}

int DivergingHeatmap::labelStep() const
{
    if (m_rows <= 0)
        return 1;
    const double rowHeight = double(plotRect().height()) / m_rows;
    const double h = QFontMetrics(labelFont()).height() * 0.8;
    return std::max(1, int(std::ceil(h / std::max(rowHeight, 0.5))));
}

double DivergingHeatmap::columnAt(int x, const QRect &plot) const
{
    return m_view0 + double(x - plot.left()) / std::max(1, plot.width()) * (m_view1 - m_view0);
}

std::pair<int, int> DivergingHeatmap::cellAt(const QPoint &pos) const
{
    const QRect plot = plotRect();
    if (m_rows <= 0 || !plot.contains(pos))
        return {-1, -1};
    const int row =
        std::clamp(int(double(pos.y() - plot.top()) * m_rows / plot.height()), 0, m_rows - 1);
    const int column = int(std::floor(columnAt(pos.x(), plot)));
    if (column < 0 || column >= m_columns)
        return {-1, -1};
    return {row, column};
}

void DivergingHeatmap::rebuildImage()
{
    const QRect plot = plotRect();
    m_image = QImage(plot.size(), QImage::Format_RGB32);
    m_image.fill(Qt::white);
    if (m_rows <= 0)
        return;
    for (int y = 0; y < m_image.height(); ++y) {
        const int r = std::min(m_rows - 1, int(double(y) * m_rows / m_image.height()));
        auto *line = reinterpret_cast<QRgb *>(m_image.scanLine(y));
        for (int x = 0; x < m_image.width(); ++x) {
            // The pixel's range of columns: its largest |value| shows, so that a lone strong
            // channel stays visible when many channels share a pixel.
            const double c0 = m_view0 + double(x) / m_image.width() * (m_view1 - m_view0);
            const double c1 = m_view0 + double(x + 1) / m_image.width() * (m_view1 - m_view0);
            const int first = std::clamp(int(std::floor(c0)), 0, m_columns - 1);
            const int last = std::clamp(std::max(first, int(std::ceil(c1)) - 1), 0, m_columns - 1);
            double strongest = 0.0;
            for (int c = first; c <= last; ++c) {
                const double v = value(r, c);
                if (!std::isfinite(v) || std::fabs(v) > std::fabs(strongest))
                    strongest = v;
                if (!std::isfinite(v))
                    break;
            }
            line[x] = colourOf(strongest);
        }
    }
}

void DivergingHeatmap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    const QFontMetrics fm(font());
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.setPen(QColor(0x20, 0x20, 0x20));
    p.drawText(QRect(4, 4, width() - 8, fm.height() + 4), Qt::AlignHCenter | Qt::AlignVCenter,
               QFontMetrics(titleFont).elidedText(m_title, Qt::ElideRight, width() - 8));
    p.setFont(font());
    if (m_rows <= 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(8, fm.height() + 12, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                   m_placeholder);
        return;
    }

    const QRect plot = plotRect();
    if (m_image.size() != plot.size())
        rebuildImage();
    p.drawImage(plot.topLeft(), m_image);
    const double rowHeight = double(plot.height()) / m_rows;
    p.setPen(QColor(0xd8, 0xd8, 0xd8));
    for (int r = 1; r < m_rows; ++r) {
        const int y = plot.top() + int(std::lround(r * rowHeight));
        p.drawLine(plot.left(), y, plot.right(), y);
    }
    p.setPen(QColor(0x80, 0x80, 0x80));
    p.drawRect(plot.adjusted(0, 0, -1, -1));

    // Row labels: every row unless rows are shorter than a 7-pixel font (then the key says so).
    const int step = labelStep();
    p.setPen(QColor(0x30, 0x30, 0x30));
    p.setFont(labelFont());
    for (int r = 0; r < m_rows; r += step)
        p.drawText(QRectF(0, plot.top() + r * rowHeight, plot.left() - 6, rowHeight),
                   Qt::AlignRight | Qt::AlignVCenter | Qt::TextDontClip,
                   m_rowPrefix + QString::number(r));
    p.setFont(font());

    // Column ticks: first, last and a few between, at whole columns.
    const double span = m_view1 - m_view0;
    const int wanted =
        std::max(2, plot.width() / (fm.horizontalAdvance(QStringLiteral("0000")) + 24));
    const double rawStep = span / wanted;
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(rawStep, 1.0))));
    double tickStep = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= rawStep) {
            tickStep = m * magnitude;
            break;
        }
    for (double c = std::ceil(m_view0 / tickStep) * tickStep; c < m_view1; c += tickStep) {
        const double x = plot.left() + (c + 0.5 - m_view0) / span * plot.width();
        if (x < plot.left() || x > plot.right())
            continue;
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
        const QString label = QString::number(int(c));
        const int w = fm.horizontalAdvance(label);
        p.drawText(QPointF(std::clamp(x - w / 2.0, 0.0, double(width() - w)),
                           plot.bottom() + 6 + fm.ascent()),
                   label);
    }

    // The key: a bar from −limit to +limit, its ends and 0 labelled, then what the signs mean.
    const int keyY = plot.bottom() + fm.height() + 10;
    const QString low = number(-m_limit), high = number(m_limit);
    const int barLeft = plot.left() + fm.horizontalAdvance(low) + 6;
    const int barRight = plot.right() - fm.horizontalAdvance(high) - 6;
    const int barWidth = std::max(10, barRight - barLeft);
    for (int x = 0; x < barWidth; ++x) {
        const double v = m_limit * (2.0 * (x + 0.5) / barWidth - 1.0);
        p.setPen(QColor(colourOf(v)));
        p.drawLine(barLeft + x, keyY + 2, barLeft + x, keyY + fm.height() - 2);
    }
    p.setPen(QColor(0x30, 0x30, 0x30));
    p.drawText(QRect(plot.left(), keyY, barLeft - plot.left() - 4, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, low);
    p.drawText(QRect(barLeft + barWidth + 4, keyY, width() - barLeft - barWidth - 4, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, high);
    p.drawText(QRect(barLeft, keyY, barWidth, fm.height()), Qt::AlignCenter, QStringLiteral("0"));
    QString key = tr("%1 · blue: %2 · red: %3 · saturates at the 99th percentile of |value|")
                      .arg(m_valueName, m_negative, m_positive);
    if (step > 1)
        key = tr("labels: one %1 in %2 · ").arg(m_rowName).arg(step) + key;
    p.setPen(QColor(0x60, 0x60, 0x60));
    p.drawText(QRect(4, keyY + fm.height() + 2, width() - 8, fm.height()), Qt::AlignHCenter,
               fm.elidedText(key, Qt::ElideRight, width() - 8));

    // The readout, while the pointer rests on a cell.
    const QString readout = currentReadout();
    if (!readout.isEmpty())
        paintReadout(p, readout);
}

QString DivergingHeatmap::readoutAt(const QPoint &pos) const
{
    const auto [row, column] = cellAt(pos);
    if (row < 0)
        return QString();
    const double v = value(row, column);
    const QString meaning = v < 0 ? m_negative : v > 0 ? m_positive : QString();
    QString text = tr("<b>%1 %2, %3 %4</b><br>%5 = %6")
                       .arg(m_rowName)
                       .arg(row)
                       .arg(m_columnName)
                       .arg(column)
                       .arg(m_valueName.toHtmlEscaped())
                       .arg(QString::number(v, 'g', 6));
    if (!meaning.isEmpty())
        text += QStringLiteral("<br>") + meaning.toHtmlEscaped();
    return text;
}

void DivergingHeatmap::resetZoom()
{
    m_view0 = 0.0;
    m_view1 = m_columns;
    m_image = QImage();
    update();
}

void DivergingHeatmap::zoomAt(double x, double factor)
{
    const double c = columnAt(int(x), plotRect());
    double a = c - (c - m_view0) / factor, b = c + (m_view1 - c) / factor;
    if (b - a < 4.0 || factor <= 0)
        return;
    a = std::max(0.0, a);
    b = std::min(double(m_columns), b);
    m_view0 = a;
    m_view1 = b;
    m_image = QImage();
    update();
}

void DivergingHeatmap::panBy(double fraction)
{
    const double shift = std::clamp(-fraction * (m_view1 - m_view0), -m_view0, m_columns - m_view1);
    m_view0 += shift;
    m_view1 += shift;
    m_image = QImage();
}

QString DivergingHeatmap::toCsv() const
{
    QString out = ViewExporter::csvLine({m_rowName, m_columnName, m_valueName});
    for (int r = 0; r < m_rows; ++r)
        for (int c = 0; c < m_columns; ++c)
            out += ViewExporter::csvLine(
                {QString::number(r), QString::number(c), QString::number(value(r, c), 'g', 17)});
    return out;
}

}  // namespace mscope
