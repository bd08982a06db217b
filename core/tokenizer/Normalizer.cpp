// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/Normalizer.h"

#include "support/Error.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>
#include <vector>

namespace mscope {

namespace {

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

// NFC, NFD, NFKC, NFKD.
class UnicodeFormNormalizer final : public Normalizer
{
public:
    explicit UnicodeFormNormalizer(QString::NormalizationForm form) : m_form(form) {}
    bool usesUnicodeForms() const override { return true; }

    QString normalize(QStringView text) const override
    {
        // Qt composes in place, moving the rest of the string for every composition: time
        // quadratic in the length of decomposed text (400 000 characters of "e" + U+0301 take
        // 4 s, a few MB hours). Pieces of some KB, cut before a character that never joins the
        // one before it, keep it linear and give the same text: no form reorders or composes
        // across such a character.
        constexpr qsizetype kPiece = 4096;
        const auto startsPiece = [](char16_t c) {
            return c < 0x80 || (c >= 0x1100 && c <= 0x1112) ||  // ASCII, Hangul leading consonants
                   (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3);  // Han, Hangul
        };
        QString result;
        result.reserve(text.size());
        for (qsizetype begin = 0; begin < text.size();) {
            qsizetype end = std::min(text.size(), begin + kPiece);
            while (end < text.size() && !startsPiece(text[end].unicode()))
                ++end;
            result += text.sliced(begin, end - begin).toString().normalized(m_form);
            begin = end;
        }
        return result;
    }

private:
    QString::NormalizationForm m_form;
};

// Puts a string in front of any non-empty text (SentencePiece's "▁" for Llama-style models).
class PrependNormalizer final : public Normalizer
{
public:
    explicit PrependNormalizer(QString prefix) : m_prefix(std::move(prefix)) {}
    QString normalize(QStringView text) const override
    {
        return text.isEmpty() ? QString() : m_prefix + text.toString();
    }

private:
    QString m_prefix;
};

// Every occurrence of a string (or of a regex's matches) replaced by a content.
class ReplaceNormalizer final : public Normalizer
{
public:
    ReplaceNormalizer(QString pattern, QRegularExpression regex, QString content)
        : m_pattern(std::move(pattern)), m_regex(std::move(regex)), m_content(std::move(content))
    {
    }
    QString normalize(QStringView text) const override
    {
        QString out = text.toString();
        if (m_regex.pattern().isEmpty())
            return out.replace(m_pattern, m_content);
        // The content is literal text, not a replacement template.
        QString literal = m_content;
        literal.replace(u'\\', QStringLiteral("\\\\"));
        return out.replace(m_regex, literal);
    }

private:
    QString m_pattern;
    QRegularExpression m_regex;
    QString m_content;
};

class NormalizerSequence final : public Normalizer
{
public:
    explicit NormalizerSequence(std::vector<std::unique_ptr<Normalizer>> steps)
        : m_steps(std::move(steps))
    {
    }
    bool usesUnicodeForms() const override
    {
        return std::any_of(m_steps.begin(), m_steps.end(),
                           [](const auto &s) { return s->usesUnicodeForms(); });
    }
    QString normalize(QStringView text) const override
    {
        QString out = text.toString();
        for (const auto &step : m_steps)
            out = step->normalize(out);
        return out;
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_steps;
};

// {"String": "..."} or {"Regex": "..."}, as Replace and Split write their pattern.
QRegularExpression regexOf(const QJsonObject &step, const QString &what, const QString &path,
                           QString *literal)
{
    const QJsonObject pattern = step.value(u"pattern").toObject();
    if (pattern.contains(u"String")) {
        *literal = pattern.value(u"String").toString();
        if (literal->isEmpty())
            throw Error(path, QStringLiteral("%1 has an empty pattern").arg(what));
        return {};
    }
    const QString source = pattern.value(u"Regex").toString();
    QRegularExpression regex(source, QRegularExpression::UseUnicodePropertiesOption);
    if (source.isEmpty() || !regex.isValid()) {
        throw Error(
            path,
            QStringLiteral("%1 has no valid pattern (a \"String\" or a \"Regex\")").arg(what));
    }
    return regex;
}

std::unique_ptr<Normalizer> stepFromJson(const QJsonObject &step, const QString &path)
{
    const QString type = step.value(u"type").toString();
    if (type == u"NFC")
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_C);
    if (type == u"NFD")
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_D);
    if (type == u"NFKC")
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_KC);
    if (type == u"NFKD")
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_KD);
    if (type == u"Prepend")
        return std::make_unique<PrependNormalizer>(step.value(u"prepend").toString());
    if (type == u"Replace") {
        QString literal;
        QRegularExpression regex =
            regexOf(step, QStringLiteral("normalizer 'Replace'"), path, &literal);
        return std::make_unique<ReplaceNormalizer>(literal, regex,
                                                   step.value(u"content").toString());
    }
    if (type == u"Sequence") {
        std::vector<std::unique_ptr<Normalizer>> steps;
        for (const QJsonValue &inner : step.value(u"normalizers").toArray())
            steps.push_back(stepFromJson(inner.toObject(), path));
        return std::make_unique<NormalizerSequence>(std::move(steps));
    }
    throw Error(path, QStringLiteral("unsupported normalizer %1 (NFC, NFD, NFKC, NFKD, Prepend, "
                                     "Replace and Sequence are supported)")
                          .arg(quoted(type)));
}

}  // namespace

Normalizer::~Normalizer() = default;

std::unique_ptr<Normalizer> Normalizer::fromJson(const QJsonValue &value, const QString &path)
{
    if (value.isNull() || value.isUndefined())
        return nullptr;
    if (!value.isObject())
        throw Error(path, QStringLiteral("the normalizer is not a JSON object"));
    return stepFromJson(value.toObject(), path);
}

}  // namespace mscope
