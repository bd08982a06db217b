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
    switch (method) {
        case CalibrationOptions::Method::Spsa:
            return QStringLiteral("spsa");
        case CalibrationOptions::Method::Coordinate:
            return QStringLiteral("coordinate");
        case CalibrationOptions::Method::Adam:
            return QStringLiteral("adam");
    }
    return {};
}

std::optional<CalibrationOptions::Method> Calibrator::methodFromName(const QString &name)
{
    for (auto m : {CalibrationOptions::Method::Spsa, CalibrationOptions::Method::Coordinate,
                   CalibrationOptions::Method::Adam})
        if (name.trimmed().toLower() == methodName(m))
            return m;
    return std::nullopt;
}

ModulationSet Calibrator::run(std::shared_ptr<const MambaModel> model,
                              const CalibrationOptions &options, const JobControl *job,
                              const std::function<void(const CalibrationStep &)> &onStep)
{
    CalibrationObjective objective(model, options, job, onStep);
    if (options.method == CalibrationOptions::Method::Spsa)
        SpsaSearch::run(objective, options.iterations, options.seed);
    else if (options.method == CalibrationOptions::Method::Coordinate)
        CoordinateSearch::run(objective);
    else
        throw Error({}, QStringLiteral("calibrate --method adam is not available yet"));
    if (!objective.hasBest())
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("calibration found no point with a finite perplexity"));

    ModulationSet set = objective.modulationAt(objective.bestCoordinates());
    set.modelFingerprint = model->fingerprint();
    set.modelName = QFileInfo(model->directory()).fileName();
    set.targetLength = options.targetLength;
    // The start preset's texts (e.g. the one its Δ statistics come from) stay recorded.
    for (qsizetype i = 0; i < options.calibrationTexts.size(); ++i) {
        const QString hash = options.calibrationTextHashes.value(i);
        if (!hash.isEmpty() && set.calibrationTextHashes.contains(hash))
            continue;
        set.calibrationTexts << options.calibrationTexts[i];
        set.calibrationTextHashes << hash;
    }
    set.calibrationScore = objective.bestObjective();
    set.calibrationMethod = methodName(options.method);
    return set;
}

}  // namespace mscope
