// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonValue>
#include <QString>
#include <cstdint>
#include <functional>
#include <vector>

namespace mscope {

/// The post-processor of a tokenizer.json: the special tokens HuggingFace puts around a single
/// sequence when asked to add them (TemplateProcessing's "single", e.g. "<s> $A" for Llama).
/// ByteLevel (which adds none) and Sequence are accepted too; anything else is refused.
class PostProcessor
{
public:
    /// `idOf` gives the id of a token named in the template (-1 when unknown). Throws
    /// Error(path, ...) naming an unsupported post-processor or a malformed template.
    static PostProcessor fromJson(const QJsonValue &value, const QString &path,
                                  const std::function<int32_t(const QString &)> &idOf);

    const std::vector<int32_t> &prefix() const { return m_prefix; }
    const std::vector<int32_t> &suffix() const { return m_suffix; }

private:
    void add(const QJsonValue &value, const QString &path,
             const std::function<int32_t(const QString &)> &idOf);
    std::vector<int32_t> m_prefix;
    std::vector<int32_t> m_suffix;
};

}  // namespace mscope
