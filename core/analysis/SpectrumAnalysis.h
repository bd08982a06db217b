// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <vector>

namespace mscope {

class MambaModel;
struct ScanParameters;
struct DeltaStatistics;

/// The spectrum of one layer's state transition (method.md §3), row-major [channel][state] like
/// A_log ([heads][1] in Mamba-2, one mode per head). τ and the pole need a calibration pass (Δ
/// statistics) and are empty without one.
struct LayerSpectrum
{
    int channels = 0;
    int stateSize = 0;
    std::vector<float> alpha;      // α = -A of the scan parameters (after any modulation)
    std::vector<float> lambda;     // λ = exp(-α)
    std::vector<float> tau;        // τ = 1/(α·Δ̄) tokens; empty without Δ statistics
    std::vector<float> meanDelta;  // [channels]: Δ̄ the scan uses (mean Δ × deltaScale), or empty
    std::vector<float> pole;  // exp(-α·Δ̄), the per-token decay; empty without Δ statistics
};

/// Order statistics of one quantity over a layer's modes.
struct SpectrumQuantiles
{
    double min = 0, q01 = 0, q10 = 0, q25 = 0, median = 0, q75 = 0, q90 = 0, q99 = 0, max = 0;
    QJsonObject toJson() const;
};

/// What a layer's spectrum says about length generalization in a few numbers.
struct SpectrumSummary
{
    int modes = 0;  // channels × d_state
    SpectrumQuantiles alpha;
    SpectrumQuantiles lambda;
    bool hasTau = false;
    SpectrumQuantiles tau;
    int trainingLength = 0;
    int targetLength = 0;
    double shareBeyondTraining = 0;         // modes (channel, state) with τ > L_train
    double shareBeyondTarget = 0;           // modes with τ > target length
    double channelShareBeyondTraining = 0;  // channels whose slowest mode has τ > L_train
    double channelShareBeyondTarget = 0;    // channels whose slowest mode has τ > target
    double meanDelta = 0;                   // mean over channels of Δ̄
    QJsonObject toJson() const;
};

/// Computes the spectrum of a model under given scan parameters, and its summaries.
class SpectrumAnalysis
{
public:
    /// One LayerSpectrum per layer. `stats` (may be null) gives Δ̄ per channel; τ then is
    /// 1/(α·Δ̄·deltaScale) per (channel, state). Throws Error when `stats` does not fit the
    /// model.
    static std::vector<LayerSpectrum> compute(const MambaModel &model, const ScanParameters &scan,
                                              const DeltaStatistics *stats);
    static SpectrumSummary summarize(const LayerSpectrum &layer, int trainingLength,
                                     int targetLength);
    /// Quantiles with linear interpolation between order statistics (numpy's default).
    static SpectrumQuantiles quantiles(std::vector<float> values);
};

}  // namespace mscope
