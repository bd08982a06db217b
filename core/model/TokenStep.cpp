// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/TokenStep.h"

#include "kernels/AlignedFloats.h"
#include "kernels/CacheLineVector.h"
#include "kernels/DecodeKernels.h"
#include "kernels/ElementwiseKernels.h"
#include "kernels/LogitSummary.h"
#include "kernels/PhasedWork.h"
#include "kernels/TeamOrAlone.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "model/StepWeights.h"
#include "support/Error.h"

#include <immintrin.h>
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cmath>

namespace mscope {

using namespace decodekernels;

namespace {

// The most memory a step keeps layer 0's in_proj rows of the ids it has seen in (Mamba-1; the
// demo model's 4,096 ids take 16 MiB, mamba-130m's would take 600 MiB and are not kept).
constexpr int64_t kFirstRowsLimitBytes = int64_t(32) << 20;

// A layer's out_proj shares are summed in groups of this many blocks (each group's in block
// order, then the groups in order onto h), the numbers independent of the thread count; a thread
// whose run holds a whole group sums it after its run, so that the others read one vector per
// group from its core instead of each block's part. With the demo model's 8 blocks on two threads
// each thread reads 16 lines of the other's a layer (the first thread read 64 when it took the
// second's four parts one by one): 1.020 and 1.018 times as fast (8 and 10 alternating rounds).
constexpr int64_t kOutGroupBlocks = 4;

// Weights not packed (a model too large for a copy of them) are read from memory where they were
// loaded, [out, in] row-major: a block's columns of out_proj would be 256 bytes of every row, 6
// KiB apart for mamba-130m, which two threads read from memory at 34-37 GB/s against 55-57 for
// whole rows (the same 516 MB, this VM). So out_proj then has a phase of its own after the
// scan, cut into blocks of this many whole rows.
constexpr int64_t kOutRowBlock = 64;

// The steps of a layer's phases (PhasedWork): the blocks' first phase; (Mamba-1) the sum of their
// x_proj parts or (Mamba-2) the scan; the blocks' last phase (Mamba-1 the scan, Mamba-2 the gated
// norm; then, packed, each block's columns of out_proj: its part); out_proj's row blocks (only
// when not packed); the residual update.
constexpr int kOutPartsStep = 2, kOutRowsStep = 3, kResidualStep = 4, kStepsPerLayer = 5;

// u = h / sqrt(mean(h²) + eps) · weight, as blockkernels::rmsNorm does for one column.
void rmsNormVector(const float *h, const float *weight, double eps, int64_t D, float *u)
{
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < D; ++i)
        sum += h[i] * h[i];
    const float scale = 1.0f / std::sqrt(sum / float(D) + float(eps));
#pragma omp simd
    for (int64_t i = 0; i < D; ++i)
        u[i] = h[i] * scale * weight[i];
}

// The causal conv of channels [c0, c1) for one token (CausalConv::convSilu with one column, the
// same order of sums), then silu; the carried K-1 inputs ([K-1, C] token-major) move on by one.
void convStep(const float *weightT, const float *bias, int64_t C, int64_t K, float *carried,
              const float *in, float *out, int64_t c0, int64_t c1)
{
    if (bias)
        std::copy(bias + c0, bias + c1, out + c0);
    else
        std::fill(out + c0, out + c1, 0.0f);
    for (int64_t k = 0; k < K; ++k) {
        const float *x = k < K - 1 ? carried + k * C : in;
        const float *wk = weightT + k * C;
#pragma omp simd
        for (int64_t c = c0; c < c1; ++c)
            out[c] += wk[c] * x[c];
    }
    siluInPlace(out + c0, c1 - c0);
    if (K < 2)
        return;
    for (int64_t k = 0; k + 1 < K - 1; ++k)
        std::copy(carried + (k + 1) * C + c0, carried + (k + 1) * C + c1, carried + k * C + c0);
    std::copy(in + c0, in + c1, carried + (K - 2) * C + c0);
}

// Asks for [p, p + n) in this core's caches.
void prefetchRange(const float *p, int64_t n)
{
    for (int64_t i = 0; i < n; i += 16)
        _mm_prefetch(reinterpret_cast<const char *>(p + i), _MM_HINT_T1);
}

// out = start + parts[first] + ... + parts[end - 1] (n floats each, `stride` apart), added one
// after another for every element (the same rounding as adding each part in turn) but in one
// pass over the cache lines, a line's sixteen sums in registers.
void sumInOrder(const float *start, const float *parts, int64_t stride, int64_t first, int64_t end,
                int64_t n, float *out)
{
    constexpr int64_t kLine = 16;
    int64_t r0 = 0;
    for (; r0 + kLine <= n; r0 += kLine) {
        float acc[kLine];
        for (int64_t i = 0; i < kLine; ++i)
            acc[i] = start[r0 + i];
        for (int64_t b = first; b < end; ++b) {
            const float *part = parts + b * stride + r0;
            for (int64_t i = 0; i < kLine; ++i)
                acc[i] += part[i];
        }
        for (int64_t i = 0; i < kLine; ++i)
            out[r0 + i] = acc[i];
    }
    for (; r0 < n; ++r0) {
        float acc = start[r0];
        for (int64_t b = first; b < end; ++b)
            acc += parts[b * stride + r0];
        out[r0] = acc;
    }
}

// v[r] += add[r] for r in [r0, r1); nothing when `add` is null (a bias the model does not have).
void addInto(const float *add, float *v, int64_t r0, int64_t r1)
{
    if (!add)
        return;
#pragma omp simd
    for (int64_t r = r0; r < r1; ++r)
        v[r] += add[r];
}

}  // namespace

