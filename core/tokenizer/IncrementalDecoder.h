// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <cstdint>
#include <vector>

namespace mscope {

class BpeTokenizer;

/// The text of a growing list of token ids, a piece per token: what each new token adds to
/// BpeTokenizer::decode of the whole list, for text shown as it is generated (the CLI's generate,
/// the workbench's generation panel). A token that ends inside a character adds nothing until the
/// character is complete.
///
/// Each token costs a decode of a few tokens, not of the whole list: decoding everything so far
/// for every token made a 20,000-token generation spend half its time decoding. The decoders
/// (byte level, byte fallback, Metaspace, Strip, Replace, Fuse) differ only at the start of a
/// list, so once the text so far ends on a whole character the list is cut there, keeping a few
/// tokens before the cut as context whose own decoding is subtracted. tst_tokenizer checks the
/// pieces against HuggingFace's decodings for every tokenizer style we support.
class IncrementalDecoder
{
public:
    /// `tokenizer` must outlive the decoder.
    explicit IncrementalDecoder(const BpeTokenizer &tokenizer);

    /// The text `id` adds (empty while a character is incomplete). Throws Error for an id outside
    /// the vocabulary, as decode does.
    QString add(int32_t id);
    /// What is left at the end: a character cut off by the last token, as U+FFFD.
    QString finish() const;

private:
    // Context tokens kept before a cut: more than any decoder's start rule reaches.
    static constexpr size_t kContext = 4;
    // What of `text` (decode(m_window)) is not yet given out, after the context's own text.
    QString unshown(const QString &text) const;

    const BpeTokenizer &m_tokenizer;
    std::vector<int32_t> m_window;  // the context, then the tokens since the cut
    QString m_contextText;          // decode of the context alone
    qsizetype m_shown = 0;          // characters of decode(m_window) already given out
};

}  // namespace mscope
