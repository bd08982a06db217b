// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <utility>
#include <vector>

namespace mscope {

struct DeltaStatistics;
struct ScanParameters;

/// The quantity a spectrum view shows per mode (method.md §3).
enum class SpectrumQuantity {
    Tau,     // τ = 1/(Δ̄·α): memory in tokens (needs Δ statistics)
    Alpha,   // α = exp(A_log): continuous decay rate
    Lambda,  // λ = exp(-α): the paper's spectrum of exp(-A), in (0, 1)
};

/// Histograms of one spectrum quantity per layer on a shared axis: what the spectrum heat map and
/// the layer histogram draw. Computed straight from the scan parameters, one layer at a time, so
/// that a 64-layer model with 24,576 channels × 16 states takes a fraction of a second and little
/// memory. layerValues() and beyond() are the definitions SpectrumAnalysis uses too: the
/// workbench and the CLI count the same modes.
struct SpectrumDensity
{
    SpectrumQuantity quantity = SpectrumQuantity::Tau;
    bool logarithmic = true;  // axisMin/axisMax are log10 of the quantity when true
    double axisMin = 0.0;
    double axisMax = 1.0;
    int bins = 0;
    std::vector<std::vector<float>> share;  // [layer][bin]: fraction of the layer's modes
    std::vector<double> median;             // [layer], in the quantity's units
    double threshold = 0.0;                 // τ beyond which a mode outlives the training length
    std::vector<double> shareAbove;         // [layer]: fraction of modes above `threshold`

    int layers() const { return int(share.size()); }
    bool isEmpty() const { return share.empty(); }
    /// Axis coordinate (log10 when logarithmic) of a bin's edges and of a value.
    double binLow(int bin) const { return axisMin + (axisMax - axisMin) * bin / bins; }
    double binHigh(int bin) const { return binLow(bin + 1); }
    double coordinate(double value) const;
    double valueAt(double coordinate) const;

    static bool isLogarithmic(SpectrumQuantity q) { return q != SpectrumQuantity::Lambda; }
    /// Whether `q` can be computed: τ needs Δ statistics.
    static bool available(SpectrumQuantity q, const DeltaStatistics *stats);
    /// Δ̄ of a channel as the scan uses it: the measured mean Δ times a delta modulation's factor.
    static float meanStep(const ScanParameters &scan, const DeltaStatistics &stats, int layer,
                          int channel);
    /// Whether a memory τ reaches beyond `length` tokens. A mode capped exactly at the length
    /// (τ-cap) is not beyond it, whatever the last bit of its float says: 1e-4 relative slack.
    static bool beyond(double tau, double length) { return tau > length * (1.0 + 1e-4); }
    /// One layer's values of `q` (α from -A, λ = exp(-α), τ = 1/(α·meanStep)).
    static void layerValues(const ScanParameters &scan, const DeltaStatistics *stats, int layer,
                            SpectrumQuantity q, std::vector<float> &out);
    /// An axis range covering every mode of every given parameter set (and `include`, e.g. the
    /// training and target lengths), in axis coordinates.
    static std::pair<double, double> axisRange(const std::vector<const ScanParameters *> &scans,
                                               const DeltaStatistics *stats, SpectrumQuantity q,
                                               const std::vector<double> &include = {});
    static SpectrumDensity compute(const ScanParameters &scan, const DeltaStatistics *stats,
                                   SpectrumQuantity q, std::pair<double, double> range, int bins,
                                   double threshold);
};

}  // namespace mscope