struct TokenStep::Shared
{
    int64_t D = 0, E = 0, N = 0, R = 0, H = 0, P = 0, G = 0, K = 0, V = 0;
    int64_t convChannels = 0, normGroups = 0;
    std::vector<std::vector<float>> convWeightT;  // per layer, [K, conv channels]
    // What the threads write side by side starts on a cache line, and each block's or thread's
    // part of it on lines of its own (64 channels are 4 lines; the strides below are rounded up
    // by lineFloats()): a line shared at the border between two threads' parts moved between the
    // cores at every write (about 4% of a demo-model token). Not padded: Mamba-2's dt rows of
    // proj and its Δ, one float a head, which the blocks of a layer still write side by side.
    CacheLineVector<float> hidden, normed;           // [slots, D] each thread's h and norm of h
    CacheLineVector<float> proj, conv, delta, y;     // each block writes its own part
    CacheLineVector<float> xdblPart;                 // [blocks, R + 2N] (Mamba-1)
    CacheLineVector<float> xdblLocal;                // [slots, R + 2N] (Mamba-1)
    CacheLineVector<float> outPart;                  // [blocks, D]
    CacheLineVector<float> outRows;                  // [D] out_proj · y by row blocks (not packed)
    CacheLineVector<float> normPart;                 // [blocks, groups] (Mamba-2)
    CacheLineVector<LogitBlockSummary> headSummary;  // [head blocks]
    // The sums of the out_proj parts of each group of kOutGroupBlocks blocks, made by the thread
    // whose run held the whole group; a group split between threads is summed by each reader
    // into its own slot (residual()).
    CacheLineVector<float> outGroupSum;    // [groups, D]
    CacheLineVector<float> splitGroupSum;  // [slots, D]
    // Mamba-1: layer 0's x | z rows of a token are a function of its id alone (its embedding,
    // the first norm, in_proj): a block's rows of an id, once made, are kept and copied the next
    // time instead of streaming the block's 128 KiB of in_proj again, made per (id, block); the
    // same numbers as making them, as they were made by the same code. Empty when the table would
    // pass kFirstRowsLimitBytes. The rows of an id go to the next free slot of the table when it
    // first comes (given out before the phases start, on the calling thread): the pages
    // touched follow the number of distinct ids, not their spread over the vocabulary (a hundred
    // ids touched all eight huge pages of the demo models' table, one page fault each, some of
    // them milliseconds long on a VM whose host had not yet backed the memory).
    AlignedFloats firstRows;             // [slots, 2E] in huge pages: one page fault per 2 MiB
    std::vector<int32_t> firstRowsSlot;  // [ids], -1 until the id comes
    int32_t firstRowsSlots = 0;          // slots given out
    std::vector<uint8_t> firstRowsMade;  // [slots, blocks]
    // Counted by the calling thread before a run (an atomic the blocks bumped moved its line
    // between the cores in every token).
    int64_t firstRowsReused = 0;
    std::vector<int> phases;       // tasks per phase of a token (planned once)
    std::vector<uint8_t> claimed;  // per phase: PhasedWork's claimed phases (or empty: none)
    std::unique_ptr<PhasedWork> work;
    int32_t id = 0;
    TeamOrAlone choice[2];  // for steps without and with logits

