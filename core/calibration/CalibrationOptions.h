// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "modulation/Modulation.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace mscope {

/// What to calibrate, on what, and how much compute it may spend (method.md §5).
struct CalibrationOptions
{
    enum class Method { Spsa, Coordinate };

    /// Power, linear or delta: one factor per layer. The search runs over a coordinate
    /// u in [0.01, 1] per layer (u = 1 is the model as loaded): power s = u (the paper's range),
    /// delta s = u, linear s = 1/u (α up to 100 times faster).
    ModulationFamily family = ModulationFamily::Power;
    Method method = Method::Spsa;
    int targetLength = 0;  // the context length the factors are for (fixed-window length)
    int budget = 200;      // forward passes of targetLength tokens, over the whole search
    uint64_t seed = 0;
    std::vector<std::vector<int32_t>> calibrationDocs;  // token ids; never the evaluation texts
    QStringList calibrationTexts;                       // their names, recorded in the preset
    QStringList calibrationTextHashes;  // their SHA-256, recorded to refuse overlap at evaluation

    int iterations = 30;  // SPSA iterations (the paper's 30)
    /// Windows of targetLength tokens per objective evaluation; 0 picks budget / (1 + 3·iterations)
    /// (SPSA's plan with the iterate evaluated), at least 1 and at most what the texts hold. Both
    /// methods use the same rule, so their objectives are the same function.
    int windowsPerEvaluation = 0;
    int chunkTokens = 512;
    bool prependBos = false;
};

/// One objective evaluation during a calibration, as reported to the caller. The best point so
/// far travels with every step so that a cancelled run still leaves something usable.
struct CalibrationStep
{
    int iteration = 0;      // SPSA iteration (0 = the start), or coordinate evaluation index
    int forwardPasses = 0;  // used so far, of CalibrationOptions::budget
    int budget = 0;
    QString phase;         // "start", "s+", "s-", "iterate", "layer 3", ...
    double objective = 0;  // perplexity at the target length of the point just evaluated
    double bestObjective = 0;
    std::vector<double> factors;  // the point just evaluated (family factors, per layer)
    std::vector<double> bestFactors;
};

}  // namespace mscope
