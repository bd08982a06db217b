// SPDX-License-Identifier: GPL-3.0-or-later
// Reading config.json in the HuggingFace and the original state-spaces spellings, Mamba-1 and -2.
#include "io/Checkpoint.h"
#include "io/ModelConfig.h"
#include "support/Error.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace mscope;

namespace {

// Public configs as published on the HuggingFace hub.
const char *const kMamba130mHf = R"({
  "architectures": ["MambaForCausalLM"], "model_type": "mamba",
  "hidden_size": 768, "num_hidden_layers": 24, "state_size": 16, "expand": 2,
  "intermediate_size": 1536, "conv_kernel": 4, "time_step_rank": 48, "use_bias": false,
  "use_conv_bias": true, "layer_norm_epsilon": 1e-05, "vocab_size": 50280,
  "tie_word_embeddings": true, "bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0,
  "pad_vocab_size_multiple": 8, "hidden_act": "silu", "initializer_range": 0.1,
  "residual_in_fp32": true, "rescale_prenorm_residual": false, "time_step_floor": 0.0001,
  "time_step_init_scheme": "random", "time_step_max": 0.1, "time_step_min": 0.001,
  "time_step_scale": 1.0, "torch_dtype": "float32", "transformers_version": "4.39.0.dev0",
  "use_cache": true})";

const char *const kMamba130mOriginal = R"({
  "d_model": 768, "n_layer": 24, "vocab_size": 50277, "ssm_cfg": {}, "rms_norm": true,
  "residual_in_fp32": true, "fused_add_norm": true, "pad_vocab_size_multiple": 8})";

// A Mamba-2 130M converted to the transformers layout.
const char *const kMamba2Hf = R"({
  "architectures": ["Mamba2ForCausalLM"], "model_type": "mamba2", "hidden_size": 768,
  "num_hidden_layers": 24, "num_heads": 24, "head_dim": 64, "n_groups": 1, "state_size": 128,
  "expand": 2, "conv_kernel": 4, "chunk_size": 256, "norm_before_gate": false,
  "rms_norm": true, "tie_word_embeddings": true, "use_bias": false, "use_conv_bias": true,
  "vocab_size": 50288, "layer_norm_epsilon": 1e-05, "time_step_rank": "auto",
  "time_step_limit": [0.0, 1e300], "bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0})";

// state-spaces/mamba2-130m's own config.json.
const char *const kMamba2Original = R"({
  "d_model": 768, "d_intermediate": 0, "n_layer": 24, "vocab_size": 50277,
  "ssm_cfg": {"layer": "Mamba2"}, "attn_layer_idx": [], "attn_cfg": {}, "rms_norm": true,
  "residual_in_fp32": true, "fused_add_norm": true, "pad_vocab_size_multiple": 16,
  "tie_embeddings": true})";

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("(no Error thrown)");
}

QJsonObject parsed(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

void compareConfigs(const ModelConfig &a, const ModelConfig &b)
{
    QCOMPARE(a.architecture, b.architecture);
    QCOMPARE(a.modelType, b.modelType);
    QCOMPARE(a.dModel, b.dModel);
    QCOMPARE(a.nLayer, b.nLayer);
    QCOMPARE(a.dInner, b.dInner);
    QCOMPARE(a.dState, b.dState);
    QCOMPARE(a.convKernel, b.convKernel);
    QCOMPARE(a.dtRank, b.dtRank);
    QCOMPARE(a.paddedVocabSize(), b.paddedVocabSize());
    QCOMPARE(a.normEps, b.normEps);
    QCOMPARE(a.useBias, b.useBias);
    QCOMPARE(a.useConvBias, b.useConvBias);
    QCOMPARE(a.tieEmbeddings, b.tieEmbeddings);
    QCOMPARE(a.rmsNorm, b.rmsNorm);
    QCOMPARE(a.bosTokenId, b.bosTokenId);
    QCOMPARE(a.eosTokenId, b.eosTokenId);
    QCOMPARE(a.padTokenId, b.padTokenId);
    QCOMPARE(a.nHeads, b.nHeads);
    QCOMPARE(a.headDim, b.headDim);
    QCOMPARE(a.nGroups, b.nGroups);
    QCOMPARE(a.chunkSize, b.chunkSize);
    QCOMPARE(a.normBeforeGate, b.normBeforeGate);
    QCOMPARE(a.dtBcRms, b.dtBcRms);
    QCOMPARE(a.mixerRmsEps, b.mixerRmsEps);
}

}  // namespace

