// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/AdamSearch.h"

#include "calibration/ScoredObjective.h"
#include "gradient/ModulationFactors.h"
#include "model/MambaModel.h"

#include <algorithm>
#include <cmath>

namespace mscope {

void AdamSearch::run(const MambaModel &model, ScoredObjective &objective,
                     const CalibrationOptions &options)
{
    ModulationSet base = options.start.value_or(ModulationSet{});
    const ModulationFactors at(model, base, options.family, options.granularity);
    const auto [lo, hi] = ModulationFactors::calibrationRange(options.family);
    FactorTensor theta = at.values();
    for (double &t : theta.values)
        t = std::clamp(t, lo, hi);
    const FactorTensor start = theta;
    const size_t n = theta.values.size();
    std::vector<double> m(n, 0.0), v(n, 0.0);
    double lr = options.learningRate;

    GradientResult r = objective.gradient(at, theta, 0, QStringLiteral("start"));
    FactorTensor previous = theta;
    GradientResult previousResult = r;
    int taken = 0;  // Adam's step counter t (bias correction)
    for (int k = 1; k <= options.steps && objective.canEvaluate(); ++k) {
        const bool finite = std::isfinite(r.objective) &&
                            std::all_of(r.gradient.values.begin(), r.gradient.values.end(),
                                        [](double g) { return std::isfinite(g); });
        if (!finite && k == 1)
            return;  // the start itself overflows: nothing to step from
        if (!finite) {
            // The last step went too far (the state overflowed): go back and step shorter.
            theta = previous;
            r = previousResult;
            lr *= 0.5;
        }
        ++taken;
        previous = theta;
        previousResult = r;
        const double c1 = 1.0 - std::pow(options.beta1, taken);
        const double c2 = 1.0 - std::pow(options.beta2, taken);
        for (size_t i = 0; i < n; ++i) {
            const double g = r.gradient.values[i];
            m[i] = options.beta1 * m[i] + (1.0 - options.beta1) * g;
            v[i] = options.beta2 * v[i] + (1.0 - options.beta2) * g * g;
            double t = theta.values[i];
            t -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + options.epsilon);
            t -= lr * options.weightDecay * (theta.values[i] - start.values[i]);
            theta.values[i] = std::clamp(t, lo, hi);
        }
        // The loop's condition left room for this evaluation; the last point needs no gradient.
        if (k == options.steps)
            objective.evaluate(at.modulation(theta), k, QStringLiteral("step"));
        else
            r = objective.gradient(at, theta, k, QStringLiteral("step"));
    }
}

}  // namespace mscope
