// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringView>
#include <bitset>
#include <cstdint>
#include <utility>
#include <vector>

namespace mscope {

/// Finds a tokenizer's added tokens (<|endoftext|>, GPT-NeoX's runs of spaces, ...) in text the way
/// HuggingFace does: scanning left to right, the longest token that starts at a position wins.
class AddedTokenMatcher
{
public:
    /// A stretch of text: an added token (id >= 0) or plain text for the BPE model (id < 0).
    struct Piece
    {
        QStringView text;
        int32_t id;
    };

    /// A content added twice keeps the later id. Empty contents are ignored.
    void add(QStringView content, int32_t id);
    bool isEmpty() const { return m_nodes.size() == 1; }
    /// Cuts text into pieces that cover it in order; pieces are views into text.
    void split(QStringView text, std::vector<Piece> &pieces) const;

private:
    // A trie over UTF-16 units; children sorted by unit for binary search.
    struct Node
    {
        std::vector<std::pair<char16_t, int32_t>> children;
        int32_t tokenId = -1;
    };
    int32_t child(int32_t node, char16_t unit) const;

    std::vector<Node> m_nodes{1};
    // Lets the scan skip the many positions where no token can start without touching the trie.
    std::bitset<65536> m_startsToken;
};

}  // namespace mscope
