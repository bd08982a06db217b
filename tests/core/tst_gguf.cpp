// SPDX-License-Identifier: GPL-3.0-or-later
// GGUF (llama.cpp's format) in and out: files written by llama.cpp's own converter read back
// (F32, F16, BF16, Q8_0), our export compared with that converter's output tensor by tensor and
// key by key, the round trip HF -> GGUF -> MambaScope bit for bit (with a modulation folded into
// A too), what cannot be exported refused, and `eval --chunked` against llama.cpp's perplexity
// tool (tests/data/llamacpp/).
#include "SameWeights.h"
#include "TestJson.h"
#include "TestMain.h"
#include "eval/PerplexityEvaluator.h"
#include "io/GgufFile.h"
#include "io/GgufWriter.h"
#include "io/HalfFloat.h"
#include "io/SyntheticCheckpoint.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ModelFolder.h"
#include "modulation/GgufExporter.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/ByteLevelPreTokenizer.h"
#include "tokenizer/GgufTokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <bit>
#include <cmath>
#include <cstring>

using namespace mscope;
using testjson::readJson;
using testjson::tokenIds;

namespace {

const QString kGgufData = QStringLiteral(MAMBASCOPE_TEST_DATA "/gguf");
const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
const QString kDemoTokenizer = kDemo + QStringLiteral("/tokenizer.json");
const QString kCheckpoints = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/");

// Per-position NLL of `tokens`, chunk by chunk.
std::vector<float> scoreTokens(const std::shared_ptr<const MambaModel> &model,
                               const std::vector<int32_t> &tokens,
                               const ModulationSet &modulation = {})
{
    ForwardPass forward(model, modulation.apply(*model));
    PerplexityEvaluator evaluator(forward, 100);
    return evaluator.stream(tokens).nll;
}

std::vector<int32_t> demoTokens(int count)
{
    std::vector<int32_t> ids =
        tokenIds(readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_reference.json"))
                     .value(QStringLiteral("token_ids"))
                     .toArray());
    ids.resize(size_t(count));
    return ids;
}

float maxAbsDifference(const std::vector<float> &a, const std::vector<float> &b)
{
    float worst = 0.0f;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

// The values of a tensor as fp32, in the file's own element order.
std::vector<float> values(const GgufFile &file, const QString &name)
{
    const GgufTensorInfo &t = file.tensor(name);
    const FloatTensor f = file.floatTensor(name, t.torchShape());
    return {f.data, f.data + f.elementCount()};
}

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return {};
}

}  // namespace

class GgufTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void readsConverterFiles_data();
    void readsConverterFiles();
    void convertedTypesMatchOurConversions();
    void tokenizerFromGguf();
    void exportMatchesConverter_data();
    void exportMatchesConverter();
    void roundTripIsExact_data();
    void roundTripIsExact();
    void exportRefusesWhatLlamaCppCannotRun();
    void badFiles_data();
    void badFiles();
    void keepsItsWeightsWhenTheFileIsCutShort();
    void chunkedMatchesLlamaCpp_data();
    void chunkedMatchesLlamaCpp();

private:
    QTemporaryDir m_dir;
};

void GgufTest::readsConverterFiles_data()
{
    // tests/data/gguf/README.md: a tiny Mamba-1 (F16 matrices) converted by llama.cpp's
    // convert_hf_to_gguf.py. Bounds on the per-position NLL against the safetensors model: F32
    // and F16 differ only where the converter's exp rounds A in the last bit (measured 9.5e-7);
    // BF16 and Q8_0 round the weights of this random model (measured 0.026 and 0.068; their
    // exact values are checked in convertedTypesMatchOurConversions).
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("storage");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("f32") << QStringLiteral("tiny-mamba-f32.gguf") << "F32" << 1e-5;
    QTest::newRow("f16") << QStringLiteral("tiny-mamba-f16.gguf") << "F16" << 1e-5;
    QTest::newRow("bf16") << QStringLiteral("tiny-mamba-bf16.gguf") << "BF16" << 0.1;
    QTest::newRow("q8_0") << QStringLiteral("tiny-mamba-q8_0.gguf") << "Q8_0" << 0.2;
}

