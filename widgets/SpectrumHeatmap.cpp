// SPDX-License-Identifier: GPL-3.0-or-later
#include "SpectrumHeatmap.h"

#include "ChartStyle.h"
#include "ScaleAxis.h"
#include "SpectrumQuantityName.h"
#include "ViewExporter.h"

#include <QKeyEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// White for "no modes here" so that the map reads like ink on paper; grey ink for the model as
// loaded and blue ink for the scaled one, the colours of the curves in the other charts.
QRgb ink(double t, bool scaled)
{
    t = std::clamp(t, 0.0, 1.0);
    const QColor dark = scaled ? QColor(0x0b, 0x3d, 0x91) : QColor(0x26, 0x26, 0x26);
    const QColor mid = scaled ? QColor(0x6f, 0xa8, 0xdc) : QColor(0xa0, 0xa0, 0xa0);
    auto mix = [](const QColor &a, const QColor &b, double u) {
        return qRgb(int(a.red() + (b.red() - a.red()) * u),
                    int(a.green() + (b.green() - a.green()) * u),
                    int(a.blue() + (b.blue() - a.blue()) * u));
    };
    if (t <= 0.0)
        return qRgb(255, 255, 255);
    if (t < 0.5)
        return mix(QColor(0xf4, 0xf6, 0xf8), mid, t / 0.5);
    return mix(mid, dark, (t - 0.5) / 0.5);
}

}  // namespace

SpectrumHeatmap::SpectrumHeatmap(QWidget *parent) : ZoomableHeatmap(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    // No tooltip: the crosshair readout is the map's hover text.
    setWhatsThis(
        tr("Each row is a layer; across, the memory τ of its modes (how many tokens a mode "
           "remembers) on a log axis; darker = more modes. Modes right of the training "
           "length remember longer than anything seen in training.") +
        tr(" With a scaling, the upper half of a row is the model as loaded (grey), the "
           "lower half the scaled model (blue). The column on the right gives the share of "
           "modes beyond the training length. Click a row to see that layer in detail."));
}

void SpectrumHeatmap::setDensities(const SpectrumDensity &original,
                                   const SpectrumDensity &modulated)
{
    const bool axisChanged = original.quantity != m_original.quantity ||
                             original.axisMin != m_original.axisMin ||
                             original.axisMax != m_original.axisMax;
    m_original = original;
    m_modulated = modulated;
    if (m_selected >= m_original.layers())
        m_selected = m_original.layers() - 1;
    if (axisChanged)
        m_zoomed = false;
    if (!m_zoomed)
        fitView();
    m_image = QImage();
    updateGeometry();  // the minimum height follows the number of layers
    update();
}

QSize SpectrumHeatmap::minimumSizeHint() const
{
    // Every layer's row at least as tall as the smallest label font.
    const QFontMetrics fm(font());
    const int rows = std::max(1, m_original.layers());
    return QSize(220, 2 * fm.height() + 12 + 2 * fm.height() + 16 + std::min(rows * 11, 240));
}

void SpectrumHeatmap::fitView()
{
    m_view0 = m_original.axisMin;
    m_view1 = m_original.axisMax;
    if (m_original.isEmpty() || m_original.bins <= 0)
        return;
    int first = m_original.bins, last = -1;
    for (const SpectrumDensity *d : {&m_original, &m_modulated})
        for (const auto &row : d->share)
            for (int b = 0; b < int(row.size()); ++b)
                if (row[size_t(b)] > 0) {
                    first = std::min(first, b);
                    last = std::max(last, b);
                }
    if (last < first)
        return;
    m_view0 = m_original.binLow(std::max(0, first - 1));
    m_view1 = m_original.binHigh(std::min(m_original.bins - 1, last + 1));
    if (m_original.quantity == SpectrumQuantity::Tau)
        for (double tokens : {m_trainingLength, m_targetLength})
            if (tokens > 0) {
                m_view0 = std::min(m_view0, m_original.coordinate(tokens) - 0.1);
                m_view1 = std::max(m_view1, m_original.coordinate(tokens) + 0.1);
            }
}

void SpectrumHeatmap::resetZoom()
{
    m_zoomed = false;
    fitView();
    m_image = QImage();
    update();
}

