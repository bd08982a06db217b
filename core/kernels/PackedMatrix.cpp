// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernels/PackedMatrix.h"

#include "kernels/DecodeKernels.h"

#include <algorithm>
#include <utility>

namespace mscope {

std::vector<PackedMatrix::Panel> PackedMatrix::plan(int64_t rows, std::vector<int64_t> cuts)
{
    // The panels in memory in the order their cuts were given (the order the step reads them:
    // a stream runs on from one into the next), those of a range without a cut of its own first.
    std::vector<int64_t> sorted = cuts;
    sorted.push_back(0);
    sorted.push_back(rows);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    const int64_t width = decodekernels::panelWidth();
    std::vector<Panel> panels;
    std::vector<std::pair<size_t, size_t>> order;  // (rank of the range's cut, panel)
    for (size_t i = 0; i + 1 < sorted.size(); ++i) {
        if (sorted[i] < 0 || sorted[i + 1] > rows)
            continue;
        const auto given = std::find(cuts.begin(), cuts.end(), sorted[i]);
        const size_t rank = given == cuts.end() ? 0 : size_t(given - cuts.begin()) + 1;
        for (int64_t r0 = sorted[i]; r0 < sorted[i + 1]; r0 += width) {
            Panel p;
            p.r0 = r0;
            p.r1 = std::min(sorted[i + 1], r0 + width);
            p.stride = (p.r1 - p.r0 + 15) / 16 * 16;
            order.emplace_back(rank, panels.size());
            panels.push_back(p);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    int64_t lead = 0;
    for (const auto &[rank, i] : order) {
        panels[i].lead = lead;
        lead += panels[i].stride;
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
    return floatsOf(plan(rows, std::move(cuts)), cols) * 4;
}

int64_t PackedMatrix::packedBytes() const
{
    return packed() ? floatsOf(m_panels, m_cols) * 4 : 0;
}

PackedMatrix::PackedMatrix(const float *w, int64_t rows, int64_t cols, std::vector<int64_t> cuts,
                           bool pack, std::vector<int64_t> columnCuts)
    : m_w(w), m_rows(rows), m_cols(cols), m_panels(plan(rows, std::move(cuts)))
{
    for (const Panel &p : m_panels)
        m_widths += p.stride;
    m_columnBlocks = {0};
    if (m_panels.size() > 1) {
        std::sort(columnCuts.begin(), columnCuts.end());
        for (int64_t c : columnCuts)
            if (c > m_columnBlocks.back() && c < cols)
                m_columnBlocks.push_back(c);
    }
    m_columnBlocks.push_back(cols);
    if (!pack || m_panels.empty())
        return;
    m_data = AlignedFloats(floatsOf(m_panels, cols), 64);
    for (size_t j = 0; j + 1 < m_columnBlocks.size(); ++j) {
        for (const Panel &p : m_panels) {
            float *panel = m_data.data() + panelOffset(p, j);
            for (int64_t k = m_columnBlocks[j]; k < m_columnBlocks[j + 1]; ++k) {
                float *row = panel + (k - m_columnBlocks[j]) * p.stride;
                for (int64_t r = p.r0; r < p.r1; ++r)
                    row[r - p.r0] = w[r * cols + k];
                std::fill(row + (p.r1 - p.r0), row + p.stride, 0.0f);
            }
        }
    }
}

int64_t PackedMatrix::panelOffset(const Panel &p, size_t j) const
{
    const int64_t k0 = m_columnBlocks[j], k1 = m_columnBlocks[j + 1];
    return k0 * m_widths + p.lead * (k1 - k0);
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
    const float *first = nullptr, *end = nullptr;
    for (auto p = panelAt(r0); p != m_panels.end() && p->r0 < r1; ++p) {
        for (size_t j = 0; j + 1 < m_columnBlocks.size(); ++j) {
            const float *data = m_data.data() + panelOffset(*p, j);
            first = first ? std::min(first, data) : data;
            end = std::max(end, data + p->stride * (m_columnBlocks[j + 1] - m_columnBlocks[j]));
        }
    }
    return first ? std::pair<const float *, int64_t>{first, end - first}
                 : std::pair<const float *, int64_t>{m_data.data(), 0};
}

void PackedMatrix::panelsTimes(std::vector<Panel>::const_iterator first,
                               std::vector<Panel>::const_iterator last, int64_t c0, int64_t c1,
                               const float *x, float *y, int64_t yRow0) const
{
    if (c0 >= c1) {
        for (auto p = first; p != last; ++p)
            std::fill_n(y + (p->r0 - yRow0), p->r1 - p->r0, 0.0f);
        return;
    }
    bool written = false;
    for (size_t j = 0; j + 1 < m_columnBlocks.size(); ++j) {
        const int64_t k0 = m_columnBlocks[j], from = std::max(c0, k0),
                      to = std::min(c1, m_columnBlocks[j + 1]);
        if (from >= to)
            continue;
        for (auto p = first; p != last; ++p) {
            float *out = y + (p->r0 - yRow0);
            const int64_t outputs = p->r1 - p->r0;
            if (!written) {
                decodekernels::panelTimes(m_data.data() + panelOffset(*p, j), p->stride, outputs,
                                          from - k0, to - k0, x + k0, out);
                continue;
            }
            float part[decodekernels::kWidestPanel];
            decodekernels::panelTimes(m_data.data() + panelOffset(*p, j), p->stride, outputs,
                                      from - k0, to - k0, x + k0, part);
            for (int64_t i = 0; i < outputs; ++i)
                out[i] += part[i];
        }
        written = true;
    }
}

void PackedMatrix::rowsTimes(int64_t r0, int64_t r1, const float *x, float *y) const
{
    if (!packed()) {
        decodekernels::matVec(m_w + r0 * m_cols, m_cols, r1 - r0, m_cols, x, y);
        return;
    }
    auto last = panelAt(r0);
    if (m_columnBlocks.size() == 2) {  // one column block: the step's path, kept short
        for (; last != m_panels.end() && last->r0 < r1; ++last)
            decodekernels::panelTimes(m_data.data() + panelOffset(*last, 0), last->stride,
                                      last->r1 - last->r0, 0, m_cols, x, y + (last->r0 - r0));
        return;
    }
    while (last != m_panels.end() && last->r0 < r1)
        ++last;
    panelsTimes(panelAt(r0), last, 0, m_cols, x, y, r0);
}

void PackedMatrix::columnsTimes(int64_t c0, int64_t c1, const float *x, float *y) const
{
    if (!packed()) {
        decodekernels::matVec(m_w + c0, m_cols, m_rows, c1 - c0, x + c0, y);
        return;
    }
    if (m_columnBlocks.size() == 2) {
        for (const Panel &p : m_panels)
            decodekernels::panelTimes(m_data.data() + panelOffset(p, 0), p.stride, p.r1 - p.r0, c0,
                                      std::max(c0, c1), x, y + p.r0);
        return;
    }
    panelsTimes(m_panels.begin(), m_panels.end(), c0, c1, x, y, 0);
}

}  // namespace mscope
