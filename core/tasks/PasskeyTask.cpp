// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/PasskeyTask.h"

#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"

#include <QStringList>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace mscope {

const QString PasskeyTask::kInstruction = QStringLiteral(
    "A secret number is hidden somewhere in the text below. Read everything, remember the number, "
    "and say it when you are asked.\n\n");
const QString PasskeyTask::kKeySentence =
    QStringLiteral(" The secret number is %1. Remember it: %1. ");
const QString PasskeyTask::kQuestion =
    QStringLiteral("\n\nWhat is the secret number? The secret number is");
const QString PasskeyTask::kAnswer = QStringLiteral(" %1");
const QStringList PasskeyTask::kRepeatSentences = {
    QStringLiteral(" The morning was grey and the road was quiet."),
    QStringLiteral(" A cart went past the mill, and the miller waved."),
    QStringLiteral(" Smoke rose from the chimneys of the village."),
    QStringLiteral(" In the fields the wheat moved slowly in the wind."),
    QStringLiteral(" Nothing happened, and the day went on."),
};

namespace {

constexpr int kFirstKey = 10000, kLastKey = 99999;

// Python's random.Random(seed): MT19937 seeded by init_by_array with the seed's 32-bit words
// (CPython's random_seed), and randint(a, b) = a + randbelow(b - a + 1) drawing getrandbits(k)
// for the bit length k of the range until it falls inside.
class PythonRandom
{
public:
    explicit PythonRandom(uint64_t seed)
    {
        std::array<uint32_t, 2> key{uint32_t(seed), uint32_t(seed >> 32)};
        const size_t keyLength = key[1] != 0 ? 2 : 1;
        initGenrand(19650218u);
        size_t i = 1, j = 0;
        for (size_t k = std::max<size_t>(kN, keyLength); k > 0; --k) {
            m_mt[i] =
                (m_mt[i] ^ ((m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) * 1664525u)) + key[j] + uint32_t(j);
            ++i;
            ++j;
            if (i >= kN) {
                m_mt[0] = m_mt[kN - 1];
                i = 1;
            }
            if (j >= keyLength)
                j = 0;
        }
        for (size_t k = kN - 1; k > 0; --k) {
            m_mt[i] = (m_mt[i] ^ ((m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) * 1566083941u)) - uint32_t(i);
            ++i;
            if (i >= kN) {
                m_mt[0] = m_mt[kN - 1];
                i = 1;
            }
        }
        m_mt[0] = 0x80000000u;
        m_index = kN;
    }

    int randint(int a, int b)
    {
        const uint32_t n = uint32_t(b - a + 1);
        const int bits = 32 - __builtin_clz(n);
        uint32_t r = 0;
        do {
            r = next() >> (32 - bits);
        } while (r >= n);
        return a + int(r);
    }

private:
    static constexpr size_t kN = 624, kM = 397;

    void initGenrand(uint32_t s)
    {
        m_mt[0] = s;
        for (size_t i = 1; i < kN; ++i)
            m_mt[i] = 1812433253u * (m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) + uint32_t(i);
    }