void SpectrumHeatmap::zoomAt(double x, double factor)
{
    const QRect plot = plotRect();
    const double c = coordinateAt(int(x), plot);
    const double a = c - (c - m_view0) / factor, b = c + (m_view1 - c) / factor;
    if (b - a < 1e-3 * (m_original.axisMax - m_original.axisMin) || factor <= 0)
        return;
    m_view0 = a;
    m_view1 = b;
    m_zoomed = true;
    m_image = QImage();
    update();
}

double SpectrumHeatmap::xOf(double coordinate, const QRect &plot) const
{
    return plot.left() + (coordinate - m_view0) / (m_view1 - m_view0) * plot.width();
}

double SpectrumHeatmap::coordinateAt(int x, const QRect &plot) const
{
    return m_view0 + double(x - plot.left()) / std::max(1, plot.width()) * (m_view1 - m_view0);
}

QFont SpectrumHeatmap::labelFont() const
{
    // As large as the rows allow, down to 7 pixels; rows shorter than that skip labels.
    QFont f = font();
    const int layers = std::max(1, m_original.layers());
    const double rowHeight = double(plotRect().height()) / layers;
    const double wanted = std::max(7.0, std::min(double(QFontMetrics(f).height()), rowHeight));
    if (wanted < QFontMetrics(f).height())
        f.setPixelSize(std::max(7, int(std::floor(wanted * 0.8))));
    return f;
}

int SpectrumHeatmap::labelStep() const
{
    const int layers = m_original.layers();
    if (layers <= 0)
        return 1;
    const double rowHeight = double(plotRect().height()) / layers;
    const double h = QFontMetrics(labelFont()).height() * 0.8;
    return std::max(1, int(std::ceil(h / std::max(rowHeight, 0.5))));
}

QString SpectrumHeatmap::title() const
{
    return m_original.isEmpty() ? tr("Spectrum per layer")
                                : tr("Spectrum per layer — %1%2")
                                      .arg(spectrumQuantityName(m_original.quantity),
                                           m_original.logarithmic ? tr(", log scale") : QString());
}

QStringList SpectrumHeatmap::overflowingTexts() const
{
    QFont titleFont = font();
    titleFont.setBold(true);
    const QFontMetrics fm(titleFont);
    // The title falls back to shorter forms; only the shortest may not fit.
    if (fm.horizontalAdvance(tr("Spectrum")) > width() - 8)
        return {tr("Spectrum")};
    return {};
}

void SpectrumHeatmap::setTrainingLength(double tokens)
{
    m_trainingLength = tokens;
    if (!m_zoomed)
        fitView();
    m_image = QImage();
    update();
}

void SpectrumHeatmap::setTargetLength(double tokens)
{
    m_targetLength = tokens;
    if (!m_zoomed)
        fitView();
    m_image = QImage();
    update();
}

void SpectrumHeatmap::setSelectedLayer(int layer)
{
    if (layer == m_selected)
        return;
    m_selected = layer;
    update();
}

void SpectrumHeatmap::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

QRect SpectrumHeatmap::plotRect() const
{
    const QFontMetrics fm(font());
    const int top = 2 * fm.height() + 12;  // title, then the marker labels
    const int left = fm.horizontalAdvance(QStringLiteral("L000")) + 10;
    const bool shares =
        m_original.quantity == SpectrumQuantity::Tau && !m_original.shareAbove.empty();
    const int right = shares ? fm.horizontalAdvance(QStringLiteral("100% → 100%")) + 14 : 10;
    // Tick labels and the axis title; the one-line key under them only when rows stay tall.
    const int layers = std::max(1, m_original.layers());
    const bool key = height() - top - (3 * fm.height() + 16) >= layers * 16;
    const int bottom = (key ? 3 : 2) * fm.height() + 16;
    return QRect(left, top, std::max(10, width() - left - right),
                 std::max(10, height() - top - bottom));
}

int SpectrumHeatmap::layerAt(const QPoint &pos) const
{
    const QRect plot = plotRect();
    if (m_original.isEmpty() || !plot.contains(pos))
        return -1;
    return std::clamp(int(double(pos.y() - plot.top()) * m_original.layers() / plot.height()), 0,
                      m_original.layers() - 1);
}

