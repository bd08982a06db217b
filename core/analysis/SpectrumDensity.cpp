// SPDX-License-Identifier: GPL-3.0-or-later
#include "analysis/SpectrumDensity.h"

#include "analysis/DeltaStatistics.h"
#include "model/ScanParameters.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace mscope {

namespace {

// log10 of a positive float to about 1e-6 (exponent bits plus a polynomial for the mantissa):
// binning 25 million modes with the library's log10 took most of the time.
inline float fastLog10(float v)
{
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    const int exponent = int((bits >> 23) & 0xff) - 127;
    bits = (bits & 0x007fffffu) | 0x3f800000u;  // mantissa in [1, 2)
    float m;
    std::memcpy(&m, &bits, sizeof m);
    // log2(m) on [1, 2): log2(m) = 2·atanh(t)/ln 2 with t = (m-1)/(m+1), |t| <= 1/3.
    const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    const float log2m =
        t * (2.8853900817779268f +
             t2 * (0.9617966939259756f +
                   t2 * (0.5770780163555854f + t2 * (0.4121985831111325f + t2 * 0.3205989f))));
    return (float(exponent) + log2m) * 0.30102999566398120f;
}

}  // namespace

double SpectrumDensity::coordinate(double value) const
{
    return logarithmic ? std::log10(std::max(value, 1e-300)) : value;
}

double SpectrumDensity::valueAt(double c) const
{
    return logarithmic ? std::pow(10.0, c) : c;
}

bool SpectrumDensity::available(SpectrumQuantity q, const DeltaStatistics *stats)
{
    return q != SpectrumQuantity::Tau || (stats && !stats->meanDelta.empty());
}

float SpectrumDensity::meanStep(const ScanParameters &scan, const DeltaStatistics &stats, int layer,
                                int channel)
{
    const auto &scale = scan.layers[size_t(layer)].deltaScale;
    return stats.meanDelta[size_t(layer)][size_t(channel)] *
           (scale.empty() ? 1.0f : scale[size_t(channel)]);
}

void SpectrumDensity::layerValues(const ScanParameters &scan, const DeltaStatistics *stats,
                                  int layer, SpectrumQuantity q, std::vector<float> &out)
{
    const auto &p = scan.layers[size_t(layer)];
    out.resize(p.negA.size());
    if (q == SpectrumQuantity::Alpha) {
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = -p.negA[i];
        return;
    }
    if (q == SpectrumQuantity::Lambda) {
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = std::exp(p.negA[i]);
        return;
    }
    // τ = 1/(α·Δ̄·deltaScale) per (channel, state), rows of d_state per channel.
    const size_t channels = stats->meanDelta[size_t(layer)].size();
    const size_t states = channels ? out.size() / channels : 0;
    for (size_t e = 0; e < channels; ++e) {
        const float step = meanStep(scan, *stats, layer, int(e));
        const float *negA = p.negA.data() + e * states;
        float *tau = out.data() + e * states;
        for (size_t n = 0; n < states; ++n) {
            const float rate = -negA[n] * step;
            tau[n] = rate > 0 ? 1.0f / rate : std::numeric_limits<float>::max();
        }
    }
}

