// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

/// The byte-level BPE tokenizer of a HuggingFace `tokenizer.json` (GPT-NeoX / GPT-2 style):
/// NFC normalization, added tokens split out first (longest match), the ByteLevel pre-tokenizer
/// regex, the byte-to-unicode mapping, merges applied by rank, and decoding back to text.
class BpeTokenizer
{
public:
    /// Throws Error naming the file (unreadable, invalid JSON, unsupported model type, missing
    /// vocab or merges, merges naming unknown tokens, ...).
    static std::unique_ptr<BpeTokenizer> fromFile(const QString &path);
    ~BpeTokenizer();

    /// Throws Error for more than 256 combining marks in a row (normalizing them would take
    /// time quadratic in their number; no script stacks that many).
    std::vector<int32_t> encode(const QString &text) const;
    /// Bytes must be valid UTF-8, else Error(sourceName, "invalid UTF-8 at byte N"). A byte
    /// order mark is text like any other (U+FEFF), as for HuggingFace.
    std::vector<int32_t> encodeUtf8(const QByteArray &utf8, const QString &sourceName = {}) const;
    /// The tokens of a text file (TextFile::readUtf8's checks), or its first `maxTokens` tokens
    /// (0: all) without tokenizing the rest.
    std::vector<int32_t> encodeFile(const QString &path, int64_t maxTokens = 0) const;
    QString decode(const std::vector<int32_t> &ids) const;
    int vocabSize() const;  // largest id + 1, added tokens included
    /// -1 when unknown.
    int tokenId(const QString &token) const;
    QString path() const;

private:
    BpeTokenizer();
    std::vector<int32_t> encodeText(const QString &text, const QString &sourceName) const;
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace mscope
