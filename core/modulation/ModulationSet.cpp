// SPDX-License-Identifier: GPL-3.0-or-later
// ModulationSet: composition, the versioned JSON preset (docs/modulation-format.md), shorthand.
#include "analysis/DeltaStatistics.h"
#include "io/GuardedFile.h"
#include "io/SaveFile.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>

namespace mscope {

namespace {

const QString kFormat = QStringLiteral("mambascope-modulation");
// Version 2 added state factors and channel factors for linear and delta. A preset that uses
// neither is still written as version 1, so that older MambaScope reads it.
constexpr int kVersion = 2;
// Per-channel factors and Δ statistics of the largest models take some MB.
constexpr qint64 kMaxPresetBytes = qint64(64) << 20;

// JSON has no infinity; tau-cap's "no cap" is written as the string "inf".
QJsonValue factorToJson(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return v;
}

double factorFromJson(const QJsonValue &v, const QString &source, const QString &where)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        const QString s = v.toString().trimmed().toLower();
        if (s == QLatin1String("inf") || s == QLatin1String("+inf") ||
            s == QLatin1String("infinity"))
            return std::numeric_limits<double>::infinity();
    }
    throw Error(source, QStringLiteral("%1: expected a number (or \"inf\")").arg(where));
}

QJsonArray factorsToJson(const std::vector<double> &v)
{
    QJsonArray a;
    for (double x : v)
        a.append(factorToJson(x));
    return a;
}

std::vector<double> factorsFromJson(const QJsonValue &v, const QString &source,
                                    const QString &where)
{
    if (!v.isArray())
        throw Error(source, QStringLiteral("%1: expected an array of numbers").arg(where));
    std::vector<double> out;
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i)
        out.push_back(factorFromJson(a[i], source, QStringLiteral("%1[%2]").arg(where).arg(i)));
    return out;
}

int nonNegativeInt(const QJsonObject &o, const QString &key, const QString &source)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return 0;
    const double d = v.toDouble(-1.0);
    if (!v.isDouble() || d < 0 || d != std::floor(d) || d > 1e9)
        throw Error(source, QStringLiteral("\"%1\" must be a non-negative integer").arg(key));
    return int(d);
}

// The state count of a step's state factors, for the JSON's nested rows (1 when unknown).
int stateSizeOf(const Modulation &m)
{
    return m.stateCount > 0 ? m.stateCount : 1;
}

QString modelLabel(const MambaModel &model)
{
    return QFileInfo(model.directory()).fileName();
}

}  // namespace

int ModulationSet::firstModulatedLayer(int layers) const
{
    for (int l = 0; l < layers; ++l)
        for (const Modulation &m : steps)
            if (!m.isIdentityAt(l))
                return l;
    return layers;
}

bool ModulationSet::isIdentity() const
{
    return std::all_of(steps.begin(), steps.end(),
                       [](const Modulation &m) { return m.isIdentity(); });
}

DecayParameters ModulationSet::decayParameters(const MambaModel &model) const
{
    DecayParameters p = DecayParameters::fromModel(model);
    for (const Modulation &m : steps)
        m.applyTo(p, model, deltaStatistics.get(), trainingLength);
    return p;
}

std::shared_ptr<ScanParameters> ModulationSet::apply(const MambaModel &model) const
{
    if (isIdentity())
        return ScanParameters::fromModel(model);
    return decayParameters(model).toScan();
}

bool ModulationSet::isBakeable() const
{
    return std::all_of(steps.begin(), steps.end(), [](const Modulation &m) {
        return m.isIdentity() || mscope::isBakeable(m.family);
    });
}

void ModulationSet::validateFor(const MambaModel &model, const QString &source) const
{
    if (int(steps.size()) > kMaxSteps)
        throw Error(source, QStringLiteral("%1 modulation steps; at most %2 can be applied "
                                           "together")
                                .arg(steps.size())
                                .arg(kMaxSteps));
    const int layers = model.config().nLayer, channels = model.decayChannels();
    for (const Modulation &m : steps)
        m.validate(layers, channels, source, model.decayStateSize());
    if (deltaStatistics) {
        if (int(deltaStatistics->meanDelta.size()) != layers)
            throw Error(source, QStringLiteral("the Δ statistics have %1 layers, the model %2")
                                    .arg(deltaStatistics->meanDelta.size())
                                    .arg(layers));
        for (const auto &l : deltaStatistics->meanDelta) {
            if (int(l.size()) != channels)
                throw Error(source, QStringLiteral("the Δ statistics have %1 channels per "
                                                   "layer, the model %2")
                                        .arg(l.size())
                                        .arg(channels));
        }
    }
}

