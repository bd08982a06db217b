// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/TokenDecoder.h"

#include "support/Error.h"
#include "tokenizer/ByteLevelPreTokenizer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>
#include <algorithm>

namespace mscope {

namespace {

QString quoted(const QString &s)
{
    return u'\'' + s + u'\'';
}

class ByteLevelDecoder final : public TokenDecoder
{
public:
    bool isPlainByteLevel() const override { return true; }
    void decodeChain(std::vector<QString> &tokens) const override
    {
        QByteArray bytes;
        for (const QString &token : tokens)
            bytes += byteLevelBytes(token);
        tokens = {fromUtf8Lossy(bytes)};
    }
};

// A string (or a regex's matches) in every token replaced by a content.
class ReplaceDecoder final : public TokenDecoder
{
public:
    ReplaceDecoder(QString pattern, QRegularExpression regex, QString content)
        : m_pattern(std::move(pattern)), m_regex(std::move(regex)), m_content(std::move(content))
    {
        // A regex replace reads \1 as a back reference: the content is literal text.
        m_regexContent = QString(m_content).replace(u'\\', QStringLiteral("\\\\"));
    }
    void decodeChain(std::vector<QString> &tokens) const override
    {
        for (QString &token : tokens) {
            if (m_regex.pattern().isEmpty())
                token.replace(m_pattern, m_content);
            else
                token.replace(m_regex, m_regexContent);
        }
    }

private:
    QString m_pattern;
    QRegularExpression m_regex;
    QString m_content;
    QString m_regexContent;
};

// Runs of <0xNN> tokens become the text their bytes spell; a run that is not valid UTF-8 gives
// one U+FFFD per byte, as HuggingFace's ByteFallback does.
class ByteFallbackDecoder final : public TokenDecoder
{
public:
    void decodeChain(std::vector<QString> &tokens) const override
    {
        std::vector<QString> out;
        out.reserve(tokens.size());
        QByteArray pending;
        const auto flush = [&] {
            if (pending.isEmpty())
                return;
            QStringDecoder decoder(
                QStringConverter::Utf8,
                QStringConverter::Flag::Stateless | QStringConverter::Flag::ConvertInitialBom);
            const QString text = decoder.decode(pending);
            if (!decoder.hasError()) {
                out.push_back(text);
            } else {
                for (qsizetype i = 0; i < pending.size(); ++i)
                    out.push_back(QString(QChar::ReplacementCharacter));
            }
            pending.clear();
        };
        for (QString &token : tokens) {
            bool ok = false;
            const int byte = token.size() == 6 && token.startsWith(u"<0x") && token.endsWith(u'>')
                                 ? token.mid(3, 2).toInt(&ok, 16)
                                 : -1;
            if (ok) {
                pending.append(char(byte));
                continue;
            }
            flush();
            out.push_back(std::move(token));
        }
        flush();
        tokens = std::move(out);
    }
};

class FuseDecoder final : public TokenDecoder
{
public:
    void decodeChain(std::vector<QString> &tokens) const override
    {
        QString all;
        for (const QString &token : tokens)
            all += token;
        tokens = {all};
    }
};

// Up to `start` leading and `stop` trailing copies of one character removed from every token.
class StripDecoder final : public TokenDecoder
{
public:
    StripDecoder(QChar content, int start, int stop)
        : m_content(content), m_start(start), m_stop(stop)
    {
    }
    void decodeChain(std::vector<QString> &tokens) const override
    {
        for (QString &token : tokens) {
            qsizetype begin = 0;
            while (begin < m_start && begin < token.size() && token[begin] == m_content)
                ++begin;
            qsizetype end = token.size();
            while (token.size() - end < m_stop && end > begin && token[end - 1] == m_content)
                --end;
            token = token.sliced(begin, end - begin);
        }
    }

private:
    QChar m_content;
    int m_start;
    int m_stop;
};

// SentencePiece's "▁" back to spaces; in the first token HuggingFace drops it instead (it was
// put there by the pre-tokenizer), unless the pre-tokenizer never puts one there.
class MetaspaceDecoder final : public TokenDecoder
{
public:
    MetaspaceDecoder(QChar replacement, bool dropFirst)
        : m_replacement(replacement), m_dropFirst(dropFirst)
    {
    }
    void decodeChain(std::vector<QString> &tokens) const override
    {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (i == 0 && m_dropFirst)
                tokens[i].remove(m_replacement);
            else
                tokens[i].replace(m_replacement, u' ');
        }
    }

private:
    QChar m_replacement;
    bool m_dropFirst;
};

class DecoderSequence final : public TokenDecoder
{
public:
    explicit DecoderSequence(std::vector<std::unique_ptr<TokenDecoder>> steps)
        : m_steps(std::move(steps))
    {
    }
    bool isPlainByteLevel() const override
    {
        return m_steps.size() == 1 && m_steps.front()->isPlainByteLevel();
    }
    void decodeChain(std::vector<QString> &tokens) const override
    {
        for (const auto &step : m_steps)
            step->decodeChain(tokens);
    }

private:
    std::vector<std::unique_ptr<TokenDecoder>> m_steps;
};

std::unique_ptr<TokenDecoder> stepFromJson(const QJsonObject &step, const QString &path)
{
    const QString type = step.value(u"type").toString();
    if (type == u"ByteLevel")
        return std::make_unique<ByteLevelDecoder>();
    if (type == u"ByteFallback")
        return std::make_unique<ByteFallbackDecoder>();
    if (type == u"Fuse")
        return std::make_unique<FuseDecoder>();
    if (type == u"Replace") {
        const QJsonObject pattern = step.value(u"pattern").toObject();
        const QString literal = pattern.value(u"String").toString();
        const QString source = pattern.value(u"Regex").toString();
        QRegularExpression regex;
        if (literal.isEmpty()) {
            regex = QRegularExpression(source, QRegularExpression::UseUnicodePropertiesOption);
            if (source.isEmpty() || !regex.isValid())
                throw Error(path, QStringLiteral("decoder 'Replace' has no valid pattern (a "
                                                 "\"String\" or a \"Regex\")"));
        }
        return std::make_unique<ReplaceDecoder>(literal, regex, step.value(u"content").toString());
    }
    if (type == u"Strip") {
        const QString content = step.value(u"content").toString(QStringLiteral(" "));
        if (content.size() != 1)
            throw Error(path, QStringLiteral("decoder 'Strip' needs a one-character content"));
        return std::make_unique<StripDecoder>(content[0], step.value(u"start").toInt(0),
                                              step.value(u"stop").toInt(0));
    }
    if (type == u"Metaspace") {
        const QString replacement = step.value(u"replacement").toString(QStringLiteral("\u2581"));
        if (replacement.size() != 1)
            throw Error(path, QStringLiteral("decoder 'Metaspace' needs a one-character "
                                             "replacement"));
        bool dropFirst = step.value(u"add_prefix_space").toBool(true);
        if (const QJsonValue scheme = step.value(u"prepend_scheme"); scheme.isString())
            dropFirst = scheme.toString() != u"never";
        return std::make_unique<MetaspaceDecoder>(replacement[0], dropFirst);
    }
    if (type == u"Sequence") {
        std::vector<std::unique_ptr<TokenDecoder>> steps;
        for (const QJsonValue &inner : step.value(u"decoders").toArray())
            steps.push_back(stepFromJson(inner.toObject(), path));
        return std::make_unique<DecoderSequence>(std::move(steps));
    }
    throw Error(path, QStringLiteral("unsupported decoder %1 (ByteLevel, Replace, ByteFallback, "
                                     "Fuse, Strip, Metaspace and Sequence are supported)")
                          .arg(quoted(type)));
}

}  // namespace

TokenDecoder::~TokenDecoder() = default;

std::unique_ptr<TokenDecoder> TokenDecoder::fromJson(const QJsonValue &value, const QString &path)
{
    if (value.isNull() || value.isUndefined())
        return nullptr;
    if (!value.isObject())
        throw Error(path, QStringLiteral("the decoder is not a JSON object"));
    return stepFromJson(value.toObject(), path);
}

QString TokenDecoder::fromUtf8Lossy(const QByteArray &utf8)
{
    // Stateless: a cut-off sequence at the end becomes U+FFFD instead of waiting for more bytes.
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom |
                                                       QStringConverter::Flag::Stateless);
    return decoder.decode(utf8);
}

QByteArray TokenDecoder::byteLevelBytes(const QString &token)
{
    QByteArray bytes;
    bytes.reserve(token.size());
    for (const QChar c : token) {
        const int byte = ByteLevelPreTokenizer::symbolByte(c.unicode());
        if (byte < 0)
            return token.toUtf8();
        bytes.append(char(byte));
    }
    return bytes;
}

}  // namespace mscope
