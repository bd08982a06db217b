// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/Calibrator.h"

#include "calibration/CalibrationObjective.h"
#include "calibration/CoordinateSearch.h"
#include "calibration/SpsaSearch.h"
#include "model/MambaModel.h"
#include "support/Error.h"

#include <QFileInfo>

namespace mscope {

QString Calibrator::methodName(CalibrationOptions::Method method)
{
    return method == CalibrationOptions::Method::Spsa ? QStringLiteral("spsa")
                                                      : QStringLiteral("coordinate");
}

ModulationSet Calibrator::run(std::shared_ptr<const MambaModel> model,
                              const CalibrationOptions &options, const JobControl *job,
                              const std::function<void(const CalibrationStep &)> &onStep)
{
    CalibrationObjective objective(model, options, job, onStep);
    if (options.method == CalibrationOptions::Method::Spsa)
        SpsaSearch::run(objective, options.iterations, options.seed);
    else
        CoordinateSearch::run(objective);
    if (!objective.hasBest())
        throw Error(Error::Kind::Model, {}, QStringLiteral("calibration found no point with a finite perplexity"));

    ModulationSet set;
    Modulation m;
    m.family = options.family;
    m.layerFactors = objective.factorsOf(objective.bestCoordinates());
    set.steps.push_back(std::move(m));
    set.modelFingerprint = model->fingerprint();
    set.modelName = QFileInfo(model->directory()).fileName();
    set.targetLength = options.targetLength;
    set.calibrationTexts = options.calibrationTexts;
    set.calibrationTextHashes = options.calibrationTextHashes;
    set.calibrationScore = objective.bestObjective();
    set.calibrationMethod = methodName(options.method);
    return set;
}

}  // namespace mscope