void SpectrumHeatmap::rebuildImage()
{
    const QRect plot = plotRect();
    const int layers = m_original.layers();
    m_image = QImage(plot.size(), QImage::Format_RGB32);
    m_image.fill(Qt::white);
    if (layers == 0)
        return;
    const int rowsPerLayer = split() ? 2 : 1;
    const int rows = layers * rowsPerLayer;
    // Each half-row scaled to its own maximum: the shape of every layer's spectrum shows, however
    // concentrated; the square root lifts the tails.
    std::vector<float> rowMax(size_t(rows), 0.0f);
    auto rowShare = [&](int row) -> const std::vector<float> & {
        const int layer = row / rowsPerLayer;
        const bool scaled = split() && row % 2 == 1;
        return scaled ? m_modulated.share[size_t(layer)] : m_original.share[size_t(layer)];
    };
    for (int r = 0; r < rows; ++r) {
        const auto &share = rowShare(r);
        rowMax[size_t(r)] = share.empty() ? 0.0f : *std::max_element(share.begin(), share.end());
    }
    const int bins = m_original.bins;
    for (int y = 0; y < m_image.height(); ++y) {
        const int r = std::min(rows - 1, int(double(y) * rows / m_image.height()));
        const auto &share = rowShare(r);
        const bool scaled = split() && r % 2 == 1;
        auto *line = reinterpret_cast<QRgb *>(m_image.scanLine(y));
        for (int x = 0; x < m_image.width(); ++x) {
            const double c = m_view0 + (x + 0.5) / m_image.width() * (m_view1 - m_view0);
            const int b = int(std::floor((c - m_original.axisMin) /
                                         (m_original.axisMax - m_original.axisMin) * bins));
            if (b < 0 || b >= bins) {
                line[x] = qRgb(255, 255, 255);
                continue;
            }
            const double v = rowMax[size_t(r)] > 0 ? share[size_t(b)] / rowMax[size_t(r)] : 0.0;
            line[x] = ink(std::sqrt(v), scaled);
        }
    }
}

QString SpectrumHeatmap::tickLabel(double value) const
{
    return ChartStyle::compactNumber(value);
}