class TestModelConfig : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void demoConfig();
    void mamba130mHf();
    void mamba130mOriginal();
    void mamba2Hf();
    void mamba2Original();
    void falconMamba();
    void mamba2OriginalCustomSsm();
    void dtRankSpellings();
    void innerSizeFromExpand();
    void vocabPadding();
    void nullsAndUnknownKeys();
    void hfJsonRoundTrip_data();
    void hfJsonRoundTrip();
    void errors_data();
    void errors();
    void unreadableFiles();

private:
    // Writes `text` to a fresh file and reads it back as a config.
    ModelConfig load(const QByteArray &text)
    {
        const QString path = writeConfig(text);
        return ModelConfig::fromJsonFile(path);
    }
    QString writeConfig(const QByteArray &text)
    {
        const QString path = m_dir.filePath(QStringLiteral("config-%1.json").arg(++m_files));
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(text);
        return path;
    }

    QTemporaryDir m_dir;
    int m_files = 0;
};

void TestModelConfig::demoConfig()
{
    const QString dir = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
    const ModelConfig c = ModelConfig::fromJsonFile(dir + QStringLiteral("/config.json"));
    QCOMPARE(c.architecture, Architecture::Mamba1);
    QCOMPARE(c.modelType, QStringLiteral("mamba"));
    QCOMPARE(c.dModel, 256);
    QCOMPARE(c.nLayer, 6);
    QCOMPARE(c.dInner, 512);
    QCOMPARE(c.dState, 16);
    QCOMPARE(c.convKernel, 4);
    QCOMPARE(c.dtRank, 16);
    QCOMPARE(c.vocabSize, 4096);
    QCOMPARE(c.paddedVocabSize(), 4096);
    QCOMPARE(c.normEps, 1e-5);
    QVERIFY(!c.useBias);
    QVERIFY(c.useConvBias);
    QVERIFY(c.tieEmbeddings);
    QVERIFY(c.rmsNorm);
    QCOMPARE(c.bosTokenId, 0);
    QCOMPARE(c.eosTokenId, 0);

    // The config and the weights next to it agree (method.md §1 shapes).
    const Checkpoint weights(dir);
    const auto shape = [&](const QString &name) { return weights.tensor(name).shape; };
    const QString mixer = QStringLiteral("backbone.layers.%1.mixer.").arg(c.nLayer - 1);
    QCOMPARE(shape(mixer + "A_log"), (std::vector<int64_t>{c.dInner, c.dState}));
    QCOMPARE(shape(mixer + "in_proj.weight"), (std::vector<int64_t>{2 * c.dInner, c.dModel}));
    QCOMPARE(shape(mixer + "x_proj.weight"),
             (std::vector<int64_t>{c.dtRank + 2 * c.dState, c.dInner}));
    QCOMPARE(shape(mixer + "conv1d.weight"), (std::vector<int64_t>{c.dInner, 1, c.convKernel}));
    QCOMPARE(shape(QStringLiteral("backbone.embeddings.weight")),
             (std::vector<int64_t>{c.paddedVocabSize(), c.dModel}));
}

