// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/ByteLevelPreTokenizer.h"

#include <QChar>
#include <array>

namespace mscope {

namespace {

enum class CharClass : uint8_t { Letter, Number, Space, Other };

// Unicode White_Space, which is what \s means to the regex engines HuggingFace uses. It differs
// from QChar::isSpace only in Unicode-version corner cases, but spelling it out keeps it exact.
bool isWhiteSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

constexpr std::array<CharClass, 128> asciiClasses()
{
    std::array<CharClass, 128> classes{};
    for (char32_t c = 0; c < 128; ++c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            classes[c] = CharClass::Letter;
        else if (c >= '0' && c <= '9')
            classes[c] = CharClass::Number;
        else if ((c >= 0x09 && c <= 0x0d) || c == 0x20)
            classes[c] = CharClass::Space;
        else
            classes[c] = CharClass::Other;
    }
    return classes;
}

// Most text is ASCII; a table keeps the Unicode lookups off the common path.
constexpr std::array<CharClass, 128> kAsciiClasses = asciiClasses();

CharClass classify(char32_t c)
{
    if (c < 128)
        return kAsciiClasses[c];
    if (isWhiteSpace(c))
        return CharClass::Space;
    if (QChar::isLetter(c))
        return CharClass::Letter;
    if (QChar::isNumber(c))
        return CharClass::Number;
    return CharClass::Other;  // punctuation, symbols, marks, controls, lone surrogates, ...
}

// The code point at i and how many UTF-16 units it takes; a lone surrogate stands for itself.
char32_t codePointAt(QStringView text, qsizetype i, qsizetype *units)
{
    const QChar c = text[i];
    if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
        *units = 2;
        return QChar::surrogateToUcs4(c, text[i + 1]);
    }
    *units = 1;
    return c.unicode();
}

CharClass classAt(QStringView text, qsizetype i)
{
    qsizetype units;
    return classify(codePointAt(text, i, &units));
}

// Where the run of characters of one class that starts at i ends.
qsizetype runEnd(QStringView text, qsizetype i, CharClass cls)
{
    qsizetype units;
    while (i < text.size() && classify(codePointAt(text, i, &units)) == cls)
        i += units;
    return i;
}

// 's 't 're 've 'm 'll 'd (case-sensitive, as in the regex); 0 when none starts at i.
qsizetype contractionLength(QStringView text, qsizetype i)
{
    const QStringView rest = text.sliced(i);
    for (const char16_t *c : {u"'s", u"'t", u"'re", u"'ve", u"'m", u"'ll", u"'d"}) {
        if (rest.startsWith(QStringView(c)))
            return QStringView(c).size();
    }
    return 0;
}

}  // namespace

// The end of the word that starts at i: the first alternative of the regex that matches there.
qsizetype ByteLevelPreTokenizer::wordEnd(QStringView text, qsizetype i)
{
    const qsizetype n = text.size();
    if (text[i] == u'\'') {
        if (const qsizetype len = contractionLength(text, i))
            return i + len;
    }
    // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional space, then a run of one class.
    const qsizetype start = (text[i] == u' ' && i + 1 < n) ? i + 1 : i;
    const CharClass cls = classAt(text, start);
    if (cls != CharClass::Space)
        return runEnd(text, start, cls);
    // "\s+(?!\S)" backtracks one character when the run is followed by a non-space, so that
    // the run's last space goes to the next word (" world"); a lone one is left to "\s+".
    const qsizetype end = runEnd(text, i, CharClass::Space);
    if (end < n && end - i > 1)
        return end - 1;  // White_Space is all in the BMP: one character is one unit
    return end;
}

namespace {

struct ByteTables
{
    std::array<char16_t, 256> symbolOfByte{};
    std::array<int16_t, 512> byteOfSymbol{};  // every symbol is below U+0144
};

ByteTables makeByteTables()
{
    ByteTables t;
    t.byteOfSymbol.fill(-1);
    char16_t next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
        t.symbolOfByte[b] = printable ? char16_t(b) : next++;
        t.byteOfSymbol[t.symbolOfByte[b]] = int16_t(b);
    }
    return t;
}

const ByteTables &byteTables()
{
    static const ByteTables tables = makeByteTables();
    return tables;
}

}  // namespace

void ByteLevelPreTokenizer::split(QStringView text, std::vector<QStringView> &words)
{
    words.clear();
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype end = wordEnd(text, i);
        words.push_back(text.sliced(i, end - i));
        i = end;
    }
}

char16_t ByteLevelPreTokenizer::byteSymbol(uint8_t byte)
{
    return byteTables().symbolOfByte[byte];
}

int ByteLevelPreTokenizer::symbolByte(char32_t symbol)
{
    const auto &table = byteTables().byteOfSymbol;
    return symbol < table.size() ? table[symbol] : -1;
}

}  // namespace mscope
