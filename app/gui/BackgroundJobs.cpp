// SPDX-License-Identifier: GPL-3.0-or-later
#include "BackgroundJobs.h"

#include "support/Error.h"
#include "support/JobControl.h"

#include <QCoreApplication>
#include <QThreadPool>
#include <algorithm>
#include <new>

namespace mscope {

BackgroundJobs::BackgroundJobs(QObject *parent) : QObject(parent) {}

BackgroundJobs::~BackgroundJobs()
{
    cancelAll();
    QThreadPool::globalInstance()->waitForDone();
}

int BackgroundJobs::start(Task task)
{
    auto control = std::make_shared<JobControl>();
    const int id = ++m_lastId;
    m_controls.append({id, control});
    if (!task.label.isEmpty()) {
        m_jobs.append(
            {id, task.label, -1.0, 0.0,
             task.cancellable ? std::function<void()>([control] { control->cancel(); }) : nullptr});
        emit changed();
        control->setProgressCallback(
            [this, id](double f, const QString &) { post([this, id, f] { update(id, f); }); });
    }
    auto shared = std::make_shared<Task>(std::move(task));
    QThreadPool::globalInstance()->start([this, id, control, shared] {
        QString reason;
        bool ok = false, cancelled = false;
        try {
            shared->work(*control);
            ok = true;
        } catch (const Cancelled &) {
            cancelled = true;
        } catch (const Error &e) {
            reason = e.message();  // names the file already
        } catch (const std::bad_alloc &) {
            // The context of the translation this message had before the jobs moved here.
            reason =
                QCoreApplication::translate("mscope::WorkbenchSession", "%1: not enough memory")
                    .arg(shared->context);
        } catch (const std::exception &e) {
            reason = shared->context + QStringLiteral(": ") + QString::fromLocal8Bit(e.what());
        }
        post([this, id, shared, ok, cancelled, reason] {
            unlist(id);
            m_controls.erase(std::remove_if(m_controls.begin(), m_controls.end(),
                                            [id](const auto &c) { return c.first == id; }),
                             m_controls.end());
            if (ok) {
                if (shared->done)
                    shared->done();
            } else if (shared->failed) {
                shared->failed(reason, cancelled);
            }
        });
    });
    return id;
}

void BackgroundJobs::cancel(int id)
{
    for (const auto &[jobId, control] : m_controls)
        if (jobId == id)
            control->cancel();
}

void BackgroundJobs::post(std::function<void()> fn)
{
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

int BackgroundJobs::list(const QString &label, std::function<void()> cancel)
{
    const int id = ++m_lastId;
    m_jobs.append({id, label, -1.0, 0.0, std::move(cancel)});
    emit changed();
    return id;
}

void BackgroundJobs::update(int id, double fraction, double tokensPerSecond)
{
    for (Job &j : m_jobs) {
        if (j.id == id) {
            j.fraction = fraction;
            j.tokensPerSecond = tokensPerSecond;
        }
    }
    emit changed();
}

void BackgroundJobs::relabel(int id, const QString &label)
{
    for (Job &j : m_jobs)
        if (j.id == id)
            j.label = label;
    emit changed();
}

void BackgroundJobs::unlist(int id)
{
    const auto it =
        std::remove_if(m_jobs.begin(), m_jobs.end(), [id](const Job &j) { return j.id == id; });
    if (it == m_jobs.end())
        return;
    m_jobs.erase(it, m_jobs.end());
    emit changed();
}

void BackgroundJobs::cancelForeground()
{
    for (auto it = m_jobs.rbegin(); it != m_jobs.rend(); ++it) {
        if (it->cancel) {
            it->cancel();
            return;
        }
    }
}

void BackgroundJobs::cancelAll()
{
    for (const Job &j : m_jobs)
        if (j.cancel)
            j.cancel();
    for (const auto &c : m_controls)
        c.second->cancel();
}

}  // namespace mscope
