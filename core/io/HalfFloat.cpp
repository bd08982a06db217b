// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/HalfFloat.h"

#include <bit>

namespace mscope {

namespace {

// Below this many elements the threads cost more than they save.
constexpr std::ptrdiff_t kParallelThreshold = 1 << 18;

uint16_t loadLittle16(const unsigned char *p)
{
    return uint16_t(p[0] | (p[1] << 8));
}

void storeLittle16(unsigned char *p, uint16_t v)
{
    p[0] = static_cast<unsigned char>(v & 0xFF);
    p[1] = static_cast<unsigned char>(v >> 8);
}

}  // namespace

float halfToFloat(uint16_t bits)
{
    const uint32_t sign = uint32_t(bits & 0x8000) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1F;
    const uint32_t mantissa = bits & 0x3FF;
    if (exponent == 0x1F)  // inf or NaN; the payload moves to the top of the fp32 mantissa
        return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24 is exact in fp32 (at most 10 significant bits).
        const float magnitude = float(mantissa) * 0x1p-24f;
        return std::bit_cast<float>(sign | std::bit_cast<uint32_t>(magnitude));
    }
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t floatToHalf(float value)
{
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
    const uint32_t magnitude = bits & 0x7FFFFFFF;

    if (magnitude > 0x7F800000u)  // NaN: keep the top payload bits and force the quiet bit
        return uint16_t(sign | 0x7E00 | ((magnitude >> 13) & 0x3FF));
    // 65520 = 0x477FF000 is halfway between 65504 (odd mantissa) and 2^16, so ties go to inf too.
    if (magnitude >= 0x477FF000u)
        return uint16_t(sign | 0x7C00);
    if (magnitude < 0x38800000u) {  // below 2^-14: f16 subnormal or zero
        const uint32_t exponent = magnitude >> 23;
        if (exponent < 102)  // below 2^-25, closer to zero than to the smallest subnormal
            return sign;
        // value * 2^24 = significand * 2^(exponent - 126); round that to an integer.
        const uint32_t significand = (magnitude & 0x7FFFFF) | 0x800000;
        const uint32_t shift = 126 - exponent;  // 14..24
        uint32_t result = significand >> shift;
        const uint32_t remainder = significand & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (remainder > half || (remainder == half && (result & 1)))
            ++result;  // a carry into bit 10 is the smallest normal, as it should be
        return uint16_t(sign | result);
    }
    // Normal: rebias the exponent (127 -> 15) and round the 13 dropped bits; a carry out of the
    // mantissa correctly bumps the exponent.
    const uint32_t rounded = magnitude + 0xFFF + ((magnitude >> 13) & 1);
    return uint16_t(sign | ((rounded >> 13) - (112u << 10)));
}

float bfloat16ToFloat(uint16_t bits)
{
    return std::bit_cast<float>(uint32_t(bits) << 16);
}

uint16_t floatToBfloat16(float value)
{
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    // NaN: truncating could clear the whole payload and leave infinity, so force the quiet bit.
    if ((bits & 0x7FFFFFFF) > 0x7F800000u)
        return uint16_t((bits >> 16) | 0x0040);
    // Rounding may carry into the exponent; past the largest finite value that yields inf, which
    // is what round-to-nearest-even asks for.
    return uint16_t((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

void widenHalf(const void *littleEndian, float *out, std::size_t count)
{
    const auto *src = static_cast<const unsigned char *>(littleEndian);
    const auto n = std::ptrdiff_t(count);
#pragma omp parallel for if (n > kParallelThreshold)
    for (std::ptrdiff_t i = 0; i < n; ++i)
        out[i] = halfToFloat(loadLittle16(src + 2 * i));
}

void widenBfloat16(const void *littleEndian, float *out, std::size_t count)
{
    const auto *src = static_cast<const unsigned char *>(littleEndian);
    const auto n = std::ptrdiff_t(count);
#pragma omp parallel for if (n > kParallelThreshold)
    for (std::ptrdiff_t i = 0; i < n; ++i)
        out[i] = bfloat16ToFloat(loadLittle16(src + 2 * i));
}

void narrowToHalf(const float *values, void *littleEndian, std::size_t count)
{
    auto *dst = static_cast<unsigned char *>(littleEndian);
    const auto n = std::ptrdiff_t(count);
#pragma omp parallel for if (n > kParallelThreshold)
    for (std::ptrdiff_t i = 0; i < n; ++i)
        storeLittle16(dst + 2 * i, floatToHalf(values[i]));
}

void narrowToBfloat16(const float *values, void *littleEndian, std::size_t count)
{
    auto *dst = static_cast<unsigned char *>(littleEndian);
    const auto n = std::ptrdiff_t(count);
#pragma omp parallel for if (n > kParallelThreshold)
    for (std::ptrdiff_t i = 0; i < n; ++i)
        storeLittle16(dst + 2 * i, floatToBfloat16(values[i]));
}

}  // namespace mscope
