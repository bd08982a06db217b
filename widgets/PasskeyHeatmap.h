// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportableView.h"

#include <QString>
#include <QVector>
#include <QWidget>
#include <functional>

namespace mscope {

/// A length × depth grid of one number per cell (passkey accuracy, or the key's mean NLL): one
/// column per prompt length, one row per depth of the key (0 % at the top), each cell coloured by
/// its value and labelled with it. A cell not computed yet is grey. Resting the pointer on a cell
/// shows what the tooltip provider says about it (the prompt around the key, the answers).
class PasskeyHeatmap : public QWidget, public ExportableView
{
    Q_OBJECT

public:
    /// Accuracy: 0..1, higher is better. Nll: nats per token from 0, lower is better.
    enum class Scale { Accuracy, Nll };
    using TooltipProvider = std::function<QString(int lengthIndex, int depthIndex)>;

    explicit PasskeyHeatmap(QWidget *parent = nullptr);

    /// New axes: every cell is cleared.
    void setAxes(const QVector<qint64> &lengths, const QVector<double> &depths);
    const QVector<qint64> &lengths() const { return m_lengths; }
    const QVector<double> &depths() const { return m_depths; }
    /// NaN: not computed yet.
    void setValue(int lengthIndex, int depthIndex, double value);
    double value(int lengthIndex, int depthIndex) const;
    void clearValues();
    void setScale(Scale scale);
    Scale scale() const { return m_scale; }
    /// The NLL that gets the darkest colour (values above it are clamped).
    void setNllRange(double maxNll);
    void setTitle(const QString &title);
    QString title() const { return m_title; }
    void setTooltipProvider(TooltipProvider provider) { m_tooltip = std::move(provider); }

    /// The cell's rectangle on the widget, and the cell under a point ({-1, -1} when none).
    QRect cellRect(int lengthIndex, int depthIndex) const;
    QPair<int, int> cellAt(const QPoint &pos) const;
    /// What the tooltip shows at `pos` (empty outside the cells).
    QString tooltipAt(const QPoint &pos) const;
    /// The fill of a value on the current scale.
    QColor colorFor(double value) const;

    QSize sizeHint() const override { return QSize(360, 220); }
    QSize minimumSizeHint() const override { return QSize(100, 90); }

    /// For file names and the export actions ("passkey-heatmap" unless set).
    void setExportName(const QString &name) { m_exportName = name; }
    QString exportName() const override { return m_exportName; }
    QWidget *exportWidget() override { return this; }
    QString toCsv() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect plotRect() const;
    QString valueText(double value) const;

    QVector<qint64> m_lengths;
    QVector<double> m_depths;
    QVector<double> m_values;  // length-major: [lengthIndex * depths + depthIndex]
    Scale m_scale = Scale::Accuracy;
    double m_maxNll = 8.0;
    QString m_title;
    TooltipProvider m_tooltip;
    QString m_exportName = QStringLiteral("passkey-heatmap");
};

}  // namespace mscope