void SpectrumHeatmap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QFontMetrics fm(font());
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.setPen(QColor(0x20, 0x20, 0x20));
    const bool tau = m_original.quantity == SpectrumQuantity::Tau;
    // The fullest title that fits: never elided.
    QString title = this->title();
    for (const QString &t : {title, tr("Spectrum per layer"), tr("Spectrum")})
        if (QFontMetrics(titleFont).horizontalAdvance(t) <= width() - 8) {
            title = t;
            break;
        }
    if (QFontMetrics(titleFont).horizontalAdvance(title) > width() - 8)
        title = tr("Spectrum");
    p.drawText(QRect(0, 4, width(), fm.height() + 4), Qt::AlignHCenter | Qt::AlignVCenter, title);
    p.setFont(font());

    if (m_original.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   m_placeholder.isEmpty() ? tr("No model loaded") : m_placeholder);
        return;
    }

    const QRect plot = plotRect();
    if (m_image.size() != plot.size())
        rebuildImage();
    p.drawImage(plot.topLeft(), m_image);

    auto xOf = [&](double coordinate) { return this->xOf(coordinate, plot); };
    // Past the training length: a light wash, the same as in the perplexity chart.
    if (tau && m_trainingLength > 0) {
        const double x0 = std::clamp(xOf(std::log10(m_trainingLength)), double(plot.left()),
                                     double(plot.right()));
        QColor wash = ChartStyle::trainingLength();
        wash.setAlpha(28);
        p.fillRect(QRectF(x0, plot.top(), plot.right() - x0, plot.height()), wash);
    }

    const int layers = m_original.layers();
    const double rowHeight = double(plot.height()) / layers;
    p.setPen(QColor(0xd8, 0xd8, 0xd8));
    for (int l = 1; l < layers; ++l) {
        const int y = plot.top() + int(std::lround(l * rowHeight));
        p.drawLine(plot.left(), y, plot.right(), y);
    }

    p.setRenderHint(QPainter::Antialiasing, true);
    // The training label goes left of its line and the target label right of its own, so the
    // two never collide.
    auto marker = [&](double tokens, const QColor &color, const QString &label, bool leftOfLine) {
        if (!tau || tokens <= 0)
            return;
        const double x = xOf(std::log10(tokens));
        if (x < plot.left() || x > plot.right())
            return;
        QPen pen(color, 1.6, Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        p.setPen(color.darker(115));
        const int w = fm.horizontalAdvance(label);
        const double lx = std::clamp(leftOfLine ? x - w - 3 : x + 3, 0.0, double(width() - w));
        p.drawText(QPointF(lx, plot.top() - 3), label);
    };
    marker(m_trainingLength, ChartStyle::trainingLength(),
           tr("training %1").arg(ChartStyle::tokenCount(m_trainingLength, true)), true);
    marker(m_targetLength, ChartStyle::targetLength(),
           tr("target %1").arg(ChartStyle::tokenCount(m_targetLength, true)), false);

    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QColor(0x80, 0x80, 0x80));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot.adjusted(0, 0, -1, -1));

    // Layer labels: every layer, in a smaller font when rows are short; thinned out (and said
    // so under the map) only when rows are shorter than a 7-pixel font.
    const int labelStep = this->labelStep();
    p.setPen(QColor(0x30, 0x30, 0x30));
    p.setFont(labelFont());
    for (int l = 0; l < layers; l += labelStep) {
        const QRectF row(0, plot.top() + l * rowHeight, plot.left() - 6, rowHeight);
        p.drawText(row, Qt::AlignRight | Qt::AlignVCenter | Qt::TextDontClip, tr("L%1").arg(l));
    }

    // Share of modes beyond the training length, as loaded → scaled.
    if (tau && !m_original.shareAbove.empty()) {
        const QRect column(plot.right() + 8, plot.top(), width() - plot.right() - 10,
                           plot.height());
        p.setPen(QColor(0x50, 0x50, 0x50));
        p.drawText(QRect(column.left(), plot.top() - fm.height() - 2, column.width(), fm.height()),
                   Qt::AlignLeft, tr("τ > train"));
        for (int l = 0; l < layers; l += labelStep) {
            QString text =
                QStringLiteral("%1%").arg(100.0 * m_original.shareAbove[size_t(l)], 0, 'f', 0);
            if (split() && l < int(m_modulated.shareAbove.size()))
                text += QStringLiteral(" → %1%").arg(100.0 * m_modulated.shareAbove[size_t(l)], 0,
                                                     'f', 0);
            const QRectF row(column.left(), plot.top() + l * rowHeight, column.width(), rowHeight);
            p.drawText(row, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, text);
        }
    }
    p.setFont(font());

    if (m_selected >= 0 && m_selected < layers) {
        QPen pen(ChartStyle::current(), 2.0);
        p.setPen(pen);
        p.drawRect(QRectF(plot.left() + 1, plot.top() + m_selected * rowHeight + 1,
                          plot.width() - 3, rowHeight - 2));
    }

    // X axis: decades on log axes, fifths on the linear one.
    p.setPen(QColor(0x30, 0x30, 0x30));
    std::vector<double> ticks;
    if (m_original.logarithmic) {
        for (double v : ScaleAxis::ticks(ScaleAxis::Kind::Log10, std::pow(10.0, m_view0),
                                         std::pow(10.0, m_view1), plot.width(),
                                         fm.horizontalAdvance(QStringLiteral("0.001")) + 16))
            ticks.push_back(std::log10(v));
    } else {
        for (double v : ScaleAxis::ticks(ScaleAxis::Kind::Linear, m_view0, m_view1, plot.width(),
                                         fm.horizontalAdvance(QStringLiteral("0.001")) + 16))
            ticks.push_back(v);
    }
    for (double c : ticks) {
        const double x = xOf(c);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
        const QString label = tickLabel(m_original.valueAt(c));
        const int w = fm.horizontalAdvance(label);
        p.drawText(QPointF(std::clamp(x - w / 2.0, 0.0, double(width() - w)),
                           plot.bottom() + 6 + fm.ascent()),
                   label);
    }
    const int axisTitleY = plot.bottom() + fm.height() + 8;
    p.drawText(QRect(plot.left(), axisTitleY, plot.width(), fm.height()), Qt::AlignHCenter,
               spectrumQuantityName(m_original.quantity));
    p.setPen(QColor(0x60, 0x60, 0x60));
    QString legend = split() ? tr("upper half of each row: as loaded (grey) · lower half: scaled "
                                  "(blue) · darker = more modes")
                             : tr("darker = more of the layer's modes");
    if (labelStep > 1)
        legend = tr("labels: one layer in %1 · ").arg(labelStep) + legend;
    if (height() - axisTitleY - fm.height() >= fm.height())
        p.drawText(QRect(0, axisTitleY + fm.height() + 2, width(), fm.height()), Qt::AlignHCenter,
                   fm.elidedText(legend, Qt::ElideRight, width() - 8));
    else if (labelStep > 1)
        p.drawText(QRect(0, 2, plot.left(), fm.height()), Qt::AlignLeft,
                   tr("1 in %1").arg(labelStep));

    // The crosshair and its readout, while the pointer rests on the map.
    const QString readout = currentReadout();
    if (!readout.isEmpty()) {
        p.setPen(QPen(QColor(0x40, 0x40, 0x40, 140), 1, Qt::DotLine));
        p.drawLine(pointer().x(), plot.top(), pointer().x(), plot.bottom());
        paintReadout(p, readout);
    }
}

