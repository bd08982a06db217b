// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonValue>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace mscope {

/// One piece of text on its way to the BPE model, and where it started in the text given to the
/// tokenizer (0 for the first piece; Metaspace's "first" scheme looks at it).
struct PreToken
{
    QString text;
    qsizetype offset = 0;
};

/// The pre-tokenizer of a tokenizer.json: cuts text into the words the BPE model sees, each step
/// cutting the pieces of the step before, as HuggingFace's tokenizers does. Supported: ByteLevel
/// (GPT-2's regex and byte alphabet), Punctuation, Digits, Split (a string or a regex, every
/// split behaviour), Metaspace (SentencePiece's "▁") and Sequence.
class PreTokenizer
{
public:
    virtual ~PreTokenizer();
    /// Replaces `pieces` by their pieces; empty pieces are dropped.
    virtual void split(std::vector<PreToken> &pieces) const = 0;
    /// Whether the pieces left are spelled in the byte alphabet (a ByteLevel step ran).
    virtual bool mapsToBytes() const { return false; }

    /// When the whole pre-tokenizer is one ByteLevel step (GPT-2, GPT-NeoX): its options, so that
    /// the tokenizer can take its fast path (words found and encoded as bytes in one go).
    struct ByteLevelOptions
    {
        bool addPrefixSpace = true;
        bool useRegex = true;
    };
    virtual std::optional<ByteLevelOptions> plainByteLevel() const { return std::nullopt; }

    /// The pre-tokenizer `value` describes, or null for none. Throws Error(path, ...) naming the
    /// first unsupported part, e.g. "unsupported pre-tokenizer 'Whitespace' (...)".
    static std::unique_ptr<PreTokenizer> fromJson(const QJsonValue &value, const QString &path);
};

}  // namespace mscope