    // n floats rounded up to whole cache lines.
    static int64_t lineFloats(int64_t n)
    {
        constexpr int64_t perLine = int64_t(kCacheLine / sizeof(float));
        return (n + perLine - 1) / perLine * perLine;
    }
    int64_t rows() const { return R + 2 * N; }
    // The strides of the per-block and per-thread parts.
    int64_t rowsStride() const { return lineFloats(rows()); }
    int64_t outStride() const { return lineFloats(D); }
    int64_t normStride() const { return lineFloats(normGroups); }
    int64_t slotStride() const { return lineFloats(D); }
    int64_t outGroups(int64_t blocks) const
    {
        return (blocks + kOutGroupBlocks - 1) / kOutGroupBlocks;
    }
    float *hiddenOf(int slot) { return hidden.data() + slot * slotStride(); }
    float *normedOf(int slot) { return normed.data() + slot * slotStride(); }
};

TokenStep::TokenStep(const MambaModel &model) : TokenStep(model, model.stepWeights()) {}

TokenStep::TokenStep(const MambaModel &model, const StepWeights &weights)
    : m_model(model), m_weights(weights), d(std::make_unique<Shared>())
{
    const ModelConfig &c = model.config();
    Shared &s = *d;
    s.D = c.dModel;
    s.E = c.dInner;
    s.N = c.dState;
    s.K = c.convKernel;
    s.V = model.logitCount();
    s.convChannels = c.convChannels();
    if (c.architecture == Architecture::Mamba2) {
        s.H = c.nHeads;
        s.P = c.headDim;
        s.G = c.nGroups;
        s.normGroups = s.E / std::max(1, model.normGroupSize());
        s.proj.resize(size_t(s.E + s.convChannels + s.H));
        s.delta.resize(size_t(s.H));
        s.normPart.resize(size_t(m_weights.blocks() * s.normStride()));
    } else {
        s.R = c.dtRank;
        s.proj.resize(size_t(2 * s.E));
        s.delta.resize(size_t(s.E));
        s.xdblPart.resize(size_t(m_weights.blocks() * s.rowsStride()));
        const int64_t ids = model.embeddings().shape[0];
        if (ids * 2 * s.E * int64_t(sizeof(float)) <= kFirstRowsLimitBytes) {
            s.firstRows = AlignedFloats(ids * 2 * s.E, size_t(2) << 20, true);
            s.firstRowsSlot.assign(size_t(ids), -1);
            s.firstRowsMade.assign(size_t(ids * m_weights.blocks()), 0);
        }
    }
    s.conv.resize(size_t(s.convChannels));
    s.y.resize(size_t(s.E));
    s.outPart.resize(size_t(m_weights.blocks() * s.outStride()));
    s.outRows.resize(size_t(s.D));
    s.outGroupSum.resize(size_t(s.outGroups(m_weights.blocks()) * s.outStride()));
    // The phases of a token: the embedding; per layer the block phases (Mamba-1: with the sum of
    // the blocks' shares of x_proj between them), out_proj's row blocks when the weights are not
    // packed (no task, and no wait, when they are) and one that updates the residual stream; the
    // LM head's row blocks (none when a step wants no logits: run() sets that count). The
    // embedding, that sum and the residual stream are every thread's own copy (a few hundred
    // floats, the same numbers on each): no thread waits for another to make them, and each
    // makes them once, not once per block.
    const int L = int(model.layers().size());
    constexpr int everyThread = PhasedWork::kEveryThread;
    const int blocks = int(m_weights.blocks());
    const int outRowTasks = m_weights.packed() ? 0 : int((s.D + kOutRowBlock - 1) / kOutRowBlock);
    s.phases.push_back(everyThread);
    for (int l = 0; l < L; ++l) {
        if (c.architecture == Architecture::Mamba2)
            s.phases.insert(s.phases.end(), {blocks + int(m_weights.bcBlocks()), blocks, blocks,
                                             outRowTasks, everyThread});
        else
            s.phases.insert(s.phases.end(),
                            {blocks, everyThread, blocks, outRowTasks, everyThread});
    }
    s.phases.push_back(int(m_weights.headBlocks()));
    // Weights that are not packed stream from memory, and no core keeps what a block of them
    // reads from token to token: those phases' blocks go to whichever thread claims them first
    // (PhasedWork), so that a thread whose run ends early takes blocks of a slower one's instead
    // of waiting for it (mamba-130m's shapes: 1.013 and 1.021 times as fast, the medians of two
    // series of 12 alternating fresh runs of 400 tokens, 18 of the 24 above 1; the same ids).
    // The scans' blocks keep their threads: their state stays in one core's caches.
    if (!m_weights.packed()) {
        s.claimed.assign(s.phases.size(), 0);
        for (int l = 0; l < L; ++l) {
            s.claimed[size_t(1 + l * kStepsPerLayer)] = 1;  // in_proj's rows (and conv, x_proj)
            s.claimed[size_t(1 + l * kStepsPerLayer + kOutRowsStep)] = 1;
        }
        s.claimed.back() = 1;  // the LM head
    }
    const int64_t C = s.convChannels, K = s.K;
    for (const MambaLayerWeights &w : model.layers()) {
        std::vector<float> t(size_t(K * C));
        for (int64_t ch = 0; ch < C; ++ch)
            for (int64_t k = 0; k < K; ++k)
                t[size_t(k * C + ch)] = w.convWeight.data[ch * K + k];
        s.convWeightT.push_back(std::move(t));
    }
}