void GgufTest::readsConverterFiles()
{
    QFETCH(QString, file);
    QFETCH(QString, storage);
    QFETCH(double, tolerance);
    const auto hf = MambaModel::load(kGgufData + QStringLiteral("/tiny-mamba-hf"));
    const auto gguf = MambaModel::load(kGgufData + u'/' + file);
    QVERIFY(gguf->isGguf());
    QCOMPARE(gguf->storageName(), storage);
    const ModelConfig &a = gguf->config(), &b = hf->config();
    QCOMPARE(a.architecture, Architecture::Mamba1);
    QCOMPARE(a.dModel, b.dModel);
    QCOMPARE(a.nLayer, b.nLayer);
    QCOMPARE(a.dInner, b.dInner);
    QCOMPARE(a.dState, b.dState);
    QCOMPARE(a.dtRank, b.dtRank);
    QCOMPARE(a.convKernel, b.convKernel);
    QCOMPARE(a.vocabSize, b.vocabSize);
    QCOMPARE(a.normEps, b.normEps);
    QVERIFY(gguf->lmHeadTied());
    QCOMPARE(gguf->parameterCount(), hf->parameterCount());
    QCOMPARE(gguf->tokenizerPath(), gguf->directory());

    // A was stored as -exp(A_log): the A_log recovered gives it back, within the converter's
    // rounding of exp.
    for (size_t l = 0; l < hf->layers().size(); ++l) {
        const FloatTensor &x = gguf->layers()[l].aLog, &y = hf->layers()[l].aLog;
        for (int64_t i = 0; i < x.elementCount(); ++i)
            QVERIFY(std::abs(x.data[i] - y.data[i]) <= 1e-6f * std::max(1.0f, std::abs(y.data[i])));
    }
    const std::vector<int32_t> tokens = demoTokens(256);
    const float worst = maxAbsDifference(scoreTokens(gguf, tokens), scoreTokens(hf, tokens));
    qInfo("%s: largest NLL difference to the safetensors model %.2g", qPrintable(file),
          double(worst));
    QVERIFY2(worst < tolerance, qPrintable(QString::number(worst)));
}

void GgufTest::convertedTypesMatchOurConversions()
{
    // The converter's F16, BF16 and Q8_0 tensors are exactly our narrowing / quantisation of its
    // F32 ones: the reader decodes each type as llama.cpp's ggml encodes it.
    const GgufFile f32(kGgufData + QStringLiteral("/tiny-mamba-f32.gguf"));
    const GgufFile f16(kGgufData + QStringLiteral("/tiny-mamba-f16.gguf"));
    const GgufFile bf16(kGgufData + QStringLiteral("/tiny-mamba-bf16.gguf"));
    const GgufFile q8(kGgufData + QStringLiteral("/tiny-mamba-q8_0.gguf"));
    GgufWriter ours;
    std::vector<std::vector<float>> keep;
    int quantized = 0;
    for (const GgufTensorInfo &t : f32.tensors()) {
        const std::vector<float> reference = values(f32, t.name);
        const uint32_t q8Type = q8.tensor(t.name).type;
        if (q8Type == uint32_t(GgufType::Q8_0)) {
            keep.push_back(reference);
            ours.addTensor(t.name, t.torchShape(), keep.back().data(), GgufType::Q8_0);
            ++quantized;
        }
        const std::vector<float> half = values(f16, t.name), brain = values(bf16, t.name);
        const bool wide = f16.tensor(t.name).type == uint32_t(GgufType::F32);
        QCOMPARE(bf16.tensor(t.name).type == uint32_t(GgufType::F32), wide);
        for (size_t i = 0; i < reference.size(); ++i) {
            QCOMPARE(half[i], wide ? reference[i] : halfToFloat(floatToHalf(reference[i])));
            QCOMPARE(brain[i],
                     wide ? reference[i] : bfloat16ToFloat(floatToBfloat16(reference[i])));
        }
    }
    QCOMPARE(quantized, 7);  // the embedding and every layer's in, x and out projections
    const QString path = m_dir.filePath(QStringLiteral("q8.gguf"));
    ours.write(path);
    const GgufFile back(path);
    for (const GgufTensorInfo &t : back.tensors())
        QCOMPARE(values(back, t.name), values(q8, t.name));
}

