// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <atomic>
#include <functional>

namespace mscope {

/// Progress reporting and cooperative cancellation shared between a long job and whoever started it
/// (the GUI, the CLI's progress bar, a test). Jobs call report() and throwIfCancelled() at safe
/// points.
class JobControl
{
public:
    using ProgressFn = std::function<void(double fraction, const QString &what)>;

    void setProgressCallback(ProgressFn fn) { m_progress = std::move(fn); }
    const ProgressFn &progressCallback() const { return m_progress; }
    void report(double fraction, const QString &what = {}) const
    {
        if (m_progress)
            m_progress(fraction, what);
    }
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    /// Throws mscope::Cancelled when cancel() was called.
    void throwIfCancelled() const;

private:
    std::atomic<bool> m_cancelled{false};
    ProgressFn m_progress;
};

}  // namespace mscope
