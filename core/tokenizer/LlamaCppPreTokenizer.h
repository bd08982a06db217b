// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>

namespace mscope {

/// The tokenizer.json pre-tokenizers that llama.cpp's `tokenizer.ggml.pre` names stand for, in
/// one place for both directions: reading a GGUF file's tokenizer, and saying which name a
/// tokenizer.json gets when a model is written as GGUF.
class LlamaCppPreTokenizer
{
public:
    /// "gpt-2" (also what "olmo", "mpt" and "default" mean): byte-level with GPT-2's word regex.
    static QJsonObject gpt2();
    /// "falcon" (tiiuae/falcon-7b, Falcon-Mamba-7B): punctuation, GPT-2's byte level, digit runs,
    /// then numbers cut into groups of three digits.
    static QJsonObject falcon();
};

}  // namespace mscope
