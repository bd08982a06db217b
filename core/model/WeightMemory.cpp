// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/WeightMemory.h"

#include <cstring>
#include <stdexcept>

namespace mscope {

namespace {

constexpr size_t kHugePageBytes = size_t(2) << 20;

}  // namespace

WeightMemory::WeightMemory(int64_t floats, int64_t tensors)
    : m_capacity(floats + tensors * kLineFloats)
{
    if (m_capacity <= 0)
        return;
    // Aligned to a huge page, so that the first tensor's pages can be huge ones too.
    m_memory = AlignedFloats(m_capacity, kHugePageBytes, true);
}

float *WeightMemory::take(int64_t floats)
{
    const int64_t rounded = (floats + kLineFloats - 1) / kLineFloats * kLineFloats;
    if (floats < 0 || m_used + rounded > m_capacity)
        throw std::length_error("WeightMemory: more weights than were counted");
    float *place = m_memory.data() + m_used;
    m_used += rounded;
    // Touched here, at memset's pace, rather than page by page inside the read that fills it:
    // loading mamba-130m shapes took 0.51-0.62 s so, against 0.52-1.58 s (8 runs each). Only
    // what is taken: a file may hold a tensor the model does not use (a second copy of a tied
    // LM head), counted in the room but never backed.
    std::memset(place, 0, size_t(rounded) * sizeof(float));
    return place;
}

}  // namespace mscope
