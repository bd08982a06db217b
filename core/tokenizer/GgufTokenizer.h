// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <memory>

namespace mscope {

class BpeTokenizer;
class GgufFile;

/// The tokenizer a GGUF file carries (tokenizer.ggml.*), as a BpeTokenizer: llama.cpp's byte-level
/// "gpt2" vocabularies, with the word splitting its "pre" name stands for (gpt-2, olmo, mpt:
/// GPT-2's regex; falcon: Falcon's punctuation and digit splits). Like llama.cpp it applies no
/// normalizer. Control tokens are special added tokens, user-defined ones plain added tokens,
/// unused ones ([PAD...]) no tokens at all.
class GgufTokenizer
{
public:
    /// Throws Error naming the file: no vocabulary, another tokenizer model ('llama', ...), a
    /// pre-tokenizer name it does not know, tokens and types of different lengths, ...
    static std::unique_ptr<BpeTokenizer> load(const QString &path);
    static std::unique_ptr<BpeTokenizer> fromFile(const GgufFile &file);
    /// The tokenizer.json that describes the same tokenizer.
    static QJsonObject tokenizerJson(const GgufFile &file);
};

}  // namespace mscope
