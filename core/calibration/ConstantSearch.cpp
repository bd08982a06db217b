// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/ConstantSearch.h"

#include "analysis/DeltaStatistics.h"
#include "calibration/GoldenSection.h"
#include "calibration/ScoredObjective.h"
#include "model/MambaModel.h"
#include "support/Error.h"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <vector>

namespace mscope {

std::pair<double, double> ConstantSearch::range(ModulationFamily family, int targetLength,
                                                int trainingLength)
{
    if (family == ModulationFamily::Winsorize)
        return {1e-4, 0.25};
    const double ratio = trainingLength > 0 ? double(targetLength) / trainingLength : 1.0;
    return {1.0 / 16.0, std::max(16.0, 4.0 * ratio)};
}

ModulationSet ConstantSearch::at(const ModulationSet &start, ModulationFamily family,
                                 double constant, int layers)
{
    ModulationSet set = start;
    for (size_t i = set.steps.size(); i-- > 0;)
        if (set.steps[i].family == family) {
            const int training = set.steps[i].trainingLength;
            set.steps[i] = Modulation::uniform(family, constant, layers);
            set.steps[i].trainingLength = training;
            return set;
        }
    set.steps.push_back(Modulation::uniform(family, constant, layers));
    return set;
}

void ConstantSearch::run(const MambaModel &model, ScoredObjective &objective,
                         const CalibrationOptions &options)
{
    const ModulationFamily family = options.family;
    const QString letter =
        family == ModulationFamily::TauCap ? QStringLiteral("c") : QStringLiteral("q");
    ModulationSet start = options.start.value_or(ModulationSet{});
    if (family == ModulationFamily::TauCap && !start.deltaStatistics)
        throw Error({}, QStringLiteral("the tau-cap search needs the mean Δ per channel (Δ "
                                       "statistics) in the start preset"));
    int training = start.trainingLength;
    for (const Modulation &m : start.steps)
        if (m.family == family && m.trainingLength > 0)
            training = m.trainingLength;
    if (family == ModulationFamily::TauCap && training <= 0 && start.deltaStatistics)
        training = start.deltaStatistics->windowLength;
    if (family == ModulationFamily::TauCap && training <= 0)
        throw Error({}, QStringLiteral("the tau-cap search needs the training length"));
    if (family == ModulationFamily::TauCap && start.trainingLength <= 0)
        start.trainingLength = training;
    const auto [lo, hi] = range(family, options.targetLength, training);
    const int layers = model.config().nLayer;

    int evaluation = 0;
    objective.evaluate(start, evaluation++, QStringLiteral("start"));
    const auto f = [&](double x) {
        const double c = std::exp(x);
        return objective.evaluate(
            at(start, family, c, layers), evaluation++,
            QStringLiteral("%1 = %2").arg(letter, QLocale::c().toString(c, 'g', 4)));
    };
    const int left = (objective.budget() - objective.passesUsed()) /
                     std::max(1, objective.windowsPerEvaluation());
    if (left < 1)
        return;
    const int gridPoints = std::clamp(left / 2, std::min(3, left), left);
    const double a0 = std::log(lo), b0 = std::log(hi);
    std::vector<double> xs, fs;
    for (int i = 0; i < gridPoints; ++i) {
        const double x =
            gridPoints == 1 ? 0.5 * (a0 + b0) : a0 + (b0 - a0) * double(i) / double(gridPoints - 1);
        xs.push_back(x);
        fs.push_back(f(x));
    }
    const int k = left - gridPoints;
    if (k < 1 || gridPoints < 2)
        return;
    const size_t best = size_t(std::min_element(fs.begin(), fs.end()) - fs.begin());
    // Golden section in the grid cells beside the best grid point, which it brackets.
    goldenSection(f, xs[best == 0 ? 0 : best - 1], xs[std::min(best + 1, xs.size() - 1)], k);
}

}  // namespace mscope
