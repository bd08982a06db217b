// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <vector>

namespace mscope {

/// A BPE tokenizer from a HuggingFace `tokenizer.json`, run as HuggingFace's tokenizers runs it:
/// added tokens split out first (longest match; in the raw text or, for "normalized" ones, in the
/// normalized text), the normalizer (Normalizer), the pre-tokenizer (PreTokenizer), the BPE model
/// (BpeModel) on every word, and back to text through the decoder (TokenDecoder). Covers GPT-2 /
/// GPT-NeoX (byte-level), Falcon (punctuation and digit splits before the byte level) and
/// Llama / Mistral (SentencePiece-converted BPE with byte fallback, Metaspace or Prepend/Replace).
/// Any other part is refused with a message naming it.
class BpeTokenizer
{
public:
    /// Throws Error naming the file (unreadable, invalid JSON, unsupported model type or
    /// pipeline part, missing vocab or merges, merges naming unknown tokens, ...).
    static std::unique_ptr<BpeTokenizer> fromFile(const QString &path);
    /// The same for a tokenizer.json already parsed (or made from elsewhere, e.g. a GGUF file);
    /// `path` names it in messages.
    static std::unique_ptr<BpeTokenizer> fromJson(const QJsonObject &root, const QString &path);
    ~BpeTokenizer();

    /// The ids HuggingFace's encode(text, add_special_tokens=False) gives. Throws Error for more
    /// than 256 combining marks in a row when a Unicode normalizer runs (normalizing them would
    /// take time quadratic in their number; no script stacks that many).
    std::vector<int32_t> encode(const QString &text) const;
    /// Bytes must be valid UTF-8, else Error(sourceName, "invalid UTF-8 at byte N"). A byte
    /// order mark is text like any other (U+FEFF), as for HuggingFace.
    std::vector<int32_t> encodeUtf8(const QByteArray &utf8, const QString &sourceName = {}) const;
    /// The tokens of a text file (TextFile::readUtf8's checks), or its first `maxTokens` tokens
    /// (0: all) without tokenizing the rest.
    std::vector<int32_t> encodeFile(const QString &path, int64_t maxTokens = 0) const;
    /// `ids` with the special tokens the post-processor puts around a single sequence (e.g. "<s>"
    /// in front for Llama): HuggingFace's add_special_tokens=True.
    std::vector<int32_t> withSpecialTokens(const std::vector<int32_t> &ids) const;
    /// Text again; special added tokens are left out when `skipSpecialTokens`. Throws Error for an
    /// id outside the vocabulary.
    QString decode(const std::vector<int32_t> &ids, bool skipSpecialTokens = false) const;

    /// What the normalizer makes of `text`, and the words the pre-tokenizer cuts it into (as
    /// HuggingFace's normalize_str and pre_tokenize_str give them): for tests and diagnosis.
    QString normalize(const QString &text) const;
    QStringList preTokenize(const QString &text) const;

    int vocabSize() const;  // largest id + 1, added tokens included
    /// -1 when unknown.
    int tokenId(const QString &token) const;
    QString path() const;

    /// A byte-level vocabulary as llama.cpp's GGUF "gpt2" tokenizer stores it.
    struct GgufVocabulary
    {
        enum class Kind { Normal, Special, Added, Unused };
        QStringList tokens;       // by id; empty for an id without a token
        std::vector<Kind> kinds;  // by id
        QStringList merges;       // "left right", in rank order
        QString preTokenizer;     // llama.cpp's name of the word splitting: "gpt-2", "falcon"
    };
    /// Throws Error(path, ...) naming what llama.cpp's byte-level tokenizer cannot express (a
    /// SentencePiece-style vocabulary, a pre-tokenizer it has no name for, ...).
    GgufVocabulary ggufVocabulary() const;

private:
    BpeTokenizer();
    std::vector<int32_t> encodeText(const QString &text, const QString &sourceName) const;
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace mscope
