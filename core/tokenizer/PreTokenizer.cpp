// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/PreTokenizer.h"

#include "support/Error.h"
#include "tokenizer/ByteLevelPreTokenizer.h"

#include <QChar>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

namespace mscope {

namespace {

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

// HuggingFace's SplitDelimiterBehavior: what becomes of the matches when a piece is cut at them.
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// A stretch of a piece, [begin, end) in UTF-16 units, and whether it is a match.
struct Segment
{
    qsizetype begin;
    qsizetype end;
    bool match;
};

// The stretches to keep, as HuggingFace's NormalizedString::split makes them from the segments
// that cover a piece in order.
std::vector<Segment> applyBehavior(const std::vector<Segment> &segments, Behavior behavior)
{
    std::vector<Segment> out;
    bool previousMatch = false;
    switch (behavior) {
        case Behavior::Removed:
            for (const Segment &s : segments) {
                if (!s.match)
                    out.push_back(s);
            }
            return out;
        case Behavior::Isolated:
            return segments;
        case Behavior::MergedWithPrevious:
            for (const Segment &s : segments) {
                if (s.match && !previousMatch && !out.empty())
                    out.back().end = s.end;
                else
                    out.push_back(s);
                previousMatch = s.match;
            }
            return out;
        case Behavior::MergedWithNext:
            for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
                if (it->match && !previousMatch && !out.empty())
                    out.back().begin = it->begin;
                else
                    out.push_back(*it);
                previousMatch = it->match;
            }
            std::reverse(out.begin(), out.end());
            return out;
        case Behavior::Contiguous:
            for (const Segment &s : segments) {
                if (s.match == previousMatch && !out.empty())
                    out.back().end = s.end;
                else
                    out.push_back(s);
                previousMatch = s.match;
            }
            return out;
    }
    return out;
}

Behavior behaviorFromJson(const QJsonObject &step, const QString &what, const QString &path,
                          Behavior fallback)
{
    const QJsonValue value = step.value(u"behavior");
    if (value.isUndefined() || value.isNull())
        return fallback;
    const QString name = value.toString();
    if (name == u"Removed")
        return Behavior::Removed;
    if (name == u"Isolated")
        return Behavior::Isolated;
    if (name == u"MergedWithPrevious")
        return Behavior::MergedWithPrevious;
    if (name == u"MergedWithNext")
        return Behavior::MergedWithNext;
    if (name == u"Contiguous")
        return Behavior::Contiguous;
    throw Error(path, QStringLiteral("pre-tokenizer %1 has an unknown behavior %2")
                          .arg(quoted(what), quoted(name)));
}

// Replaces every piece by its kept stretches, dropping empty ones (as HuggingFace does).
template <typename SegmentsOf>
void splitEach(std::vector<PreToken> &pieces, Behavior behavior, SegmentsOf segmentsOf)
{
    std::vector<PreToken> out;
    out.reserve(pieces.size());
    for (PreToken &piece : pieces) {
        const std::vector<Segment> segments = segmentsOf(QStringView(piece.text));
        for (const Segment &s : applyBehavior(segments, behavior)) {
            if (s.end > s.begin)
                out.push_back(
                    {piece.text.sliced(s.begin, s.end - s.begin), piece.offset + s.begin});
        }
    }
    pieces = std::move(out);
}

// Every code point for which `matches` holds is a match of its own.
template <typename Predicate>
std::vector<Segment> characterSegments(QStringView text, Predicate matches)
{
    std::vector<Segment> segments;
    qsizetype last = 0;
    for (qsizetype i = 0; i < text.size();) {
        char32_t c = text[i].unicode();
        qsizetype units = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text[i], text[i + 1]);
            units = 2;
        }
        if (matches(c)) {
            if (last < i)
                segments.push_back({last, i, false});
            segments.push_back({i, i + units, true});
            last = i + units;
        }
        i += units;
    }
    if (last < text.size())
        segments.push_back({last, text.size(), false});
    return segments;
}

// GPT-2's regex, then every byte of the UTF-8 spelled as its symbol (ByteLevelPreTokenizer).
class ByteLevelStep final : public PreTokenizer
{
public:
    explicit ByteLevelStep(ByteLevelOptions options) : m_options(options) {}
    bool mapsToBytes() const override { return true; }
    std::optional<ByteLevelOptions> plainByteLevel() const override { return m_options; }

