// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/Calibrator.h"

#include "calibration/AdamSearch.h"
#include "calibration/CalibrationObjective.h"
#include "calibration/ConstantSearch.h"
#include "calibration/CoordinateSearch.h"
#include "calibration/ScoredObjective.h"
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
    ModulationSet set;
    QString method = methodName(options.method);
    const bool constant =
        options.family == ModulationFamily::TauCap || options.family == ModulationFamily::Winsorize;
    if (constant || options.method == CalibrationOptions::Method::Adam) {
        if (constant && options.method == CalibrationOptions::Method::Adam)
            throw Error({}, QStringLiteral("%1 has no gradient: its constant is calibrated by "
                                           "the 1-D search (method spsa or coordinate)")
                                .arg(modulationFamilyName(options.family)));
        const int evaluations = constant ? 0 : options.steps + 1;
        ScoredObjective objective(model, options, evaluations, job, onStep);
        if (constant) {
            ConstantSearch::run(*model, objective, options);
            method = QStringLiteral("golden-section");
        } else {
            AdamSearch::run(*model, objective, options);
        }
        if (!objective.hasBest())
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("calibration found no point with a finite objective"));
        set = objective.best();
        set.calibrationScore = objective.shown(objective.bestJ());
        if (options.objective.kind != ObjectiveSpec::Kind::Perplexity) {
            method += QStringLiteral(" (%1)").arg(options.objective.name());
            set.calibrationObjective = options.objective.name();
        }
    } else {
        if (options.objective.kind != ObjectiveSpec::Kind::Perplexity)
            throw Error({}, QStringLiteral("%1 searches perplexity only; the %2 objective needs "
                                           "--method adam")
                                .arg(method, options.objective.name()));
        CalibrationObjective objective(model, options, job, onStep);
        if (options.method == CalibrationOptions::Method::Spsa)
            SpsaSearch::run(objective, options.iterations, options.seed);
        else
            CoordinateSearch::run(objective);
        if (!objective.hasBest())
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("calibration found no point with a finite perplexity"));
        set = objective.modulationAt(objective.bestCoordinates());
        set.calibrationScore = objective.bestObjective();
    }
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
    set.calibrationMethod = method;
    if (options.objective.kind == ObjectiveSpec::Kind::Perplexity)
        set.calibrationObjective.clear();  // a start preset's objective is not this one's
    return set;
}

}  // namespace mscope
