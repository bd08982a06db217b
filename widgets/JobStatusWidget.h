// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace mscope {

/// The status bar's view of background work: what is running, how far along, how fast (tokens
/// per second) and a button to stop it.
class JobStatusWidget : public QWidget
{
    Q_OBJECT

public:
    explicit JobStatusWidget(QWidget *parent = nullptr);

    /// A job began; `cancellable` shows the stop button.
    void start(const QString &activity, bool cancellable = true);
    void setActivity(const QString &activity);
    /// `fraction` in [0, 1]; negative means unknown (busy indicator).
    void setProgress(double fraction);
    void setRate(double tokensPerSecond);
    /// Nothing running; `message` says how the last job ended.
    void finish(const QString &message = {});
    bool isBusy() const { return m_busy; }
    QString activity() const;

signals:
    void cancelRequested();

private:
    QLabel *m_activity = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_rate = nullptr;
    QToolButton *m_cancel = nullptr;
    bool m_busy = false;
};

}  // namespace mscope