void GgufTest::tokenizerFromGguf()
{
    // The vocabulary, merges and special tokens embedded by the converter encode as the
    // tokenizer.json they came from (on NFC text: llama.cpp applies no normalizer).
    const auto json = BpeTokenizer::fromFile(kDemoTokenizer);
    const auto gguf =
        ModelFolder::loadTokenizer(kGgufData + QStringLiteral("/tiny-mamba-q8_0.gguf"));
    const QString text = readJson(QStringLiteral(MAMBASCOPE_TEST_DATA
                                                 "/demo_reference.json"))[QStringLiteral("text")]
                             .toString() +
                         QStringLiteral("<|endoftext|>  It's 1234 caf\u00e9s \U0001F600!\n\n");
    QCOMPARE(gguf->encode(text), json->encode(text));
    QCOMPARE(gguf->vocabSize(), 4096);
    QCOMPARE(gguf->decode(gguf->encode(text)), text);
    QCOMPARE(gguf->ggufVocabulary().merges, json->ggufVocabulary().merges);
}

void GgufTest::exportMatchesConverter_data()
{
    QTest::addColumn<QString>("dtype");
    for (const char *d : {"f32", "f16", "bf16", "q8_0"})
        QTest::newRow(d) << QString::fromLatin1(d);
}

void GgufTest::exportMatchesConverter()
{
    // What `bake --format gguf` writes, against llama.cpp's converter on the same checkpoint:
    // every tensor with the same name, shape, type and bytes (A within the last bit of exp), every
    // key of the converter with the same type and value (its name keys aside).
    QFETCH(QString, dtype);
    const auto model = MambaModel::load(kGgufData + QStringLiteral("/tiny-mamba-hf"));
    const auto tokenizer = BpeTokenizer::fromFile(kDemoTokenizer);
    const QString path = m_dir.filePath(QStringLiteral("export-%1.gguf").arg(dtype));
    GgufExporter::Options options;
    options.dtype = GgufExporter::dtypeFromName(dtype);
    GgufExporter::write(*model, ModulationSet(), *tokenizer, path, options);
    const GgufFile ours(path);
    const GgufFile theirs(kGgufData + QStringLiteral("/tiny-mamba-%1.gguf").arg(dtype));
    QCOMPARE(ours.tensors().size(), theirs.tensors().size());
    for (const GgufTensorInfo &t : theirs.tensors()) {
        const GgufTensorInfo &o = ours.tensor(t.name);
        QCOMPARE(o.ne, t.ne);
        QCOMPARE(o.type, t.type);
        if (t.name.endsWith(u"ssm_a")) {
            const std::vector<float> a = values(ours, t.name), b = values(theirs, t.name);
            for (size_t i = 0; i < a.size(); ++i)
                QVERIFY(std::abs(a[i] - b[i]) <= 2.4e-7f * std::abs(b[i]));
        } else {
            QVERIFY2(std::memcmp(o.data, t.data, size_t(t.byteSize)) == 0, qPrintable(t.name));
        }
    }
    const QStringList names{QStringLiteral("general.name"), QStringLiteral("general.basename"),
                            QStringLiteral("general.size_label")};
    for (const QString &key : theirs.keys()) {
        if (names.contains(key))
            continue;
        QVERIFY2(ours.contains(key), qPrintable(key));
        const GgufValue &a = ours.value(key), &b = theirs.value(key);
        QCOMPARE(a.type, b.type);
        QCOMPARE(a.elementType, b.elementType);
        QCOMPARE(a.scalar, b.scalar);
        QCOMPARE(a.strings, b.strings);
        QCOMPARE(a.numbers, b.numbers);
    }
}

