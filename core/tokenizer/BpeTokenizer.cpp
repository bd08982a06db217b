// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/BpeTokenizer.h"

#include "io/GuardedFile.h"
#include "io/TextFile.h"
#include "support/Error.h"
#include "tokenizer/AddedTokenMatcher.h"
#include "tokenizer/BpeMerges.h"
#include "tokenizer/ByteLevelPreTokenizer.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QList>
#include <QStringDecoder>
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace mscope {

namespace {

// Far above real vocabularies (GPT-NeoX: 50k, Gemma: 256k), low enough that a hostile id cannot
// make the id table take more than some 50 MB.
constexpr int32_t kMaxTokenId = 1 << 21;
// Real tokenizer.json files take a few MB; the largest common ones about 35 MB.
constexpr qint64 kMaxFileSize = qint64(512) << 20;
// Holds the distinct words of several books; when full it is cleared rather than evicted.
constexpr std::size_t kMaxCachedWords = std::size_t(1) << 18;

std::u16string_view u16(QStringView s)
{
    return {s.utf16(), std::size_t(s.size())};
}

struct U16Hash
{
    using is_transparent = void;  // lets the maps be searched with a view, without a copy
    std::size_t operator()(std::u16string_view s) const
    {
        return std::hash<std::u16string_view>{}(s);
    }
};

// Faster than QHash<QString, ...> here, and searchable with views.
template <typename T>
using TextMap = std::unordered_map<std::u16string, T, U16Hash, std::equal_to<>>;

// Words already through BPE in one encode() call. Local to the call, so that encode() stays
// const and thread-safe without locks; a book repeats its words enough to fill it quickly.
using WordCache = TextMap<std::vector<int32_t>>;

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

// A token id from JSON, or -1 when the value is not one.
int32_t toTokenId(const QJsonValue &value)
{
    const double d = value.toDouble(-1);
    if (!value.isDouble() || !(d >= 0 && d < kMaxTokenId) || d != std::floor(d))
        return -1;
    return int32_t(d);
}

// A merge as GPT-NeoX's file writes it ("Ġ t") or as newer files do (["Ġ", "t"]); false when
// it is neither.
bool readMerge(const QJsonValue &entry, QString &left, QString &right)
{
    if (entry.isString()) {
        const QString line = entry.toString();
        const qsizetype space = line.indexOf(u' ');
        if (space < 0 || line.indexOf(u' ', space + 1) >= 0)
            return false;
        left = line.first(space);
        right = line.sliced(space + 1);
    } else {
        const QJsonArray pair = entry.toArray();
        if (pair.size() != 2 || !pair[0].isString() || !pair[1].isString())
            return false;
        left = pair[0].toString();
        right = pair[1].toString();
    }
    return !left.isEmpty() && !right.isEmpty();
}

// The steps of a normalizer, pre-tokenizer or decoder, with "Sequence"s opened up.
void collectSteps(const QJsonValue &value, QLatin1StringView listKey, QList<QJsonObject> &steps)
{
    if (value.isNull() || value.isUndefined())
        return;
    const QJsonObject step = value.toObject();
    if (step.value(u"type").toString() != u"Sequence") {
        steps.append(step);
        return;
    }
    for (const QJsonValue &inner : step.value(listKey).toArray())
        collectSteps(inner, listKey, steps);
}

// What a vocabulary token stands for, each character being a byte. Like HuggingFace's ByteLevel
// decoder, a token with a character outside the byte alphabet stands for its own text.
QByteArray tokenBytes(const QString &token)
{
    QByteArray bytes;
    bytes.reserve(token.size());
    for (const QChar c : token) {
        const int byte = ByteLevelPreTokenizer::symbolByte(c.unicode());
        if (byte < 0)
            return token.toUtf8();
        bytes.append(char(byte));
    }
    return bytes;
}

// QString::fromUtf8 drops a leading byte order mark; HuggingFace (and Python's str) keep it as
// U+FEFF, and a decoded text must come back as it was. Bad sequences become U+FFFD.
QString fromUtf8KeepingBom(const QByteArray &utf8)
{
    // Stateless: a cut-off sequence at the end becomes U+FFFD instead of waiting for more bytes.
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom |
                                                       QStringConverter::Flag::Stateless);
    return decoder.decode(utf8);
}

// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are refused), or -1 when all is well-formed.
qsizetype firstInvalidUtf8(const QByteArray &utf8)
{
    const auto *s = reinterpret_cast<const uint8_t *>(utf8.constData());
    const qsizetype n = utf8.size();
    for (qsizetype i = 0; i < n;) {
        const uint8_t lead = s[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        int length;
        char32_t c;
        char32_t smallest;
        if ((lead & 0xe0) == 0xc0) {
            length = 2, c = lead & 0x1f, smallest = 0x80;
        } else if ((lead & 0xf0) == 0xe0) {
            length = 3, c = lead & 0x0f, smallest = 0x800;
        } else if ((lead & 0xf8) == 0xf0) {
            length = 4, c = lead & 0x07, smallest = 0x10000;
        } else {
            return i;
        }
        if (n - i < length)
            return i;
        for (int k = 1; k < length; ++k) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if (c < smallest || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return i;
        i += length;
    }
    return -1;
}

// Qt's normalization puts a run of combining marks in canonical order by insertion, in time
// quadratic in the run's length: a few MB of nothing but combining marks would take hours. No
// writing system stacks more than a handful on one letter, so a longer run is refused.
constexpr qsizetype kMaxCombiningRun = 256;

// Throws Error(source, ...) at the first run of more than kMaxCombiningRun code points that
// are not starters (canonical combining class other than 0, or one of the three Tibetan vowel
// signs of class 0 that decompose into such marks).
void refuseLongCombiningRuns(QStringView text, const QString &source)
{
    qsizetype run = 0;
    qsizetype runStart = 0;
    qsizetype index = 0;  // in code points, as users count characters
    for (qsizetype i = 0; i < text.size(); ++index) {
        char32_t c = text[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text[i], text[i + 1]);
            i += 2;
        } else {
            ++i;
        }
        const bool nonStarter =
            QChar::combiningClass(c) != 0 || c == 0x0f73 || c == 0x0f75 || c == 0x0f81;
        if (!nonStarter) {
            run = 0;
            continue;
        }
        if (run++ == 0)
            runStart = index;
        if (run > kMaxCombiningRun) {
            throw Error(source, QStringLiteral("more than %1 combining marks in a row at "
                                                   "character %2: not text")
                                        .arg(kMaxCombiningRun)
                                        .arg(runStart));
        }
    }
}

}  // namespace

struct BpeTokenizer::Impl
{
    QString path;
    TextMap<int32_t> vocab;           // the BPE model's tokens
    TextMap<int32_t> addedTokens;     // by content
    std::vector<QByteArray> idBytes;  // what each id decodes to
    std::vector<bool> idKnown;        // ids may have gaps
    // HuggingFace looks for added tokens marked "normalized": false in the raw text, and for
    // the others in the normalized text.
    AddedTokenMatcher rawAddedTokens;
    AddedTokenMatcher normalizedAddedTokens;
    std::vector<QString::NormalizationForm> normalization;
    bool addPrefixSpace = true;  // HuggingFace's default for ByteLevel
    bool useRegex = true;
    bool ignoreMerges = false;
    std::array<int32_t, 256> byteIds{};
    BpeMerges merges;

    [[noreturn]] void fail(const QString &problem) const { throw Error(path, problem); }
    static int32_t find(const TextMap<int32_t> &tokens, std::u16string_view token)
    {
        const auto it = tokens.find(token);
        return it == tokens.end() ? -1 : it->second;
    }
    void load(const QJsonObject &root);
    void loadNormalizer(const QJsonValue &value);
    void loadPreTokenizer(const QJsonValue &value);
    void loadModel(const QJsonObject &model);
    void loadAddedTokens(const QJsonValue &value);
    void checkDecoder(const QJsonValue &value) const;
    void setIdBytes(int32_t id, const QByteArray &bytes);

    QString normalized(QStringView text) const;
    void encodePlain(QStringView text, WordCache &cache, std::vector<int32_t> &ids) const;
    std::vector<int32_t> bpe(QStringView word) const;
};

void BpeTokenizer::Impl::load(const QJsonObject &root)
{
    // The model type first: for a tokenizer of another kind it is the one problem worth naming.
    const QJsonValue model = root.value(u"model");
    if (!model.isObject())
        fail(QStringLiteral("no \"model\" object"));
    const QString type = model.toObject().value(u"type").toString(QStringLiteral("BPE"));
    if (type != u"BPE") {
        fail(QStringLiteral("unsupported tokenizer model type %1 (only BPE is supported)")
                 .arg(quoted(type)));
    }
    // The normalizer before the added tokens, which may have to be normalized themselves.
    loadNormalizer(root.value(u"normalizer"));
    loadPreTokenizer(root.value(u"pre_tokenizer"));
    loadModel(model.toObject());
    loadAddedTokens(root.value(u"added_tokens"));
    checkDecoder(root.value(u"decoder"));
}

void BpeTokenizer::Impl::loadNormalizer(const QJsonValue &value)
{
    static const QHash<QString, QString::NormalizationForm> forms = {
        {QStringLiteral("NFC"), QString::NormalizationForm_C},
        {QStringLiteral("NFD"), QString::NormalizationForm_D},
        {QStringLiteral("NFKC"), QString::NormalizationForm_KC},
        {QStringLiteral("NFKD"), QString::NormalizationForm_KD},
    };
    QList<QJsonObject> steps;
    collectSteps(value, QLatin1StringView("normalizers"), steps);
    for (const QJsonObject &step : steps) {
        const QString type = step.value(u"type").toString();
        const auto form = forms.constFind(type);
        if (form == forms.cend()) {
            fail(QStringLiteral("unsupported normalizer %1 (NFC, NFD, NFKC and NFKD are supported)")
                     .arg(quoted(type)));
        }
        normalization.push_back(*form);
    }
}

void BpeTokenizer::Impl::loadPreTokenizer(const QJsonValue &value)
{
    QList<QJsonObject> steps;
    collectSteps(value, QLatin1StringView("pretokenizers"), steps);
    if (steps.isEmpty())
        fail(QStringLiteral("no pre-tokenizer; only byte-level BPE tokenizers are supported"));
    for (const QJsonObject &step : steps) {
        const QString type = step.value(u"type").toString();
        if (type != u"ByteLevel") {
            fail(QStringLiteral("unsupported pre-tokenizer %1 (only ByteLevel is supported)")
                     .arg(quoted(type)));
        }
    }
    if (steps.size() > 1)
        fail(QStringLiteral("more than one ByteLevel pre-tokenizer"));
    addPrefixSpace = steps[0].value(u"add_prefix_space").toBool(true);
    useRegex = steps[0].value(u"use_regex").toBool(true);
}

void BpeTokenizer::Impl::loadModel(const QJsonObject &model)
{
    for (const char *option : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        const QJsonValue v = model.value(QLatin1StringView(option));
        if (!v.isNull() && !v.isUndefined() && v.toString() != u"")
            fail(QStringLiteral("model.%1 is not supported").arg(QLatin1StringView(option)));
    }
    // "dropout" is left alone: it only randomizes merges while training a model.
    ignoreMerges = model.value(u"ignore_merges").toBool(false);

    const QJsonValue vocabValue = model.value(u"vocab");
    if (!vocabValue.isObject())
        fail(QStringLiteral("the BPE model has no vocabulary (model.vocab)"));
    const QJsonObject vocabObject = vocabValue.toObject();
    vocab.reserve(std::size_t(vocabObject.size()));
    for (auto it = vocabObject.constBegin(); it != vocabObject.constEnd(); ++it) {
        const QString token = it.key();
        const int32_t id = toTokenId(it.value());
        if (id < 0) {
            fail(QStringLiteral("model.vocab[%1] is not a valid token id (a whole number below %2)")
                     .arg(quoted(token))
                     .arg(kMaxTokenId));
        }
        vocab.insert_or_assign(std::u16string(u16(token)), id);
        setIdBytes(id, tokenBytes(token));
    }
    // With every byte of UTF-8 in the vocabulary any text can be encoded: checked once here, so
    // that encoding never meets an unknown symbol. GPT-NeoX's vocabulary lacks the bytes that
    // never occur in UTF-8 (C0, C1, F5..FF), which is fine: our text always is valid UTF-8.
    for (int b = 0; b < 256; ++b) {
        const char16_t symbol = ByteLevelPreTokenizer::byteSymbol(uint8_t(b));
        byteIds[b] = find(vocab, std::u16string_view(&symbol, 1));
        const bool inUtf8 = b < 0xc0 || (b >= 0xc2 && b <= 0xf4);
        if (byteIds[b] < 0 && inUtf8) {
            fail(QStringLiteral("model.vocab lacks %1, the symbol of byte 0x%2; a byte-level "
                                "vocabulary needs every byte that UTF-8 uses")
                     .arg(quoted(QChar(symbol)))
                     .arg(b, 2, 16, QChar(u'0')));
        }
    }

    const QJsonValue mergesValue = model.value(u"merges");
    if (!mergesValue.isArray())
        fail(QStringLiteral("the BPE model has no merges (model.merges)"));
    const QJsonArray mergeList = mergesValue.toArray();
    QString left;
    QString right;
    std::u16string merged;
    for (qsizetype i = 0; i < mergeList.size(); ++i) {
        if (!readMerge(mergeList.at(i), left, right)) {
            fail(QStringLiteral("model.merges[%1] is neither \"a b\" nor [\"a\", \"b\"]").arg(i));
        }
        merged.assign(u16(left)).append(u16(right));
        const int32_t leftId = find(vocab, u16(left));
        const int32_t rightId = find(vocab, u16(right));
        const int32_t mergedId = find(vocab, merged);
        const auto where = [&] {
            return QStringLiteral("model.merges[%1] (%2)").arg(i).arg(quoted(left + u' ' + right));
        };
        if (leftId < 0 || rightId < 0) {
            fail(where() + QStringLiteral(" names %1, which is not in the vocabulary")
                               .arg(quoted(leftId < 0 ? left : right)));
        }
        if (mergedId < 0) {
            fail(where() + QStringLiteral(" makes %1, which is not in the vocabulary")
                               .arg(quoted(left + right)));
        }
        merges.add(leftId, rightId, mergedId);
    }
}

void BpeTokenizer::Impl::loadAddedTokens(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return;
    if (!value.isArray())
        fail(QStringLiteral("added_tokens is not a list"));
    const QJsonArray tokens = value.toArray();
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QJsonObject token = tokens.at(i).toObject();
        const QString content = token.value(u"content").toString();
        const int32_t id = toTokenId(token.value(u"id"));
        if (content.isEmpty() || id < 0)
            fail(QStringLiteral("added_tokens[%1] lacks a content or a valid id").arg(i));
        for (const char *flag : {"lstrip", "rstrip", "single_word"}) {
            if (token.value(QLatin1StringView(flag)).toBool(false)) {
                fail(QStringLiteral("added token %1 sets %2, which is not supported")
                         .arg(quoted(content), QLatin1StringView(flag)));
            }
        }
        // HuggingFace's AddedToken::from(content, special) default.
        const bool special = token.value(u"special").toBool(false);
        if (token.value(u"normalized").toBool(!special))
            normalizedAddedTokens.add(normalized(content), id);
        else
            rawAddedTokens.add(content, id);
        addedTokens.insert_or_assign(std::u16string(u16(content)), id);
        setIdBytes(id, content.toUtf8());
    }
}

