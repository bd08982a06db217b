// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/IncrementalDecoder.h"

#include "tokenizer/BpeTokenizer.h"

#include <algorithm>

namespace mscope {

IncrementalDecoder::IncrementalDecoder(const BpeTokenizer &tokenizer) : m_tokenizer(tokenizer) {}

QString IncrementalDecoder::add(int32_t id)
{
    m_window.push_back(id);
    QString text;
    try {
        text = m_tokenizer.decode(m_window);
    } catch (...) {
        m_window.pop_back();  // an id outside the vocabulary: refused, the decoder as before
        throw;
    }
    if (text.endsWith(QChar::ReplacementCharacter))
        return {};  // a character cut between tokens (or one that never completes: shown later)
    // What the tokens since the cut decode to, after the context's own text. (Bytes that can
    // still change what came before, a byte-fallback run made invalid by a later byte, change
    // the whole list's decoding too; what was shown stays shown.)
    const QString piece = unshown(text);
    m_shown = std::max<qsizetype>(0, text.size() - m_contextText.size());
    if (m_window.size() > kContext) {
        // A cut where the context decodes to whole characters on its own: not inside a
        // character's bytes, nor inside a byte-fallback run whose bytes only make sense together.
        const std::vector<int32_t> context(m_window.end() - kContext, m_window.end());
        QString contextText = m_tokenizer.decode(context);
        if (!contextText.contains(QChar::ReplacementCharacter)) {
            m_window = context;
            m_contextText = std::move(contextText);
            m_shown = 0;
        }
    }
    return piece;
}

QString IncrementalDecoder::finish() const
{
    return unshown(m_tokenizer.decode(m_window));
}

QString IncrementalDecoder::unshown(const QString &text) const
{
    return text.mid(std::min(text.size(), m_contextText.size() + m_shown));
}

}  // namespace mscope