    uint32_t next()
    {
        if (m_index >= kN) {
            for (size_t k = 0; k < kN; ++k) {
                const uint32_t y = (m_mt[k] & 0x80000000u) | (m_mt[(k + 1) % kN] & 0x7fffffffu);
                m_mt[k] = m_mt[(k + kM) % kN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
            }
            m_index = 0;
        }
        uint32_t y = m_mt[m_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    std::array<uint32_t, kN> m_mt{};
    size_t m_index = kN;
};

Error inputError(const QString &problem)
{
    return Error(Error::Kind::Input, {}, problem);
}

}  // namespace

double PasskeyPrompt::actualDepth() const
{
    return fillerLength > 0 ? double(keyOffset) / double(fillerLength) : 0.0;
}

PasskeyTask::PasskeyTask(const BpeTokenizer &tokenizer, int32_t bosTokenId)
    : m_tokenizer(&tokenizer), m_bos(bosTokenId)
{
    m_instruction = tokenizer.encode(kInstruction);
    m_question = tokenizer.encode(kQuestion);
    for (const QString &s : kRepeatSentences) {
        m_sentences.push_back(tokenizer.encode(s));
        m_groupLength += int64_t(m_sentences.back().size());
    }
    // Which tokens end a sentence (for a text filler's boundaries), from each token's text.
    const int vocabulary = tokenizer.vocabSize();
    m_endsSentence.assign(size_t(std::max(0, vocabulary)), 0);
    for (int id = 0; id < vocabulary; ++id) {
        const QString text = tokenizer.decode({int32_t(id)});
        m_endsSentence[size_t(id)] =
            !text.isEmpty() && (text.endsWith(QLatin1Char('.')) ||
                                text.endsWith(QLatin1Char('!')) || text.endsWith(QLatin1Char('?')));
    }
}

void PasskeyTask::setRepeatFiller()
{
    m_filler = Filler::Repeat;
    m_text.clear();
    m_textName.clear();
}

void PasskeyTask::setTextFiller(std::vector<int32_t> tokens, const QString &name)
{
    m_filler = Filler::Text;
    m_text = std::move(tokens);
    m_textName = name;
}

QString PasskeyTask::fillerName() const
{
    return m_filler == Filler::Repeat ? QStringLiteral("repeat") : m_textName;
}

int64_t PasskeyTask::fillerCapacity() const
{
    return m_filler == Filler::Repeat ? -1 : int64_t(m_text.size());
}

std::vector<int32_t> PasskeyTask::fillerTokens(int64_t count) const
{
    std::vector<int32_t> out;
    out.reserve(size_t(std::max<int64_t>(0, count)));
    if (m_filler == Filler::Text) {
        if (count > int64_t(m_text.size()))
            throw inputError(QStringLiteral("the filler text %1 has %2 tokens; this prompt needs "
                                            "%3")
                                 .arg(m_textName)
                                 .arg(m_text.size())
                                 .arg(count));
        out.assign(m_text.begin(), m_text.begin() + count);
        return out;
    }
    for (size_t s = 0; int64_t(out.size()) < count; s = (s + 1) % m_sentences.size())
        out.insert(out.end(), m_sentences[s].begin(), m_sentences[s].end());
    out.resize(size_t(std::max<int64_t>(0, count)));
    return out;
}

std::vector<int64_t> PasskeyTask::boundaries(int64_t F) const
{
    std::vector<int64_t> b;
    if (m_filler == Filler::Repeat) {
        // The start of every sentence copy below F.
        int64_t at = 0;
        for (size_t s = 0; at < F; s = (s + 1) % m_sentences.size()) {
            b.push_back(at);
            at += int64_t(m_sentences[s].size());
        }
    } else {
        b.push_back(0);
        const std::vector<int32_t> filler = fillerTokens(F);
        for (int64_t i = 0; i < F; ++i) {
            const int32_t id = filler[size_t(i)];
            if (id >= 0 && size_t(id) < m_endsSentence.size() && m_endsSentence[size_t(id)])
                b.push_back(i + 1);
        }
    }
    if (b.empty() || b.front() != 0)
        b.insert(b.begin(), 0);
    if (b.back() != F)
        b.push_back(F);
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return b;
}

int64_t PasskeyTask::keyOffset(const std::vector<int64_t> &boundaries, double depth, int64_t F)
{
    const int64_t target = int64_t(std::floor(depth * double(F) + 0.5));
    int64_t best = boundaries.front();
    for (int64_t b : boundaries) {
        // Ascending: a later boundary wins only when strictly closer.
        if (std::llabs(b - target) < std::llabs(best - target))
            best = b;
    }
    return best;
}

std::vector<int32_t> PasskeyTask::keySentence(int key) const
{
    return m_tokenizer->encode(kKeySentence.arg(key));
}

std::vector<int32_t> PasskeyTask::answer(int key) const
{
    return m_tokenizer->encode(kAnswer.arg(key));
}

int64_t PasskeyTask::minimumLength(int key) const
{
    return 1 + int64_t(m_instruction.size() + keySentence(key).size() + m_question.size());
}

PasskeyPrompt PasskeyTask::build(int64_t length, double depth, int key) const
{
    if (key < kFirstKey || key > kLastKey)
        throw inputError(QStringLiteral("a passkey has 5 digits (10000-99999); got %1").arg(key));
    if (!(depth >= 0.0 && depth <= 1.0))
        throw inputError(QStringLiteral("a depth must be in [0, 1] (got %1)").arg(depth));
    const int64_t minimum = minimumLength(key);
    if (length < minimum)
        throw inputError(QStringLiteral("a passkey prompt needs at least %1 tokens with this "
                                        "tokenizer (the template with no filler); got %2")
                             .arg(minimum)
                             .arg(length));
    PasskeyPrompt p;
    p.key = key;
    p.length = length;
    p.depth = depth;
    p.answer = answer(key);
    const std::vector<int32_t> sentence = keySentence(key);
    p.keySentenceLength = int64_t(sentence.size());
    p.fillerLength = length - minimum;
    const std::vector<int32_t> filler = fillerTokens(p.fillerLength);
    p.keyOffset = keyOffset(boundaries(p.fillerLength), depth, p.fillerLength);
    p.keyPosition = 1 + int64_t(m_instruction.size()) + p.keyOffset;
    p.ids.reserve(size_t(length));
    p.ids.push_back(m_bos);
    p.ids.insert(p.ids.end(), m_instruction.begin(), m_instruction.end());
    p.ids.insert(p.ids.end(), filler.begin(), filler.begin() + p.keyOffset);
    p.ids.insert(p.ids.end(), sentence.begin(), sentence.end());
    p.ids.insert(p.ids.end(), filler.begin() + p.keyOffset, filler.end());
    p.ids.insert(p.ids.end(), m_question.begin(), m_question.end());
    return p;
}

std::vector<int> PasskeyTask::keys(uint64_t seed, int count)
{
    PythonRandom random(seed);
    std::vector<int> out;
    for (int i = 0; i < count; ++i)
        out.push_back(random.randint(kFirstKey, kLastKey));
    return out;
}

}  // namespace mscope