TokenStep::~TokenStep() = default;

int64_t TokenStep::firstRowsReused() const
{
    return d->firstRowsReused;
}

int TokenStep::threads() const
{
    return int(std::clamp<int64_t>(omp_get_max_threads(), 1, m_weights.blocks()));
}

void TokenStep::run(int32_t id, RecurrentState &state, const ScanParameters &scan, float *logits,
                    LogitSummary *summary)
{
    Shared &s = *d;
    const FloatTensor &emb = m_model.embeddings();
    if (id < 0 || id >= emb.shape[0])
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("token id %1 is outside the model's vocabulary (%2 entries)")
                        .arg(id)
                        .arg(emb.shape[0]));
    s.id = id;
    if (s.firstRows.data()) {
        int32_t &slot = s.firstRowsSlot[size_t(id)];
        if (slot < 0)
            slot = s.firstRowsSlots++;
        const auto made = s.firstRowsMade.begin() + int64_t(slot) * m_weights.blocks();
        s.firstRowsReused += std::count(made, made + m_weights.blocks(), uint8_t(1));
    }
    const int n = threads();
    if (!s.work || s.work->threads() != n)
        s.work = std::make_unique<PhasedWork>(n);
    if (s.xdblLocal.size() < size_t(n * s.rowsStride()))
        s.xdblLocal.resize(size_t(n * s.rowsStride()));
    if (s.splitGroupSum.size() < size_t(n * s.outStride()))
        s.splitGroupSum.resize(size_t(n * s.outStride()));
    const bool summarize = logits && summary;
    if (summarize && s.headSummary.size() < size_t(m_weights.headBlocks()))
        s.headSummary.resize(size_t(m_weights.headBlocks()));
    if (s.hidden.size() < size_t(n * s.slotStride())) {
        s.hidden.resize(size_t(n * s.slotStride()));
        s.normed.resize(size_t(n * s.slotStride()));
    }
    const bool mamba2 = m_model.config().architecture == Architecture::Mamba2;
    const int perLayer = kStepsPerLayer;
    const int L = int(m_model.layers().size());
    // The plan is the constructor's; only the LM head's phase depends on the call.
    s.phases.back() = logits ? int(m_weights.headBlocks()) : 0;
    auto task = [&](int phase, int index, int slot) {
        if (phase == 0) {
            std::copy_n(emb.data + int64_t(s.id) * s.D, s.D, s.hiddenOf(slot));
            rmsNormVector(s.hiddenOf(slot), m_model.layers().front().norm.data,
                          m_model.config().normEps, s.D, s.normedOf(slot));
            return;
        }
        const int layerPhase = phase - 1;
        if (layerPhase >= perLayer * L) {
            head(index, slot, logits, summarize);
            return;
        }
        const int l = layerPhase / perLayer, step = layerPhase % perLayer;
        if (step == kResidualStep) {
            residual(l, slot, logits != nullptr);
            return;
        }
        if (step == kOutRowsStep) {
            const int64_t r0 = index * kOutRowBlock, r1 = std::min(s.D, r0 + kOutRowBlock);
            m_weights.outProj(l).rowsTimes(r0, r1, s.y.data(), s.outRows.data() + r0);
            return;
        }
        if (mamba2)
            mamba2Task(l, step, index, slot, state, scan);
        else
            mamba1Task(l, step, index, slot, state, scan);
    };
    // After the phase whose blocks write the out_proj parts (a layer's third, packed weights),
    // each thread sums the groups of parts its run holds whole, for every thread's residual().
    auto ranDone = [&](int phase, int first, int end, int) {
        const int layerPhase = phase - 1;
        if (!m_weights.packed() || layerPhase < 0 || layerPhase >= perLayer * L ||
            layerPhase % perLayer != kOutPartsStep)
            return;
        for (int64_t g0 = (first + kOutGroupBlocks - 1) / kOutGroupBlocks * kOutGroupBlocks;
             g0 < end; g0 += kOutGroupBlocks) {
            const int64_t g1 = std::min<int64_t>(g0 + kOutGroupBlocks, m_weights.blocks());
            if (g1 > end)
                break;
            const float *parts = s.outPart.data();
            sumInOrder(parts + g0 * s.outStride(), parts, s.outStride(), g0 + 1, g1, s.D,
                       s.outGroupSum.data() + g0 / kOutGroupBlocks * s.outStride());
        }
    };
    // The team or this thread alone, whichever has been faster lately for this kind of step.
    TeamOrAlone &choice = s.choice[logits ? 1 : 0];
    const bool alone = n > 1 && choice.nextAlone();
    using Clock = std::chrono::steady_clock;
    const Clock::time_point start = Clock::now();
    s.work->run(std::span<const int>(s.phases), task, ranDone, alone,
                std::span<const uint8_t>(s.claimed));
    if (n > 1)
        choice.record(alone, std::chrono::duration<double>(Clock::now() - start).count());
    if (summarize)
        *summary = mergeLogitSummaries(
            std::span<const LogitBlockSummary>(s.headSummary.data(), m_weights.headBlocks()));
}

