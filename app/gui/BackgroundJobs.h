// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace mscope {

class JobControl;

/// The one way the workbench runs work in the background (Qt's mandelbrot pattern: the job owns
/// its start, progress, cancellation and end). start() lists the job for the status bar, runs
/// `work` on a pool thread with a JobControl whose progress updates the listing, turns anything
/// `work` throws into a message (a pool thread must not let an exception escape: it would end
/// the program), and then, on the GUI thread, ends the listing and calls `done` or `failed`.
class BackgroundJobs : public QObject
{
    Q_OBJECT

public:
    /// A listed job, for the status bar.
    struct Job
    {
        int id = 0;
        QString label;
        double fraction = -1.0;  // unknown
        double tokensPerSecond = 0.0;
        std::function<void()> cancel;  // empty: cannot be cancelled
    };

    struct Task
    {
        QString label;    // the status bar's text; empty: not listed
        QString context;  // prefixes failure reasons that name no file ("Calibration: ...")
        bool cancellable = true;
        std::function<void(JobControl &job)> work;  // on a pool thread
        std::function<void()> done;                 // on the GUI thread, after work returned
        /// On the GUI thread, after work threw; reason is empty when cancelled.
        std::function<void(const QString &reason, bool cancelled)> failed;
    };

    explicit BackgroundJobs(QObject *parent = nullptr);
    /// Cancels every job and waits for the pool.
    ~BackgroundJobs() override;

    /// Starts `task`; returns its id (its JobControl can be cancelled with cancel(id)).
    int start(Task task);
    void cancel(int id);
    /// Queues `fn` onto the GUI thread (intermediate results of a job).
    void post(std::function<void()> fn);

    /// A job whose work runs elsewhere (the live curves' own thread): listed and updated by hand.
    int list(const QString &label, std::function<void()> cancel);
    void update(int id, double fraction, double tokensPerSecond = 0.0);
    void relabel(int id, const QString &label);
    void unlist(int id);

    const QList<Job> &jobs() const { return m_jobs; }
    /// Cancels the most recent cancellable job.
    void cancelForeground();
    /// Cancels every job (closing the window, opening another model).
    void cancelAll();

signals:
    void changed();

private:
    QList<Job> m_jobs;
    QList<std::pair<int, std::shared_ptr<JobControl>>> m_controls;
    int m_lastId = 0;
};

}  // namespace mscope
