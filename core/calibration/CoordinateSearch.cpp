// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/CoordinateSearch.h"

#include "calibration/CalibrationObjective.h"
#include "calibration/GoldenSection.h"

#include <algorithm>
#include <vector>

namespace mscope {

namespace {

constexpr int kEvaluationsPerLayerAndSweep = 8;

}  // namespace

void CoordinateSearch::run(CalibrationObjective &objective)
{
    constexpr double lo = CalibrationObjective::kLower, hi = CalibrationObjective::kUpper;
    const int layers = objective.layers();
    std::vector<double> u = objective.hasStart() ? objective.startCoordinates()
                                                 : std::vector<double>(size_t(layers), hi);
    int evaluation = 0;
    double current = objective.evaluate(u, evaluation++, QStringLiteral("start"));

    const int total =
        (objective.budget() - objective.passesUsed()) / objective.passesPerEvaluation();
    const int sweeps = std::max(1, total / (layers * kEvaluationsPerLayerAndSweep));
    int left = total;
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        for (int l = 0; l < layers; ++l) {
            const int slotsLeft = (sweeps - sweep) * layers - l;
            const int k = left / slotsLeft;
            if (k < 1)
                continue;
            left -= k;
            const QString phase = QStringLiteral("layer %1").arg(l);
            std::vector<double> trial = u;
            double bestU = u[size_t(l)], bestF = current;
            const auto f = [&](double x) {
                trial[size_t(l)] = x;
                const double v = objective.evaluate(trial, evaluation++, phase);
                if (v < bestF) {
                    bestF = v;
                    bestU = x;
                }
                return v;
            };
            goldenSection(f, lo, hi, k);
            u[size_t(l)] = bestU;
            current = bestF;
        }
    }
}

}  // namespace mscope
