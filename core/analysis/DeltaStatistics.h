// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <cstdint>
#include <vector>

namespace mscope {

class BpeTokenizer;
class JobControl;
class MambaModel;
struct ScanParameters;

/// Mean Δ (after softplus) per layer and channel over a calibration text: the typical step that
/// turns α into a per-token decay exp(-Δ̄·α) and a memory time constant τ = 1/(Δ̄·α).
/// Measured as the demo reference does: windows of `windowLength` tokens with a fresh state each.
struct DeltaStatistics
{
    std::vector<std::vector<float>> meanDelta;  // [layer][d_inner], Mamba-2 [layer][heads]
    int windowLength = 0;
    int64_t tokens = 0;

    static DeltaStatistics measure(const MambaModel &model, const std::vector<int32_t> &tokens,
                                   int windowLength, int maxWindows,
                                   const JobControl *job = nullptr,
                                   const ScanParameters *scan = nullptr);
    /// The windows of a text measureOnText uses: enough for a stable mean (the demo recipe's
    /// count).
    static constexpr int kTextWindows = 64;
    /// Δ statistics as every program measures them for τ and τ-cap: the first kTextWindows
    /// windows of `windowLength` tokens (the training length) of the text at `textPath`.
    static DeltaStatistics measureOnText(const MambaModel &model, const BpeTokenizer &tokenizer,
                                         const QString &textPath, int windowLength,
                                         const JobControl *job = nullptr,
                                         const ScanParameters *scan = nullptr);
    QJsonObject toJson() const;
    static DeltaStatistics fromJson(const QJsonObject &json, const QString &source);
};

}  // namespace mscope
