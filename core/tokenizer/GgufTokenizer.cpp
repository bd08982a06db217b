// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/GgufTokenizer.h"

#include "io/GgufFile.h"
#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/LlamaCppPreTokenizer.h"

#include <QJsonArray>

namespace mscope {

namespace {

// llama_token_type
constexpr int kNormal = 1;
constexpr int kControl = 3;
constexpr int kUserDefined = 4;
constexpr int kUnused = 5;

}  // namespace

QJsonObject GgufTokenizer::tokenizerJson(const GgufFile &file)
{
    const QString path = file.path();
    if (!file.contains(QStringLiteral("tokenizer.ggml.model")))
        throw Error(Error::Kind::Model, path,
                    QStringLiteral("the GGUF file holds no tokenizer (tokenizer.ggml.model); pass "
                                   "a tokenizer.json"));
    const QString model = file.string(QStringLiteral("tokenizer.ggml.model"));
    if (model != u"gpt2")
        throw Error(Error::Kind::Model, path,
                    QStringLiteral("GGUF tokenizer model '%1' is not supported (MambaScope reads "
                                   "llama.cpp's byte-level BPE, 'gpt2'); pass a tokenizer.json")
                        .arg(model));
    QJsonValue preTokenizer = LlamaCppPreTokenizer::gpt2();
    if (file.contains(QStringLiteral("tokenizer.ggml.pre"))) {
        const QString pre = file.string(QStringLiteral("tokenizer.ggml.pre"));
        if (pre == u"falcon") {
            preTokenizer = LlamaCppPreTokenizer::falcon();
        } else if (pre != u"gpt-2" && pre != u"olmo" && pre != u"mpt" && pre != u"default") {
            throw Error(Error::Kind::Model, path,
                        QStringLiteral("GGUF pre-tokenizer '%1' is not supported (gpt-2, olmo, "
                                       "mpt and falcon are); pass a tokenizer.json")
                            .arg(pre));
        }
    }
    const QStringList &tokens = file.stringArray(QStringLiteral("tokenizer.ggml.tokens"));
    std::vector<double> types;
    if (file.contains(QStringLiteral("tokenizer.ggml.token_type"))) {
        types = file.numberArray(QStringLiteral("tokenizer.ggml.token_type"));
        if (types.size() != std::size_t(tokens.size()))
            throw Error(path, QStringLiteral("tokenizer.ggml.token_type has %1 entries for %2 "
                                             "tokens")
                                  .arg(types.size())
                                  .arg(tokens.size()));
    }
    QJsonObject vocab;
    QJsonArray added;
    for (qsizetype id = 0; id < tokens.size(); ++id) {
        const int type = types.empty() ? kNormal : int(types[std::size_t(id)]);
        if (type == kUnused)
            continue;  // vocabulary padding ([PAD50277], ...)
        if (type == kControl || type == kUserDefined) {
            added.append(QJsonObject{{QStringLiteral("id"), double(id)},
                                     {QStringLiteral("content"), tokens[id]},
                                     {QStringLiteral("special"), type == kControl},
                                     {QStringLiteral("normalized"), false}});
        }
        vocab.insert(tokens[id], double(id));
    }
    QJsonArray merges;
    if (file.contains(QStringLiteral("tokenizer.ggml.merges"))) {
        for (const QString &m : file.stringArray(QStringLiteral("tokenizer.ggml.merges")))
            merges.append(m);
    }
    return {{QStringLiteral("model"), QJsonObject{{QStringLiteral("type"), QStringLiteral("BPE")},
                                                  {QStringLiteral("vocab"), vocab},
                                                  {QStringLiteral("merges"), merges}}},
            {QStringLiteral("normalizer"), QJsonValue::Null},
            {QStringLiteral("pre_tokenizer"), preTokenizer},
            // The ByteLevel decoder: the same object as GPT-2's pre-tokenizer.
            {QStringLiteral("decoder"), LlamaCppPreTokenizer::gpt2()},
            {QStringLiteral("added_tokens"), added}};
}

std::unique_ptr<BpeTokenizer> GgufTokenizer::fromFile(const GgufFile &file)
{
    return BpeTokenizer::fromJson(tokenizerJson(file), file.path());
}

std::unique_ptr<BpeTokenizer> GgufTokenizer::load(const QString &path)
{
    return fromFile(GgufFile(path));
}

}  // namespace mscope
