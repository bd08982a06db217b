// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace mscope {

/// What the operating system says about memory, for refusing jobs that cannot fit and for
/// reporting peak memory in benchmarks.
class SystemMemory
{
public:
    /// MemAvailable from /proc/meminfo, or -1 when unknown.
    static qint64 availableBytes();
    /// Peak resident set size of this process (VmHWM), or -1 when unknown.
    static qint64 peakResidentBytes();
    /// Current resident set size (VmRSS), or -1 when unknown.
    static qint64 residentBytes();
    /// Takes the whole pages of [begin, begin + bytes), which must lie in a read-only file
    /// mapping, out of this process's resident set once their contents were copied: they stay in
    /// the page cache and read back from the file if touched again. Never for anonymous memory,
    /// which would read back as zeros.
    static void releaseMappedPages(const void *begin, qint64 bytes);
};

}  // namespace mscope