void TestModelConfig::mamba130mHf()
{
    const ModelConfig c = load(kMamba130mHf);
    QCOMPARE(c.architecture, Architecture::Mamba1);
    QCOMPARE(c.modelType, QStringLiteral("mamba"));
    QCOMPARE(c.dModel, 768);
    QCOMPARE(c.nLayer, 24);
    QCOMPARE(c.dInner, 1536);
    QCOMPARE(c.dState, 16);
    QCOMPARE(c.dtRank, 48);
    QCOMPARE(c.vocabSize, 50280);
    QCOMPARE(c.paddedVocabSize(), 50280);
    QVERIFY(c.tieEmbeddings);
    QVERIFY(c.useConvBias);
    QVERIFY(!c.useBias);
}

void TestModelConfig::falconMamba()
{
    // As transformers 5.17 wrote it (tests/data/checkpoints/falcon_mamba_small): the Mamba-1 block
    // with the weightless norms of dt, B and C after x_proj, with their own epsilon.
    const ModelConfig c = ModelConfig::fromJsonFile(
        QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/falcon_mamba_small/config.json"));
    QCOMPARE(c.architecture, Architecture::Mamba1);
    QCOMPARE(c.modelType, QStringLiteral("falcon_mamba"));
    QVERIFY(c.dtBcRms);
    QCOMPARE(c.mixerRmsEps, 1e-3);
    QCOMPARE(c.normEps, 1e-5);
    QCOMPARE(c.dModel, 64);
    QCOMPARE(c.dInner, 128);
    QCOMPARE(c.dtRank, 4);
    QVERIFY(c.tieEmbeddings);
    // The class default when the file does not say.
    QCOMPARE(load(R"({"model_type": "falcon_mamba", "hidden_size": 64, "num_hidden_layers": 2,
        "vocab_size": 9})")
                 .mixerRmsEps,
             1e-6);
    QVERIFY(!load(kMamba130mHf).dtBcRms);
}

void TestModelConfig::mamba130mOriginal()
{
    const ModelConfig c = load(kMamba130mOriginal);
    QCOMPARE(c.architecture, Architecture::Mamba1);
    QCOMPARE(c.modelType, QStringLiteral("mamba"));
    QCOMPARE(c.dModel, 768);
    QCOMPARE(c.nLayer, 24);
    QCOMPARE(c.dInner, 1536);
    QCOMPARE(c.dState, 16);
    QCOMPARE(c.convKernel, 4);
    QCOMPARE(c.dtRank, 48);  // "auto" by default: ceil(768 / 16)
    QCOMPARE(c.vocabSize, 50277);
    QCOMPARE(c.padVocabSizeMultiple, 8);
    QCOMPARE(c.paddedVocabSize(), 50280);
    QVERIFY(c.tieEmbeddings);
    QVERIFY(c.rmsNorm);
    QVERIFY(!c.useBias);
    QVERIFY(c.useConvBias);
    QCOMPARE(c.normEps, 1e-5);
}

void TestModelConfig::mamba2Hf()
{
    const ModelConfig c = load(kMamba2Hf);
    QCOMPARE(c.architecture, Architecture::Mamba2);
    QCOMPARE(c.modelType, QStringLiteral("mamba2"));
    QCOMPARE(c.dModel, 768);
    QCOMPARE(c.nLayer, 24);
    QCOMPARE(c.dInner, 1536);
    QCOMPARE(c.nHeads, 24);
    QCOMPARE(c.headDim, 64);
    QCOMPARE(c.nGroups, 1);
    QCOMPARE(c.dState, 128);
    QCOMPARE(c.chunkSize, 256);
    QCOMPARE(c.dtRank, 0);  // "auto" is ignored by Mamba-2
    QCOMPARE(c.paddedVocabSize(), 50288);
    QVERIFY(!c.normBeforeGate);
    QVERIFY(c.tieEmbeddings);

    // transformers' own defaults apply to what an HF file leaves out.
    QJsonObject sparse = parsed(kMamba2Hf);
    for (const char *key : {"n_groups", "tie_word_embeddings", "eos_token_id", "num_heads"})
        sparse.remove(QLatin1String(key));
    const ModelConfig d = ModelConfig::fromJson(sparse, QStringLiteral("sparse.json"));
    QCOMPARE(d.nGroups, 8);
    QVERIFY(!d.tieEmbeddings);
    QCOMPARE(d.eosTokenId, 2);
    QCOMPARE(d.nHeads, 24);  // derived from expand * hidden_size / head_dim
}

