// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tokenizer/BpeMerges.h"
#include "tokenizer/TextMap.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>
#include <vector>

namespace mscope {

/// The BPE model of a tokenizer.json: the vocabulary, the merges (as "a b" or ["a", "b"]) and
/// what becomes of a character outside the vocabulary (its UTF-8 bytes as <0xNN> tokens with
/// byte_fallback, else the unknown token, runs of them fused with fuse_unk, else nothing).
class BpeModel
{
public:
    /// Throws Error(path, ...) for a missing or malformed vocabulary or merges, options that are
    /// not supported (continuing_subword_prefix, end_of_word_suffix), merges naming unknown tokens.
    void load(const QJsonObject &model, const QString &path);

    /// -1 when the token is not in the vocabulary.
    int32_t tokenId(std::u16string_view token) const
    {
        const auto it = m_vocab.find(token);
        return it == m_vocab.end() ? -1 : it->second;
    }
    const TextMap<int32_t> &vocabulary() const { return m_vocab; }
    bool byteFallback() const { return m_byteFallback; }
    /// The merges as "left right", in rank order.
    const QStringList &mergeTexts() const { return m_mergeTexts; }
    int32_t unknownId() const { return m_unknownId; }

    /// A byte-level vocabulary must spell every byte UTF-8 uses with its byte symbol; throws
    /// Error(path, ...) naming the first missing one. Needed by encodeBytes().
    void requireByteAlphabet(const QString &path);

    /// The tokens of one word whose characters are the initial symbols (already in the byte
    /// alphabet for byte-level models), appended to `ids`.
    void encodeWord(QStringView word, std::vector<int32_t> &ids) const;
    /// The tokens of one word of raw text for a byte-level model: its UTF-8 bytes as the initial
    /// symbols (what the ByteLevel pre-tokenizer and encodeWord() give, without the detour).
    void encodeBytes(QStringView word, std::vector<int32_t> &ids) const;

private:
    TextMap<int32_t> m_vocab;
    BpeMerges m_merges;
    QStringList m_mergeTexts;
    bool m_ignoreMerges = false;
    bool m_byteFallback = false;
    bool m_fuseUnknown = false;
    int32_t m_unknownId = -1;
    std::array<int32_t, 256> m_byteIds{};      // byte symbols (byte-level vocabularies)
    std::array<int32_t, 256> m_fallbackIds{};  // <0xNN> tokens (byte_fallback)
};

}  // namespace mscope
