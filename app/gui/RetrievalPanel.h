// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tasks/PasskeyEvaluator.h"

#include <QPointer>
#include <QTimer>
#include <QVector>
#include <QWidget>
#include <memory>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace mscope {

class BpeTokenizer;
class PasskeyHeatmap;
class PasskeyTask;
class BackgroundJobs;
class WorkbenchSession;

/// The Retrieval panel: passkey retrieval (docs/tasks.md) on a length × depth grid, the model as
/// loaded beside the model under the current faders, each cell the accuracy over a few keys (or
/// the key's mean NLL). Computed in the background through the session's jobs (progress in the
/// status bar, cancellable); the grid as loaded is kept until the model or the grid changes, the
/// one under the faders is recomputed when the faders settle (500 ms after the last change) while
/// the panel is on screen. Resting the pointer on a cell shows the prompt around the key, the
/// answers given and the right keys.
class RetrievalPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Side { Baseline, Current };

    explicit RetrievalPanel(WorkbenchSession *session, QWidget *parent = nullptr);
    ~RetrievalPanel() override;

    /// 256, 1,024 and 4,096 tokens: 41,118 tokens a grid with 3 keys, 7.8 s on the demo models on
    /// two cores at load 9 (16,384 would make it 28 s).
    static QVector<qint64> defaultLengths();
    static QVector<double> defaultDepths();

    void setLengths(const QVector<qint64> &lengths);
    QVector<qint64> lengths() const { return m_lengths; }
    void setDepths(const QVector<double> &depths);
    QVector<double> depths() const { return m_depths; }
    void setKeyCount(int keys);
    int keyCount() const;
    /// The key's NLL instead of the accuracy.
    void setShowNll(bool on);
    /// The grid the next computation scores (the keys drawn with seed 2024, as the CLI's default).
    PasskeyGrid grid() const;

    /// Computes what is missing: both grids after a change of model or grid, else the one under
    /// the faders. A computation already running is cancelled first.
    void recompute();
    void cancel();
    bool isRunning() const { return m_jobId != 0; }
    /// A cell as computed (null while not known).
    const PasskeyCell *cell(Side side, int lengthIndex, int depthIndex) const;
    /// The hover text of a cell.
    QString cellTooltip(Side side, int lengthIndex, int depthIndex) const;
    PasskeyHeatmap *heatmap(Side side) const;
    QString status() const;

signals:
    /// Both grids are complete.
    void finished();
    void cancelled();
    void failed(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onModelLoaded();
    void onFadersChanged();
    void readControls();
    void invalidateBaseline();
    void storeCell(Side side, const PasskeyCell &cell);
    void redrawMaps();
    void setStatus(const QString &text);
    int indexOf(int64_t length, double depth, int *depthIndex) const;

    WorkbenchSession *m_session;
    // The session goes before the docks when the window closes: a job still listed is cancelled
    // only while its list exists.
    QPointer<BackgroundJobs> m_jobs;
    PasskeyHeatmap *m_baselineMap = nullptr;
    PasskeyHeatmap *m_currentMap = nullptr;
    QLineEdit *m_lengthsEdit = nullptr;
    QSpinBox *m_keys = nullptr;
    QCheckBox *m_nll = nullptr;
    QPushButton *m_compute = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_status = nullptr;
    QTimer m_settleTimer;

    QVector<qint64> m_lengths;
    QVector<double> m_depths;
    std::shared_ptr<const BpeTokenizer> m_tokenizer;
    std::unique_ptr<PasskeyTask> m_task;  // for the hover text, on the GUI thread
    // Length-major, as PasskeyResult::cells.
    QVector<std::optional<PasskeyCell>> m_baseline, m_current;
    bool m_baselineKnown = false;
    bool m_currentStale = true;
    int m_generation = 0;  // of the latest request: older jobs' cells are dropped
    int m_jobId = 0;
    QString m_currentDescription;
};

}  // namespace mscope
