// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

namespace mscope {

/// Exact conversions between fp32 and the two 16-bit float formats checkpoints are stored in:
/// IEEE binary16 ("F16") and bfloat16 ("BF16"). Narrowing rounds to nearest, ties to even, like
/// PyTorch's `.half()` / `.bfloat16()`; overflow gives infinity and NaN stays NaN (made quiet).

float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBfloat16(float value);

/// Array forms. The 16-bit side is little-endian bytes at any alignment (as in a mapped file).
void widenHalf(const void *littleEndian, float *out, std::size_t count);
void widenBfloat16(const void *littleEndian, float *out, std::size_t count);
void narrowToHalf(const float *values, void *littleEndian, std::size_t count);
void narrowToBfloat16(const float *values, void *littleEndian, std::size_t count);

}  // namespace mscope