void SpectrumHeatmap::clickedAt(const QPoint &pos)
{
    const int layer = layerAt(pos);
    if (layer >= 0) {
        setSelectedLayer(layer);
        emit layerSelected(layer);
    }
}

void SpectrumHeatmap::panBy(double fraction)
{
    const double shift = -fraction * (m_view1 - m_view0);
    m_view0 += shift;
    m_view1 += shift;
    m_zoomed = true;
    m_image = QImage();
}

QString SpectrumHeatmap::readoutAt(const QPoint &pos) const
{
    const int layer = layerAt(pos);
    if (layer < 0)
        return QString();
    const QRect plot = plotRect();
    const double c = coordinateAt(pos.x(), plot);
    const int bin = int(std::floor((c - m_original.axisMin) /
                                   (m_original.axisMax - m_original.axisMin) * m_original.bins));
    if (bin < 0 || bin >= m_original.bins)
        return QString();
    const QString range = tr("%1 – %2").arg(tickLabel(m_original.valueAt(m_original.binLow(bin))),
                                            tickLabel(m_original.valueAt(m_original.binHigh(bin))));
    QString text = tr("<b>Layer %1</b><br>%2 %3<br>as loaded: %4% of modes")
                       .arg(layer)
                       .arg(spectrumQuantityName(m_original.quantity), range)
                       .arg(100.0 * m_original.share[size_t(layer)][size_t(bin)], 0, 'f', 2);
    if (split())
        text += tr("<br>scaled: %1% of modes")
                    .arg(100.0 * m_modulated.share[size_t(layer)][size_t(bin)], 0, 'f', 2);
    if (std::isfinite(m_original.median[size_t(layer)]))
        text += tr("<br>median as loaded: %1").arg(tickLabel(m_original.median[size_t(layer)]));
    if (split() && std::isfinite(m_modulated.median[size_t(layer)]))
        text += tr(", scaled: %1").arg(tickLabel(m_modulated.median[size_t(layer)]));
    return text;
}

void SpectrumHeatmap::keyPressEvent(QKeyEvent *event)
{
    const int layers = m_original.layers();
    if (layers > 0 && (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down)) {
        const int next =
            std::clamp(m_selected + (event->key() == Qt::Key_Up ? -1 : 1), 0, layers - 1);
        setSelectedLayer(next);
        emit layerSelected(next);
        return;
    }
    QWidget::keyPressEvent(event);
}

QString SpectrumHeatmap::toCsv() const
{
    QString out = ViewExporter::csvLine(
        {QStringLiteral("layer"), QStringLiteral("bin_low"), QStringLiteral("bin_high"),
         QStringLiteral("share_as_loaded"), QStringLiteral("share_scaled")});
    for (int l = 0; l < m_original.layers(); ++l) {
        for (int b = 0; b < m_original.bins; ++b) {
            out += ViewExporter::csvLine(
                {QString::number(l),
                 QString::number(m_original.valueAt(m_original.binLow(b)), 'g', 8),
                 QString::number(m_original.valueAt(m_original.binHigh(b)), 'g', 8),
                 QString::number(m_original.share[size_t(l)][size_t(b)], 'g', 8),
                 split() ? QString::number(m_modulated.share[size_t(l)][size_t(b)], 'g', 8)
                         : QString()});
        }
    }
    return out;
}

}  // namespace mscope