void TestModelConfig::mamba2Original()
{
    const ModelConfig c = load(kMamba2Original);
    QCOMPARE(c.architecture, Architecture::Mamba2);
    QCOMPARE(c.modelType, QStringLiteral("mamba2"));
    QCOMPARE(c.dModel, 768);
    QCOMPARE(c.dInner, 1536);
    // mamba_ssm's Mamba2 defaults.
    QCOMPARE(c.dState, 128);
    QCOMPARE(c.headDim, 64);
    QCOMPARE(c.nHeads, 24);
    QCOMPARE(c.nGroups, 1);
    QCOMPARE(c.convKernel, 4);
    QCOMPARE(c.chunkSize, 256);
    QVERIFY(!c.normBeforeGate);
    QCOMPARE(c.vocabSize, 50277);
    QCOMPARE(c.paddedVocabSize(), 50288);
}

void TestModelConfig::mamba2OriginalCustomSsm()
{
    const ModelConfig c = load(R"({"d_model": 512, "n_layer": 4, "vocab_size": 1000,
        "ssm_cfg": {"layer": "Mamba2", "d_state": 64, "headdim": 32, "ngroups": 2, "expand": 3,
                    "d_conv": 3, "chunk_size": 128, "bias": true, "conv_bias": false,
                    "norm_before_gate": true}})");
    QCOMPARE(c.architecture, Architecture::Mamba2);
    QCOMPARE(c.dInner, 1536);
    QCOMPARE(c.dState, 64);
    QCOMPARE(c.headDim, 32);
    QCOMPARE(c.nHeads, 48);
    QCOMPARE(c.nGroups, 2);
    QCOMPARE(c.convKernel, 3);
    QCOMPARE(c.chunkSize, 128);
    QVERIFY(c.useBias);
    QVERIFY(!c.useConvBias);
    QVERIFY(c.normBeforeGate);
    QCOMPARE(c.paddedVocabSize(), 1000);

    // Mamba-1 ssm_cfg keys.
    const ModelConfig m1 = load(R"({"d_model": 100, "n_layer": 2, "vocab_size": 10,
        "ssm_cfg": {"layer": "Mamba1", "d_state": 8, "d_conv": 2, "expand": 4, "dt_rank": 5,
                    "bias": true}, "rms_norm": false, "tie_embeddings": false})");
    QCOMPARE(m1.architecture, Architecture::Mamba1);
    QCOMPARE(m1.dInner, 400);
    QCOMPARE(m1.dState, 8);
    QCOMPARE(m1.convKernel, 2);
    QCOMPARE(m1.dtRank, 5);
    QVERIFY(m1.useBias);
    QVERIFY(!m1.rmsNorm);
    QVERIFY(!m1.tieEmbeddings);
    QCOMPARE(m1.paddedVocabSize(), 16);
}

void TestModelConfig::dtRankSpellings()
{
    const auto rank = [&](const QByteArray &extra) {
        return load(R"({"model_type": "mamba", "hidden_size": 1000, "num_hidden_layers": 1,
                       "vocab_size": 8)" +
                    extra + "}")
            .dtRank;
    };
    QCOMPARE(rank(R"(, "time_step_rank": "auto")"), 63);  // ceil(1000 / 16) = ceil(62.5)
    QCOMPARE(rank(""), 63);
    QCOMPARE(rank(R"(, "time_step_rank": 7)"), 7);
    QCOMPARE(load(R"({"d_model": 1024, "n_layer": 1, "vocab_size": 8,
                     "ssm_cfg": {"dt_rank": "auto"}})")
                 .dtRank,
             64);
}

