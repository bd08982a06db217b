// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gradient/FactorTensor.h"
#include "gradient/LayerSensitivity.h"
#include "gradient/ScoredWindow.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace mscope {

class BackwardPass;
class JobControl;
class MambaModel;
class ModulationFactors;
class ModulationSet;

/// One gradient evaluation: the objective and its derivatives at a point (plain data, for the
/// CLI, the calibrations and the workbench's sensitivity map).
struct GradientResult
{
    double objective = 0.0;  // J = Σ over windows and positions of weight · NLL
    FactorTensor point;      // θ
    FactorTensor gradient;   // dJ/dθ, same shape
    /// Per layer dJ/dA_log' and dJ/d log s_Δ (LayerSensitivity): the heat map "which modes the
    /// objective wants faster or slower", whatever the family.
    std::vector<LayerSensitivity> sensitivity;
    int64_t tokens = 0;
    int windows = 0;
    double seconds = 0.0;
    int64_t workingBytes = 0;  // the most the backward held (recordings, scratch, checkpoints)
    int64_t keptChunks = 0;    // chunks not run again, kept from the first forward pass
    int64_t chunks = 0;        // chunks over all windows
};

/// J(θ) and dJ/dθ by reverse mode (method.md §9) for a set of scored windows, each from a fresh
/// state: the entry point of `mambascope-cli gradient`, of `calibrate --method adam` and of the
/// workbench. Owns a BackwardPass (and its buffers): use one per thread/job.
///
///     ModulationGradient g(model);
///     ModulationFactors at(*model, preset, ModulationFamily::Power, FactorGranularity::Channel);
///     GradientResult r = g.evaluate(at, at.values(), windows, &job);
///     // r.objective, r.gradient.at(layer, channel), r.sensitivity[layer].aLog[...]
class ModulationGradient
{
public:
    explicit ModulationGradient(std::shared_ptr<const MambaModel> model, int chunkTokens = 512);
    ~ModulationGradient();

    /// J and dJ/dθ at θ = `theta` (shaped as at.values()). Throws Cancelled when `job` is
    /// cancelled (checked before every chunk of every window); `job`'s progress goes from 0 to 1
    /// over the windows.
    GradientResult evaluate(const ModulationFactors &at, const FactorTensor &theta,
                            const std::vector<ScoredWindow> &windows, const JobControl *job);
    /// BackwardPass::setKeptLogitLimit: memory for the LM head's logits against one product.
    void setKeptLogitLimit(int64_t floats);
    /// BackwardPass::setRecordingBudget: memory for kept chunks against forward passes again
    /// (none by default; negative: automatic, for an object that evaluates many times).
    void setRecordingBudget(int64_t bytes);

    /// J alone at `modulation`: forward passes only, the same numbers as evaluate()'s J.
    double objective(const ModulationSet &modulation, const std::vector<ScoredWindow> &windows,
                     const JobControl *job);
    /// J and the per-layer sensitivities at `modulation`, whatever family will use them.
    GradientResult sensitivity(const ModulationSet &modulation,
                               const std::vector<ScoredWindow> &windows, const JobControl *job);

private:
    std::shared_ptr<const MambaModel> m_model;
    std::unique_ptr<BackwardPass> m_backward;
};

}  // namespace mscope
