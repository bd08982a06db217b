// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonValue>
#include <QString>
#include <memory>

namespace mscope {

/// The normalizer of a tokenizer.json: what the text becomes before added tokens are looked for
/// in it and before it is cut into words. Supported, as HuggingFace's tokenizers runs them: the
/// Unicode forms (NFC, NFD, NFKC, NFKD), Prepend, Replace (a string or a regex) and Sequence.
class Normalizer
{
public:
    virtual ~Normalizer();
    virtual QString normalize(QStringView text) const = 0;
    /// Whether a Unicode normal form is applied (whose time grows with runs of combining marks).
    virtual bool usesUnicodeForms() const { return false; }

    /// The normalizer `value` describes, or null for none (JSON null). Throws Error(path, ...)
    /// naming the first unsupported part, e.g. "unsupported normalizer 'Lowercase' (...)".
    static std::unique_ptr<Normalizer> fromJson(const QJsonValue &value, const QString &path);
};

}  // namespace mscope