    void split(std::vector<PreToken> &pieces) const override
    {
        std::vector<PreToken> out;
        out.reserve(pieces.size() * 2);
        for (PreToken &piece : pieces) {
            QString text = std::move(piece.text);
            if (m_options.addPrefixSpace && !text.startsWith(u' '))
                text.prepend(u' ');
            for (qsizetype start = 0; start < text.size();) {
                const qsizetype end =
                    m_options.useRegex ? ByteLevelPreTokenizer::wordEnd(text, start) : text.size();
                const QByteArray utf8 = QStringView(text).sliced(start, end - start).toUtf8();
                QString mapped(utf8.size(), Qt::Uninitialized);
                for (qsizetype b = 0; b < utf8.size(); ++b)
                    mapped[b] = QChar(ByteLevelPreTokenizer::byteSymbol(uint8_t(utf8[b])));
                out.push_back({std::move(mapped), piece.offset + start});
                start = end;
            }
        }
        pieces = std::move(out);
    }

private:
    ByteLevelOptions m_options;
};

// Unicode punctuation and ASCII punctuation (which includes symbols like $ + < = > ^ ` | ~),
// as Rust's is_ascii_punctuation || is_punctuation.
class PunctuationStep final : public PreTokenizer
{
public:
    explicit PunctuationStep(Behavior behavior) : m_behavior(behavior) {}
    void split(std::vector<PreToken> &pieces) const override
    {
        splitEach(pieces, m_behavior, [](QStringView text) {
            return characterSegments(text, [](char32_t c) {
                if (c < 128)
                    return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
                           (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
                return QChar::isPunct(c);
            });
        });
    }

private:
    Behavior m_behavior;
};

// Numeric characters (Unicode Nd, Nl, No: Rust's char::is_numeric), one at a time or in runs.
class DigitsStep final : public PreTokenizer
{
public:
    explicit DigitsStep(bool individual) : m_individual(individual) {}
    void split(std::vector<PreToken> &pieces) const override
    {
        splitEach(pieces, m_individual ? Behavior::Isolated : Behavior::Contiguous,
                  [](QStringView text) {
                      return characterSegments(text, [](char32_t c) {
                          return c < 128 ? (c >= '0' && c <= '9') : QChar::isNumber(c);
                      });
                  });
    }

private:
    bool m_individual;
};

// Cuts at the matches of a string or a regex (or, inverted, at what lies between them).
class SplitStep final : public PreTokenizer
{
public:
    SplitStep(QRegularExpression regex, Behavior behavior, bool invert)
        : m_regex(std::move(regex)), m_behavior(behavior), m_invert(invert)
    {
    }
    void split(std::vector<PreToken> &pieces) const override
    {
        splitEach(pieces, m_behavior, [this](QStringView text) {
            std::vector<Segment> segments;
            qsizetype previous = 0;
            auto it = m_regex.globalMatch(text);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                if (m.capturedLength() == 0)
                    continue;
                if (previous < m.capturedStart())
                    segments.push_back({previous, m.capturedStart(), m_invert});
                segments.push_back({m.capturedStart(), m.capturedEnd(), !m_invert});
                previous = m.capturedEnd();
            }
            if (previous < text.size())
                segments.push_back({previous, text.size(), m_invert});
            return segments;
        });
    }

private:
    QRegularExpression m_regex;
    Behavior m_behavior;
    bool m_invert;
};

// SentencePiece's word boundaries: spaces become the replacement character ("▁"), which is also
// put in front of the text (always, or only in front of the text's first piece).
class MetaspaceStep final : public PreTokenizer
{
public:
    enum class Prepend { Always, First, Never };
    MetaspaceStep(QChar replacement, Prepend prepend, bool splitWords)
        : m_replacement(replacement), m_prepend(prepend), m_split(splitWords)
    {
    }
    void split(std::vector<PreToken> &pieces) const override
    {
        for (PreToken &piece : pieces) {
            if (piece.text.isEmpty())
                continue;  // dropped, not made into a lone replacement character
            piece.text.replace(u' ', m_replacement);
            const bool wanted =
                m_prepend == Prepend::Always || (m_prepend == Prepend::First && piece.offset == 0);
            if (wanted && !piece.text.startsWith(m_replacement))
                piece.text.prepend(m_replacement);
        }
        if (!m_split)
            return;
        const QChar replacement = m_replacement;
        splitEach(pieces, Behavior::MergedWithNext, [replacement](QStringView text) {
            return characterSegments(
                text, [replacement](char32_t c) { return c == replacement.unicode(); });
        });
    }

private:
    QChar m_replacement;
    Prepend m_prepend;
    bool m_split;
};

