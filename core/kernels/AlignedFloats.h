// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/mman.h>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace mscope {

/// An uninitialised array of floats aligned to `alignment` bytes (a power of two), for weights
/// and the decoding kernels' tables. With `hugePages` the kernel is asked to back it with huge
/// pages (madvise; ignored where there are none): a table filled a little at a time would
/// otherwise take a page fault every few KiB, tens of microseconds each on a VM, and weights
/// streamed from memory a TLB miss.
/// Empty (data() null) when default-made. Throws std::bad_alloc.
class AlignedFloats
{
public:
    AlignedFloats() = default;
    AlignedFloats(int64_t floats, size_t alignment, bool hugePages = false)
    {
        // aligned_alloc wants a multiple of the alignment.
        const size_t bytes =
            (size_t(floats) * sizeof(float) + alignment - 1) / alignment * alignment;
        m_data.reset(static_cast<float *>(std::aligned_alloc(alignment, bytes)));
        if (!m_data)
            throw std::bad_alloc();
        if (hugePages)
            madvise(m_data.get(), bytes, MADV_HUGEPAGE);
    }

    float *data() const { return m_data.get(); }

private:
    struct Free
    {
        void operator()(float *p) const { std::free(p); }
    };
    std::unique_ptr<float, Free> m_data;
};

}  // namespace mscope
