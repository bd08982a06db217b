// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/SystemMemory.h"

#include <QFile>

#include <sys/mman.h>
#include <unistd.h>
#include <cstdint>

namespace mscope {

namespace {

// Reads "Key:   12345 kB" from a /proc file.
qint64 procKilobytes(const char *file, const QByteArray &key)
{
    QFile f(QString::fromLatin1(file));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray all = f.readAll();
    for (const QByteArray &line : all.split('\n')) {
        if (line.startsWith(key)) {
            const QList<QByteArray> parts = line.mid(key.size()).simplified().split(' ');
            bool ok = false;
            const qint64 kb = parts.value(0).toLongLong(&ok);
            return ok ? kb * 1024 : -1;
        }
    }
    return -1;
}

}  // namespace

qint64 SystemMemory::availableBytes()
{
    return procKilobytes("/proc/meminfo", "MemAvailable:");
}

qint64 SystemMemory::peakResidentBytes()
{
    return procKilobytes("/proc/self/status", "VmHWM:");
}

qint64 SystemMemory::residentBytes()
{
    return procKilobytes("/proc/self/status", "VmRSS:");
}

void SystemMemory::releaseMappedPages(const void *begin, qint64 bytes)
{
    static const auto page = uintptr_t(sysconf(_SC_PAGESIZE));
    // Only pages wholly inside the range: the ones at its ends may hold a neighbour's bytes.
    const uintptr_t first = (uintptr_t(begin) + page - 1) / page * page;
    const uintptr_t end = (uintptr_t(begin) + uintptr_t(bytes)) / page * page;
    if (bytes > 0 && end > first)
        madvise(reinterpret_cast<void *>(first), end - first, MADV_DONTNEED);
}

}  // namespace mscope