void BpeTokenizer::Impl::checkDecoder(const QJsonValue &value) const
{
    // No decoder is accepted too: decode() always undoes the byte-level mapping.
    QList<QJsonObject> steps;
    collectSteps(value, QLatin1StringView("decoders"), steps);
    for (const QJsonObject &step : steps) {
        const QString type = step.value(u"type").toString();
        if (type != u"ByteLevel") {
            fail(QStringLiteral("unsupported decoder %1 (only ByteLevel is supported)")
                     .arg(quoted(type)));
        }
    }
}

void BpeTokenizer::Impl::setIdBytes(int32_t id, const QByteArray &bytes)
{
    if (std::size_t(id) >= idBytes.size()) {
        idBytes.resize(std::size_t(id) + 1);
        idKnown.resize(std::size_t(id) + 1);
    }
    idBytes[id] = bytes;
    idKnown[id] = true;
}

QString BpeTokenizer::Impl::normalized(QStringView text) const
{
    if (normalization.empty())
        return text.toString();
    // Qt composes in place, moving the rest of the string for every composition: time quadratic
    // in the length of decomposed text (400 000 characters of "e" + U+0301 take 4 s, a few MB
    // hours). Pieces of some KB, cut before a character that never joins the one before it, keep
    // it linear and give the same text: no form reorders or composes across such a character.
    constexpr qsizetype kPiece = 4096;
    const auto startsPiece = [](char16_t c) {
        return c < 0x80 || (c >= 0x1100 && c <= 0x1112) ||  // ASCII, Hangul leading consonants
               (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3);  // Han, Hangul
    };
    QString result;
    result.reserve(text.size());
    for (qsizetype begin = 0; begin < text.size();) {
        qsizetype end = std::min(text.size(), begin + kPiece);
        while (end < text.size() && !startsPiece(text[end].unicode()))
            ++end;
        QString piece = text.sliced(begin, end - begin).toString();
        for (const QString::NormalizationForm form : normalization)
            piece = piece.normalized(form);
        result += piece;
        begin = end;
    }
    return result;
}

