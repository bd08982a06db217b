// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace mscope {

/// `mambascope-screenshots DIR`: opens the demo, waits for the curves, saves the charts of the
/// model as loaded into DIR/images, pins "power 0.75" and sets "power 0.45" in every layer, then
/// saves the window and each panel as PNG into DIR, and the scaled charts and the dialogs into
/// DIR/images (the pictures in docs/). Works on the offscreen platform.
class ScreenshotTour
{
public:
    static int run(const QString &outDir);
};

}  // namespace mscope