class PreTokenizerSequence final : public PreTokenizer
{
public:
    explicit PreTokenizerSequence(std::vector<std::unique_ptr<PreTokenizer>> steps)
        : m_steps(std::move(steps))
    {
    }
    bool mapsToBytes() const override
    {
        return std::any_of(m_steps.begin(), m_steps.end(),
                           [](const auto &s) { return s->mapsToBytes(); });
    }
    std::optional<ByteLevelOptions> plainByteLevel() const override
    {
        return m_steps.size() == 1 ? m_steps.front()->plainByteLevel() : std::nullopt;
    }
    void split(std::vector<PreToken> &pieces) const override
    {
        for (const auto &step : m_steps)
            step->split(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_steps;
};

std::unique_ptr<PreTokenizer> stepFromJson(const QJsonObject &step, const QString &path)
{
    const QString type = step.value(u"type").toString();
    if (type == u"ByteLevel") {
        return std::make_unique<ByteLevelStep>(PreTokenizer::ByteLevelOptions{
            step.value(u"add_prefix_space").toBool(true), step.value(u"use_regex").toBool(true)});
    }
    if (type == u"Punctuation") {
        return std::make_unique<PunctuationStep>(
            behaviorFromJson(step, type, path, Behavior::Isolated));
    }
    if (type == u"Digits")
        return std::make_unique<DigitsStep>(step.value(u"individual_digits").toBool(false));
    if (type == u"Split") {
        const QJsonObject pattern = step.value(u"pattern").toObject();
        QString source = pattern.value(u"Regex").toString();
        if (pattern.contains(u"String"))
            source = QRegularExpression::escape(pattern.value(u"String").toString());
        const QRegularExpression regex(source, QRegularExpression::UseUnicodePropertiesOption);
        if (source.isEmpty() || !regex.isValid()) {
            throw Error(path, QStringLiteral("pre-tokenizer 'Split' has no valid pattern (a "
                                             "\"String\" or a \"Regex\")"));
        }
        return std::make_unique<SplitStep>(regex,
                                           behaviorFromJson(step, type, path, Behavior::Isolated),
                                           step.value(u"invert").toBool(false));
    }
    if (type == u"Metaspace") {
        const QString replacement = step.value(u"replacement").toString(QStringLiteral("\u2581"));
        if (replacement.size() != 1)
            throw Error(path, QStringLiteral("pre-tokenizer 'Metaspace' needs a one-character "
                                             "replacement (got %1)")
                                  .arg(quoted(replacement)));
        // Older files say add_prefix_space; newer ones prepend_scheme.
        MetaspaceStep::Prepend prepend = step.value(u"add_prefix_space").toBool(true)
                                             ? MetaspaceStep::Prepend::Always
                                             : MetaspaceStep::Prepend::Never;
        if (const QJsonValue scheme = step.value(u"prepend_scheme"); scheme.isString()) {
            const QString name = scheme.toString();
            if (name == u"always")
                prepend = MetaspaceStep::Prepend::Always;
            else if (name == u"first")
                prepend = MetaspaceStep::Prepend::First;
            else if (name == u"never")
                prepend = MetaspaceStep::Prepend::Never;
            else
                throw Error(path, QStringLiteral("pre-tokenizer 'Metaspace' has an unknown "
                                                 "prepend_scheme %1")
                                      .arg(quoted(name)));
        }
        return std::make_unique<MetaspaceStep>(replacement[0], prepend,
                                               step.value(u"split").toBool(true));
    }
    if (type == u"Sequence") {
        std::vector<std::unique_ptr<PreTokenizer>> steps;
        for (const QJsonValue &inner : step.value(u"pretokenizers").toArray())
            steps.push_back(stepFromJson(inner.toObject(), path));
        return std::make_unique<PreTokenizerSequence>(std::move(steps));
    }
    throw Error(path, QStringLiteral("unsupported pre-tokenizer %1 (ByteLevel, Punctuation, "
                                     "Digits, Split, Metaspace and Sequence are supported)")
                          .arg(quoted(type)));
}

}  // namespace

PreTokenizer::~PreTokenizer() = default;

std::unique_ptr<PreTokenizer> PreTokenizer::fromJson(const QJsonValue &value, const QString &path)
{
    if (value.isNull() || value.isUndefined())
        return nullptr;
    if (!value.isObject())
        throw Error(path, QStringLiteral("the pre-tokenizer is not a JSON object"));
    return stepFromJson(value.toObject(), path);
}

}  // namespace mscope