void GgufTest::roundTripIsExact_data()
{
    QTest::addColumn<QString>("source");  // a model folder, or a synthetic model's name
    QTest::addColumn<QString>("modulation");
    QTest::newRow("demo") << kDemo << QString();
    QTest::newRow("demo, power 0.45") << kDemo << QStringLiteral("power:0.45");
    QTest::newRow("demo, winsorize") << kDemo << QStringLiteral("winsorize:0.02");
    QTest::newRow("Mamba-2") << QStringLiteral("synthetic mamba2") << QString();
    QTest::newRow("Mamba-2, linear 0.5")
        << QStringLiteral("synthetic mamba2") << QStringLiteral("linear:0.5");
    QTest::newRow("Falcon-Mamba") << QStringLiteral("synthetic falcon") << QString();
}

void GgufTest::roundTripIsExact()
{
    // HF -> GGUF (F32) -> MambaScope: the same per-position NLL to the last bit; with a
    // modulation folded into A, the NLL the on-the-fly modulation gives, to the last bit.
    QFETCH(QString, source);
    QFETCH(QString, modulation);
    QString dir = source;
    if (source.startsWith(u"synthetic")) {
        // Small models with the demo vocabulary, so that the demo tokenizer can be embedded.
        ModelConfig c = SyntheticCheckpoint::configLike(source.endsWith(u"mamba2")
                                                            ? QStringLiteral("mamba2-130m")
                                                            : QStringLiteral("mamba-130m"));
        c.dModel = 64;
        c.dInner = 128;
        c.nLayer = 2;
        c.vocabSize = 4096;
        c.padVocabSizeMultiple = 1;
        if (c.architecture == Architecture::Mamba2) {
            c.headDim = 32;
            c.nHeads = 4;
            c.nGroups = 1;
            c.dState = 16;
        } else {
            c.dtRank = 4;
        }
        if (source.endsWith(u"falcon")) {
            c.dtBcRms = true;
            c.modelType = QStringLiteral("falcon_mamba");
            c.mixerRmsEps = c.normEps;  // as llama.cpp computes Falcon-Mamba
        }
        dir = m_dir.filePath(source.section(u' ', 1));
        SyntheticCheckpoint::write(c, dir, 7);
    }
    const auto model = MambaModel::load(dir);
    const ModulationSet set =
        modulation.isEmpty() ? ModulationSet()
                             : ModulationSet::fromShorthand(modulation, model->config().nLayer);
    const QString path = m_dir.filePath(QStringLiteral("roundtrip.gguf"));
    GgufExporter::write(*model, set, *BpeTokenizer::fromFile(kDemoTokenizer), path, {});
    const auto back = MambaModel::load(path);
    QCOMPARE(back->config().architecture, model->config().architecture);
    QCOMPARE(back->config().dtBcRms, model->config().dtBcRms);
    const std::vector<int32_t> tokens = demoTokens(300);
    const std::vector<float> expected = scoreTokens(model, tokens, set);
    const std::vector<float> got = scoreTokens(back, tokens);
    QCOMPARE(got.size(), expected.size());
    for (size_t t = 0; t < got.size(); ++t)
        QVERIFY2(got[t] == expected[t], qPrintable(QStringLiteral("position %1: %2 vs %3")
                                                       .arg(t)
                                                       .arg(double(got[t]), 0, 'g', 9)
                                                       .arg(double(expected[t]), 0, 'g', 9)));
    if (!modulation.isEmpty()) {
        // And the modulation did change something.
        QVERIFY(maxAbsDifference(expected, scoreTokens(model, tokens)) > 1e-3f);
    }
}

