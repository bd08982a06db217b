// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/AlignedFloats.h"

#include <cstdint>

namespace mscope {

/// The memory a loaded model's fp32 weights live in: one block, asked of the kernel in huge pages,
/// handed out tensor by tensor. Every token of decoding streams all the weights from memory; read
/// from here, mamba-130m shapes decode 1.11 and 1.14 times as fast as from the 4 KiB pages of the
/// file's mapping, where every 4 KiB cost a TLB miss and a cold prefetcher (medians of two series
/// of 10 alternating runs on this project's 2-vCPU VM,
/// bench/results/2026-12-07-decode-weight-memory.md).
class WeightMemory
{
public:
    WeightMemory() = default;
    /// Room for `floats` values over at most `tensors` tensors (each starts on a cache line).
    WeightMemory(int64_t floats, int64_t tensors);

    /// The next `floats` values' place, its pages backed. Throws std::length_error past the room
    /// asked for (a bug).
    float *take(int64_t floats);

private:
    static constexpr int64_t kLineFloats = 16;
    AlignedFloats m_memory;
    int64_t m_capacity = 0;
    int64_t m_used = 0;
};

}  // namespace mscope
