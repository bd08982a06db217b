// SPDX-License-Identifier: GPL-3.0-or-later
#include "FuzzTargets.h"

#include "io/GgufFile.h"
#include "io/HalfFloat.h"
#include "io/ModelConfig.h"
#include "io/SafetensorsFile.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/GgufModelLoader.h"
#include "model/MambaModel.h"
#include "modulation/DecayParameters.h"
#include "modulation/Modulation.h"
#include "support/Error.h"
#include "tasks/PasskeyTask.h"
#include "tasks/Sampler.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/GgufTokenizer.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QtEndian>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace mscope::fuzz {

namespace {

const QString kResources = QStringLiteral(MAMBASCOPE_RESOURCES);

[[noreturn]] void violated(const QString &what)
{
    throw PropertyViolation(what.toStdString());
}

void require(bool holds, const QString &what)
{
    if (!holds)
        violated(what);
}

// What ModelConfig::fromJsonFile and ModulationSet::load do before looking at the object.
QJsonObject jsonObject(const QByteArray &bytes, const QString &name)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(name, QStringLiteral("not valid JSON (%1)").arg(error.errorString()));
    if (!doc.isObject())
        throw Error(name, QStringLiteral("not a JSON object"));
    return doc.object();
}

// An object through the text a file would hold, as `bake` and `synth` write it and users read it.
QJsonObject throughText(const QJsonObject &json)
{
    return QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
}

// The decoded form of valid UTF-8, a leading byte order mark kept (as the tokenizer keeps it).
QString decodeKeepingBom(const QByteArray &utf8)
{
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom |
                                                       QStringConverter::Flag::Stateless);
    return decoder.decode(utf8);
}

// The byte offset in an "invalid UTF-8 at byte N" message, or -1.
qsizetype invalidUtf8Offset(const QString &problem)
{
    static const QRegularExpression pattern(QStringLiteral("^invalid UTF-8 at byte (\\d+)"));
    const QRegularExpressionMatch m = pattern.match(problem);
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

struct Tokenizers
{
    std::unique_ptr<BpeTokenizer> neox;
    std::unique_ptr<BpeTokenizer> demo;
};

const Tokenizers &bundledTokenizers()
{
    static const Tokenizers tokenizers{
        BpeTokenizer::fromFile(kResources +
                               QStringLiteral("/tokenizers/gpt-neox-20b/tokenizer.json")),
        BpeTokenizer::fromFile(kResources +
                               QStringLiteral("/models/demo-mamba-3.7m/tokenizer.json"))};
    return tokenizers;
}

const MambaModel &demoModel()
{
    static const std::shared_ptr<const MambaModel> model =
        MambaModel::load(kResources + QStringLiteral("/models/demo-mamba-3.7m"));
    return *model;
}

}  // namespace