void BpeTokenizer::Impl::encodePlain(QStringView text, WordCache &cache,
                                     std::vector<int32_t> &ids) const
{
    // add_prefix_space makes a text's first word look like one in mid-sentence ("Hello" as
    // " Hello"); HuggingFace does it for every stretch between added tokens.
    QString prefixed;
    if (addPrefixSpace && !text.startsWith(u' ')) {
        prefixed.reserve(text.size() + 1);
        prefixed.append(u' ').append(text);
        text = prefixed;
    }
    for (qsizetype start = 0; start < text.size();) {
        const qsizetype end = useRegex ? ByteLevelPreTokenizer::wordEnd(text, start) : text.size();
        const QStringView word = text.sliced(start, end - start);
        start = end;
        const std::u16string_view key = u16(word);
        auto it = cache.find(key);
        if (it == cache.end()) {
            if (cache.size() >= kMaxCachedWords)
                cache.clear();
            it = cache.emplace(std::u16string(key), bpe(word)).first;
        }
        ids.insert(ids.end(), it->second.begin(), it->second.end());
    }
}

std::vector<int32_t> BpeTokenizer::Impl::bpe(QStringView word) const
{
    const QByteArray utf8 = word.toUtf8();
    if (ignoreMerges) {
        // Newer HuggingFace files may ask to take a whole word that is in the vocabulary as it is.
        QString spelled;
        for (const char byte : utf8)
            spelled.append(QChar(ByteLevelPreTokenizer::byteSymbol(uint8_t(byte))));
        if (const int32_t id = find(vocab, u16(spelled)); id >= 0)
            return {id};
    }
    // Every byte has an id: toUtf8() only makes bytes that loadModel() found in the vocabulary.
    std::vector<int32_t> symbols;
    symbols.reserve(std::size_t(utf8.size()));
    for (const char byte : utf8)
        symbols.push_back(byteIds[uint8_t(byte)]);
    merges.apply(symbols);
    return symbols;
}