void TestModelConfig::innerSizeFromExpand()
{
    const ModelConfig c = load(R"({"model_type": "mamba", "hidden_size": 768,
        "num_hidden_layers": 2, "vocab_size": 50280, "expand": 3})");
    QCOMPARE(c.dInner, 2304);
    // intermediate_size, when given, wins (transformers reads it as is).
    QCOMPARE(load(R"({"model_type": "mamba", "hidden_size": 768, "num_hidden_layers": 2,
                     "vocab_size": 50280, "expand": 2, "intermediate_size": 1000})")
                 .dInner,
             1000);
}

void TestModelConfig::vocabPadding()
{
    const auto padded = [&](const QByteArray &extra) {
        return load(R"({"d_model": 64, "n_layer": 1, "vocab_size": 50277)" + extra + "}")
            .paddedVocabSize();
    };
    QCOMPARE(padded(""), 50280);  // the original default multiple is 8
    QCOMPARE(padded(R"(, "pad_vocab_size_multiple": 8)"), 50280);
    QCOMPARE(padded(R"(, "pad_vocab_size_multiple": 16)"), 50288);
    QCOMPARE(padded(R"(, "pad_vocab_size_multiple": 1)"), 50277);
    // transformers does not pad: an HF file's vocab_size is the embedding's row count.
    QCOMPARE(load(R"({"model_type": "mamba", "hidden_size": 64, "num_hidden_layers": 1,
                     "vocab_size": 50277, "pad_vocab_size_multiple": 8})")
                 .paddedVocabSize(),
             50277);
}

void TestModelConfig::nullsAndUnknownKeys()
{
    const ModelConfig c = load(R"({"model_type": "mamba", "hidden_size": 64,
        "num_hidden_layers": 1, "vocab_size": 100, "bos_token_id": null, "eos_token_id": 5,
        "some_future_key": {"nested": [1, 2, 3]}, "quantization_config": null})");
    QCOMPARE(c.bosTokenId, 0);
    QCOMPARE(c.eosTokenId, 5);
}

void TestModelConfig::hfJsonRoundTrip_data()
{
    QTest::addColumn<QByteArray>("text");
    QFile demo(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m/config.json"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    QTest::newRow("demo") << demo.readAll();
    QTest::newRow("mamba-130m-hf") << QByteArray(kMamba130mHf);
    QTest::newRow("mamba-130m original") << QByteArray(kMamba130mOriginal);
    QTest::newRow("mamba2 hf") << QByteArray(kMamba2Hf);
    QTest::newRow("mamba2 original") << QByteArray(kMamba2Original);
    QTest::newRow("falcon-mamba") << QByteArray(R"({"model_type": "falcon_mamba",
        "hidden_size": 64, "num_hidden_layers": 3, "vocab_size": 512, "mixer_rms_eps": 0.001,
        "layer_norm_epsilon": 1e-5, "time_step_rank": 4})");
    QTest::newRow("odd sizes") << QByteArray(R"({"model_type": "mamba", "hidden_size": 96,
        "num_hidden_layers": 3, "vocab_size": 77, "intermediate_size": 200, "state_size": 4,
        "conv_kernel": 2, "time_step_rank": 9, "use_bias": true, "use_conv_bias": false,
        "layer_norm_epsilon": 1e-6, "tie_word_embeddings": false, "bos_token_id": 3,
        "eos_token_id": 4})");
}

