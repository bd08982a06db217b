// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/BpeTokenizer.h"

#include "io/GuardedFile.h"
#include "io/TextFile.h"
#include "support/Error.h"
#include "tokenizer/AddedTokenMatcher.h"
#include "tokenizer/BpeModel.h"
#include "tokenizer/ByteLevelPreTokenizer.h"
#include "tokenizer/LlamaCppPreTokenizer.h"
#include "tokenizer/Normalizer.h"
#include "tokenizer/PostProcessor.h"
#include "tokenizer/PreTokenizer.h"
#include "tokenizer/TextMap.h"
#include "tokenizer/TokenDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <algorithm>
#include <cmath>
#include <optional>

namespace mscope {

namespace {

// Far above real vocabularies (GPT-NeoX: 50k, Gemma: 256k), as BpeModel's bound.
constexpr int32_t kMaxTokenId = 1 << 21;
// Real tokenizer.json files take a few MB; the largest common ones about 35 MB.
constexpr qint64 kMaxFileSize = qint64(512) << 20;
// Holds the distinct words of several books; when full it is cleared rather than evicted.
constexpr std::size_t kMaxCachedWords = std::size_t(1) << 18;

// Words already through BPE in one encode() call. Local to the call, so that encode() stays
// const and thread-safe without locks; a book repeats its words enough to fill it quickly.
using WordCache = TextMap<std::vector<int32_t>>;

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

int32_t toTokenId(const QJsonValue &value)
{
    const double d = value.toDouble(-1);
    if (!value.isDouble() || !(d >= 0 && d < kMaxTokenId) || d != std::floor(d))
        return -1;
    return int32_t(d);
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

// A JSON value with the keys that change nothing for encoding (offsets) removed, to compare a
// pre-tokenizer with a known one.
QJsonValue withoutOffsetOptions(const QJsonValue &value)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &v : value.toArray())
            out.append(withoutOffsetOptions(v));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject out;
    const QJsonObject in = value.toObject();
    for (auto it = in.begin(); it != in.end(); ++it) {
        if (it.key() != u"trim_offsets")
            out.insert(it.key(), withoutOffsetOptions(it.value()));
    }
    return out;
}

}  // namespace

struct BpeTokenizer::Impl
{
    enum class IdKind : uint8_t { None, Model, Added, Special };

    QString path;
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    BpeModel model;
    std::unique_ptr<TokenDecoder> decoder;
    PostProcessor postProcessor;
    QJsonValue preTokenizerJson;  // for ggufVocabulary()

    TextMap<int32_t> addedTokens;  // by content
    // HuggingFace looks for added tokens marked "normalized": false in the raw text, and for
    // the others in the normalized text.
    AddedTokenMatcher rawAddedTokens;
    AddedTokenMatcher normalizedAddedTokens;

    std::vector<QString> idText;  // the token of each id (vocabulary spelling or added content)
    std::vector<IdKind> idKind;   // ids may have gaps
    // When the pre-tokenizer is one ByteLevel step: words found and encoded as bytes directly.
    std::optional<PreTokenizer::ByteLevelOptions> fastByteLevel;
    bool byteLevel = false;
    // When the decoder is ByteLevel alone: a token decodes to fixed bytes.
    bool fastDecode = false;
    std::vector<QByteArray> idBytes;

    [[noreturn]] void fail(const QString &problem) const { throw Error(path, problem); }
    void load(const QJsonObject &root);
    void loadAddedTokens(const QJsonValue &value);
    void setId(int32_t id, const QString &text, IdKind kind);

    QString normalized(QStringView text) const
    {
        return normalizer ? normalizer->normalize(text) : text.toString();
    }
    void encodePlain(QStringView text, qsizetype offset, WordCache &cache,
                     std::vector<int32_t> &ids) const;
};

void BpeTokenizer::Impl::load(const QJsonObject &root)
{
    // The model type first: for a tokenizer of another kind it is the one problem worth naming.
    const QJsonValue modelJson = root.value(u"model");
    if (!modelJson.isObject())
        fail(QStringLiteral("no \"model\" object"));
    const QString type = modelJson.toObject().value(u"type").toString(QStringLiteral("BPE"));
    if (type != u"BPE") {
        fail(QStringLiteral("unsupported tokenizer model type %1 (only BPE is supported)")
                 .arg(quoted(type)));
    }
    // The normalizer before the added tokens, which may have to be normalized themselves.
    normalizer = Normalizer::fromJson(root.value(u"normalizer"), path);
    preTokenizerJson = root.value(u"pre_tokenizer");
    preTokenizer = PreTokenizer::fromJson(preTokenizerJson, path);
    decoder = TokenDecoder::fromJson(root.value(u"decoder"), path);
    model.load(modelJson.toObject(), path);

    byteLevel = preTokenizer && preTokenizer->mapsToBytes();
    if (byteLevel) {
        model.requireByteAlphabet(path);
        fastByteLevel = preTokenizer->plainByteLevel();
    } else if (!model.byteFallback() && model.unknownId() < 0) {
        fail(
            QStringLiteral("the BPE model has no ByteLevel pre-tokenizer, no byte_fallback and no "
                           "unk_token: text outside its vocabulary could not be encoded"));
    }
    // No decoder: HuggingFace joins the tokens with spaces, which for a byte-level vocabulary
    // is never what was meant; the byte-level mapping is undone instead.
    fastDecode = decoder ? decoder->isPlainByteLevel() : byteLevel;

    for (const auto &[token, id] : model.vocabulary())
        setId(id, QString::fromUtf16(token.data(), qsizetype(token.size())), IdKind::Model);
    loadAddedTokens(root.value(u"added_tokens"));
    postProcessor =
        PostProcessor::fromJson(root.value(u"post_processor"), path, [this](const QString &token) {
            const auto it = addedTokens.find(u16(token));
            return it != addedTokens.end() ? it->second : model.tokenId(u16(token));
        });
    if (fastDecode) {
        idBytes.resize(idText.size());
        for (std::size_t id = 0; id < idText.size(); ++id)
            idBytes[id] = TokenDecoder::byteLevelBytes(idText[id]);
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
        setId(id, content, special ? IdKind::Special : IdKind::Added);
    }
}