void ModulationSet::requireModel(const MambaModel &model, const QString &source) const
{
    if (!modelFingerprint.isEmpty() && modelFingerprint != model.fingerprint()) {
        throw Error(source,
                    QStringLiteral("this modulation was made for model %1 (fingerprint %2), "
                                   "not for %3 (fingerprint %4); calibrate it again for this "
                                   "model")
                        .arg(modelName.isEmpty() ? QStringLiteral("?") : modelName,
                             modelFingerprint, modelLabel(model), model.fingerprint()));
    }
    validateFor(model, source);
}

QString ModulationSet::describe() const
{
    QStringList parts;
    for (const Modulation &m : steps) {
        if (m.isIdentity())
            continue;
        const QString name = modulationFamilyName(m.family);
        const auto &f = m.layerFactors;
        const bool uniform =
            !m.hasChannelFactors() && !m.hasStateFactors() &&
            std::all_of(f.begin(), f.end(), [&](double v) { return v == f.front(); });
        if (uniform)
            parts << QStringLiteral("%1 %2").arg(name).arg(f.front());
        else if (m.hasStateFactors())
            parts << QStringLiteral("%1 per state").arg(name);
        else if (m.hasChannelFactors())
            parts << QStringLiteral("%1 per channel").arg(name);
        else
            parts << QStringLiteral("%1 per layer [%2 .. %3]")
                         .arg(name)
                         .arg(*std::min_element(f.begin(), f.end()))
                         .arg(*std::max_element(f.begin(), f.end()));
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

ModulationSet ModulationSet::fromShorthand(const QString &spec, int layers)
{
    const QString help = QStringLiteral(
        "expected FAMILY:FACTOR such as power:0.45 (families: "
        "power, linear, delta, winsorize, tau-cap; one factor for "
        "every layer, or one per layer separated by '/'; steps "
        "separated by ',')");
    ModulationSet set;
    const QStringList stepSpecs = spec.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (stepSpecs.isEmpty())
        throw Error({}, QStringLiteral("empty modulation: %1").arg(help));
    for (const QString &stepSpec : stepSpecs) {
        const qsizetype colon = stepSpec.indexOf(QLatin1Char(':'));
        if (colon < 0)
            throw Error({}, QStringLiteral("modulation '%1': %2").arg(stepSpec.trimmed(), help));
        const QString familyText = stepSpec.left(colon).trimmed();
        const auto family = modulationFamilyFromName(familyText);
        if (!family)
            throw Error({}, QStringLiteral("modulation '%1': unknown family '%2'; %3")
                                .arg(stepSpec.trimmed(), familyText, help));
        const QStringList factorTexts = stepSpec.mid(colon + 1).split(QLatin1Char('/'));
        std::vector<double> factors;
        for (const QString &t : factorTexts) {
            const QString v = t.trimmed().toLower();
            bool ok = false;
            double x = v.toDouble(&ok);
            if (v == QLatin1String("inf") || v == QLatin1String("infinity")) {
                x = std::numeric_limits<double>::infinity();
                ok = true;
            }
            if (!ok)
                throw Error({}, QStringLiteral("modulation '%1': '%2' is not a number; %3")
                                    .arg(stepSpec.trimmed(), t.trimmed(), help));
            factors.push_back(x);
        }
        Modulation m;
        m.family = *family;
        if (factors.size() == 1)
            m.layerFactors.assign(size_t(layers), factors.front());
        else if (int(factors.size()) == layers)
            m.layerFactors = factors;
        else
            throw Error({}, QStringLiteral("modulation '%1' gives %2 factors; the model has %3 "
                                           "layers (give one factor, or one per layer)")
                                .arg(stepSpec.trimmed())
                                .arg(factors.size())
                                .arg(layers));
        m.validate(layers, -1, {});
        set.steps.push_back(std::move(m));
    }
    set.calibrationMethod = QStringLiteral("manual");
    return set;
}

QJsonObject ModulationSet::toJson() const
{
    QJsonArray stepsJson;
    int version = 1;
    for (const Modulation &m : steps) {
        QJsonObject s{{QStringLiteral("family"), modulationFamilyName(m.family)},
                      {QStringLiteral("layer_factors"), factorsToJson(m.layerFactors)}};
        if (!m.channelFactors.empty()) {
            QJsonArray c;
            for (const auto &layer : m.channelFactors)
                c.append(factorsToJson(layer));
            s.insert(QStringLiteral("channel_factors"), c);
            if (m.family != ModulationFamily::Power)
                version = 2;
        }
        if (!m.stateFactors.empty()) {
            // Per layer [] or [[per state] per channel]: the shape of A_log, as `gradient` prints.
            const int states = stateSizeOf(m);
            QJsonArray c;
            for (const auto &layer : m.stateFactors) {
                QJsonArray rows;
                for (size_t i = 0; states > 0 && i < layer.size(); i += size_t(states))
                    rows.append(factorsToJson(std::vector<double>(
                        layer.begin() + int64_t(i), layer.begin() + int64_t(i) + states)));
                c.append(rows);
            }
            s.insert(QStringLiteral("state_factors"), c);
            version = 2;
        }
        if (m.trainingLength > 0)
            s.insert(QStringLiteral("training_length"), m.trainingLength);
        stepsJson.append(s);
    }
    QJsonObject o{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), version},
        {QStringLiteral("model"), QJsonObject{{QStringLiteral("name"), modelName},
                                              {QStringLiteral("fingerprint"), modelFingerprint}}},
        {QStringLiteral("target_length"), targetLength},
        {QStringLiteral("training_length"), trainingLength},
        {QStringLiteral("steps"), stepsJson}};
    QJsonObject calibration{
        {QStringLiteral("method"), calibrationMethod},
        {QStringLiteral("texts"), QJsonArray::fromStringList(calibrationTexts)},
        {QStringLiteral("text_sha256"), QJsonArray::fromStringList(calibrationTextHashes)},
        {QStringLiteral("objective"),
         calibrationObjective.isEmpty() ? QStringLiteral("fixed-window perplexity at target_length")
                                        : calibrationObjective}};
    if (calibrationScore)
        calibration.insert(QStringLiteral("score"), *calibrationScore);
    o.insert(QStringLiteral("calibration"), calibration);
    if (deltaStatistics)
        o.insert(QStringLiteral("delta_statistics"), deltaStatistics->toJson());
    return o;
}