BpeTokenizer::BpeTokenizer() : d(std::make_unique<Impl>()) {}

BpeTokenizer::~BpeTokenizer() = default;

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromFile(const QString &path)
{
    const QJsonObject json =
        GuardedFile::readJsonObject(path, kMaxFileSize, QStringLiteral("a tokenizer.json"));
    std::unique_ptr<BpeTokenizer> tokenizer(new BpeTokenizer);
    tokenizer->d->path = path;
    tokenizer->d->load(json);
    return tokenizer;
}

std::vector<int32_t> BpeTokenizer::encode(const QString &text) const
{
    return encodeText(text, {});
}

std::vector<int32_t> BpeTokenizer::encodeText(const QString &text, const QString &sourceName) const
{
    if (!d->normalization.empty())
        refuseLongCombiningRuns(text, sourceName);
    std::vector<int32_t> ids;
    ids.reserve(std::size_t(text.size() / 4));
    WordCache cache;
    std::vector<AddedTokenMatcher::Piece> rawPieces;
    std::vector<AddedTokenMatcher::Piece> pieces;
    d->rawAddedTokens.split(text, rawPieces);
    for (const AddedTokenMatcher::Piece &raw : rawPieces) {
        if (raw.id >= 0) {
            ids.push_back(raw.id);
            continue;
        }
        // As HuggingFace does: normalize what lies between raw added tokens, then look for the
        // normalized added tokens in the result.
        const QString normalizedText = d->normalized(raw.text);
        d->normalizedAddedTokens.split(normalizedText, pieces);
        for (const AddedTokenMatcher::Piece &piece : pieces) {
            if (piece.id >= 0)
                ids.push_back(piece.id);
            else
                d->encodePlain(piece.text, cache, ids);
        }
    }
    return ids;
}

