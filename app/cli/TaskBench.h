// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <cstdint>
#include <memory>

namespace mscope {

class BpeTokenizer;
class MambaModel;

/// The measurements of `bench` for the tasks past perplexity (docs/benchmarks.md): decoding
/// against the memory-bandwidth bound, and the passkey grid.
namespace taskbench {

/// Read bandwidth in GB/s: the best of `repeats` timed passes (each at least 0.2 s) in which the
/// engine's threads read their shares of a buffer of `bytes` bytes. At a model's weight size it
/// is the bandwidth decoding can have (L3 for the demo model, memory for mamba-130m).
double readBandwidth(int64_t bytes, int repeats);

/// The bytes of weights one decoding step reads: every layer's tensors, the final norm and the
/// LM head (the embedding only by one row, unless it is the head).
int64_t stepWeightBytes(const MambaModel &model);

/// Greedy generation of `tokens` tokens after a 16-token prompt, one stream, best of `repeats`:
/// tokens/s, and the fraction of the bound read bandwidth ÷ stepWeightBytes measured in the same
/// call.
QJsonObject decode(const std::shared_ptr<const MambaModel> &model, int tokens, int repeats);

/// The passkey grid of issue #13 (lengths 256, 512, ..., `longest`; depths 0, 0.25, 0.5, 0.75, 1;
/// `keys` keys of seed 2024; the repeat filler), once: seconds, tokens processed, accuracy.
QJsonObject passkeyGrid(const std::shared_ptr<const MambaModel> &model,
                        const BpeTokenizer &tokenizer, int64_t longest, int keys);

}  // namespace taskbench

}  // namespace mscope
