// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/PostProcessor.h"

#include "support/Error.h"

#include <QJsonArray>
#include <QJsonObject>

namespace mscope {

PostProcessor PostProcessor::fromJson(const QJsonValue &value, const QString &path,
                                      const std::function<int32_t(const QString &)> &idOf)
{
    PostProcessor p;
    p.add(value, path, idOf);
    return p;
}

void PostProcessor::add(const QJsonValue &value, const QString &path,
                        const std::function<int32_t(const QString &)> &idOf)
{
    if (value.isNull() || value.isUndefined())
        return;
    const QJsonObject step = value.toObject();
    const QString type = step.value(u"type").toString();
    if (type == u"ByteLevel")
        return;  // offsets only
    if (type == u"Sequence") {
        for (const QJsonValue &inner : step.value(u"processors").toArray())
            add(inner, path, idOf);
        return;
    }
    if (type != u"TemplateProcessing") {
        throw Error(path, QStringLiteral("unsupported post-processor '%1' (ByteLevel, "
                                         "TemplateProcessing and Sequence are supported)")
                              .arg(type));
    }
    // "single": [{"SpecialToken": {"id": "<s>"}}, {"Sequence": {"id": "A"}}, ...]; the ids of a
    // special token are listed in "special_tokens" (or, failing that, it is a vocabulary token).
    const QJsonObject specials = step.value(u"special_tokens").toObject();
    bool afterSequence = false;
    for (const QJsonValue &item : step.value(u"single").toArray()) {
        const QJsonObject piece = item.toObject();
        if (piece.contains(u"Sequence")) {
            afterSequence = true;
            continue;
        }
        const QString name = piece.value(u"SpecialToken").toObject().value(u"id").toString();
        std::vector<int32_t> ids;
        const QJsonArray listed = specials.value(name).toObject().value(u"ids").toArray();
        for (const QJsonValue &id : listed)
            ids.push_back(int32_t(id.toInteger(-1)));
        if (listed.isEmpty())
            ids.push_back(idOf(name));
        for (const int32_t id : ids) {
            if (id < 0) {
                throw Error(path, QStringLiteral("post-processor template names the special token "
                                                 "'%1', which has no id")
                                      .arg(name));
            }
            (afterSequence ? m_suffix : m_prefix).push_back(id);
        }
    }
}

}  // namespace mscope
