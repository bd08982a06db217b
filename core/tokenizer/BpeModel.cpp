// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/BpeModel.h"

#include "support/Error.h"
#include "tokenizer/ByteLevelPreTokenizer.h"

#include <QJsonArray>
#include <QJsonValue>
#include <cmath>

namespace mscope {

namespace {

// Far above real vocabularies (GPT-NeoX: 50k, Gemma: 256k), low enough that a hostile id cannot
// make the id tables take more than some 50 MB.
constexpr int32_t kMaxTokenId = 1 << 21;

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

}  // namespace

void BpeModel::load(const QJsonObject &model, const QString &path)
{
    const auto fail = [&](const QString &problem) { throw Error(path, problem); };
    for (const char *option : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        const QJsonValue v = model.value(QLatin1StringView(option));
        if (!v.isNull() && !v.isUndefined() && v.toString() != u"")
            fail(QStringLiteral("model.%1 is not supported").arg(QLatin1StringView(option)));
    }
    // "dropout" is left alone: it only randomizes merges while training a model.
    m_ignoreMerges = model.value(u"ignore_merges").toBool(false);
    m_byteFallback = model.value(u"byte_fallback").toBool(false);
    m_fuseUnknown = model.value(u"fuse_unk").toBool(false);

    const QJsonValue vocabValue = model.value(u"vocab");
    if (!vocabValue.isObject())
        fail(QStringLiteral("the BPE model has no vocabulary (model.vocab)"));
    const QJsonObject vocabObject = vocabValue.toObject();
    m_vocab.reserve(std::size_t(vocabObject.size()));
    for (auto it = vocabObject.constBegin(); it != vocabObject.constEnd(); ++it) {
        const int32_t id = toTokenId(it.value());
        if (id < 0) {
            fail(QStringLiteral("model.vocab[%1] is not a valid token id (a whole number below %2)")
                     .arg(quoted(it.key()))
                     .arg(kMaxTokenId));
        }
        m_vocab.insert_or_assign(std::u16string(u16(it.key())), id);
    }
    if (const QJsonValue unk = model.value(u"unk_token"); unk.isString()) {
        m_unknownId = tokenId(u16(unk.toString()));
        if (m_unknownId < 0)
            fail(QStringLiteral("model.unk_token %1 is not in the vocabulary")
                     .arg(quoted(unk.toString())));
    }
    for (int b = 0; b < 256; ++b) {
        const char16_t symbol = ByteLevelPreTokenizer::byteSymbol(uint8_t(b));
        m_byteIds[b] = tokenId(std::u16string_view(&symbol, 1));
        // HuggingFace spells them "<0x0A>": a lower-case x, upper-case digits.
        const QString fallback =
            QStringLiteral("<0x%1>").arg(QString::number(b, 16).toUpper().rightJustified(2, u'0'));
        m_fallbackIds[b] = tokenId(u16(fallback));
    }

    const QJsonValue mergesValue = model.value(u"merges");
    if (!mergesValue.isArray())
        fail(QStringLiteral("the BPE model has no merges (model.merges)"));
    const QJsonArray mergeList = mergesValue.toArray();
    m_mergeTexts.reserve(mergeList.size());
    QString left;
    QString right;
    std::u16string merged;
    for (qsizetype i = 0; i < mergeList.size(); ++i) {
        if (!readMerge(mergeList.at(i), left, right))
            fail(QStringLiteral("model.merges[%1] is neither \"a b\" nor [\"a\", \"b\"]").arg(i));
        merged.assign(u16(left)).append(u16(right));
        const int32_t leftId = tokenId(u16(left));
        const int32_t rightId = tokenId(u16(right));
        const int32_t mergedId = tokenId(merged);
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
        m_merges.add(leftId, rightId, mergedId);
        m_mergeTexts.append(left + u' ' + right);
    }
}

void BpeModel::requireByteAlphabet(const QString &path)
{
    // With every byte of UTF-8 in the vocabulary any text can be encoded: checked once here, so
    // that encoding never meets an unknown symbol. GPT-NeoX's vocabulary lacks the bytes that
    // never occur in UTF-8 (C0, C1, F5..FF), which is fine: our text always is valid UTF-8.
    for (int b = 0; b < 256; ++b) {
        const bool inUtf8 = b < 0xc0 || (b >= 0xc2 && b <= 0xf4);
        if (m_byteIds[b] < 0 && inUtf8) {
            throw Error(path, QStringLiteral("model.vocab lacks %1, the symbol of byte 0x%2; a "
                                             "byte-level vocabulary needs every byte that UTF-8 "
                                             "uses")
                                  .arg(quoted(QChar(ByteLevelPreTokenizer::byteSymbol(uint8_t(b)))))
                                  .arg(b, 2, 16, QChar(u'0')));
        }
    }
}

void BpeModel::encodeWord(QStringView word, std::vector<int32_t> &ids) const
{
    if (m_ignoreMerges) {
        if (const int32_t id = tokenId(u16(word)); id >= 0) {
            ids.push_back(id);
            return;
        }
    }
    // The initial symbols: one per character, as HuggingFace's BPE::merge_word makes them.
    std::vector<int32_t> symbols;
    symbols.reserve(std::size_t(word.size()));
    bool pendingUnknown = false;
    const auto flushUnknown = [&] {
        if (pendingUnknown)
            symbols.push_back(m_unknownId);
        pendingUnknown = false;
    };
    for (qsizetype i = 0; i < word.size();) {
        const qsizetype units =
            word[i].isHighSurrogate() && i + 1 < word.size() && word[i + 1].isLowSurrogate() ? 2
                                                                                             : 1;
        const QStringView character = word.sliced(i, units);
        i += units;
        if (const int32_t id = tokenId(u16(character)); id >= 0) {
            flushUnknown();
            symbols.push_back(id);
            continue;
        }
        if (m_byteFallback) {
            const QByteArray utf8 = character.toUtf8();
            bool all = true;
            for (const char byte : utf8)
                all &= m_fallbackIds[uint8_t(byte)] >= 0;
            if (all) {
                for (const char byte : utf8)
                    symbols.push_back(m_fallbackIds[uint8_t(byte)]);
                continue;
            }
        }
        if (m_unknownId >= 0) {
            if (!m_fuseUnknown)
                flushUnknown();
            pendingUnknown = true;
        }
        // Without an unknown token the character is dropped, as HuggingFace drops it.
    }
    flushUnknown();
    m_merges.apply(symbols);
    ids.insert(ids.end(), symbols.begin(), symbols.end());
}

void BpeModel::encodeBytes(QStringView word, std::vector<int32_t> &ids) const
{
    const QByteArray utf8 = word.toUtf8();
    if (m_ignoreMerges) {
        // Newer HuggingFace files may ask to take a whole word that is in the vocabulary as it is.
        QString spelled;
        for (const char byte : utf8)
            spelled.append(QChar(ByteLevelPreTokenizer::byteSymbol(uint8_t(byte))));
        if (const int32_t id = tokenId(u16(spelled)); id >= 0) {
            ids.push_back(id);
            return;
        }
    }
    // Every byte has an id: toUtf8() only makes bytes requireByteAlphabet() found.
    std::vector<int32_t> symbols;
    symbols.reserve(std::size_t(utf8.size()));
    for (const char byte : utf8)
        symbols.push_back(m_byteIds[uint8_t(byte)]);
    m_merges.apply(symbols);
    ids.insert(ids.end(), symbols.begin(), symbols.end());
}

}  // namespace mscope
