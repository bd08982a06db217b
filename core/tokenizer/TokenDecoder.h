// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <memory>
#include <vector>

namespace mscope {

/// The decoder of a tokenizer.json: how the tokens' texts become text again. Each step rewrites
/// the list of token texts, as HuggingFace's decode_chain does, and the result is their
/// concatenation. Supported: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence.
class TokenDecoder
{
public:
    virtual ~TokenDecoder();
    virtual void decodeChain(std::vector<QString> &tokens) const = 0;
    /// Whether the decoder is ByteLevel alone: then a token's text is fixed bytes and the
    /// tokenizer can decode by concatenating bytes.
    virtual bool isPlainByteLevel() const { return false; }

    /// The decoder `value` describes, or null for none. Throws Error(path, ...) naming the first
    /// unsupported part, e.g. "unsupported decoder 'WordPiece' (...)".
    static std::unique_ptr<TokenDecoder> fromJson(const QJsonValue &value, const QString &path);

    /// Bytes as text, a bad sequence becoming U+FFFD and a leading byte order mark kept (as
    /// HuggingFace and Python's str keep it).
    static QString fromUtf8Lossy(const QByteArray &utf8);
    /// What a token of a byte-level vocabulary stands for, each character being a byte; like
    /// HuggingFace's ByteLevel decoder, a token with a character outside the byte alphabet stands
    /// for its own text.
    static QByteArray byteLevelBytes(const QString &token);
};

}  // namespace mscope