void safetensors(const QByteArray &bytes)
{
    const QString name = QStringLiteral("fuzz.safetensors");
    const std::unique_ptr<SafetensorsFile> file = SafetensorsFile::fromBytes(bytes, name);

    // Accepted: every tensor must lie in the data section, not overlap another, and be readable.
    const auto *begin = reinterpret_cast<const std::byte *>(bytes.constData());
    const auto *end = begin + bytes.size();
    const auto *dataStart = begin + 8 + qFromLittleEndian<quint64>(bytes.constData());
    std::vector<std::pair<const std::byte *, const std::byte *>> spans;
    std::vector<float> values;
    const QStringList names = file->tensorNames();
    require(std::is_sorted(names.begin(), names.end()), QStringLiteral("names not sorted"));
    for (const QString &tensorName : names) {
        require(file->contains(tensorName), QStringLiteral("listed tensor not found"));
        const TensorInfo &t = file->tensor(tensorName);
        require(t.name == tensorName, QStringLiteral("tensor() returned another tensor"));
        require(t.byteSize == t.elementCount() * storageTypeSize(t.type),
                QStringLiteral("byte size does not match the shape"));
        require(t.data >= dataStart && t.byteSize <= end - t.data,
                QStringLiteral("tensor '%1' lies outside the data section").arg(tensorName));
        if (t.byteSize > 0)
            spans.emplace_back(t.data, t.data + t.byteSize);
        // Read every byte, as loading does (the sanitizers check the reads).
        const auto count = std::size_t(t.elementCount());
        values.resize(count);
        if (count == 0)
            continue;
        switch (t.type) {
            case StorageType::F32:
                std::memcpy(values.data(), t.data, count * sizeof(float));
                break;
            case StorageType::F16:
                widenHalf(t.data, values.data(), count);
                break;
            case StorageType::BF16:
                widenBfloat16(t.data, values.data(), count);
                break;
        }
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
        require(spans[i].first >= spans[i - 1].second, QStringLiteral("tensors overlap"));
    const QJsonObject metadata = file->metadata();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        require(it.value().isString(), QStringLiteral("metadata value is not a string"));
}

void modelConfig(const QByteArray &bytes)
{
    const QString name = QStringLiteral("config.json");
    const ModelConfig c = ModelConfig::fromJson(jsonObject(bytes, name), name);

    // Accepted: sizes the loader can allocate from, and a config that `bake` and `synth` can write
    // back and read again with the same meaning.
    require(c.dModel > 0 && c.nLayer > 0 && c.dInner > 0 && c.dState > 0 && c.convKernel > 0 &&
                c.vocabSize > 0,
            QStringLiteral("a size is not positive"));
    require(c.paddedVocabSize() >= c.vocabSize, QStringLiteral("padded vocabulary is smaller"));
    require(c.bosTokenId >= 0 && c.bosTokenId < c.paddedVocabSize() && c.eosTokenId >= 0 &&
                c.eosTokenId < c.paddedVocabSize(),
            QStringLiteral("a special token is outside the vocabulary"));
    if (c.architecture == Architecture::Mamba1) {
        require(c.dtRank > 0, QStringLiteral("dt rank is not positive"));
    } else {
        require(c.nHeads > 0 && c.nGroups > 0 && int64_t(c.nHeads) * c.headDim == c.dInner &&
                    c.nHeads % c.nGroups == 0,
                QStringLiteral("Mamba-2 heads do not fit"));
    }

    // Readers that derive the inner size from expand (transformers' Mamba-2, mamba_ssm) take
    // int(expand * hidden_size).
    const QJsonObject written = throughText(c.toHfJson());
    require(std::floor(written.value(u"expand").toDouble() * c.dModel) == c.dInner,
            QStringLiteral("the expand written back does not give d_inner %1").arg(c.dInner));
    ModelConfig back;
    try {
        back = ModelConfig::fromJson(written, name);
    } catch (const Error &e) {
        violated(QStringLiteral("the config written back is refused: ") + e.message());
    }
    const bool same =
        back.architecture == c.architecture && back.dModel == c.dModel && back.nLayer == c.nLayer &&
        back.dInner == c.dInner && back.dState == c.dState && back.convKernel == c.convKernel &&
        back.dtRank == c.dtRank && back.paddedVocabSize() == c.paddedVocabSize() &&
        back.normEps == c.normEps && back.useBias == c.useBias &&
        back.useConvBias == c.useConvBias && back.tieEmbeddings == c.tieEmbeddings &&
        back.bosTokenId == c.bosTokenId && back.eosTokenId == c.eosTokenId &&
        back.nHeads == c.nHeads && back.headDim == c.headDim && back.nGroups == c.nGroups &&
        back.chunkSize == c.chunkSize && back.normBeforeGate == c.normBeforeGate;
    require(same,
            QStringLiteral("the config written back reads differently: ") +
                QString::fromUtf8(QJsonDocument(c.toHfJson()).toJson(QJsonDocument::Compact)));
}

void tokenizerJson(const QByteArray &bytes)
{
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
    }
    const std::unique_ptr<BpeTokenizer> tokenizer = BpeTokenizer::fromFile(path);

    // Accepted: any valid text must encode to ids that decode.
    static const QString sample = QString::fromUtf8(
        "Hello, world!  It's 3.14 <|endoftext|> na\xc3\xafve cafe\xcc\x81 \xf0\x9f\x98\x80\t\n"
        "\xef\xbb\xbf\xe4\xb8\xad\xe6\x96\x87 <|padding|>  x");
    const std::vector<int32_t> ids = tokenizer->encode(sample);
    for (const int32_t id : ids) {
        require(id >= 0 && id < tokenizer->vocabSize(),
                QStringLiteral("encode gave id %1 outside the vocabulary").arg(id));
    }
    try {
        tokenizer->decode(ids);
    } catch (const Error &e) {
        violated(QStringLiteral("ids from encode() do not decode: ") + e.message());
    }
}

