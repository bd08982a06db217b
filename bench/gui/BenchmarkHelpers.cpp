// SPDX-License-Identifier: GPL-3.0-or-later
#include "BenchmarkHelpers.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTimer>
#include <algorithm>

namespace mscope::bench {

bool waitFor(const std::function<bool()> &done, int timeoutMs, int wakeUpMs)
{
    QElapsedTimer t;
    t.start();
    QTimer wakeUp;
    wakeUp.start(wakeUpMs);
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(' ', 0, 2)
                                       : QStringLiteral("?");
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace mscope::bench