std::pair<double, double> SpectrumDensity::axisRange(
    const std::vector<const ScanParameters *> &scans, const DeltaStatistics *stats,
    SpectrumQuantity q, const std::vector<double> &include)
{
    if (!isLogarithmic(q) || !available(q, stats))
        return {0.0, 1.0};
    double lo = INFINITY, hi = -INFINITY;
    for (const ScanParameters *scan : scans) {
        if (!scan)
            continue;
        const int layers = int(scan->layers.size());
#pragma omp parallel for schedule(dynamic) reduction(min : lo) reduction(max : hi)
        for (int l = 0; l < layers; ++l) {
            std::vector<float> values;
            layerValues(*scan, stats, l, q, values);
            float layerLo = std::numeric_limits<float>::max(), layerHi = 0.0f;
            for (float v : values) {
                if (v > 0 && v < std::numeric_limits<float>::max()) {
                    layerLo = std::min(layerLo, v);
                    layerHi = std::max(layerHi, v);
                }
            }
            if (layerHi > 0) {
                lo = std::min(lo, double(layerLo));
                hi = std::max(hi, double(layerHi));
            }
        }
    }
    for (double v : include) {
        if (v > 0) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return {0.0, 1.0};
    // Whole decades with a little room, and never absurdly wide.
    double a = std::floor(std::log10(lo) - 0.05);
    double b = std::ceil(std::log10(hi) + 0.05);
    b = std::min(b, a + 14.0);
    return {a, std::max(b, a + 1.0)};
}

SpectrumDensity SpectrumDensity::compute(const ScanParameters &scan, const DeltaStatistics *stats,
                                         SpectrumQuantity q, std::pair<double, double> range,
                                         int bins, double threshold)
{
    SpectrumDensity d;
    d.quantity = q;
    d.logarithmic = isLogarithmic(q);
    d.axisMin = range.first;
    d.axisMax = range.second > range.first ? range.second : range.first + 1.0;
    d.bins = std::max(1, bins);
    d.threshold = threshold;
    if (!available(q, stats))
        return d;
    const int layers = int(scan.layers.size());
    d.share.assign(size_t(layers), std::vector<float>(size_t(d.bins), 0.0f));
    d.median.assign(size_t(layers), std::nan(""));
    d.shareAbove.assign(size_t(layers), 0.0);
    const double scale = d.bins / (d.axisMax - d.axisMin);
#pragma omp parallel for schedule(dynamic)
    for (int l = 0; l < layers; ++l) {
        std::vector<float> values;
        layerValues(scan, stats, l, q, values);
        if (values.empty())
            continue;
        const size_t n = values.size();
        const float axisMin = float(d.axisMin), binsPerUnit = float(scale);
        const float lastBin = float(d.bins - 1);
        // Bin indices first, in a loop the compiler vectorizes; counting is a separate pass.
        std::vector<int32_t> binOf(n);
        if (d.logarithmic) {
            for (size_t i = 0; i < n; ++i) {
                const float c = fastLog10(std::max(values[i], 1e-30f));
                binOf[i] = int32_t(std::clamp((c - axisMin) * binsPerUnit, 0.0f, lastBin));
            }
        } else {
            for (size_t i = 0; i < n; ++i)
                binOf[i] = int32_t(std::clamp((values[i] - axisMin) * binsPerUnit, 0.0f, lastBin));
        }
        std::vector<int64_t> counts(size_t(d.bins), 0);
        for (int32_t b : binOf)
            ++counts[size_t(b)];
        int64_t above = 0;
        if (threshold > 0) {
            for (float v : values)
                above += beyond(v, threshold);
        }
        for (int b = 0; b < d.bins; ++b)
            d.share[size_t(l)][size_t(b)] = float(double(counts[size_t(b)]) / double(n));
        d.shareAbove[size_t(l)] = double(above) / double(n);
        // The median lies in the bin where the cumulative count passes n/2: select within it.
        const int64_t rank = int64_t(n / 2);
        int64_t before = 0;
        int medianBin = 0;
        while (medianBin < d.bins - 1 && before + counts[size_t(medianBin)] <= rank)
            before += counts[size_t(medianBin++)];
        std::vector<float> inBin;
        inBin.reserve(size_t(counts[size_t(medianBin)]));
        for (size_t i = 0; i < n; ++i)
            if (binOf[i] == medianBin)
                inBin.push_back(values[i]);
        auto mid = inBin.begin() + std::ptrdiff_t(rank - before);
        std::nth_element(inBin.begin(), mid, inBin.end());
        d.median[size_t(l)] = *mid;
    }
    return d;
}

}  // namespace mscope
