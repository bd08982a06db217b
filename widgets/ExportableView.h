// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QWidget;

namespace mscope {

/// A view whose picture can be saved as PNG or SVG and whose data as CSV (File > Export and the
/// view's context menu).
class ExportableView
{
public:
    virtual ~ExportableView() = default;
    /// A short name for file names and titles, e.g. "perplexity-vs-context".
    virtual QString exportName() const = 0;
    /// What PNG and SVG render.
    virtual QWidget *exportWidget() = 0;
    /// The data shown, as CSV with a header row (RFC 4180 quoting).
    virtual QString toCsv() const = 0;
};

}  // namespace mscope