void tokenizerText(const QByteArray &bytes)
{
    const QString name = QStringLiteral("text.txt");
    // The two UTF-8 checks (the tokenizer's and TextFile's) must agree, NUL aside.
    qsizetype textFileOffset = -1;
    try {
        TextFile::validateUtf8(bytes, name);
    } catch (const Error &e) {
        textFileOffset = invalidUtf8Offset(e.problem());
        if (textFileOffset < 0)
            require(bytes.contains('\0'), QStringLiteral("TextFile refused: ") + e.problem());
    }

    const Tokenizers &tokenizers = bundledTokenizers();
    for (const BpeTokenizer *tokenizer : {tokenizers.neox.get(), tokenizers.demo.get()}) {
        std::vector<int32_t> ids;
        try {
            ids = tokenizer->encodeUtf8(bytes, name);
        } catch (const Error &e) {
            // Refused for a run of combining marks too long to normalize in reasonable time.
            if (e.problem().contains(u"combining marks in a row"))
                throw;
            const qsizetype offset = invalidUtf8Offset(e.problem());
            require(offset >= 0, QStringLiteral("unexpected refusal: ") + e.message());
            if (!bytes.left(offset).contains('\0')) {
                require(offset == textFileOffset,
                        QStringLiteral("the UTF-8 checks disagree: %1 vs %2")
                            .arg(offset)
                            .arg(textFileOffset));
            }
            throw;
        }
        require(textFileOffset < 0 || bytes.left(textFileOffset).contains('\0'),
                QStringLiteral("TextFile refused what the tokenizer took"));
        const QString text = decodeKeepingBom(bytes);
        require(tokenizer->encode(text) == ids, QStringLiteral("encode and encodeUtf8 differ"));
        for (const int32_t id : ids) {
            require(id >= 0 && id < tokenizer->vocabSize(),
                    QStringLiteral("id %1 outside the vocabulary").arg(id));
        }
        // Byte-level BPE is lossless up to the NFC normalizer both tokenizers use.
        require(
            tokenizer->decode(ids) == text.normalized(QString::NormalizationForm_C),
            QStringLiteral("decode(encode(text)) is not the NFC text (%1)").arg(tokenizer->path()));
    }
}

