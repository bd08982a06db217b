// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/ModelConfig.h"

#include "io/GuardedFile.h"
#include "support/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <optional>

namespace mscope {

namespace {

// Bounds far beyond any published Mamba; a value past them is a typo or a wrong file, and
// accepting it would only fail later with a huge allocation.
constexpr int64_t kMaxModelDim = 1 << 16;
constexpr int64_t kMaxInnerDim = 1 << 20;
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxVocab = 1 << 24;
constexpr int64_t kMaxStateDim = 4096;
constexpr int64_t kMaxConvKernel = 64;
constexpr int64_t kMaxChunk = 1 << 20;
constexpr qint64 kMaxJsonBytes = qint64(16) << 20;

QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

QString quoted(const QString &s)
{
    return QLatin1Char('\'') + s + QLatin1Char('\'');
}

// Reads keys of either spelling with one set of messages. A key "ssm_cfg.x" is looked up in the
// original layout's ssm_cfg object; JSON null counts as absent (HF writes null for unset ids).
class ConfigReader
{
public:
    ConfigReader(const QJsonObject &json, const QString &path) : m_json(json), m_path(path)
    {
        const QJsonValue ssm = json.value(QLatin1String("ssm_cfg"));
        if (!ssm.isUndefined() && !ssm.isNull()) {
            if (!ssm.isObject())
                fail(QStringLiteral("'ssm_cfg' must be a JSON object (got %1)").arg(jsonText(ssm)));
            m_ssm = ssm.toObject();
        }
    }

    [[noreturn]] void fail(const QString &problem) const { throw Error(m_path, problem); }

    struct Found
    {
        QString key;
        QJsonValue value;
    };

    std::optional<Found> find(std::initializer_list<const char *> keys) const
    {
        for (const char *key : keys) {
            const QString k = QLatin1String(key);
            const bool inSsm = k.startsWith(QLatin1String("ssm_cfg."));
            const QJsonValue v = inSsm ? m_ssm.value(k.mid(8)) : m_json.value(k);
            if (!v.isUndefined() && !v.isNull())
                return Found{k, v};
        }
        return std::nullopt;
    }

    struct Integer
    {
        QString key;
        int64_t value;
    };

    std::optional<Integer> integer(std::initializer_list<const char *> keys) const
    {
        const std::optional<Found> f = find(keys);
        if (!f)
            return std::nullopt;
        constexpr qint64 notWhole = std::numeric_limits<qint64>::min();
        const qint64 n = f->value.isDouble() ? f->value.toInteger(notWhole) : notWhole;
        if (n == notWhole)
            fail(QStringLiteral("%1 must be an integer (got %2)")
                     .arg(quoted(f->key), jsonText(f->value)));
        return Integer{f->key, n};
    }

    /// A size: must be in [1, max]; `fallback` when absent.
    int size(std::initializer_list<const char *> keys, int64_t fallback, int64_t max) const
    {
        const std::optional<Integer> n = integer(keys);
        if (!n)
            return int(fallback);
        checkRange(n->key, double(n->value), max);
        return int(n->value);
    }

    /// A size that must be present.
    int requiredSize(std::initializer_list<const char *> keys, int64_t max) const
    {
        const std::optional<Integer> n = integer(keys);
        if (!n) {
            QStringList names;
            for (const char *k : keys)
                names << quoted(QLatin1String(k));
            fail(QStringLiteral("missing %1").arg(names.join(QStringLiteral(" or "))));
        }
        checkRange(n->key, double(n->value), max);
        return int(n->value);
    }

    void checkRange(const QString &key, double value, double max) const
    {
        if (value <= 0)
            fail(QStringLiteral("%1 must be positive (got %2)").arg(quoted(key)).arg(value));
        if (value > max) {
            fail(QStringLiteral("%1 is implausibly large (got %2, at most %3)")
                     .arg(quoted(key))
                     .arg(value, 0, 'g', 15)
                     .arg(max, 0, 'g', 15));
        }
    }

    std::optional<double> number(std::initializer_list<const char *> keys, QString *key) const
    {
        const std::optional<Found> f = find(keys);
        if (!f)
            return std::nullopt;
        if (!f->value.isDouble())
            fail(QStringLiteral("%1 must be a number (got %2)")
                     .arg(quoted(f->key), jsonText(f->value)));
        *key = f->key;
        return f->value.toDouble();
    }

