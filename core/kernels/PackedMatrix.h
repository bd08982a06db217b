// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "kernels/AlignedFloats.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace mscope {

/// A weight matrix W [rows, cols] (row-major: PyTorch's [out, in]) as the one-token step
/// multiplies it by one vector. Packed, its rows are cut into panels at the cuts the step's blocks
/// need, each panel stored transposed ([cols][width], the width rounded up to 16 floats, at most
/// decodekernels::panelWidth(), which depends on the CPU), the panels one after another: a
/// block's product reads one contiguous stream, the order in which a cache's read bandwidth is
/// reached best (on this project's benchmark machine 107 GB/s per core from L3, against about 85
/// for eight rows read side by side). A matrix the step multiplies a block of columns at a time
/// (out_proj) and that has more than one panel can also be cut by columns: then each column
/// block holds every panel's rows of its columns, one after another, so that a block's product is
/// one stream too, not one per panel. Not packed, it multiplies W where it is
/// (decodekernels::matVec), for weights too large to keep twice.
///
/// The numbers do not depend on which rows a call covers, only on the layout and the columns: a
/// product over columns [c0, c1) is each column block's part of it summed on its own (in
/// panelTimes' order), the parts added in column order.
class PackedMatrix
{
public:
    PackedMatrix() = default;
    /// `w` must outlive the matrix when not packed. `cuts`: rows at which panels must start (0 and
    /// `rows` are implied), in the order the panels are to lie in memory: the order they are read
    /// in. Panels wider than panelWidth() are cut further. `columnCuts`: columns at which column
    /// blocks start (0 and `cols` implied), kept only when there is more than one panel.
    PackedMatrix(const float *w, int64_t rows, int64_t cols, std::vector<int64_t> cuts, bool pack,
                 std::vector<int64_t> columnCuts = {});

    bool packed() const { return m_data.data() != nullptr; }
    /// The bytes of the packed copy (0 when not packed).
    int64_t packedBytes() const;
    /// The bytes a packed copy of `rows` × `cols` with these cuts would take.
    static int64_t packedBytes(int64_t rows, int64_t cols, std::vector<int64_t> cuts);

    /// y[r - r0] = Σ_k W[r, k]·x[k] for r in [r0, r1); r0 and r1 must be cuts (or 0, rows).
    void rowsTimes(int64_t r0, int64_t r1, const float *x, float *y) const;
    /// y[r] = Σ_{k in [c0, c1)} W[r, k]·x[k] for every row r (x indexed from 0).
    void columnsTimes(int64_t c0, int64_t c1, const float *x, float *y) const;
    /// The floats rowsTimes(r0, r1, ...) reads, from the first to the last (for a prefetch; one
    /// stream where the cuts put the rows' panels one after another, as a block's are).
    std::pair<const float *, int64_t> rowsSpan(int64_t r0, int64_t r1) const;

private:
    struct Panel
    {
        int64_t r0 = 0, r1 = 0, stride = 0;
        int64_t lead = 0;  // the strides of the panels before it in memory (floats a column)
    };
    static std::vector<Panel> plan(int64_t rows, std::vector<int64_t> cuts);
    static int64_t floatsOf(const std::vector<Panel> &panels, int64_t cols);
    // The first panel at or after row r0.
    std::vector<Panel>::const_iterator panelAt(int64_t r0) const;
    // Where panel p's rows of column block j begin in the packed copy (floats).
    int64_t panelOffset(const Panel &p, size_t j) const;
    // The products of the panels [first, last) with the columns [c0, c1) of x, to y + (a panel's
    // r0 - yRow0): each column block's part, the first written, the others added.
    void panelsTimes(std::vector<Panel>::const_iterator first,
                     std::vector<Panel>::const_iterator last, int64_t c0, int64_t c1,
                     const float *x, float *y, int64_t yRow0) const;

    const float *m_w = nullptr;
    int64_t m_rows = 0, m_cols = 0;
    std::vector<Panel> m_panels;
    int64_t m_widths = 0;                 // the panels' strides, summed
    std::vector<int64_t> m_columnBlocks;  // where the column blocks start, then cols
    AlignedFloats m_data;                 // the panels, 64-byte aligned; empty when not packed
};

}  // namespace mscope
