// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

namespace mscope {

class MambaModel;
struct ScanParameters;
struct DeltaStatistics;
struct DecayParameters;

/// The ways MambaScope can rescale a layer's state transition (method.md §4).
enum class ModulationFamily {
    Power,      // A_log' = s·A_log (α' = α^s), the paper's method; per layer or per channel
    Linear,     // α' = s·α; per layer
    Delta,      // Δ' = s·Δ after the softplus (MambaExtend); per layer; cannot be baked
    Winsorize,  // clip λ = exp(-α) to its own [q, 1-q] quantiles per layer; factor = q
    TauCap,     // raise α so τ = 1/(α·mean Δ) <= c·L_train; factor = c; needs Δ stats
};

/// "power", "linear", "delta", "winsorize", "tau-cap".
QString modulationFamilyName(ModulationFamily f);
std::optional<ModulationFamily> modulationFamilyFromName(const QString &name);
/// Factor meaning "no change" for a family (1 for power/linear/delta, 0 for winsorize, +inf for
/// tau-cap).
double identityFactor(ModulationFamily f);
/// Whether a family can be written into A_log exactly (power, linear, winsorize, tau-cap: yes).
bool isBakeable(ModulationFamily f);

/// One family with its factors: one per layer, optionally one per channel (power, linear,
/// delta) or one per (channel, state) entry of A_log (power, linear). The finest given wins.
struct Modulation
{
    ModulationFamily family = ModulationFamily::Power;
    std::vector<double> layerFactors;  // [layers]
    /// [layers][channels] (d_inner; heads in Mamba-2), power, linear and delta; empty if unused
    /// (or an empty row: that layer's factor).
    std::vector<std::vector<double>> channelFactors;
    /// [layers][channels · states], row-major like A_log ([E, N]; Mamba-2 [H, 1]), power and
    /// linear; empty if unused (or an empty row: that layer's channel or layer factors).
    std::vector<std::vector<double>> stateFactors;
    int stateCount = 0;  // states per channel in stateFactors (N; 1 in Mamba-2), for the JSON
    /// L_train of a tau-cap step; 0 = the set's trainingLength, else the Δ statistics' window.
    int trainingLength = 0;

    static Modulation uniform(ModulationFamily family, double factor, int layers);
    bool isIdentity() const;
    /// Whether the step leaves one layer as it is.
    bool isIdentityAt(int layer) const;
    /// The factor of one channel: its channel factor where given, else the layer's.
    double factor(int layer, int channel) const;
    /// The factor of one entry of A_log ([channels, states] row-major): its state factor where
    /// given, else the channel's.
    double factor(int layer, int channel, int state, int states) const;
    /// Whether the step has factors finer than one per layer (channel or state) somewhere.
    bool hasChannelFactors() const;
    bool hasStateFactors() const;
    bool operator==(const Modulation &) const = default;
    /// Applies this step on top of `params` (in place). TauCap needs `stats` (else Error).
    void applyTo(ScanParameters &params, const MambaModel &model,
                 const DeltaStatistics *stats) const;
    /// The same in the log domain (what ModulationSet::apply and baking use: no float round trip
    /// through A). `fallbackTrainingLength` stands in for a tau-cap step's unset trainingLength.
    void applyTo(DecayParameters &params, const MambaModel &model, const DeltaStatistics *stats,
                 int fallbackTrainingLength = 0) const;
    /// Throws Error(source, ...) on a wrong factor count or a factor out of the family's range
    /// (power >= 0, linear and delta > 0, winsorize in [0, 0.5), tau-cap > 0 or +inf), or on
    /// channel or state factors for a family that has none. `channels` or `states` < 0: not
    /// checked (the model is not known yet).
    void validate(int layers, int channels, const QString &source, int states = -1) const;
};

/// A versioned, composable modulation preset: the JSON document users save and load
/// (schema in docs/modulation-format.md). Steps apply in order on top of the model's A.
class ModulationSet
{
public:
    /// At most this many steps: each costs a pass over every layer's A_log, and a preset of a
    /// million steps would hold the program for half an hour (validateFor and fromJson refuse
    /// more).
    static constexpr int kMaxSteps = 64;

    std::vector<Modulation> steps;

    // Provenance, saved with the preset.
    QString modelFingerprint;  // MambaModel::fingerprint() it was made for; empty = any
    QString modelName;         // for messages
    int targetLength = 0;      // context length it was calibrated for (0 = unspecified)
    int trainingLength = 0;    // L_train used by tau-cap
    QStringList calibrationTexts;
    QStringList calibrationTextHashes;       // SHA-256 of each calibration file, to refuse overlap
    std::optional<double> calibrationScore;  // objective reached (perplexity at targetLength)
    QString calibrationMethod;               // "spsa", "coordinate", "adam", "manual", ...
    /// What calibrationScore measures when it is not fixed-window perplexity at targetLength
    /// (empty): "passkey" (mean key NLL, nats) or "mixed:W" (calibrate --objective).
    QString calibrationObjective;
    /// Mean Δ per channel the tau-cap step was computed from, kept so the preset is self-contained.
    std::shared_ptr<const DeltaStatistics> deltaStatistics;

    bool isIdentity() const;
    /// The first of `layers` layers some step changes (`layers` when none): layers before it are
    /// the model as loaded.
    int firstModulatedLayer(int layers) const;
    /// The scan parameters of `model` with every step applied (weights untouched).
    std::shared_ptr<ScanParameters> apply(const MambaModel &model) const;
    /// The same before converting to A: what `bake` writes into A_log.
    DecayParameters decayParameters(const MambaModel &model) const;
    /// Whether every step that changes something can be written into A_log exactly.
    bool isBakeable() const;
    /// Throws Error(source, ...) when the layer or channel count does not fit `model`.
    void validateFor(const MambaModel &model, const QString &source) const;
    /// Throws Error(source, "made for model X (fingerprint ...), not for Y (...)") when the
    /// preset names another model's fingerprint; then checks the shapes (validateFor).
    void requireModel(const MambaModel &model, const QString &source) const;
    /// One line for logs and the GUI, e.g. "power 0.45 (uniform)" or "power per layer, delta x2".
    QString describe() const;

    /// "power:0.45" -> one step with 0.45 in every layer. Throws Error on bad syntax.
    static ModulationSet fromShorthand(const QString &spec, int layers);
    QJsonObject toJson() const;
    /// Throws Error(source, problem) on schema violations or a wrong layer count.
    static ModulationSet fromJson(const QJsonObject &json, const QString &source);
    /// Atomic write (QSaveFile). Throws Error.
    void save(const QString &path) const;
    /// Reads and validates; when `model` is given, refuses a preset made for another model
    /// ("made for model X (fingerprint ...), not for Y").
    static ModulationSet load(const QString &path, const MambaModel *model = nullptr);
};

}  // namespace mscope