void BpeTokenizer::Impl::setId(int32_t id, const QString &text, IdKind kind)
{
    if (std::size_t(id) >= idText.size()) {
        idText.resize(std::size_t(id) + 1);
        idKind.resize(std::size_t(id) + 1, IdKind::None);
    }
    idText[id] = text;
    idKind[id] = kind;
}

void BpeTokenizer::Impl::encodePlain(QStringView text, qsizetype offset, WordCache &cache,
                                     std::vector<int32_t> &ids) const
{
    const auto encodeCached = [&](QStringView word, bool rawBytes) {
        const std::u16string_view key = u16(word);
        auto it = cache.find(key);
        if (it == cache.end()) {
            if (cache.size() >= kMaxCachedWords)
                cache.clear();
            std::vector<int32_t> wordIds;
            if (rawBytes)
                model.encodeBytes(word, wordIds);
            else
                model.encodeWord(word, wordIds);
            it = cache.emplace(std::u16string(key), std::move(wordIds)).first;
        }
        ids.insert(ids.end(), it->second.begin(), it->second.end());
    };

    if (fastByteLevel) {
        // add_prefix_space makes a text's first word look like one in mid-sentence ("Hello" as
        // " Hello"); HuggingFace does it for every stretch between added tokens.
        QString prefixed;
        if (fastByteLevel->addPrefixSpace && !text.startsWith(u' ')) {
            prefixed.reserve(text.size() + 1);
            prefixed.append(u' ').append(text);
            text = prefixed;
        }
        for (qsizetype start = 0; start < text.size();) {
            const qsizetype end =
                fastByteLevel->useRegex ? ByteLevelPreTokenizer::wordEnd(text, start) : text.size();
            encodeCached(text.sliced(start, end - start), true);
            start = end;
        }
        return;
    }
    std::vector<PreToken> pieces{{text.toString(), offset}};
    if (preTokenizer)
        preTokenizer->split(pieces);
    for (const PreToken &piece : pieces)
        encodeCached(piece.text, false);
}

BpeTokenizer::BpeTokenizer() : d(std::make_unique<Impl>()) {}

BpeTokenizer::~BpeTokenizer() = default;

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromFile(const QString &path)
{
    return fromJson(
        GuardedFile::readJsonObject(path, kMaxFileSize, QStringLiteral("a tokenizer.json")), path);
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromJson(const QJsonObject &root, const QString &path)
{
    std::unique_ptr<BpeTokenizer> tokenizer(new BpeTokenizer);
    tokenizer->d->path = path;
    tokenizer->d->load(root);
    return tokenizer;
}

std::vector<int32_t> BpeTokenizer::encode(const QString &text) const
{
    return encodeText(text, {});
}

std::vector<int32_t> BpeTokenizer::encodeText(const QString &text, const QString &sourceName) const
{
    if (d->normalizer && d->normalizer->usesUnicodeForms())
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
        const qsizetype rawOffset = raw.text.data() - text.data();
        const QString normalizedText = d->normalized(raw.text);
        d->normalizedAddedTokens.split(normalizedText, pieces);
        for (const AddedTokenMatcher::Piece &piece : pieces) {
            if (piece.id >= 0) {
                ids.push_back(piece.id);
                continue;
            }
            // Where the piece starts in the text: only whether it is 0 matters (Metaspace).
            const qsizetype inPiece = piece.text.data() - normalizedText.data();
            d->encodePlain(piece.text, rawOffset + inPiece, cache, ids);
        }
    }
    return ids;
}

std::vector<int32_t> BpeTokenizer::encodeUtf8(const QByteArray &utf8,
                                              const QString &sourceName) const
{
    if (const qsizetype bad = firstInvalidUtf8(utf8); bad >= 0)
        throw Error(sourceName, QStringLiteral("invalid UTF-8 at byte %1").arg(bad));
    return encodeText(TokenDecoder::fromUtf8Lossy(utf8), sourceName);
}