void GgufTest::exportRefusesWhatLlamaCppCannotRun()
{
    const auto tokenizer = BpeTokenizer::fromFile(kDemoTokenizer);
    const QString path = m_dir.filePath(QStringLiteral("refused.gguf"));
    const auto exportOf = [&](const QString &dir, const QString &modulation = {}) {
        const auto model = MambaModel::load(dir);
        return errorOf([&] {
            GgufExporter::write(*model,
                                modulation.isEmpty() ? ModulationSet()
                                                     : ModulationSet::fromShorthand(
                                                           modulation, model->config().nLayer),
                                *tokenizer, path, {});
        });
    };
    QVERIFY(exportOf(kCheckpoints + QStringLiteral("m1_untied_bias_bf16"))
                .contains(QStringLiteral("its in_proj/out_proj have biases (use_bias)")));
    QVERIFY(exportOf(kCheckpoints + QStringLiteral("m1_f16_noconvbias"))
                .contains(QStringLiteral("needs d_inner = 2 * d_model (this model: 160 and 64)")));
    QVERIFY(exportOf(kCheckpoints + QStringLiteral("falcon_mamba_small"))
                .contains(QStringLiteral("this model's mixer_rms_eps is 0.001")));
    {
        // Accepted when asked: llama.cpp's Falcon-Mamba then uses layer_norm_rms_epsilon.
        QJsonObject vocab;
        for (int b = 0; b < 256; ++b)
            vocab.insert(QString(QChar(ByteLevelPreTokenizer::byteSymbol(uint8_t(b)))), b);
        const QJsonObject byteLevel{{"type", "ByteLevel"}, {"add_prefix_space", false}};
        const auto bytes = BpeTokenizer::fromJson(
            {{"model", QJsonObject{{"type", "BPE"}, {"vocab", vocab}, {"merges", QJsonArray{}}}},
             {"pre_tokenizer", byteLevel},
             {"decoder", byteLevel}},
            QStringLiteral("bytes"));
        const auto falcon = MambaModel::load(kCheckpoints + QStringLiteral("falcon_mamba_small"));
        GgufExporter::Options options;
        options.acceptLlamaCppEpsilon = true;
        GgufExporter::write(*falcon, ModulationSet(), *bytes, path, options);
        const auto back = MambaModel::load(path);
        QVERIFY(back->config().dtBcRms);
        QCOMPARE(back->config().mixerRmsEps, 1e-5);
        QCOMPARE(GgufFile(path).stringArray(QStringLiteral("tokenizer.ggml.tokens")).size(), 512);
        QFile::remove(path);
    }
    QVERIFY(exportOf(kCheckpoints + QStringLiteral("m2_groups2_untied"))
                .contains(QStringLiteral("normalises over 96 channels")));
    QVERIFY(exportOf(kDemo, QStringLiteral("delta:2"))
                .contains(QStringLiteral("a delta modulation cannot be folded into A")));
    // A tokenizer llama.cpp's byte-level model cannot express, named.
    const auto demo = MambaModel::load(kDemo);
    const auto llama = BpeTokenizer::fromFile(
        QStringLiteral(MAMBASCOPE_TEST_DATA "/tokenizers/llama_metaspace_style/tokenizer.json"));
    QVERIFY(errorOf([&] {
                GgufExporter::write(*demo, ModulationSet(), *llama, path, {});
            }).contains(QStringLiteral("it is not byte-level BPE")));
    QVERIFY(!QFile::exists(path));
}

void GgufTest::badFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("problem");
    const auto header = [](uint32_t version, uint64_t tensors, uint64_t keys) {
        QByteArray b("GGUF");
        b.append(reinterpret_cast<const char *>(&version), 4);
        b.append(reinterpret_cast<const char *>(&tensors), 8);
        b.append(reinterpret_cast<const char *>(&keys), 8);
        return b;
    };
    QTest::newRow("not GGUF") << QByteArray(32, 'x') << "not a GGUF file";
    QTest::newRow("version 1") << header(1, 0, 0) << "GGUF version 1 is not supported";
    QTest::newRow("huge key count") << header(3, 0, uint64_t(1) << 40) << "metadata keys";
    QTest::newRow("truncated key") << header(3, 0, 1) + QByteArray("\x50\0\0\0\0\0\0\0ab", 10)
                                   << "truncated: the file ends inside a metadata key";
    QByteArray array = header(3, 0, 1);
    array.append(QByteArray("\x01\0\0\0\0\0\0\0k\x09\0\0\0\x05\0\0\0", 17));
    array.append(QByteArray("\xff\xff\xff\xff\xff\0\0\0", 8));
    QTest::newRow("array longer than the file") << array << "ends inside an array";
    // One fp32 tensor of 2^62 elements: 2^64 bytes, 0 once wrapped in 64 bits (found by
    // fuzz_gguf; fuzz/regressions/gguf/). The padding lets parsing reach the size check.
    QByteArray huge = header(3, 1, 0);
    const uint64_t nameLength = 1, elements = uint64_t(1) << 62, offset = 0;
    const uint32_t dims = 1, f32 = 0;
    huge.append(reinterpret_cast<const char *>(&nameLength), 8).append('w');
    huge.append(reinterpret_cast<const char *>(&dims), 4);
    huge.append(reinterpret_cast<const char *>(&elements), 8);
    huge.append(reinterpret_cast<const char *>(&f32), 4);
    huge.append(reinterpret_cast<const char *>(&offset), 8);
    huge.append(QByteArray(64, '\0'));
    QTest::newRow("tensor bytes beyond int64") << huge << "tensor 'w' has an impossible shape";
}