void TokenStep::mamba1Task(int l, int step, int block, int slot, RecurrentState &state,
                           const ScanParameters &scan)
{
    Shared &s = *d;
    const int64_t E = s.E, N = s.N, R = s.R, rows = s.rows();
    const int64_t c0 = block * m_weights.blockUnits(),
                  c1 = std::min(E, c0 + m_weights.blockUnits());
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    RecurrentState::Layer &st = state.layer(l);
    float *xz = s.proj.data(), *xc = s.conv.data();
    if (step == 0) {
        // 2. This block's rows of x and z from u = RMSNorm(h) · norm.weight; 3. x'' =
        // silu(conv(x)); 4. its columns' share of W_x · x''.
        const int64_t keptSlot = l == 0 && s.firstRows.data() ? s.firstRowsSlot[size_t(s.id)] : -1;
        float *kept = keptSlot >= 0 ? s.firstRows.data() + keptSlot * 2 * E : nullptr;
        uint8_t *made =
            kept ? &s.firstRowsMade[size_t(keptSlot * m_weights.blocks() + block)] : nullptr;
        if (made && *made) {
            std::copy(kept + c0, kept + c1, xz + c0);
            std::copy(kept + E + c0, kept + E + c1, xz + E + c0);
        } else {
            const float *u = s.normedOf(slot);
            const PackedMatrix &inProj = m_weights.inProj(l);
            inProj.rowsTimes(c0, c1, u, xz + c0);
            inProj.rowsTimes(E + c0, E + c1, u, xz + E + c0);
            if (made) {
                std::copy(xz + c0, xz + c1, kept + c0);
                std::copy(xz + E + c0, xz + E + c1, kept + E + c0);
                *made = 1;  // the runs of PhasedWork order this before any later reader
            }
        }
        if (w.inProjBias.data) {
            addInto(w.inProjBias.data, xz, c0, c1);
            addInto(w.inProjBias.data, xz, E + c0, E + c1);
        }
        convStep(s.convWeightT[size_t(l)].data(), w.convBias.data, E, s.K, st.conv.data(), xz, xc,
                 c0, c1);
        m_weights.xProj(l).columnsTimes(c0, c1, xc, s.xdblPart.data() + block * s.rowsStride());
        // What this block's second phase reads but does not stream, into this core's caches
        // while the other blocks' first phases run: the weights streamed since the last token
        // have pushed it out, and reading it when needed waits for it a few lines at a time.
        // (Weights not packed: a block that another thread claimed warms that thread's core.)
        const auto [dtRows, dtFloats] = m_weights.dtProj(l).rowsSpan(c0, c1);
        prefetchRange(dtRows, dtFloats);
        prefetchRange(st.ssm.data() + c0 * N, (c1 - c0) * N);
        prefetchRange(scan.layers[size_t(l)].negA.data() + c0 * N, (c1 - c0) * N);
        return;
    }
    float *xdbl = s.xdblLocal.data() + slot * s.rowsStride();
    if (step == 1) {
        // Every thread: dt_raw | B | C, the blocks' shares summed in block order (the same
        // numbers whichever thread ran which block, and whatever the thread count).
        sumInOrder(s.xdblPart.data(), s.xdblPart.data(), s.rowsStride(), 1, m_weights.blocks(),
                   rows, xdbl);
        if (m_model.config().dtBcRms) {
            // Falcon-Mamba: weightless RMS norms of dt_raw, B and C.
            const float mixerEps = float(m_model.config().mixerRmsEps);
            rmsNormalizeInPlace(xdbl, R, mixerEps);
            rmsNormalizeInPlace(xdbl + R, N, mixerEps);
            rmsNormalizeInPlace(xdbl + R + N, N, mixerEps);
        }
        return;
    }
    // 5. Δ = softplus(W_dt · dt_raw + b) (· the modulation's scale); 6. the scan, gated;
    // 7. this block's columns of out_proj.
    const auto &scale = scan.layers[size_t(l)].deltaScale;
    float *delta = s.delta.data(), *y = s.y.data();
    m_weights.dtProj(l).rowsTimes(c0, c1, xdbl, delta + c0);
    softplusInPlace(delta + c0, w.dtProjBias.data + c0, scale.empty() ? nullptr : scale.data() + c0,
                    c1 - c0);
    ScanStepArgs a;
    a.stateSize = N;
    a.delta = delta;
    a.x = xc;
    a.b = xdbl + R;
    a.c = xdbl + R + N;
    a.negA = scan.layers[size_t(l)].negA.data();
    a.d = w.d.data;
    a.z = xz + E;
    a.state = st.ssm.data();
    a.y = y;
    selectiveScanStep(a, c0, c1);
    if (m_weights.packed())
        m_weights.outProj(l).columnsTimes(c0, c1, y, s.outPart.data() + block * s.outStride());
}

