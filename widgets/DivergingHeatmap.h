// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportableView.h"
#include "ZoomableHeatmap.h"

#include <QImage>
#include <QString>
#include <vector>

namespace mscope {

/// A rows × columns map of signed values on a diverging colour scale centred at 0: blue below,
/// white at 0, red above, saturating at ±limit() (the 99th percentile of |value|, so that a few
/// large entries do not wash out the rest; the key under the map says so). One row per layer,
/// one column per channel (or head), painted from a QImage of one pixel per cell. A resting
/// pointer shows the cell's row, column and exact value; the wheel zooms the columns, a drag pans
/// them and a double-click resets. What the two signs mean is the caller's to say (setMeanings).
class DivergingHeatmap : public ZoomableHeatmap, public ExportableView
{
    Q_OBJECT

public:
    explicit DivergingHeatmap(QWidget *parent = nullptr);

    /// `values` row-major [rows][columns]. Empty clears the map (the placeholder shows).
    void setValues(int rows, int columns, std::vector<double> values);
    void clear();
    int rows() const { return m_rows; }
    int columns() const { return m_columns; }
    double value(int row, int column) const
    {
        return m_values[size_t(row) * size_t(m_columns) + size_t(column)];
    }
    const std::vector<double> &values() const { return m_values; }
    /// Where the colour saturates (0 when every value is 0).
    double limit() const { return m_limit; }

    void setTitle(const QString &title);
    /// The row's label prefix ("L" gives L0, L1, …) and the name of a column ("channel", "head").
    void setAxisNames(const QString &rowPrefix, const QString &rowName, const QString &columnName);
    /// What the value is ("dJ/d log α") and what each sign means, for the key and the readout.
    void setMeanings(const QString &valueName, const QString &negative, const QString &positive);
    void setPlaceholder(const QString &text);
    void setExportName(const QString &name) { m_exportName = name; }

    /// The cell under a widget position, or (-1, -1).
    std::pair<int, int> cellAt(const QPoint &pos) const;
    QString readoutAt(const QPoint &pos) const override;
    /// The visible columns [first, last): all of them until the user zooms.
    double viewFirst() const { return m_view0; }
    double viewLast() const { return m_view1; }
    void resetZoom() override;
    /// At least four columns stay in view, never beyond the first or the last.
    void zoomAt(double x, double factor) override;
    /// Every how many rows a row is labelled (1 unless rows are shorter than a 7-pixel font).
    int labelStep() const;
    /// The colour of a value (tests check the sign convention through it).
    QRgb colourOf(double value) const;

    QSize sizeHint() const override { return QSize(520, 300); }
    QSize minimumSizeHint() const override;

    QString exportName() const override { return m_exportName; }
    QWidget *exportWidget() override { return this; }
    QString toCsv() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    QRect plotRect() const override;
    bool hasMap() const override { return m_rows > 0; }
    void panBy(double fraction) override;

private:
    QFont labelFont() const;
    void rebuildImage();
    double columnAt(int x, const QRect &plot) const;

    int m_rows = 0;
    int m_columns = 0;
    std::vector<double> m_values;
    double m_limit = 0.0;
    QString m_title;
    QString m_rowPrefix = QStringLiteral("L");
    QString m_rowName;
    QString m_columnName;
    QString m_valueName;
    QString m_negative;
    QString m_positive;
    QString m_placeholder;
    QString m_exportName = QStringLiteral("heatmap");
    QImage m_image;
    double m_view0 = 0.0;
    double m_view1 = 0.0;
};

}  // namespace mscope