std::vector<int32_t> BpeTokenizer::encodeFile(const QString &path, int64_t maxTokens) const
{
    const QByteArray bytes = TextFile::readUtf8(path);
    // A prefix without tokenizing all of it: BPE tokens depend only on the word they are in, so a
    // prefix cut at a space gives the same tokens except near the cut, which we drop (a token is
    // at least one byte, and these texts average under 8 bytes per token). Falls back to the
    // whole text when the prefix is too short. Only for tokenizers with words: without a
    // pre-tokenizer the whole text is one word.
    if (maxTokens > 0 && bytes.size() > maxTokens * 12 && d->preTokenizer) {
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

std::vector<int32_t> BpeTokenizer::withSpecialTokens(const std::vector<int32_t> &ids) const
{
    std::vector<int32_t> out = d->postProcessor.prefix();
    out.insert(out.end(), ids.begin(), ids.end());
    out.insert(out.end(), d->postProcessor.suffix().begin(), d->postProcessor.suffix().end());
    return out;
}

QString BpeTokenizer::decode(const std::vector<int32_t> &ids, bool skipSpecialTokens) const
{
    for (const int32_t id : ids) {
        if (id < 0 || id >= vocabSize() || d->idKind[id] == Impl::IdKind::None) {
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("token id %1 outside the vocabulary (size %2)")
                            .arg(id)
                            .arg(vocabSize()));
        }
    }
    const auto skipped = [&](int32_t id) {
        return skipSpecialTokens && d->idKind[id] == Impl::IdKind::Special;
    };
    if (d->fastDecode) {
        QByteArray bytes;
        for (const int32_t id : ids) {
            if (!skipped(id))
                bytes.append(d->idBytes[id]);
        }
        // Lossy: a cut-off multi-byte character at either end becomes U+FFFD.
        return TokenDecoder::fromUtf8Lossy(bytes);
    }
    std::vector<QString> tokens;
    tokens.reserve(ids.size());
    for (const int32_t id : ids) {
        if (!skipped(id))
            tokens.push_back(d->idText[id]);
    }
    if (!d->decoder)
        return QStringList(tokens.begin(), tokens.end()).join(u' ');
    d->decoder->decodeChain(tokens);
    QString text;
    for (const QString &t : tokens)
        text += t;
    return text;
}

QString BpeTokenizer::normalize(const QString &text) const
{
    return d->normalized(text);
}

QStringList BpeTokenizer::preTokenize(const QString &text) const
{
    std::vector<PreToken> pieces{{text, 0}};
    if (d->preTokenizer)
        d->preTokenizer->split(pieces);
    QStringList words;
    for (const PreToken &piece : pieces) {
        if (!piece.text.isEmpty())
            words << piece.text;
    }
    return words;
}

int BpeTokenizer::vocabSize() const
{
    return int(d->idText.size());
}

int BpeTokenizer::tokenId(const QString &token) const
{
    const auto added = d->addedTokens.find(u16(token));
    return added != d->addedTokens.end() ? added->second : d->model.tokenId(u16(token));
}

QString BpeTokenizer::path() const
{
    return d->path;
}

BpeTokenizer::GgufVocabulary BpeTokenizer::ggufVocabulary() const
{
    // llama.cpp's "gpt2" tokenizer: byte-level BPE whose words are cut by one of the regexes it
    // names. It applies no normalizer; NFC changes nothing in text that is already NFC.
    const auto refuse = [&](const QString &why) {
        throw Error(d->path, QStringLiteral("llama.cpp's byte-level (\"gpt2\") tokenizer cannot "
                                            "express this tokenizer: %1")
                                 .arg(why));
    };
    if (!d->byteLevel || d->model.byteFallback())
        refuse(QStringLiteral("it is not byte-level BPE"));
    GgufVocabulary v;
    const QJsonValue pre = withoutOffsetOptions(d->preTokenizerJson);
    if (d->fastByteLevel && !d->fastByteLevel->addPrefixSpace && d->fastByteLevel->useRegex) {
        v.preTokenizer = QStringLiteral("gpt-2");
    } else {
        if (pre != QJsonValue(LlamaCppPreTokenizer::falcon()))
            refuse(QStringLiteral("its pre-tokenizer is neither GPT-2's nor Falcon's"));
        v.preTokenizer = QStringLiteral("falcon");
    }
    if (d->normalizer && !d->normalizer->usesUnicodeForms())
        refuse(QStringLiteral("it has a normalizer other than a Unicode form"));
    v.tokens.reserve(qsizetype(d->idText.size()));
    for (std::size_t id = 0; id < d->idText.size(); ++id) {
        v.tokens << d->idText[id];
        switch (d->idKind[id]) {
            case Impl::IdKind::None:
                v.kinds.push_back(GgufVocabulary::Kind::Unused);
                break;
            case Impl::IdKind::Model:
                v.kinds.push_back(GgufVocabulary::Kind::Normal);
                break;
            case Impl::IdKind::Added:
                v.kinds.push_back(GgufVocabulary::Kind::Added);
                break;
            case Impl::IdKind::Special:
                v.kinds.push_back(GgufVocabulary::Kind::Special);
                break;
        }
    }
    v.merges = d->model.mergeTexts();
    return v;
}

}  // namespace mscope