    bool boolean(std::initializer_list<const char *> keys, bool fallback) const
    {
        const std::optional<Found> f = find(keys);
        if (!f)
            return fallback;
        if (!f->value.isBool()) {
            fail(QStringLiteral("%1 must be true or false (got %2)")
                     .arg(quoted(f->key), jsonText(f->value)));
        }
        return f->value.toBool();
    }

    const QJsonObject &ssm() const { return m_ssm; }

private:
    const QJsonObject &m_json;
    QString m_path;
    QJsonObject m_ssm;
};

// transformers before version 5 wrote `time_step_limit` with Python's json module, which spells
// an infinite float as the bare token Infinity (not JSON). Rewrites bare Infinity, -Infinity and
// NaN outside strings into the {"__float__": "..."} objects transformers 5 writes instead.
QByteArray quoteNonFiniteNumbers(const QByteArray &text)
{
    static const char *const tokens[] = {"-Infinity", "Infinity", "NaN"};
    const QByteArrayView view(text);
    QByteArray out;
    out.reserve(text.size() + 64);
    bool inString = false;
    for (qsizetype i = 0; i < view.size(); ++i) {
        const char ch = view[i];
        if (inString) {
            out += ch;
            if (ch == '\\' && i + 1 < view.size())
                out += view[++i];
            else if (ch == '"')
                inString = false;
            continue;
        }
        inString = ch == '"';
        const char *match = nullptr;
        for (const char *token : tokens) {
            if (view.sliced(i).startsWith(QByteArrayView(token))) {
                match = token;
                break;
            }
        }
        if (!match) {
            out += ch;
            continue;
        }
        out += QByteArrayLiteral("{\"__float__\": \"") + match + QByteArrayLiteral("\"}");
        i += qsizetype(std::strlen(match)) - 1;
    }
    return out;
}

// One end of `time_step_limit`: a JSON number, or a non-finite float the way transformers 5
// writes it ({"__float__": "Infinity"}) or as a string ("inf"). NaN is refused (nullopt).
std::optional<double> timeStepLimitValue(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    const QString text =
        (v.isObject() ? v.toObject().value(QLatin1String("__float__")).toString() : v.toString())
            .trimmed()
            .toLower();
    if (text == QLatin1String("infinity") || text == QLatin1String("inf") ||
        text == QLatin1String("+inf") || text == QLatin1String("+infinity"))
        return std::numeric_limits<double>::infinity();
    if (text == QLatin1String("-infinity") || text == QLatin1String("-inf"))
        return -std::numeric_limits<double>::infinity();
    return std::nullopt;
}

// Families that mix Mamba with other layers (or are another recurrence altogether): a config of
// theirs has the keys we read, and reading only its Mamba layers would give nonsense.
struct UnsupportedFamily
{
    const char *modelType;
    const char *architecture;
    const char *name;
    const char *layers;
};

constexpr UnsupportedFamily kUnsupportedFamilies[] = {
    {"jamba", "JambaForCausalLM", "Jamba (AI21)", "attention, Mamba and mixture-of-experts layers"},
    {"zamba", "ZambaForCausalLM", "Zamba (Zyphra)", "Mamba layers with a shared attention block"},
    {"zamba2", "Zamba2ForCausalLM", "Zamba2 (Zyphra)",
     "Mamba-2 layers with shared attention blocks"},
    {"recurrent_gemma", "RecurrentGemmaForCausalLM", "RecurrentGemma (Google)",
     "Griffin's gated linear recurrences and local attention, not Mamba"},
    {"bamba", "BambaForCausalLM", "Bamba (IBM)", "Mamba-2 and attention layers"},
    {"nemotron_h", "NemotronHForCausalLM", "Nemotron-H (NVIDIA)",
     "Mamba-2, attention and MLP layers"},
    {"falcon_h1", "FalconH1ForCausalLM", "Falcon-H1 (TII)",
     "attention and Mamba-2 heads side by side in every layer"},
    {"granitemoehybrid", "GraniteMoeHybridForCausalLM", "Granite 4.0 hybrid (IBM)",
     "Mamba-2, attention and mixture-of-experts layers"},
};

const QString kSupportedFamilies =
    QStringLiteral("MambaScope runs pure Mamba-1, Mamba-2 and Falcon-Mamba models");

// Throws naming the family when model_type or an entry of architectures is one of them.
void refuseUnsupportedFamily(const ConfigReader &r, const QJsonObject &json)
{
    const QString type = json.value(QLatin1String("model_type")).toString();
    const QJsonArray architectures = json.value(QLatin1String("architectures")).toArray();
    for (const UnsupportedFamily &f : kUnsupportedFamilies) {
        const bool byType = type == QLatin1String(f.modelType);
        if (!byType && !architectures.contains(QLatin1String(f.architecture)))
            continue;
        r.fail(QStringLiteral("%1 (%2 %3) is not supported: it has %4; %5")
                   .arg(QLatin1String(f.name),
                        byType ? QStringLiteral("model_type") : QStringLiteral("architecture"),
                        quoted(byType ? type : QLatin1String(f.architecture)),
                        QLatin1String(f.layers), kSupportedFamilies));
    }
}

}  // namespace

int ModelConfig::paddedVocabSize() const
{
    const int m = std::max(1, padVocabSizeMultiple);
    return (vocabSize + m - 1) / m * m;
}

ModelConfig ModelConfig::fromJsonFile(const QString &path)
{
    // A config.json is a few KB.
    const QByteArray text = GuardedFile::read(path, kMaxJsonBytes, QStringLiteral("a config.json"));
    QJsonDocument doc;
    try {
        doc = GuardedFile::parseJson(text, path);
    } catch (const Error &) {
        // Older Mamba-2 configs hold a bare Infinity; the error names the original text.
        QJsonParseError again;
        doc = QJsonDocument::fromJson(quoteNonFiniteNumbers(text), &again);
        if (again.error != QJsonParseError::NoError)
            throw;
    }
    if (!doc.isObject())
        throw Error(path, QStringLiteral("not a JSON object"));
    return fromJson(doc.object(), path);
}

ModelConfig ModelConfig::fromJson(const QJsonObject &json, const QString &path)
{
    const ConfigReader r(json, path);
    ModelConfig c;
    refuseUnsupportedFamily(r, json);

    // Which block: model_type in HF files; ssm_cfg.layer (or the architectures list) otherwise.
    QString layer;
    if (const auto f = r.find({"ssm_cfg.layer"})) {
        layer = f->value.toString();
        if (!f->value.isString() ||
            (layer != QLatin1String("Mamba1") && layer != QLatin1String("Mamba2"))) {
            r.fail(QStringLiteral("unknown ssm_cfg.layer %1 (MambaScope reads Mamba1 and Mamba2)")
                       .arg(jsonText(f->value)));
        }
    }
    const std::optional<ConfigReader::Found> modelType = r.find({"model_type"});
    const bool hfLayout = modelType.has_value();
    c.originalLayout = !hfLayout;
    if (hfLayout) {
        const QString type = modelType->value.toString();
        if (!modelType->value.isString() ||
            (type != QLatin1String("mamba") && type != QLatin1String("mamba2") &&
             type != QLatin1String("falcon_mamba"))) {
            r.fail(
                QStringLiteral("unknown model_type %1 (MambaScope reads mamba, mamba2 and "
                               "falcon_mamba)")
                    .arg(modelType->value.isString() ? quoted(type) : jsonText(modelType->value)));
        }
        c.architecture =
            type == QLatin1String("mamba2") ? Architecture::Mamba2 : Architecture::Mamba1;
        c.dtBcRms = type == QLatin1String("falcon_mamba");
        const bool layerSaysMamba2 = layer == QLatin1String("Mamba2");
        if (!layer.isEmpty() && layerSaysMamba2 != (c.architecture == Architecture::Mamba2)) {
            r.fail(QStringLiteral("model_type %1 contradicts ssm_cfg.layer %2")
                       .arg(quoted(type), quoted(layer)));
        }
    } else if (!layer.isEmpty()) {
        c.architecture =
            layer == QLatin1String("Mamba2") ? Architecture::Mamba2 : Architecture::Mamba1;
    } else {
        const QJsonArray architectures = json.value(QLatin1String("architectures")).toArray();
        c.architecture = architectures.contains(QStringLiteral("Mamba2ForCausalLM"))
                             ? Architecture::Mamba2
                             : Architecture::Mamba1;
    }
    const bool mamba2 = c.architecture == Architecture::Mamba2;
    c.modelType = mamba2      ? QStringLiteral("mamba2")
                  : c.dtBcRms ? QStringLiteral("falcon_mamba")
                              : QStringLiteral("mamba");

    // mamba_ssm >= 2 can interleave MLP and attention blocks; those checkpoints need a forward
    // pass we do not have, and reading only their Mamba layers would give nonsense.
    if (const auto mlp = r.integer({"d_intermediate"}); mlp && mlp->value != 0) {
        r.fail(QStringLiteral("'d_intermediate' is %1: models with MLP blocks are not supported")
                   .arg(mlp->value));
    }
    if (const auto attention = r.find({"attn_layer_idx"});
        attention && !attention->value.toArray().isEmpty()) {
        r.fail(QStringLiteral("'attn_layer_idx' is %1: hybrid models with attention layers are "
                              "not supported (mamba_ssm's Mamba + attention hybrids, e.g. "
                              "state-spaces/mamba2attn); %2")
                   .arg(jsonText(attention->value), kSupportedFamilies));
    }

    c.dModel = r.requiredSize({"hidden_size", "d_model"}, kMaxModelDim);
    c.nLayer = r.requiredSize({"num_hidden_layers", "n_layer"}, kMaxLayers);
    c.vocabSize = r.requiredSize({"vocab_size"}, kMaxVocab);
    // transformers sizes the embedding by vocab_size alone (its converted files hold the padded
    // size there); only the original layout pads at load time, by default to a multiple of 8.
    c.padVocabSizeMultiple = hfLayout ? 1 : r.size({"pad_vocab_size_multiple"}, 8, 1 << 16);

    c.dState = r.size({"state_size", "ssm_cfg.d_state"}, mamba2 ? 128 : 16, kMaxStateDim);
    c.convKernel = r.size({"conv_kernel", "ssm_cfg.d_conv"}, 4, kMaxConvKernel);

    QString expandKey = QStringLiteral("expand");
    const double expand = r.number({"expand", "ssm_cfg.expand"}, &expandKey).value_or(2.0);
    const double expanded = std::floor(expand * c.dModel);  // int(expand * d_model), as both do
    const std::optional<ConfigReader::Integer> intermediate =
        mamba2 ? std::nullopt : r.integer({"intermediate_size"});
    if (intermediate) {
        // expand is not used then (transformers too takes intermediate_size as written).
        r.checkRange(intermediate->key, double(intermediate->value), kMaxInnerDim);
        c.dInner = int(intermediate->value);
    } else {
        r.checkRange(expandKey, expand, 64);
        r.checkRange(expandKey + QStringLiteral(" * d_model"), expanded, kMaxInnerDim);
        c.dInner = int(expanded);
    }

    QString epsKey;
    c.normEps = r.number({"layer_norm_epsilon", "norm_epsilon"}, &epsKey).value_or(1e-5);
    if (!(c.normEps > 0 && c.normEps < 1)) {
        r.fail(QStringLiteral("%1 must be a small positive number (got %2)")
                   .arg(quoted(epsKey))
                   .arg(c.normEps));
    }
    c.useBias = r.boolean({"use_bias", "ssm_cfg.bias"}, false);
    c.useConvBias = r.boolean({"use_conv_bias", "ssm_cfg.conv_bias"}, true);
    // transformers' Mamba2Config unties by default; every other flavour ties.
    c.tieEmbeddings = r.boolean({"tie_word_embeddings", "tie_embeddings"}, !(hfLayout && mamba2));
    // transformers' Mamba blocks always use RMSNorm; the original code may use LayerNorm.
    c.rmsNorm = hfLayout ? true : r.boolean({"rms_norm"}, true);

    const auto tokenId = [&](std::initializer_list<const char *> keys, int fallback) {
        const std::optional<ConfigReader::Integer> id = r.integer(keys);
        if (!id)  // a default beyond a (tiny) vocabulary would be out of range: use token 0
            return fallback < c.paddedVocabSize() ? fallback : 0;
        if (id->value < 0 || id->value >= c.paddedVocabSize()) {
            r.fail(QStringLiteral("%1 is %2, outside the vocabulary of %3 tokens")
                       .arg(quoted(id->key))
                       .arg(id->value)
                       .arg(c.paddedVocabSize()));
        }
        return int(id->value);
    };
    c.bosTokenId = tokenId({"bos_token_id"}, 0);
    c.eosTokenId = tokenId({"eos_token_id"}, hfLayout && mamba2 ? 2 : 0);
    c.padTokenId = tokenId({"pad_token_id"}, -1);

    if (c.dtBcRms) {
        QString mixerEpsKey;
        c.mixerRmsEps = r.number({"mixer_rms_eps"}, &mixerEpsKey).value_or(1e-6);
        if (!(c.mixerRmsEps > 0 && c.mixerRmsEps < 1)) {
            r.fail(QStringLiteral("%1 must be a small positive number (got %2)")
                       .arg(quoted(mixerEpsKey))
                       .arg(c.mixerRmsEps));
        }
    }
    if (!mamba2) {
        const std::optional<ConfigReader::Found> rank =
            r.find({"time_step_rank", "ssm_cfg.dt_rank"});
        if (!rank || rank->value.toString() == QLatin1String("auto")) {
            c.dtRank = (c.dModel + 15) / 16;
        } else if (rank->value.isString()) {
            r.fail(QStringLiteral("%1 must be \"auto\" or an integer (got %2)")
                       .arg(quoted(rank->key), jsonText(rank->value)));
        } else {
            c.dtRank = r.size({"time_step_rank", "ssm_cfg.dt_rank"}, 0, kMaxInnerDim);
        }
        return c;
    }

    c.dtRank = 0;  // Mamba-2 has one dt per head and no dt projection
    c.headDim = r.size({"head_dim", "ssm_cfg.headdim"}, 64, kMaxInnerDim);
    // transformers' default is 8 groups, mamba_ssm's is 1.
    c.nGroups = r.size({"n_groups", "ssm_cfg.ngroups"}, hfLayout ? 8 : 1, kMaxInnerDim);
    c.chunkSize = r.size({"chunk_size", "ssm_cfg.chunk_size"}, 256, kMaxChunk);
    c.normBeforeGate = r.boolean({"norm_before_gate", "ssm_cfg.norm_before_gate"}, false);
    if (const auto limit = r.find({"time_step_limit", "ssm_cfg.dt_limit"})) {
        const QJsonArray ends = limit->value.toArray();
        std::optional<double> low, high;
        if (limit->value.isArray() && ends.size() == 2) {
            low = timeStepLimitValue(ends[0]);
            high = timeStepLimitValue(ends[1]);
        }
        if (!low || !high || !std::isfinite(*low) || *low < 0.0 || !(*high > *low)) {
            r.fail(QStringLiteral("%1 must be [min, max] with 0 <= min < max, max possibly "
                                  "Infinity (got %2)")
                       .arg(quoted(limit->key), jsonText(limit->value)));
        }
        c.timeStepMin = *low;
        c.timeStepMax = *high;
    }
    // mamba_ssm's Mamba2 options that change the computation and no public checkpoint uses.
    if (!r.boolean({"ssm_cfg.rmsnorm"}, true))
        r.fail(
            QStringLiteral("ssm_cfg.rmsnorm is false: Mamba-2 without the gated RMSNorm is "
                           "not supported"));
    if (r.boolean({"ssm_cfg.D_has_hdim"}, false))
        r.fail(
            QStringLiteral("ssm_cfg.D_has_hdim is true: a D per channel instead of per head "
                           "is not supported"));

    if (const auto dSsm = r.integer({"ssm_cfg.d_ssm"}); dSsm && dSsm->value != c.dInner) {
        r.fail(QStringLiteral("ssm_cfg.d_ssm %1 differs from d_inner %2 (MambaScope runs the SSM "
                              "over the whole inner dimension)")
                   .arg(dSsm->value)
                   .arg(c.dInner));
    }
    if (const auto heads = r.integer({"num_heads"})) {
        r.checkRange(heads->key, double(heads->value), kMaxInnerDim);
        c.nHeads = int(heads->value);
        if (int64_t(c.nHeads) * c.headDim != c.dInner) {
            r.fail(QStringLiteral("num_heads * head_dim = %1 * %2 = %3, but expand * hidden_size "
                                  "= %4")
                       .arg(c.nHeads)
                       .arg(c.headDim)
                       .arg(int64_t(c.nHeads) * c.headDim)
                       .arg(c.dInner));
        }
    } else {
        if (c.dInner % c.headDim != 0) {
            r.fail(QStringLiteral("d_inner %1 (expand * d_model) is not a multiple of the head "
                                  "size %2")
                       .arg(c.dInner)
                       .arg(c.headDim));
        }
        c.nHeads = c.dInner / c.headDim;
    }
    if (c.nHeads % c.nGroups != 0) {
        r.fail(
            QStringLiteral("%1 heads cannot be split into %2 groups").arg(c.nHeads).arg(c.nGroups));
    }
    return c;
}

int ModelConfig::convChannels() const
{
    return architecture == Architecture::Mamba2 ? dInner + 2 * nGroups * dState : dInner;
}

QJsonObject ModelConfig::toHfJson() const
{
    const bool mamba2 = architecture == Architecture::Mamba2;
    // transformers computes the inner size as int(expand * hidden_size): an integer ratio when
    // there is one, else a ratio half a channel above the quotient, whose product truncates to
    // d_inner exactly (the quotient itself can fall just short: 61.0 / 7 * 7 = 60.99999999999999).
    const QJsonValue expand =
        dInner % dModel == 0 ? QJsonValue(dInner / dModel) : QJsonValue((dInner + 0.5) / dModel);
    QJsonObject json{
        {QStringLiteral("architectures"),
         QJsonArray{mamba2    ? QStringLiteral("Mamba2ForCausalLM")
                    : dtBcRms ? QStringLiteral("FalconMambaForCausalLM")
                              : QStringLiteral("MambaForCausalLM")}},
        {QStringLiteral("model_type"), mamba2    ? QStringLiteral("mamba2")
                                       : dtBcRms ? QStringLiteral("falcon_mamba")
                                                 : QStringLiteral("mamba")},
        {QStringLiteral("hidden_size"), dModel},
        {QStringLiteral("num_hidden_layers"), nLayer},
        {QStringLiteral("expand"), expand},
        {QStringLiteral("state_size"), dState},
        {QStringLiteral("conv_kernel"), convKernel},
        // The padded size: that is the embedding's row count, and transformers pads nothing.
        {QStringLiteral("vocab_size"), paddedVocabSize()},
        {QStringLiteral("pad_vocab_size_multiple"), padVocabSizeMultiple},
        {QStringLiteral("layer_norm_epsilon"), normEps},
        {QStringLiteral("use_bias"), useBias},
        {QStringLiteral("use_conv_bias"), useConvBias},
        {QStringLiteral("tie_word_embeddings"), tieEmbeddings},
        {QStringLiteral("bos_token_id"), bosTokenId},
        {QStringLiteral("eos_token_id"), eosTokenId},
        {QStringLiteral("hidden_act"), QStringLiteral("silu")},
        {QStringLiteral("residual_in_fp32"), true},
        {QStringLiteral("use_cache"), true},
    };
    if (padTokenId >= 0)
        json.insert(QStringLiteral("pad_token_id"), padTokenId);
    if (mamba2) {
        json.insert(QStringLiteral("num_heads"), nHeads);
        json.insert(QStringLiteral("head_dim"), headDim);
        json.insert(QStringLiteral("n_groups"), nGroups);
        json.insert(QStringLiteral("chunk_size"), chunkSize);
        json.insert(QStringLiteral("norm_before_gate"), normBeforeGate);
        json.insert(QStringLiteral("rms_norm"), true);
        json.insert(QStringLiteral("time_step_rank"), QStringLiteral("auto"));
        if (timeStepMin != 0.0 || std::isfinite(timeStepMax)) {
            const QJsonValue high = std::isfinite(timeStepMax)
                                        ? QJsonValue(timeStepMax)
                                        : QJsonValue(QJsonObject{{QStringLiteral("__float__"),
                                                                  QStringLiteral("Infinity")}});
            json.insert(QStringLiteral("time_step_limit"), QJsonArray{timeStepMin, high});
        }
    } else {
        json.insert(QStringLiteral("intermediate_size"), dInner);
        json.insert(QStringLiteral("time_step_rank"), dtRank);
        if (dtBcRms)
            json.insert(QStringLiteral("mixer_rms_eps"), mixerRmsEps);
    }
    return json;
}

}  // namespace mscope
