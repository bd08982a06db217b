// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/PackedMatrix.h"

#include <cstdint>
#include <vector>

namespace mscope {

class MambaModel;

/// How the one-token step (TokenStep) cuts a token's work into blocks, and the model's
/// projections in the layout it reads them in (PackedMatrix), cut where its blocks begin.
///
/// Blocks are of kBlockChannels channels (Mamba-2: of whole heads, and of the B | C rows): a
/// block's rows of in_proj, its conv and scan channels, its columns of x_proj and out_proj (a
/// column block of each, so that a block's product is one stream where the matrix has several
/// panels), whose partial products are summed in block order; and blocks of kHeadRows rows of the
/// LM head. Small
/// blocks let the step share a layer unevenly between threads that run at different speeds; each
/// block costs a little of its own (calls, a partial product to add up): on the demo model 64
/// channels decoded 15% faster than 32 and 4% faster than 128, and LM head blocks of 128 rows 10%
/// faster than 256 (bench decode, alternating runs).
///
/// A model whose packed projections would take at most kPackLimitBytes gets a packed copy (its
/// weights then live in the cache and reading them is the whole cost of a token); a larger one is
/// multiplied where it is loaded (memory-bound either way, and a second copy would double its
/// memory). Immutable once made: shared by every step of the model (MambaModel::stepWeights()).
class StepWeights
{
public:
    static constexpr int64_t kBlockChannels = 64;
    static constexpr int64_t kHeadRows = 128;
    static constexpr int64_t kPackLimitBytes = int64_t(64) << 20;

    /// `pack` false keeps every matrix where it is (tests run that path on small models too).
    StepWeights(const MambaModel &model, bool pack);
    /// Whether the packed projections of `model` would fit kPackLimitBytes.
    static bool worthPacking(const MambaModel &model);

    bool packed() const { return m_head.packed(); }
    int64_t packedBytes() const;

    // The plan. Mamba-1: blocks of blockUnits channels; Mamba-2: of blockUnits heads, and
    // bcBlocks blocks of kBlockChannels of the bcRows B | C rows.
    int64_t blockUnits() const { return m_blockUnits; }
    int64_t blocks() const { return m_blocks; }
    int64_t bcRows() const { return m_bcRows; }
    int64_t bcBlocks() const { return m_bcBlocks; }
    int64_t headBlocks() const { return m_headBlocks; }

    const PackedMatrix &inProj(int layer) const { return m_inProj[size_t(layer)]; }
    const PackedMatrix &xProj(int layer) const { return m_xProj[size_t(layer)]; }    // Mamba-1
    const PackedMatrix &dtProj(int layer) const { return m_dtProj[size_t(layer)]; }  // Mamba-1
    const PackedMatrix &outProj(int layer) const { return m_outProj[size_t(layer)]; }
    const PackedMatrix &head() const { return m_head; }

private:
    struct Cuts;
    static Cuts cutsOf(const MambaModel &model);

    int64_t m_blockUnits = 0, m_blocks = 0, m_bcRows = 0, m_bcBlocks = 0, m_headBlocks = 0;
    std::vector<PackedMatrix> m_inProj, m_xProj, m_dtProj, m_outProj;
    PackedMatrix m_head;
};

}  // namespace mscope