void TokenStep::mamba2Task(int l, int step, int block, int slot, RecurrentState &state,
                           const ScanParameters &scan)
{
    Shared &s = *d;
    const ModelConfig &c = m_model.config();
    const int64_t E = s.E, N = s.N, H = s.H, P = s.P, G = s.G, C = s.convChannels;
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    RecurrentState::Layer &st = state.layer(l);
    float *proj = s.proj.data(), *xbc = s.conv.data(), *y = s.y.data();
    const float *convIn = proj + E;
    if (step == 0 && block >= m_weights.blocks()) {
        // A block of the B | C rows (every head needs them): rows and conv.
        const int64_t r0 = (block - m_weights.blocks()) * StepWeights::kBlockChannels,
                      r1 = std::min(m_weights.bcRows(), r0 + StepWeights::kBlockChannels);
        m_weights.inProj(l).rowsTimes(2 * E + r0, 2 * E + r1, s.normedOf(slot), proj + 2 * E + r0);
        addInto(w.inProjBias.data, proj, 2 * E + r0, 2 * E + r1);
        convStep(s.convWeightT[size_t(l)].data(), w.convBias.data, C, s.K, st.conv.data(), convIn,
                 xbc, E + r0, E + r1);
        return;
    }
    const int64_t h0 = block * m_weights.blockUnits(),
                  h1 = std::min(H, h0 + m_weights.blockUnits());
    const int64_t c0 = h0 * P, c1 = h1 * P, groupSize = m_model.normGroupSize();
    if (step == 0) {
        // z | x | dt rows of this block's heads, and the conv of its x channels.
        const int64_t ranges[3][2] = {{c0, c1}, {E + c0, E + c1}, {E + C + h0, E + C + h1}};
        for (const auto &r : ranges) {
            m_weights.inProj(l).rowsTimes(r[0], r[1], s.normedOf(slot), proj + r[0]);
            addInto(w.inProjBias.data, proj, r[0], r[1]);
        }
        convStep(s.convWeightT[size_t(l)].data(), w.convBias.data, C, s.K, st.conv.data(), convIn,
                 xbc, c0, c1);
        return;
    }
    float *gate = proj;  // z, replaced by silu(z) in place
    float *sums = s.normPart.data() + block * s.normStride();
    if (step == 1) {
        // Δ per head: softplus(dt + dt_bias), clamped to time_step_limit, times the scale; the
        // scan of each head; the gate; this block's sums of squares per norm group.
        const auto &scaleVector = scan.layers[size_t(l)].deltaScale;
        const float *scale = scaleVector.empty() ? nullptr : scaleVector.data();
        float *delta = s.delta.data();
        std::copy(proj + E + C + h0, proj + E + C + h1, delta + h0);
        const bool clamped = c.timeStepMin > 0.0 || std::isfinite(c.timeStepMax);
        if (!clamped) {
            softplusInPlace(delta + h0, w.dtBias.data + h0, scale ? scale + h0 : nullptr, h1 - h0);
        } else {
            softplusInPlace(delta + h0, w.dtBias.data + h0, nullptr, h1 - h0);
            const float low = float(c.timeStepMin), high = float(c.timeStepMax);
            for (int64_t k = h0; k < h1; ++k)
                delta[k] = std::min(std::max(delta[k], low), high) * (scale ? scale[k] : 1.0f);
        }
        const float *negA = scan.layers[size_t(l)].negA.data();
        const int64_t headsPerGroup = H / G;
        for (int64_t k = h0; k < h1; ++k) {
            const int64_t g = k / headsPerGroup;
            HeadStepArgs a;
            a.positions = P;
            a.stateSize = N;
            a.delta = delta[k];
            a.decay = std::exp(delta[k] * negA[k]);
            a.skip = w.d.data[k];
            a.x = xbc + k * P;
            a.b = xbc + E + g * N;
            a.c = xbc + E + G * N + g * N;
            a.state = st.ssm.data() + k * P * N;
            a.y = y + k * P;
            headScanStep(a);
        }
        siluInPlace(gate + c0, c1 - c0);
        if (!m_model.normBeforeGate()) {
#pragma omp simd
            for (int64_t k = c0; k < c1; ++k)
                y[k] *= gate[k];
        }
        std::fill_n(sums, s.normGroups, 0.0f);
        for (int64_t k0 = c0; k0 < c1;) {
            const int64_t g = k0 / groupSize, k1 = std::min(c1, (g + 1) * groupSize);
            float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
            for (int64_t k = k0; k < k1; ++k)
                sum += y[k] * y[k];
            sums[g] = sum;
            k0 = k1;
        }
        return;
    }
    // The gated RMSNorm (Mamba2Block::gatedNorm) of this block's channels, each group's sum over
    // the blocks in block order; then this block's columns of out_proj.
    const float eps = float(m_model.gatedNormEps());
    for (int64_t k0 = c0; k0 < c1;) {
        const int64_t g = k0 / groupSize, k1 = std::min(c1, (g + 1) * groupSize);
        float sum = 0.0f;
        for (int64_t b = 0; b < m_weights.blocks(); ++b)
            sum += s.normPart[size_t(b * s.normStride() + g)];
        const float scale = 1.0f / std::sqrt(sum / float(groupSize) + eps);
        const float *weight = w.gateNorm.data;
#pragma omp simd
        for (int64_t k = k0; k < k1; ++k)
            y[k] = y[k] * scale * weight[k];
        if (m_model.normBeforeGate()) {
#pragma omp simd
            for (int64_t k = k0; k < k1; ++k)
                y[k] *= gate[k];
        }
        k0 = k1;
    }
    if (m_weights.packed())
        m_weights.outProj(l).columnsTimes(c0, c1, y, s.outPart.data() + block * s.outStride());
}

