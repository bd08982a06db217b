// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "SensitivityMap.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace mscope {

class DivergingHeatmap;
class WorkbenchSession;

/// The sensitivity view, a tab beside the spectrum: the gradient of the perplexity objective per
/// layer × channel at the current faders (SensitivityMap), as a diverging heat map — which modes
/// the objective wants to decay faster (blue) or slower (red). Computed when asked, in the
/// background through the session's BackgroundJobs (listed in the status bar with its progress,
/// cancellable), on the session's calibration text in windows of a length the user picks.
class SensitivityPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SensitivityPanel(WorkbenchSession *session, QWidget *parent = nullptr);

    DivergingHeatmap *heatmap() const { return m_heatmap; }
    QSpinBox *windowLengthBox() const { return m_windowLength; }
    QSpinBox *windowCountBox() const { return m_windows; }
    /// 0: dJ/d log α (decay), 1: dJ/d log s_Δ (step).
    QComboBox *quantityBox() const { return m_quantity; }
    /// The last map computed (empty before the first).
    const SensitivityMap &map() const { return m_map; }
    bool isComputing() const { return m_job != 0; }
    /// Whether the faders moved (or the model changed) since the map was computed.
    bool isStale() const { return m_stale; }

    /// Starts a computation at the session's current modulation (nothing when one is running).
    void compute();
    void cancel();
    /// Back to empty (another model).
    void reset();

signals:
    void computed();
    void failed(const QString &message);

private:
    void showMap();
    void updateState();

    WorkbenchSession *m_session;
    QSpinBox *m_windowLength = nullptr;
    QSpinBox *m_windows = nullptr;
    QComboBox *m_quantity = nullptr;
    QPushButton *m_compute = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_status = nullptr;
    DivergingHeatmap *m_heatmap = nullptr;
    SensitivityMap m_map;
    int m_job = 0;
    bool m_stale = false;
    QString m_problem;
};

}  // namespace mscope
