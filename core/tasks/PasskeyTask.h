// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace mscope {

class BpeTokenizer;

/// One passkey prompt and where its parts are.
struct PasskeyPrompt
{
    int key = 0;
    int64_t length = 0;  // tokens of the prompt, BOS included
    double depth = 0.0;  // as asked; the key sits at the filler boundary closest to it
    std::vector<int32_t> ids;
    std::vector<int32_t> answer;  // " {key}": what the model should say next
    int64_t fillerLength = 0;     // F
    int64_t keyOffset = 0;        // p: filler tokens before the key sentence
    int64_t keyPosition = 0;      // index in ids of the key sentence's first token
    int64_t keySentenceLength = 0;
    /// The depth the key actually sits at: p / F (0 when there is no filler).
    double actualDepth() const;
};

/// The passkey retrieval task (method.md §8; the template and every choice in docs/tasks.md):
///
///   ids = [BOS] + enc(instruction) + filler[0:p] + enc(key sentence) + filler[p:F] + enc(question)
///   answer = enc(" {key}")
///
/// each piece encoded on its own, F chosen so that the prompt has exactly the requested length,
/// and p the filler sentence boundary closest to floor(depth·F + 0.5) (a tie goes to the earlier
/// boundary; 0 and F are always boundaries). The filler is a group of neutral sentences repeated
/// (each sentence encoded on its own), or a text (encoded whole, its first F tokens; a boundary
/// follows every token whose text ends with '.', '!' or '?'). The demo retrieval model was trained
/// on exactly these prompts (resources/models/demo-retrieval-3.7m/recipe).
///
/// Every filler is a prefix of one token sequence, whatever the length: the prompts of a grid
/// share [BOS] + instruction + filler[0:p] for every key (and length), which PasskeyEvaluator
/// runs once. Deterministic: the same tokenizer, filler, length, depth and key give the same ids.
class PasskeyTask
{
public:
    enum class Filler { Repeat, Text };

    static const QString kInstruction;
    static const QString kKeySentence;  // "%1" is the key, twice
    static const QString kQuestion;
    static const QString kAnswer;  // "%1" is the key
    static const QStringList kRepeatSentences;

    /// The template encoded with `tokenizer`, which must outlive the task (key sentences are
    /// encoded on demand). The filler is the repeat group until setTextFiller().
    PasskeyTask(const BpeTokenizer &tokenizer, int32_t bosTokenId);

    /// The repeated sentence group (the default).
    void setRepeatFiller();
    /// The first tokens of a text, encoded in one call (BpeTokenizer::encodeFile with a limit
    /// gives the same ids as encoding it whole); `name` is shown in results.
    void setTextFiller(std::vector<int32_t> tokens, const QString &name);
    Filler filler() const { return m_filler; }
    /// "repeat", or the text's name.
    QString fillerName() const;
    /// Filler tokens a text filler has (the longest prompt it allows is about that plus the
    /// template); unlimited (-1) for the repeat filler.
    int64_t fillerCapacity() const;

    /// The filler's first `count` tokens. Throws Error when a text filler is shorter.
    std::vector<int32_t> fillerTokens(int64_t count) const;
    /// Where the key sentence may go in a filler of `fillerLength` tokens, ascending, with 0 and F.
    std::vector<int64_t> boundaries(int64_t fillerLength) const;
    /// The boundary closest to floor(depth·F + 0.5), the earlier one on a tie.
    static int64_t keyOffset(const std::vector<int64_t> &boundaries, double depth,
                             int64_t fillerLength);

    /// Throws Error (kind Input) when `length` is below minimumLength(key), the depth is outside
    /// [0, 1], the key outside 10000..99999, or a text filler too short.
    PasskeyPrompt build(int64_t length, double depth, int key) const;
    /// The prompt with no filler at all (about 62-66 tokens with the GPT-NeoX-style tokenizers).
    int64_t minimumLength(int key) const;

    std::vector<int32_t> keySentence(int key) const;
    std::vector<int32_t> answer(int key) const;
    const std::vector<int32_t> &instruction() const { return m_instruction; }
    const std::vector<int32_t> &question() const { return m_question; }
    int32_t bosTokenId() const { return m_bos; }

    /// `count` 5-digit keys (10000..99999) for `seed`: the numbers Python's
    /// random.Random(seed).randint(10000, 99999) draws, so that a grid can be compared with the
    /// retrieval model's recipe (seed 2024 gives its 20 keys).
    static std::vector<int> keys(uint64_t seed, int count);

private:
    const BpeTokenizer *m_tokenizer;
    int32_t m_bos;
    std::vector<int32_t> m_instruction, m_question;
    std::vector<std::vector<int32_t>> m_sentences;  // the repeat group, each encoded alone
    int64_t m_groupLength = 0;                      // tokens of one pass through the group
    std::vector<uint8_t> m_endsSentence;            // per token id: its text ends with . ! ?
    Filler m_filler = Filler::Repeat;
    std::vector<int32_t> m_text;
    QString m_textName;
};

}  // namespace mscope
