// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/FactorTensor.h"
#include "gradient/GradientObjective.h"
#include "modulation/Modulation.h"
#include "tasks/PasskeyTask.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace mscope {

/// What to calibrate, on what, and how much compute it may spend (method.md §5, §9).
struct CalibrationOptions
{
    /// Spsa and Coordinate search one factor per layer (zeroth order); Adam follows the gradient
    /// (method.md §9) at any granularity. Tau-cap and winsorize have one constant for the whole
    /// model: every method other than Adam runs the 1-D golden-section search of it
    /// (ConstantSearch); Adam refuses them (they have no gradient).
    enum class Method { Spsa, Coordinate, Adam };

    /// Power, linear or delta: one factor per layer (SPSA, coordinate) or at `granularity`
    /// (Adam). SPSA and coordinate run over a coordinate u in [0.01, 1] per layer (u = 1 is the
    /// model as loaded): power s = u (the paper's range), delta s = u, linear s = 1/u (α up to
    /// 100 times faster); Adam runs over the factors themselves, projected after every step onto
    /// ModulationFactors::calibrationRange (the same ranges). Tau-cap (c) and winsorize (q): the
    /// 1-D search of the one constant.
    ModulationFamily family = ModulationFamily::Power;
    Method method = Method::Spsa;
    int targetLength = 0;  // the context length the factors are for (fixed-window length)
    int budget = 200;      // forward passes of targetLength tokens, over the whole search
    uint64_t seed = 0;
    std::vector<std::vector<int32_t>> calibrationDocs;  // token ids; never the evaluation texts
    QStringList calibrationTexts;                       // their names, recorded in the preset
    QStringList calibrationTextHashes;  // their SHA-256, recorded to refuse overlap at evaluation

    /// Where the search starts and what it keeps (the workbench's faders, `--init FILE`). The
    /// family's last step of this preset is what is calibrated; its other steps stay as they
    /// are (a tau-cap step needs the preset's Δ statistics). SPSA and coordinate start from that
    /// step's per-layer factors (a layer's mean where it has finer ones), Adam from its factors
    /// at `granularity` (finer ones averaged), the 1-D search brackets around its constant.
    /// Unset: SPSA draws u ~ U(0.75, 1) as the paper does; the others start from the identity.
    std::optional<ModulationSet> start;

    int iterations = 30;  // SPSA iterations (the paper's 30)
    /// Windows of targetLength tokens per objective evaluation; 0 picks budget / (1 + 3·iterations)
    /// (SPSA's plan with the iterate evaluated), at least 1 and at most what the texts hold. Every
    /// method uses the same rule, so their objectives are the same function.
    int windowsPerEvaluation = 0;
    int chunkTokens = 512;
    bool prependBos = false;

    // Adam (AdamW): one gradient evaluation of every window per step.
    FactorGranularity granularity = FactorGranularity::Layer;
    /// ppl: mean NLL of the perplexity windows; passkey: mean NLL of the key's tokens over
    /// `retrievalPrompts`; mixed:W: (1 − W)·ppl + W·passkey. The 1-D search takes it too; SPSA and
    /// coordinate search perplexity only.
    ObjectiveSpec objective;
    double learningRate = 1e-2;  // the paper sweeps 1e-4 … 1e-1
    int steps = 20;              // Adam steps
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    /// AdamW's decoupled weight decay: after each step θ ← θ − lr·λ·(θ − θ_start), a pull toward
    /// the start point (the identity when `start` is unset), not toward 0 (0 is no modulation's
    /// identity). 0 = plain Adam.
    double weightDecay = 0.0;
    /// The retrieval objective's prompts (CalibrationPrompts::passkey builds them from the
    /// calibration texts); needed when objective.needsPrompts().
    std::vector<PasskeyPrompt> retrievalPrompts;
};

/// One objective evaluation during a calibration, as reported to the caller. The best point so
/// far travels with every step so that a cancelled run still leaves something usable.
struct CalibrationStep
{
    int iteration = 0;      // SPSA iteration or Adam step (0 = the start), else evaluation index
    int forwardPasses = 0;  // used so far, of CalibrationOptions::budget (Adam: of steps+1 ×
                            // windows; a gradient evaluation of one window counts one)
    int budget = 0;
    QString phase;  // "start", "s+", "s-", "iterate", "layer 3", "step", "c = 1.5", ...
    /// The objective of the point just evaluated: perplexity at the target length for the ppl
    /// objective (every method), the objective in nats (mean NLL) for passkey and mixed.
    double objective = 0;
    double bestObjective = 0;
    QString objectiveName;        // "perplexity", "passkey NLL", "mixed NLL"
    std::vector<double> factors;  // the point just evaluated (family factors, per layer mean)
    std::vector<double> bestFactors;
    /// The best point so far as a whole preset (channel and state factors included, the start
    /// preset's other steps kept; no provenance): what a cancelled run keeps.
    std::shared_ptr<const ModulationSet> bestModulation;
    double gradientNorm = 0;  // Adam: |dJ/dθ| at the point (0 for the other methods)
};

}  // namespace mscope
