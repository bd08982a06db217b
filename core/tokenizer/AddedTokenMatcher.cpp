// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/AddedTokenMatcher.h"

#include <algorithm>

namespace mscope {

namespace {

bool unitLess(const std::pair<char16_t, int32_t> &entry, char16_t unit)
{
    return entry.first < unit;
}

}  // namespace

void AddedTokenMatcher::add(QStringView content, int32_t id)
{
    if (content.isEmpty())
        return;
    int32_t node = 0;
    for (const QChar c : content) {
        const char16_t unit = c.unicode();
        int32_t next = child(node, unit);
        if (next < 0) {
            next = int32_t(m_nodes.size());
            m_nodes.emplace_back();  // may reallocate: look the parent up again below
            auto &children = m_nodes[node].children;
            children.insert(std::lower_bound(children.begin(), children.end(), unit, unitLess),
                            {unit, next});
        }
        node = next;
    }
    m_nodes[node].tokenId = id;
    m_startsToken.set(content.front().unicode());
}

int32_t AddedTokenMatcher::child(int32_t node, char16_t unit) const
{
    const auto &children = m_nodes[node].children;
    const auto it = std::lower_bound(children.begin(), children.end(), unit, unitLess);
    return (it != children.end() && it->first == unit) ? it->second : -1;
}

void AddedTokenMatcher::split(QStringView text, std::vector<Piece> &pieces) const
{
    pieces.clear();
    const qsizetype n = text.size();
    qsizetype plainStart = 0;
    qsizetype i = 0;
    while (i < n) {
        if (!m_startsToken.test(text[i].unicode())) {
            ++i;
            continue;
        }
        int32_t matchId = -1;
        qsizetype matchEnd = i;
        int32_t node = 0;
        for (qsizetype j = i; j < n; ++j) {
            node = child(node, text[j].unicode());
            if (node < 0)
                break;
            if (m_nodes[node].tokenId >= 0) {
                matchId = m_nodes[node].tokenId;
                matchEnd = j + 1;
            }
        }
        if (matchId < 0) {
            ++i;
            continue;
        }
        if (plainStart < i)
            pieces.push_back({text.sliced(plainStart, i - plainStart), -1});
        pieces.push_back({text.sliced(i, matchEnd - i), matchId});
        i = plainStart = matchEnd;
    }
    if (plainStart < n)
        pieces.push_back({text.sliced(plainStart), -1});
}

}  // namespace mscope