void gguf(const QByteArray &bytes)
{
    const std::unique_ptr<GgufFile> file = GgufFile::fromBytes(bytes, QStringLiteral("fuzz.gguf"));

    // Accepted: every tensor lies in the file and, when its type is readable, widens.
    const auto *begin = reinterpret_cast<const std::byte *>(bytes.constData());
    for (const GgufTensorInfo &t : file->tensors()) {
        require(t.data >= begin && t.data + t.byteSize <= begin + bytes.size(),
                QStringLiteral("tensor %1 outside the file").arg(t.name));
        if (t.type != uint32_t(GgufType::F32) && t.type != uint32_t(GgufType::F16) &&
            t.type != uint32_t(GgufType::BF16) && t.type != uint32_t(GgufType::Q8_0))
            continue;
        const FloatTensor f = file->floatTensor(t.name, t.torchShape());
        require(f.elementCount() == t.elementCount(), QStringLiteral("element count changed"));
        if (f.elementCount() > 0)
            std::isfinite(f.data[f.elementCount() - 1]);  // readable to its last element
    }
    for (const QString &key : file->keys())
        file->value(key);

    // A model: its config and tokenizer, each may be refused on its own.
    if (!file->contains(QStringLiteral("general.architecture")))
        return;
    try {
        const auto tokenizer = GgufTokenizer::fromFile(*file);
        const std::vector<int32_t> ids = tokenizer->encode(QStringLiteral("Hello, world! 123"));
        tokenizer->decode(ids);
    } catch (const Error &) {
        // Refused tokenizers are fine; the model part is looked at anyway.
    }
    const ModelConfig config = GgufModelLoader::config(*file);
    // Small models are loaded through a file, as users open them, and run on a few tokens.
    if (bytes.size() > (1 << 20))
        return;
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.gguf"));
    {
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            out.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
    }
    const std::shared_ptr<const MambaModel> model = MambaModel::load(path);
    require(model->config().dModel == config.dModel, QStringLiteral("config changed on loading"));
    ForwardPass forward(model);
    ForwardPass::Hidden hidden;
    RecurrentState state(model->config());
    const std::vector<int32_t> ids{0, int32_t(model->logitCount() - 1), 0};
    forward.embed(ids, hidden);
    forward.runLayers(hidden, state);
    std::vector<float> nll(2);
    forward.scoreNextTokens(hidden, std::span(ids).subspan(1, 2), nll.data());
}

void modulationPreset(const QByteArray &bytes)
{
    const QString name = QStringLiteral("preset.json");
    const ModulationSet set = ModulationSet::fromJson(jsonObject(bytes, name), name);

    // Accepted: what save() writes must load again, unchanged.
    const QJsonObject json = set.toJson();
    ModulationSet again;
    try {
        again = ModulationSet::fromJson(throughText(json), name);
    } catch (const Error &e) {
        violated(QStringLiteral("the preset written back is refused: ") + e.message());
    }
    require(again.toJson() == json, QStringLiteral("the preset written back reads differently"));
    set.describe();
    set.isBakeable();

    // Then what loading it for a model does: refuse it for another model, or apply it.
    const MambaModel &model = demoModel();
    set.requireModel(model, name);
    set.apply(model);
    if (set.isBakeable())
        set.decayParameters(model);
}

namespace {

// Reads fixed-size fields from the front of a fuzz input; past its end every field is zero.
class FieldReader
{
public:
    explicit FieldReader(const QByteArray &bytes) : m_bytes(bytes) {}
    template <typename T>
    T next()
    {
        unsigned char raw[sizeof(T)] = {};
        for (size_t i = 0; i < sizeof(T) && m_at < m_bytes.size(); ++i)
            raw[i] = uint8_t(m_bytes[m_at++]);
        T value;
        std::memcpy(&value, raw, sizeof(T));
        return value;
    }
    QByteArray rest() const { return m_bytes.mid(m_at); }

private:
    const QByteArray &m_bytes;
    qsizetype m_at = 0;
};

}  // namespace