ModulationSet ModulationSet::fromJson(const QJsonObject &json, const QString &source)
{
    const QString format = json.value(QStringLiteral("format")).toString();
    if (format != kFormat)
        throw Error(source, QStringLiteral("not a MambaScope modulation preset (\"format\" is "
                                           "'%1', expected '%2')")
                                .arg(format, kFormat));
    const QJsonValue versionValue = json.value(QStringLiteral("version"));
    const double version = versionValue.toDouble(-1.0);
    if (!versionValue.isDouble() || version != std::floor(version) || version < 1)
        throw Error(source, QStringLiteral("\"version\" must be a positive integer"));
    if (version > kVersion)
        throw Error(source, QStringLiteral("written for preset format version %1; this "
                                           "MambaScope reads version %2 (update MambaScope)")
                                .arg(QString::number(version, 'g', QLocale::FloatingPointShortest))
                                .arg(kVersion));

    ModulationSet set;
    const QJsonObject model = json.value(QStringLiteral("model")).toObject();
    set.modelName = model.value(QStringLiteral("name")).toString();
    set.modelFingerprint = model.value(QStringLiteral("fingerprint")).toString();
    set.targetLength = nonNegativeInt(json, QStringLiteral("target_length"), source);
    set.trainingLength = nonNegativeInt(json, QStringLiteral("training_length"), source);

    const QJsonValue stepsValue = json.value(QStringLiteral("steps"));
    if (!stepsValue.isArray())
        throw Error(source, QStringLiteral("\"steps\" must be an array of modulation steps"));
    const QJsonArray stepsJson = stepsValue.toArray();
    if (stepsJson.size() > kMaxSteps)
        throw Error(source, QStringLiteral("%1 steps; a preset has at most %2 (write one step "
                                           "with per-layer or per-channel factors instead of "
                                           "many uniform ones)")
                                .arg(stepsJson.size())
                                .arg(kMaxSteps));
    int layers = -1;
    for (qsizetype i = 0; i < stepsJson.size(); ++i) {
        const QString where = QStringLiteral("steps[%1]").arg(i);
        if (!stepsJson[i].isObject())
            throw Error(source, QStringLiteral("%1 must be an object").arg(where));
        const QJsonObject s = stepsJson[i].toObject();
        const QString familyName = s.value(QStringLiteral("family")).toString();
        const auto family = modulationFamilyFromName(familyName);
        if (!family)
            throw Error(source, QStringLiteral("%1: unknown family '%2' (known: power, linear, "
                                               "delta, winsorize, tau-cap)")
                                    .arg(where, familyName));
        Modulation m;
        m.family = *family;
        m.layerFactors = factorsFromJson(s.value(QStringLiteral("layer_factors")), source,
                                         where + QStringLiteral(".layer_factors"));
        if (m.layerFactors.empty())
            throw Error(source, QStringLiteral("%1.layer_factors is empty").arg(where));
        if (layers >= 0 && int(m.layerFactors.size()) != layers)
            throw Error(source, QStringLiteral("%1 has %2 layer factors, the first step %3: "
                                               "wrong layer count")
                                    .arg(where)
                                    .arg(m.layerFactors.size())
                                    .arg(layers));
        layers = int(m.layerFactors.size());
        const QJsonValue channels = s.value(QStringLiteral("channel_factors"));
        if (!channels.isUndefined() && !channels.isNull()) {
            if (!channels.isArray())
                throw Error(source, QStringLiteral("%1.channel_factors must be an array of "
                                                   "arrays")
                                        .arg(where));
            const QJsonArray c = channels.toArray();
            for (qsizetype l = 0; l < c.size(); ++l)
                m.channelFactors.push_back(factorsFromJson(
                    c[l], source, QStringLiteral("%1.channel_factors[%2]").arg(where).arg(l)));
        }
        const QJsonValue stateValue = s.value(QStringLiteral("state_factors"));
        if (!stateValue.isUndefined() && !stateValue.isNull()) {
            if (!stateValue.isArray())
                throw Error(source, QStringLiteral("%1.state_factors must be an array of "
                                                   "[[per state] per channel] per layer")
                                        .arg(where));
            const QJsonArray perLayer = stateValue.toArray();
            int states = -1;
            for (qsizetype l = 0; l < perLayer.size(); ++l) {
                const QString at = QStringLiteral("%1.state_factors[%2]").arg(where).arg(l);
                if (!perLayer[l].isArray())
                    throw Error(source, QStringLiteral("%1 must be an array").arg(at));
                std::vector<double> flat;
                const QJsonArray rows = perLayer[l].toArray();
                for (qsizetype e = 0; e < rows.size(); ++e) {
                    const std::vector<double> row =
                        factorsFromJson(rows[e], source, QStringLiteral("%1[%2]").arg(at).arg(e));
                    if (states >= 0 && int(row.size()) != states)
                        throw Error(source, QStringLiteral("%1[%2] has %3 states, other "
                                                           "channels %4")
                                                .arg(at)
                                                .arg(e)
                                                .arg(row.size())
                                                .arg(states));
                    states = int(row.size());
                    flat.insert(flat.end(), row.begin(), row.end());
                }
                m.stateFactors.push_back(std::move(flat));
            }
            m.stateCount = std::max(0, states);
        }
        m.trainingLength = nonNegativeInt(s, QStringLiteral("training_length"), source);
        m.validate(layers, -1, source);
        set.steps.push_back(std::move(m));
    }

    const QJsonObject calibration = json.value(QStringLiteral("calibration")).toObject();
    set.calibrationMethod = calibration.value(QStringLiteral("method")).toString();
    const QString objective = calibration.value(QStringLiteral("objective")).toString();
    if (objective != QLatin1String("fixed-window perplexity at target_length"))
        set.calibrationObjective = objective;
    for (const QJsonValue &v : calibration.value(QStringLiteral("texts")).toArray())
        set.calibrationTexts << v.toString();
    for (const QJsonValue &v : calibration.value(QStringLiteral("text_sha256")).toArray())
        set.calibrationTextHashes << v.toString();
    const QJsonValue score = calibration.value(QStringLiteral("score"));
    if (score.isDouble())
        set.calibrationScore = score.toDouble();

    const QJsonValue stats = json.value(QStringLiteral("delta_statistics"));
    if (stats.isObject()) {
        auto d =
            std::make_shared<DeltaStatistics>(DeltaStatistics::fromJson(stats.toObject(), source));
        if (layers >= 0 && int(d->meanDelta.size()) != layers)
            throw Error(source, QStringLiteral("delta_statistics has %1 layers, the steps %2: "
                                               "wrong layer count")
                                    .arg(d->meanDelta.size())
                                    .arg(layers));
        set.deltaStatistics = std::move(d);
    } else if (!stats.isUndefined() && !stats.isNull()) {
        throw Error(source, QStringLiteral("\"delta_statistics\" must be an object"));
    }
    for (const Modulation &m : set.steps) {
        if (m.family == ModulationFamily::TauCap && !m.isIdentity() && !set.deltaStatistics)
            throw Error(source, QStringLiteral("the tau-cap step needs the Δ statistics it was "
                                               "computed from (\"delta_statistics\"), which "
                                               "this preset lacks"));
    }
    return set;
}

void ModulationSet::save(const QString &path) const
{
    writeToTarget(path, QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
}

ModulationSet ModulationSet::load(const QString &path, const MambaModel *model)
{
    const QJsonObject json =
        GuardedFile::readJsonObject(path, kMaxPresetBytes, QStringLiteral("a modulation preset"));
    ModulationSet set = fromJson(json, path);
    if (model)
        set.requireModel(*model, path);
    return set;
}

}  // namespace mscope
