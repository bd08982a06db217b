// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSize>
#include <QString>

class QPainter;
class QWidget;

namespace mscope {

/// A view whose picture can be saved as PNG, SVG or PDF (a figure: the view with its full titles,
/// and a caption block under it) and whose data as CSV (File > Export and the view's context
/// menu).
class ExportableView
{
public:
    virtual ~ExportableView() = default;
    /// A short name for file names and titles, e.g. "perplexity-vs-context".
    virtual QString exportName() const = 0;
    /// The widget on screen.
    virtual QWidget *exportWidget() = 0;
    /// The data shown, as CSV with a header row (RFC 4180 quoting).
    virtual QString toCsv() const = 0;
    /// The size of the figure, in logical pixels: the widget's size by default; charts widen it
    /// where their full titles need more room.
    virtual QSize figureSize() const;
    /// Paints the figure into `painter` over (0, 0, size): by default the widget as it is.
    virtual void renderFigure(QPainter *painter, const QSize &size);
};

}  // namespace mscope