void taskArguments(const QByteArray &bytes)
{
    FieldReader in(bytes);
    SamplingOptions options;
    const uint8_t flags = in.next<uint8_t>();
    options.greedy = flags & 1;
    options.temperature = in.next<double>();
    options.topK = in.next<int32_t>();
    options.topP = in.next<double>();
    options.repetitionPenalty = in.next<double>();
    options.seed = in.next<uint64_t>();
    // Lengths up to 2^17 tokens: longer ones only cost memory and time, the same code path.
    const int64_t length = int64_t(in.next<uint32_t>() % (1u << 17));
    const double depth = in.next<double>();
    const int key = in.next<int32_t>();
    const QByteArray rest = in.rest();

    // Sampling: options out of range are refused by name; otherwise a token inside the
    // vocabulary, the same one twice, whatever the logits hold (NaN, infinities, ties).
    bool samplingAccepted = true;
    try {
        options.validate();
    } catch (const Error &) {
        samplingAccepted = false;
    }
    if (samplingAccepted) {
        std::vector<float> logits(size_t(std::clamp<qsizetype>(rest.size() / 4, 1, 4096)));
        for (size_t i = 0; i + 1 <= logits.size() && qsizetype(4 * i + 4) <= rest.size(); ++i)
            std::memcpy(&logits[i], rest.constData() + 4 * i, sizeof(float));
        const int vocabulary = int(logits.size());
        std::vector<int32_t> context;
        for (size_t i = 0; i < std::min<size_t>(16, size_t(rest.size())); ++i)
            context.push_back(int32_t(uint8_t(rest[qsizetype(i)])) % vocabulary);
        int32_t first = -1;
        for (int round = 0; round < 2; ++round) {
            Sampler sampler(options);
            sampler.begin(context, vocabulary);
            const int32_t id = sampler.next(logits);
            require(id >= 0 && id < vocabulary,
                    QStringLiteral("the sampler chose %1 of %2 tokens").arg(id).arg(vocabulary));
            require(round == 0 || id == first,
                    QStringLiteral("the same seed chose %1, then %2").arg(first).arg(id));
            first = id;
        }
    }

    // The passkey prompt: refused with an Error, or laid out as docs/tasks.md says.
    const BpeTokenizer &tokenizer = *bundledTokenizers().demo;
    // The constructor decodes the whole vocabulary (which tokens end a sentence): once, then
    // copied, keeps the harness at hundreds of inputs a second.
    static const PasskeyTask prototype(tokenizer, 0);
    PasskeyTask task = prototype;
    if (flags & 2) {
        const QString text = decodeKeepingBom(rest);
        if (text.toUtf8() != rest)
            return;  // the CLI refuses a filler file that is not UTF-8 before this point
        task.setTextFiller(tokenizer.encode(text), QStringLiteral("filler.txt"));
    }
    const PasskeyPrompt prompt = task.build(length, depth, key);
    require(int64_t(prompt.ids.size()) == length && prompt.length == length,
            QStringLiteral("a prompt of %1 tokens was asked for, %2 made")
                .arg(length)
                .arg(prompt.ids.size()));
    require(prompt.ids.front() == 0, QStringLiteral("the prompt does not start with BOS"));
    require(prompt.answer == task.answer(key), QStringLiteral("the answer is not \" {key}\""));
    const std::vector<int32_t> sentence = task.keySentence(key);
    require(
        prompt.keySentenceLength == int64_t(sentence.size()) &&
            std::equal(sentence.begin(), sentence.end(), prompt.ids.begin() + prompt.keyPosition),
        QStringLiteral("the key sentence is not at the key position"));
    const std::vector<int64_t> boundaries = task.boundaries(prompt.fillerLength);
    require(
        std::binary_search(boundaries.begin(), boundaries.end(), prompt.keyOffset),
        QStringLiteral("the key sits inside a filler sentence (offset %1)").arg(prompt.keyOffset));
    const double wanted = std::floor(depth * double(prompt.fillerLength) + 0.5);
    for (const int64_t b : boundaries)
        require(std::abs(double(b) - wanted) >= std::abs(double(prompt.keyOffset) - wanted),
                QStringLiteral("boundary %1 is closer to the depth than %2")
                    .arg(b)
                    .arg(prompt.keyOffset));
}

std::span<const FuzzTarget> fuzzTargets()
{
    static const FuzzTarget targets[] = {
        {"safetensors", safetensors, nullptr},
        {"model_config", modelConfig, nullptr},
        {"tokenizer_json", tokenizerJson, nullptr},
        {"tokenizer_text", tokenizerText, [] { bundledTokenizers(); }},
        {"modulation_preset", modulationPreset, [] { demoModel(); }},
        {"gguf", gguf, nullptr},
        {"task_arguments", taskArguments, [] { bundledTokenizers(); }},
    };
    return targets;
}

const FuzzTarget &fuzzTarget(const char *name)
{
    for (const FuzzTarget &t : fuzzTargets()) {
        if (std::strcmp(t.name, name) == 0)
            return t;
    }
    qFatal("no fuzz target %s", name);
    std::abort();
}

}  // namespace mscope::fuzz