std::vector<int32_t> BpeTokenizer::encodeUtf8(const QByteArray &utf8,
                                              const QString &sourceName) const
{
    if (const qsizetype bad = firstInvalidUtf8(utf8); bad >= 0)
        throw Error(sourceName, QStringLiteral("invalid UTF-8 at byte %1").arg(bad));
    return encodeText(fromUtf8KeepingBom(utf8), sourceName);
}

std::vector<int32_t> BpeTokenizer::encodeFile(const QString &path, int64_t maxTokens) const
{
    const QByteArray bytes = TextFile::readUtf8(path);
    // A prefix without tokenizing all of it: BPE tokens depend only on the word they are in, so a
    // prefix cut at a space gives the same tokens except near the cut, which we drop (a token is
    // at least one byte, and these texts average under 8 bytes per token). Falls back to the
    // whole text when the prefix is too short.
    if (maxTokens > 0 && bytes.size() > maxTokens * 12) {
        qsizetype cut = qsizetype(maxTokens * 8);
        while (cut > 0 && bytes[cut] != ' ' && bytes[cut] != '\n')
            --cut;
        if (cut > 0) {
            std::vector<int32_t> ids = encodeUtf8(bytes.left(cut), path);
            if (int64_t(ids.size()) > maxTokens + 64) {
                ids.resize(size_t(maxTokens));
                return ids;
            }
        }
    }
    std::vector<int32_t> ids = encodeUtf8(bytes, path);
    if (maxTokens > 0 && int64_t(ids.size()) > maxTokens)
        ids.resize(size_t(maxTokens));
    return ids;
}

QString BpeTokenizer::decode(const std::vector<int32_t> &ids) const
{
    QByteArray bytes;
    for (const int32_t id : ids) {
        if (id < 0 || id >= vocabSize() || !d->idKnown[id]) {
            throw Error({}, QStringLiteral("token id %1 outside the vocabulary (size %2)")
                                    .arg(id)
                                    .arg(vocabSize()));
        }
        bytes.append(d->idBytes[id]);
    }
    // Lossy: a cut-off multi-byte character at either end becomes U+FFFD.
    return fromUtf8KeepingBom(bytes);
}

int BpeTokenizer::vocabSize() const
{
    return int(d->idBytes.size());
}

int BpeTokenizer::tokenId(const QString &token) const
{
    const int32_t added = Impl::find(d->addedTokens, u16(token));
    return added >= 0 ? added : Impl::find(d->vocab, u16(token));
}

QString BpeTokenizer::path() const
{
    return d->path;
}

}  // namespace mscope
