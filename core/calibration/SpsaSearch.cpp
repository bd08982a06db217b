// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/SpsaSearch.h"

#include "calibration/CalibrationObjective.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace mscope {

namespace {

// Uniform [0, 1) from the top 53 bits: std::uniform_real_distribution's algorithm differs between
// standard libraries, and a seed must give the same factors everywhere.
double uniform01(std::mt19937_64 &rng)
{
    return double(rng() >> 11) * 0x1.0p-53;
}

}  // namespace

void SpsaSearch::run(CalibrationObjective &objective, int iterations, uint64_t seed)
{
    const auto clip = [](double v) {
        return std::clamp(v, CalibrationObjective::kLower, CalibrationObjective::kUpper);
    };
    std::mt19937_64 rng(seed);
    const int layers = objective.layers();
    const size_t n = static_cast<size_t>(layers);
    std::vector<double> u(n);
    if (objective.hasStart())
        u = objective.startCoordinates();
    else
        for (double &v : u)
            v = 0.75 + 0.25 * uniform01(rng);
    objective.evaluate(u, 0, QStringLiteral("start"));

    std::vector<double> delta(n), plus(n), minus(n);
    for (int k = 0; k < iterations && objective.canEvaluate(2); ++k) {
        const double ck = 0.1 / std::pow(1.0 + k, 0.1);
        const double ak = 0.001 * std::cos(double(k) * std::numbers::pi / 198.0);
        for (int l = 0; l < layers; ++l) {
            delta[size_t(l)] = (rng() >> 63) ? 1.0 : -1.0;
            plus[size_t(l)] = clip(u[size_t(l)] + ck * delta[size_t(l)]);
            minus[size_t(l)] = clip(u[size_t(l)] - ck * delta[size_t(l)]);
        }
        const double fPlus = objective.evaluate(plus, k + 1, QStringLiteral("s+"));
        const double fMinus = objective.evaluate(minus, k + 1, QStringLiteral("s-"));
        for (int l = 0; l < layers; ++l) {
            const double g = (fPlus - fMinus) * delta[size_t(l)] / (2.0 * ck);
            u[size_t(l)] = clip(u[size_t(l)] - ak * g);
        }
        if (objective.canEvaluate(1))
            objective.evaluate(u, k + 1, QStringLiteral("iterate"));
    }
}

}  // namespace mscope
