// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/LlamaCppPreTokenizer.h"

#include <QJsonArray>

namespace mscope {

QJsonObject LlamaCppPreTokenizer::gpt2()
{
    return {{QStringLiteral("type"), QStringLiteral("ByteLevel")},
            {QStringLiteral("add_prefix_space"), false},
            {QStringLiteral("use_regex"), true}};
}

QJsonObject LlamaCppPreTokenizer::falcon()
{
    return {
        {QStringLiteral("type"), QStringLiteral("Sequence")},
        {QStringLiteral("pretokenizers"),
         QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("Punctuation")},
                                {QStringLiteral("behavior"), QStringLiteral("Contiguous")}},
                    gpt2(),
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("Digits")},
                                {QStringLiteral("individual_digits"), false}},
                    QJsonObject{
                        {QStringLiteral("type"), QStringLiteral("Split")},
                        {QStringLiteral("pattern"),
                         QJsonObject{{QStringLiteral("Regex"), QStringLiteral("[0-9][0-9][0-9]")}}},
                        {QStringLiteral("behavior"), QStringLiteral("Isolated")},
                        {QStringLiteral("invert"), false}}}}};
}

}  // namespace mscope
