// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

class QImage;

class QWidget;

namespace mscope {

class ExportableView;

/// Writes views to PNG, SVG, PDF and CSV files through writeToTarget: a file is replaced
/// atomically (a failed export never leaves a truncated file behind), a FIFO or device is written
/// in place. Every function throws Error naming the file and the problem.
class ViewExporter
{
    Q_DECLARE_TR_FUNCTIONS(mscope::ViewExporter)

public:
    /// Renders `widget` at `scale` times its size (2 = crisp on high-DPI screens and in print).
    static void savePng(QWidget *widget, const QString &path, double scale = 2.0);
    /// Vector output through QSvgGenerator; charts stay sharp at any size.
    static void saveSvg(QWidget *widget, const QString &path, const QString &title);
    /// A figure: the view at its figure size with its full titles, and under it `caption` (plain
    /// text, wrapped; empty: none). `format` is "png" (twice the size on screen), "svg" or "pdf".
    static void saveFigure(ExportableView *view, const QString &path, const QString &format,
                           const QString &caption);
    /// The figure as an image (PNG export, session reports).
    static QImage figureImage(ExportableView *view, const QString &caption, double scale = 2.0);
    static void saveText(const QString &text, const QString &path);
    /// One CSV line from fields, quoting those that need it (RFC 4180).
    static QString csvLine(const QStringList &fields);
};

}  // namespace mscope
