// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QSize>
#include <QString>

namespace mscope {

/// `mambascope-screenshots DIR`: opens the demo, waits for the curves, saves the charts of the
/// model as loaded into DIR/images, pins "power 0.75" and sets "power 0.45" in every layer, then
/// saves the window and each panel as PNG into DIR, and the scaled charts and the dialogs into
/// DIR/images (the pictures in docs/). With window sizes, also the whole window at each size
/// (docs/screenshots/window-LANG-WxH.png). Works in Xvfb and on the offscreen platform.
class ScreenshotTour
{
public:
    struct Options
    {
        QString outDir;     // docs/: the documentation pictures go here (empty: none)
        QString windowDir;  // docs/screenshots/: the whole window at each size (empty: none)
        QString language = QStringLiteral("en");  // for the file names of the window pictures
        QList<QSize> sizes;                       // window sizes for windowDir
    };
    static int run(const Options &options);
};

}  // namespace mscope
