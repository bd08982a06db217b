// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringView>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mscope {

/// A UTF-16 view of a QString, as the tokenizer's maps are keyed.
inline std::u16string_view u16(QStringView s)
{
    return {s.utf16(), std::size_t(s.size())};
}

struct U16Hash
{
    using is_transparent = void;  // lets the maps be searched with a view, without a copy
    std::size_t operator()(std::u16string_view s) const
    {
        return std::hash<std::u16string_view>{}(s);
    }
};

/// Token text to a value: faster than QHash<QString, ...> for vocabularies, and searchable with
/// views.
template <typename T>
using TextMap = std::unordered_map<std::u16string, T, U16Hash, std::equal_to<>>;

}  // namespace mscope
