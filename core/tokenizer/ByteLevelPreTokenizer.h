// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringView>
#include <cstdint>
#include <vector>

namespace mscope {

/// The pieces of HuggingFace's ByteLevel pre-tokenizer (GPT-2, GPT-NeoX): the word splitting of
/// GPT-2's regex and the byte alphabet that lets a BPE vocabulary spell any UTF-8 byte.
class ByteLevelPreTokenizer
{
public:
    /// Splits text into words exactly as the regex
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    /// does (\s being Unicode White_Space). The words are views into text and cover all of it.
    static void split(QStringView text, std::vector<QStringView> &words);
    /// Where the word that starts at `start` (< text.size()) ends: lets a caller go through a
    /// long text word by word without collecting them all.
    static qsizetype wordEnd(QStringView text, qsizetype start);

    /// The printable character that stands for a byte in a byte-level vocabulary (GPT-2's
    /// bytes_to_unicode: printable Latin-1 stands for itself, the rest is moved up to U+0100...).
    static char16_t byteSymbol(uint8_t byte);
    /// The byte a character stands for, or -1 when it stands for none.
    static int symbolByte(char32_t symbol);
};

}  // namespace mscope