void TestModelConfig::hfJsonRoundTrip()
{
    QFETCH(QByteArray, text);
    const ModelConfig original = load(text);
    const QJsonObject hf = original.toHfJson();
    QCOMPARE(hf.value(QStringLiteral("model_type")).toString(), original.modelType);
    QCOMPARE(hf.value(QStringLiteral("architectures")).toArray().first().toString(),
             original.architecture == Architecture::Mamba2 ? QStringLiteral("Mamba2ForCausalLM")
             : original.dtBcRms ? QStringLiteral("FalconMambaForCausalLM")
                                : QStringLiteral("MambaForCausalLM"));
    QCOMPARE(hf.value(QStringLiteral("vocab_size")).toInt(), original.paddedVocabSize());

    // Through a file, as `bake` writes it and transformers or we read it back.
    const ModelConfig back = load(QJsonDocument(hf).toJson());
    compareConfigs(back, original);
    QCOMPARE(back.vocabSize, original.paddedVocabSize());
    compareConfigs(ModelConfig::fromJson(back.toHfJson(), QStringLiteral("again")), original);
}

void TestModelConfig::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    const QByteArray base = R"("hidden_size": 64, "num_hidden_layers": 2, "vocab_size": 100)";
    const auto mamba = [&](const QByteArray &extra) {
        return R"({"model_type": "mamba", )" + base + extra + "}";
    };
    const auto mamba2 = [&](const QByteArray &extra) {
        return R"({"model_type": "mamba2", )" + base + extra + "}";
    };

    QTest::newRow("invalid JSON") << QByteArray(R"({"hidden_size": 768,})") << "not valid JSON (";
    QTest::newRow("invalid JSON offset") << QByteArray("{\"a\": tru}") << "at offset";
    QTest::newRow("array") << QByteArray("[1, 2]") << "not a JSON object";
    QTest::newRow("llama") << QByteArray(R"({"model_type": "llama", "hidden_size": 4096})")
                           << "unknown model_type 'llama' (MambaScope reads mamba, mamba2 and "
                              "falcon_mamba)";
    // Hybrid and other recurrent families: one refusal that names the architecture.
    QTest::newRow("Jamba") << QByteArray(R"({"model_type": "jamba", "hidden_size": 4096,
        "num_hidden_layers": 32, "vocab_size": 65536, "mamba_d_state": 16, "attn_layer_period": 8})")
                           << "Jamba (AI21) (model_type 'jamba') is not supported: it has "
                              "attention, Mamba and mixture-of-experts layers; MambaScope runs "
                              "pure Mamba-1, Mamba-2 and Falcon-Mamba models";
    QTest::newRow("Zamba") << QByteArray(R"({"model_type": "zamba", "hidden_size": 3712})")
                           << "Zamba (Zyphra) (model_type 'zamba') is not supported";
    QTest::newRow("Zamba2") << QByteArray(R"({"model_type": "zamba2", "hidden_size": 2560})")
                            << "Zamba2 (Zyphra) (model_type 'zamba2') is not supported";
    QTest::newRow("RecurrentGemma")
        << QByteArray(R"({"architectures": ["RecurrentGemmaForCausalLM"], "model_type":
            "recurrent_gemma", "hidden_size": 2560, "num_hidden_layers": 26, "vocab_size": 256000})")
        << "RecurrentGemma (Google) (model_type 'recurrent_gemma') is not supported: it has "
           "Griffin's gated linear recurrences and local attention, not Mamba";
    QTest::newRow("hybrid by architecture only")
        << QByteArray(R"({"architectures": ["JambaForCausalLM"], "d_model": 64, "n_layer": 2,
            "vocab_size": 9})")
        << "Jamba (AI21) (architecture 'JambaForCausalLM') is not supported";
    QTest::newRow("mamba2attn")
        << QByteArray(R"({"d_model": 2560, "d_intermediate": 0, "n_layer": 64, "vocab_size": 50277,
            "ssm_cfg": {"layer": "Mamba2"}, "attn_layer_idx": [9, 18, 27, 36, 45, 56],
            "attn_cfg": {"num_heads": 30}})")
        << "hybrid models with attention layers are not supported (mamba_ssm's Mamba + "
           "attention hybrids, e.g. state-spaces/mamba2attn)";
    QTest::newRow("Falcon-Mamba epsilon")
        << QByteArray(R"({"model_type": "falcon_mamba", "hidden_size": 64, "num_hidden_layers": 2,
            "vocab_size": 9, "mixer_rms_eps": 0})")
        << "'mixer_rms_eps' must be a small positive number (got 0)";
    QTest::newRow("model_type not a string")
        << QByteArray(R"({"model_type": 5})") << "unknown model_type 5";
    QTest::newRow("unknown ssm layer")
        << QByteArray(
               R"({"d_model": 64, "n_layer": 1, "vocab_size": 9, "ssm_cfg": {"layer": "Mamba3"}})")
        << "unknown ssm_cfg.layer \"Mamba3\" (MambaScope reads Mamba1 and Mamba2)";
    QTest::newRow("model_type contradicts layer")
        << mamba(R"(, "ssm_cfg": {"layer": "Mamba2"})")
        << "model_type 'mamba' contradicts ssm_cfg.layer 'Mamba2'";
    QTest::newRow("ssm_cfg not an object") << QByteArray(R"({"d_model": 64, "ssm_cfg": [1]})")
                                           << "'ssm_cfg' must be a JSON object (got [1])";
    QTest::newRow("missing hidden size")
        << QByteArray(R"({"model_type": "mamba", "num_hidden_layers": 2, "vocab_size": 9})")
        << "missing 'hidden_size' or 'd_model'";
    QTest::newRow("missing layers")
        << QByteArray(R"({"model_type": "mamba", "hidden_size": 64, "vocab_size": 9})")
        << "missing 'num_hidden_layers' or 'n_layer'";
    QTest::newRow("missing vocab")
        << QByteArray(R"({"d_model": 64, "n_layer": 2})") << "missing 'vocab_size'";
    QTest::newRow("zero layers") << QByteArray(R"({"d_model": 64, "n_layer": 0, "vocab_size": 9})")
                                 << "'n_layer' must be positive (got 0)";
    QTest::newRow("negative hidden")
        << QByteArray(
               R"({"model_type": "mamba", "hidden_size": -64, "num_hidden_layers": 2, "vocab_size": 9})")
        << "'hidden_size' must be positive (got -64)";
    QTest::newRow("absurd hidden")
        << QByteArray(
               R"({"model_type": "mamba", "hidden_size": 10000000, "num_hidden_layers": 2, "vocab_size": 9})")
        << "'hidden_size' is implausibly large (got 10000000, at most 65536)";
    QTest::newRow("absurd vocab")
        << QByteArray(R"({"d_model": 64, "n_layer": 2, "vocab_size": 1e12})")
        << "'vocab_size' is implausibly large (got 1000000000000, at most 16777216)";
    QTest::newRow("absurd inner size") << mamba(R"(, "expand": 60000)") << "is implausibly large";
    QTest::newRow("hidden as a string")
        << QByteArray(
               R"({"model_type": "mamba", "hidden_size": "768", "num_hidden_layers": 2, "vocab_size": 9})")
        << "'hidden_size' must be an integer (got \"768\")";
    QTest::newRow("fractional layers")
        << QByteArray(R"({"d_model": 64, "n_layer": 2.5, "vocab_size": 9})")
        << "'n_layer' must be an integer (got 2.5)";
    QTest::newRow("bool as a string")
        << mamba(R"(, "use_bias": "no")") << "'use_bias' must be true or false (got \"no\")";
    QTest::newRow("bool as a number") << mamba(R"(, "tie_word_embeddings": 1)")
                                      << "'tie_word_embeddings' must be true or false (got 1)";
    QTest::newRow("expand as a string")
        << mamba(R"(, "expand": "2")") << "'expand' must be a number (got \"2\")";
    QTest::newRow("zero expand") << mamba(R"(, "expand": 0)") << "'expand' must be positive";
    QTest::newRow("zero state") << mamba(R"(, "state_size": 0)")
                                << "'state_size' must be positive (got 0)";
    QTest::newRow("zero conv") << QByteArray(R"({"d_model": 64, "n_layer": 2, "vocab_size": 9,
        "ssm_cfg": {"d_conv": 0}})")
                               << "'ssm_cfg.d_conv' must be positive (got 0)";
    QTest::newRow("bad dt rank") << mamba(R"(, "time_step_rank": "big")")
                                 << "'time_step_rank' must be \"auto\" or an integer (got \"big\")";
    QTest::newRow("zero dt rank") << mamba(R"(, "time_step_rank": 0)")
                                  << "'time_step_rank' must be positive (got 0)";
    QTest::newRow("zero epsilon") << mamba(R"(, "layer_norm_epsilon": 0)")
                                  << "'layer_norm_epsilon' must be a small positive number (got 0)";
    QTest::newRow("zero pad multiple")
        << QByteArray(
               R"({"d_model": 64, "n_layer": 2, "vocab_size": 9, "pad_vocab_size_multiple": 0})")
        << "'pad_vocab_size_multiple' must be positive (got 0)";
    QTest::newRow("token outside vocab")
        << mamba(R"(, "eos_token_id": 100)")
        << "'eos_token_id' is 100, outside the vocabulary of 100 tokens";
    QTest::newRow("negative token")
        << mamba(R"(, "bos_token_id": -1)") << "'bos_token_id' is -1, outside the vocabulary";
    QTest::newRow("heads do not fit")
        << mamba2(R"(, "num_heads": 10, "head_dim": 64, "n_groups": 1)")
        << "num_heads * head_dim = 10 * 64 = 640, but expand * hidden_size = 128";
    QTest::newRow("head size does not divide")
        << QByteArray(
               R"({"d_model": 100, "n_layer": 2, "vocab_size": 9, "ssm_cfg": {"layer": "Mamba2"}})")
        << "d_inner 200 (expand * d_model) is not a multiple of the head size 64";
    QTest::newRow("groups do not divide heads")
        << mamba2(R"(, "num_heads": 4, "head_dim": 32, "n_groups": 3)")
        << "4 heads cannot be split into 3 groups";
    QTest::newRow("MLP blocks")
        << QByteArray(R"({"d_model": 64, "n_layer": 2, "vocab_size": 9, "d_intermediate": 256})")
        << "'d_intermediate' is 256: models with MLP blocks are not supported";
    QTest::newRow("attention layers")
        << QByteArray(R"({"d_model": 64, "n_layer": 2, "vocab_size": 9, "attn_layer_idx": [1]})")
        << "'attn_layer_idx' is [1]: hybrid models with attention layers are not supported";
    QTest::newRow("partial ssm")
        << QByteArray(
               R"({"d_model": 64, "n_layer": 2, "vocab_size": 9, "ssm_cfg": {"layer": "Mamba2", "d_ssm": 64}})")
        << "ssm_cfg.d_ssm 64 differs from d_inner 128";
}

void TestModelConfig::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const QString path = writeConfig(text);
    const QString message = errorOf([&] { ModelConfig::fromJsonFile(path); });
    QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestModelConfig::unreadableFiles()
{
    const QString missing = m_dir.filePath(QStringLiteral("absent/config.json"));
    QVERIFY(errorOf([&] {
                ModelConfig::fromJsonFile(missing);
            }).startsWith(missing + QStringLiteral(": cannot read (")));
    QVERIFY(errorOf([&] { ModelConfig::fromJsonFile(m_dir.path()); }).contains("cannot read ("));
    // fromJson names the path it is given.
    QCOMPARE(errorOf([&] { ModelConfig::fromJson({}, QStringLiteral("inline")); }),
             QStringLiteral("inline: missing 'hidden_size' or 'd_model'"));
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_modelconfig.moc"