void TokenStep::residual(int l, int slot, bool wantLogits)
{
    // h += out_proj · y (+ bias), then the next norm: this thread's copy. Packed weights: out_proj
    // · y is Σ_g (Σ_{b in group g} block b's columns of out_proj), each sum in order; a group that
    // one thread's run held whole is summed already (outGroupSum), the others are summed here
    // from their blocks' parts, by the same call that ranDone makes. Not packed: made whole, by
    // row blocks (outRows).
    Shared &s = *d;
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    float *h = s.hiddenOf(slot);
    if (!m_weights.packed()) {
        addInto(s.outRows.data(), h, 0, s.D);
    } else {
        const int blocks = int(m_weights.blocks());
        const float *parts = s.outPart.data();
        for (int64_t g0 = 0; g0 < blocks; g0 += kOutGroupBlocks) {
            const int64_t g1 = std::min<int64_t>(g0 + kOutGroupBlocks, blocks);
            const float *sum = s.outGroupSum.data() + g0 / kOutGroupBlocks * s.outStride();
            if (!s.work->oneRun(int(g0), int(g1), blocks)) {
                float *split = s.splitGroupSum.data() + slot * s.outStride();
                sumInOrder(parts + g0 * s.outStride(), parts, s.outStride(), g0 + 1, g1, s.D,
                           split);
                sum = split;
            }
            addInto(sum, h, 0, s.D);
        }
    }
    addInto(w.outProjBias.data, h, 0, s.D);
    const int L = int(m_model.layers().size());
    if (l + 1 < L)
        rmsNormVector(h, m_model.layers()[size_t(l + 1)].norm.data, m_model.config().normEps, s.D,
                      s.normedOf(slot));
    else if (wantLogits)
        rmsNormVector(h, m_model.finalNorm().data, m_model.config().normEps, s.D, s.normedOf(slot));
}

void TokenStep::head(int block, int slot, float *logits, bool summarize)
{
    Shared &s = *d;
    const int64_t v0 = block * StepWeights::kHeadRows,
                  v1 = std::min(s.V, v0 + StepWeights::kHeadRows);
    m_weights.head().rowsTimes(v0, v1, s.normedOf(slot), logits + v0);
    if (summarize)
        s.headSummary[size_t(block)] = summarizeLogits(logits + v0, v1 - v0, int32_t(v0));
}

}  // namespace mscope
