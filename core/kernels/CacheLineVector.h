// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace mscope {

/// The size of a cache line on the CPUs the engine runs on (x86-64).
inline constexpr std::size_t kCacheLine = 64;

/// An allocator whose arrays start on a cache line. For what the one-token step's threads write
/// side by side (each block's part of a vector, each layer's state rows): malloc's 16-byte
/// alignment left the line at the border between two threads' parts shared, so that it moved
/// between the cores at every write, and put each 64-byte state row across two lines.
template <typename T>
struct CacheLineAllocator
{
    using value_type = T;

    CacheLineAllocator() = default;
    template <typename U>
    CacheLineAllocator(const CacheLineAllocator<U> &)
    {
    }

    T *allocate(std::size_t n)
    {
        return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine)));
    }
    void deallocate(T *p, std::size_t n)
    {
        ::operator delete(p, n * sizeof(T), std::align_val_t(kCacheLine));
    }

    template <typename U>
    bool operator==(const CacheLineAllocator<U> &) const
    {
        return true;
    }
};

/// A std::vector whose data() is cache-line aligned.
template <typename T>
using CacheLineVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace mscope
