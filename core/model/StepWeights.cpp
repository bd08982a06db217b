// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/StepWeights.h"

#include "model/MambaModel.h"

#include <algorithm>

namespace mscope {

namespace {

int64_t blocksOf(int64_t n, int64_t size)
{
    return (n + size - 1) / size;
}

}  // namespace

// The plan, and where each matrix's panels must begin for it.
struct StepWeights::Cuts
{
    int64_t blockUnits = 0, blocks = 0, bcRows = 0, bcBlocks = 0, headBlocks = 0;
    std::vector<int64_t> inProj, dtProj, head;
    std::vector<int64_t> blockColumns;  // where each block's columns of x_proj and out_proj start
};

StepWeights::Cuts StepWeights::cutsOf(const MambaModel &model)
{
    const ModelConfig &c = model.config();
    const int64_t E = c.dInner;
    Cuts cuts;
    if (c.architecture == Architecture::Mamba2) {
        const int64_t H = c.nHeads, P = c.headDim, C = c.convChannels();
        cuts.blockUnits = std::max<int64_t>(1, kBlockChannels / std::max<int64_t>(1, P));
        cuts.blocks = blocksOf(H, cuts.blockUnits);
        cuts.bcRows = 2 * c.nGroups * c.dState;
        cuts.bcBlocks = blocksOf(cuts.bcRows, kBlockChannels);
        // z | x B C | dt: a block's z, x and dt rows, and the B | C blocks.
        for (int64_t h0 = 0; h0 < H; h0 += cuts.blockUnits)
            cuts.inProj.insert(cuts.inProj.end(), {h0 * P, E + h0 * P, E + C + h0});
        cuts.inProj.push_back(E + C);
        for (int64_t r0 = 0; r0 < cuts.bcRows; r0 += kBlockChannels)
            cuts.inProj.push_back(2 * E + r0);
        for (int64_t h0 = 0; h0 < H; h0 += cuts.blockUnits)
            cuts.blockColumns.push_back(h0 * P);
    } else {
        cuts.blockUnits = kBlockChannels;
        cuts.blocks = blocksOf(E, cuts.blockUnits);
        // x | z: a block's rows of each.
        for (int64_t c0 = 0; c0 < E; c0 += kBlockChannels) {
            cuts.inProj.insert(cuts.inProj.end(), {c0, E + c0});
            cuts.dtProj.push_back(c0);
            cuts.blockColumns.push_back(c0);
        }
        cuts.inProj.push_back(E);
    }
    const int64_t V = model.logitCount();
    cuts.headBlocks = blocksOf(V, kHeadRows);
    for (int64_t v0 = 0; v0 < V; v0 += kHeadRows)
        cuts.head.push_back(v0);
    return cuts;
}

bool StepWeights::worthPacking(const MambaModel &model)
{
    const Cuts cuts = cutsOf(model);
    int64_t bytes = 0;
    auto add = [&bytes](const FloatTensor &w, const std::vector<int64_t> &at) {
        if (w.data)
            bytes += PackedMatrix::packedBytes(w.shape[0], w.shape[1], at);
    };
    for (const MambaLayerWeights &w : model.layers()) {
        add(w.inProj, cuts.inProj);
        add(w.xProj, {});
        add(w.dtProjWeight, cuts.dtProj);
        add(w.outProj, {});
    }
    add(model.lmHead(), cuts.head);
    return bytes <= kPackLimitBytes;
}

StepWeights::StepWeights(const MambaModel &model, bool pack)
{
    const Cuts cuts = cutsOf(model);
    m_blockUnits = cuts.blockUnits;
    m_blocks = cuts.blocks;
    m_bcRows = cuts.bcRows;
    m_bcBlocks = cuts.bcBlocks;
    m_headBlocks = cuts.headBlocks;
    auto matrix = [pack](const FloatTensor &w, std::vector<int64_t> at,
                         std::vector<int64_t> columns = {}) {
        return w.data ? PackedMatrix(w.data, w.shape[0], w.shape[1], std::move(at), pack,
                                     std::move(columns))
                      : PackedMatrix();
    };
    for (const MambaLayerWeights &w : model.layers()) {
        m_inProj.push_back(matrix(w.inProj, cuts.inProj));
        m_xProj.push_back(matrix(w.xProj, {}, cuts.blockColumns));
        m_dtProj.push_back(matrix(w.dtProjWeight, cuts.dtProj));
        m_outProj.push_back(matrix(w.outProj, {}, cuts.blockColumns));
    }
    m_head = matrix(model.lmHead(), cuts.head);
}

int64_t StepWeights::packedBytes() const
{
    int64_t bytes = m_head.packedBytes();
    for (size_t l = 0; l < m_inProj.size(); ++l)
        bytes += m_inProj[l].packedBytes() + m_xProj[l].packedBytes() + m_dtProj[l].packedBytes() +
                 m_outProj[l].packedBytes();
    return bytes;
}

}  // namespace mscope