void GgufTest::badFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, problem);
    const QString message =
        errorOf([&] { GgufFile::fromBytes(bytes, QStringLiteral("bad.gguf")); });
    QVERIFY2(message.startsWith(QStringLiteral("bad.gguf: ")) && message.contains(problem),
             qPrintable(message));
}

void GgufTest::keepsItsWeightsWhenTheFileIsCutShort()
{
    // As for safetensors (tst_model): the F32 tensors, once used in place from the mapping, are
    // copied out, and the file is closed after loading; cutting it short changes nothing.
    const QString source = kGgufData + QStringLiteral("/tiny-mamba-f32.gguf");
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("model.gguf"));
    QVERIFY(QFile::copy(source, copy));
    const auto model = MambaModel::load(copy);
    QFile f(copy);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(0));
    f.close();
    QVERIFY(test::sameWeights(*model, *MambaModel::load(source)));
}

void GgufTest::chunkedMatchesLlamaCpp_data()
{
    QTest::addColumn<QJsonObject>("run");
    const QJsonObject data =
        readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/llamacpp/demo-perplexity.json"));
    for (const QJsonValue &run : data[QStringLiteral("runs")].toArray())
        QTest::newRow(qPrintable(run[QStringLiteral("name")].toString())) << run.toObject();
}

void GgufTest::chunkedMatchesLlamaCpp()
{
    // llama.cpp's perplexity tool on the exported demo model (tests/data/llamacpp/README.md),
    // its running mean NLL after each of the first chunks (printed with 6 decimals) against
    // `eval --chunked` on the model as MambaScope loads it (the whole text:
    // tst_llamacpp_reference).
    QFETCH(QJsonObject, run);
    const int context = run[QStringLiteral("context")].toInt();
    const bool bos = run[QStringLiteral("bos")].toBool();
    const QJsonArray expected = run[QStringLiteral("running_mean_nll")].toArray();
    const int chunks = context >= 4096 ? 2 : 24;
    QVERIFY(expected.size() >= chunks);
    const auto model = MambaModel::load(kDemo);
    const QString modulation = run[QStringLiteral("modulate")].toString();
    const ModulationSet set =
        modulation.isEmpty() ? ModulationSet()
                             : ModulationSet::fromShorthand(modulation, model->config().nLayer);
    const auto tokenizer = BpeTokenizer::fromFile(kDemoTokenizer);
    std::vector<int32_t> tokens =
        tokenizer->encodeFile(QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt"),
                              int64_t(chunks) * context - (bos ? 1 : 0));
    ForwardPass forward(model, set.apply(*model));
    PerplexityEvaluator evaluator(forward, 512);
    ChunkedResult result;
    evaluator.chunked(tokens, context, bos, result);
    QCOMPARE(int(result.chunks), chunks);
    QCOMPARE(result.tokensScored, int64_t(chunks) * (context / 2 - 1));
    double worst = 0.0;
    for (int k = 0; k < chunks; ++k) {
        const double ours = std::log(result.runningPerplexity[size_t(k)]);
        worst = std::max(worst, std::abs(ours - expected[k].toDouble()));
    }
    qInfo("%s: largest difference of the running mean NLL over %d chunks: %.2g",
          qPrintable(run[QStringLiteral("name")].toString()), chunks, worst);
    QVERIFY2(worst < 5e-6, qPrintable(QString::number(worst)));
}

MAMBASCOPE_TEST_MAIN(GgufTest)
#include "tst_gguf.moc"
