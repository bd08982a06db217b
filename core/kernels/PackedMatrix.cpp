// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/PackedMatrix.h"

#include "kernels/DecodeKernels.h"

#include <algorithm>
#include <utility>

namespace mscope {

using decodekernels::kPanelWidth;

std::vector<PackedMatrix::Panel> PackedMatrix::plan(int64_t rows, int64_t cols,
                                                    std::vector<int64_t> cuts)
{
    // The panels in memory in the order their cuts were given (the order the step reads them:
    // a stream runs on from one into the next), those of a range without a cut of its own first.
    std::vector<int64_t> sorted = cuts;
    sorted.push_back(0);
    sorted.push_back(rows);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::vector<Panel> panels;
    std::vector<std::pair<size_t, size_t>> order;  // (rank of the range's cut, panel)
    for (size_t i = 0; i + 1 < sorted.size(); ++i) {
        if (sorted[i] < 0 || sorted[i + 1] > rows)
            continue;
        const auto given = std::find(cuts.begin(), cuts.end(), sorted[i]);
        const size_t rank = given == cuts.end() ? 0 : size_t(given - cuts.begin()) + 1;
        for (int64_t r0 = sorted[i]; r0 < sorted[i + 1]; r0 += kPanelWidth) {
            Panel p;
            p.r0 = r0;
            p.r1 = std::min(sorted[i + 1], r0 + kPanelWidth);
            p.stride = (p.r1 - p.r0 + 15) / 16 * 16;
            order.emplace_back(rank, panels.size());
            panels.push_back(p);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    int64_t offset = 0;
    for (const auto &[rank, i] : order) {
        panels[i].offset = offset;
        offset += panels[i].stride * cols;
    }
    return panels;
}

int64_t PackedMatrix::floatsOf(const std::vector<Panel> &panels, int64_t cols)
{
    int64_t floats = 0;
    for (const Panel &p : panels)
        floats += p.stride * cols;
    return floats;
}

int64_t PackedMatrix::packedBytes(int64_t rows, int64_t cols, std::vector<int64_t> cuts)
{
    return floatsOf(plan(rows, cols, std::move(cuts)), cols) * 4;
}

int64_t PackedMatrix::packedBytes() const
{
    return packed() ? floatsOf(m_panels, m_cols) * 4 : 0;
}

PackedMatrix::PackedMatrix(const float *w, int64_t rows, int64_t cols, std::vector<int64_t> cuts,
                           bool pack)
    : m_w(w), m_rows(rows), m_cols(cols), m_panels(plan(rows, cols, std::move(cuts)))
{
    if (!pack || m_panels.empty())
        return;
    const int64_t floats = floatsOf(m_panels, cols);
    m_data = AlignedFloats(floats, 64);
    float *data = m_data.data();
    for (const Panel &p : m_panels) {
        float *panel = data + p.offset;
        for (int64_t k = 0; k < cols; ++k) {
            float *row = panel + k * p.stride;
            for (int64_t r = p.r0; r < p.r1; ++r)
                row[r - p.r0] = w[r * cols + k];
            std::fill(row + (p.r1 - p.r0), row + p.stride, 0.0f);
        }
    }
}

std::vector<PackedMatrix::Panel>::const_iterator PackedMatrix::panelAt(int64_t r0) const
{
    return std::lower_bound(m_panels.begin(), m_panels.end(), r0,
                            [](const Panel &panel, int64_t r) { return panel.r0 < r; });
}

std::pair<const float *, int64_t> PackedMatrix::rowsSpan(int64_t r0, int64_t r1) const
{
    if (!packed())
        return {m_w + r0 * m_cols, (r1 - r0) * m_cols};
    int64_t first = -1, end = 0;
    for (auto p = panelAt(r0); p != m_panels.end() && p->r0 < r1; ++p) {
        first = first < 0 ? p->offset : std::min(first, p->offset);
        end = std::max(end, p->offset + p->stride * m_cols);
    }
    return first < 0 ? std::pair<const float *, int64_t>{m_data.data(), 0}
                     : std::pair<const float *, int64_t>{m_data.data() + first, end - first};
}

void PackedMatrix::rowsTimes(int64_t r0, int64_t r1, const float *x, float *y) const
{
    if (!packed()) {
        decodekernels::matVec(m_w + r0 * m_cols, m_cols, r1 - r0, m_cols, x, y);
        return;
    }
    for (auto p = panelAt(r0); p != m_panels.end() && p->r0 < r1; ++p)
        decodekernels::panelTimes(m_data.data() + p->offset, p->stride, p->r1 - p->r0, 0, m_cols, x,
                                  y + (p->r0 - r0));
}

void PackedMatrix::columnsTimes(int64_t c0, int64_t c1, const float *x, float *y) const
{
    if (!packed()) {
        decodekernels::matVec(m_w + c0, m_cols, m_rows, c1 - c0, x + c0, y);
        return;
    }
    for (const Panel &p : m_panels)
        decodekernels::panelTimes(m_data.data() + p.offset, p.stride, p.r1 - p.r0, c0, c1, x,
                                  y + p.r0);
}

}  // namespace mscope
