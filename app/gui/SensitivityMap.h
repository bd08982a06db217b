// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

class JobControl;
class MambaModel;
class ModulationSet;
struct GradientResult;

/// The workbench's sensitivity view: how the perplexity objective J (mean NLL over windows of
/// calibration text, each from a fresh state) responds to each layer's and channel's decay, at a
/// modulation. Computed by core's ModulationGradient::sensitivity on GradientObjective's windows;
/// this only folds its per-entry derivatives into a layers × channels map:
///   decay[l][c]      = Σ_n dJ/dA_log'[l][c, n]  (dJ/d log α summed over the channel's states:
///                      the derivative along making all of the channel's modes decay faster by
///                      the same factor; Mamba-2: one entry per head)
///   deltaScale[l][c] = dJ/d log s_Δ[l][c]       (a multiplier on the channel's step Δ)
/// Sign: negative = J falls when the channel decays faster (shorter memory); positive = J falls
/// when it decays slower (longer memory).
struct SensitivityMap
{
    int layers = 0;
    int channels = 0;  // d_inner (Mamba-1) or heads (Mamba-2)
    bool heads = false;
    std::vector<double> decay;       // [layers][channels]
    std::vector<double> deltaScale;  // [layers][channels]
    double objective = 0.0;          // J: mean NLL (nats per token) over the scored positions
    int windowLength = 0;
    int windows = 0;
    int64_t tokens = 0;
    double seconds = 0.0;
    int64_t workingBytes = 0;
    QString text;     // the calibration text's name
    QString setting;  // the modulation it was computed at, as the editor describes it

    /// The map of a sensitivity result (the sums above).
    static SensitivityMap fromResult(const GradientResult &result, bool heads);

    /// `windows` windows of `windowLength` tokens of `document` (GradientObjective::
    /// documentWindows: spread over the text), perplexity-weighted, no BOS (as the calibration),
    /// through ModulationGradient::sensitivity at `modulation`. Throws Error when the text holds
    /// no window of that length, Cancelled when `job` is cancelled.
    static SensitivityMap compute(std::shared_ptr<const MambaModel> model,
                                  const ModulationSet &modulation,
                                  const std::vector<int32_t> &document, const QString &textName,
                                  int windowLength, int windows, int chunkTokens,
                                  const JobControl *job);
};

}  // namespace mscope

Q_DECLARE_METATYPE(mscope::SensitivityMap)
