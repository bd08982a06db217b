// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/Mamba2Block.h"

#include "kernels/BlockKernels.h"
#include "kernels/ElementwiseKernels.h"
#include "kernels/FastExp.h"
#include "kernels/KernelIsa.h"
#include "kernels/SelectiveScan.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"

#include <cblas.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace mscope {

using namespace blockkernels;

namespace {

// One head of the scan over a chunk, method.md §2:
//   s_t[p,n] = exp(Δ_t·A)·s_{t-1}[p,n] + Δ_t·B_t[n]·x_t[p],
//   y_t[p] = Σ_n C_t[n]·s_t[p,n] + D·x_t[p].
// The state is held transposed, [N, W] for each block of W positions, so that the vectors run
// over head positions p: then y needs no horizontal sums, and a block keeps its sums and Δ·x in
// registers.
struct HeadScan
{
    int64_t tokens = 0, positions = 0, stateSize = 0;
    const float *x = nullptr;  // x_t at x + t * stride (B_t at b + t * stride, C_t likewise)
    const float *b = nullptr;
    const float *c = nullptr;
    int64_t stride = 0;
    const float *delta = nullptr;  // Δ_t at delta + t * deltaStride
    int64_t deltaStride = 0;
    float *y = nullptr;  // y_t at y + t * yStride
    int64_t yStride = 0;
    float negA = 0.0f, skip = 0.0f;
    float *state = nullptr;  // per block of positions [N, width], carried in and out
};

// Positions [p0, p0 + W) over every token of the chunk. Positions evolve independently, so
// their [N, W] block of the state (contiguous, so that it maps onto every cache set) stays in L1
// for the whole chunk; two partial sums over n halve the dependency chains of y.
template <int W>
[[gnu::always_inline]] inline void scanPositions(const HeadScan &a, int64_t p0)
{
    const int64_t N = a.stateSize;
    float *block = a.state + p0 * N;
    for (int64_t t = 0; t < a.tokens; ++t) {
        const float *x = a.x + t * a.stride + p0;
        const float *B = a.b + t * a.stride;
        const float *C = a.c + t * a.stride;
        const float dt = a.delta[t * a.deltaStride];
        const float decay = std::exp(dt * a.negA);
        float dtx[W], even[W] = {}, odd[W] = {};
        for (int j = 0; j < W; ++j)
            dtx[j] = dt * x[j];
        int64_t n = 0;
        for (; n + 1 < N; n += 2) {
            float *s0 = block + n * W;
            float *s1 = s0 + W;
            const float b0 = B[n], c0 = C[n], b1 = B[n + 1], c1 = C[n + 1];
#pragma omp simd
            for (int j = 0; j < W; ++j) {
                const float v0 = s0[j] * decay + dtx[j] * b0;
                const float v1 = s1[j] * decay + dtx[j] * b1;
                s0[j] = v0;
                s1[j] = v1;
                even[j] += c0 * v0;
                odd[j] += c1 * v1;
            }
        }
        if (n < N) {
            float *s0 = block + n * W;
            const float b0 = B[n], c0 = C[n];
#pragma omp simd
            for (int j = 0; j < W; ++j) {
                const float v0 = s0[j] * decay + dtx[j] * b0;
                s0[j] = v0;
                even[j] += c0 * v0;
            }
        }
        float *y = a.y + t * a.yStride + p0;
        for (int j = 0; j < W; ++j)
            y[j] = (even[j] + odd[j]) + a.skip * x[j];
    }
}

// The width of the block of positions that starts at p0: blocks of 32, then 8, then 1.
int64_t blockWidth(int64_t positions, int64_t p0)
{
    const int64_t wide = positions / 32 * 32;
    if (p0 < wide)
        return 32;
    return p0 < wide + (positions - wide) / 8 * 8 ? 8 : 1;
}

[[gnu::always_inline]] inline void scanHeadBody(const HeadScan &a)
{
    for (int64_t p0 = 0; p0 < a.positions;) {
        const int64_t w = blockWidth(a.positions, p0);
        if (w == 32)
            scanPositions<32>(a, p0);
        else if (w == 8)
            scanPositions<8>(a, p0);
        else
            scanPositions<1>(a, p0);
        p0 += w;
    }
}

__attribute__((target("avx512f"))) void scanHeadAvx512(const HeadScan &a)
{
    scanHeadBody(a);
}

void scanHeadDefault(const HeadScan &a)
{
    scanHeadBody(a);
}

// The SSD form's block length Q: at most this, at most the model's chunk_size. Measured on a
// mamba2-130m-shaped model (P = 64, N = 128, AVX-512, OpenBLAS small-matrix kernels), chunks of
// 512 tokens, scan time per token and layer: Q = 16: 5.2-5.6 µs, 24: 5.4-5.9, 32: 6.0-6.7,
// 48: 8.0-8.7, 64: 11.9-14.7, 128: 29-39 (its products leave the small-matrix kernels), against
// 8.5-11.8 µs for the recurrent form.
constexpr int64_t kSsdMaxBlock = 16;
// Automatic: chunks of at least this many tokens take the SSD form, shorter ones (and decoding)
// the recurrent form. Measured as above: chunks of 32 tokens 12.3-12.9 µs (SSD) against
// 9.4-10.7 (recurrent), chunks of 64 8.1-9.4 against 10.1-10.6.
constexpr int64_t kSsdMinTokens = 64;

}  // namespace

namespace {

Mamba2Block::ScanForm formFromEnvironment()
{
    const char *v = std::getenv("MAMBASCOPE_MAMBA2_SCAN");
    const std::string_view s(v ? v : "");
    if (s == "recurrent")
        return Mamba2Block::ScanForm::Recurrent;
    if (s == "ssd")
        return Mamba2Block::ScanForm::Ssd;
    return Mamba2Block::ScanForm::Automatic;
}

std::atomic<Mamba2Block::ScanForm> &forcedForm()
{
    static std::atomic<Mamba2Block::ScanForm> form{formFromEnvironment()};
    return form;
}

}  // namespace

Mamba2Block::ScanForm Mamba2Block::forcedScanForm()
{
    return forcedForm().load(std::memory_order_relaxed);
}

void Mamba2Block::forceScanForm(ScanForm form)
{
    forcedForm().store(form, std::memory_order_relaxed);
}

Mamba2Block::ScanForm Mamba2Block::scanFormFor(ScanForm requested, int64_t tokens)
{
    if (requested != ScanForm::Automatic)
        return requested;
    return tokens >= kSsdMinTokens ? ScanForm::Ssd : ScanForm::Recurrent;
}

Mamba2Block::Mamba2Block(const MambaModel &model) : LayerBlock(model)
{
    const ModelConfig &c = model.config();
    m_d = c.dModel;
    m_e = c.dInner;
    m_n = c.dState;
    m_heads = c.nHeads;
    m_headDim = c.headDim;
    m_groups = c.nGroups;
    m_kernel = c.convKernel;
    m_convChannels = c.convChannels();
    m_projRows = m_e + m_convChannels + m_heads;
    m_ssdBlock = std::max<int64_t>(1, std::min<int64_t>(kSsdMaxBlock, c.chunkSize));
    m_conv.reserve(model.layers().size());
    for (const MambaLayerWeights &w : model.layers())
        m_conv.emplace_back(w.convWeight.data, w.convBias.data, m_convChannels, m_kernel);
}

void Mamba2Block::prepareChunk(int64_t T, int threads)
{
    m_u.resize(m_d, T);
    m_proj.resize(m_projRows, T);
    m_xbc.resize(m_convChannels, T);
    m_delta.resize(m_heads, T);
    m_y.resize(m_e, T);
    m_headState.resize(size_t(threads * m_n * m_headDim));
    m_ssd = scanFormFor(forcedScanForm(), T) == ScanForm::Ssd;
    if (m_ssd) {
        const int64_t Q = m_ssdBlock;
        m_ssdScratch.resize(size_t(threads * ssdScratchPerThread()));
        m_ssdState.resize(size_t(m_heads * m_headDim * m_n));
        m_ssdCum.resize(size_t(threads * Q));
    }
}

int64_t Mamba2Block::ssdScratchPerThread() const
{
    const int64_t Q = m_ssdBlock;
    return 2 * Q * Q + (m_headDim + m_n + 1) * Q;
}

void Mamba2Block::project(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1)
{
    normalize(l, hidden, t0, t1);
    inProj(l, t0, t1);
}

void Mamba2Block::prepareScan(int l, const RecurrentState::Layer &state, const ScanParameters &scan,
                              int64_t t0, int64_t t1)
{
    // Causal depthwise conv over [carried K-1 inputs | this chunk's x B C], then silu; Δ.
    m_conv[size_t(l)].convSilu(convInput(), state.conv.data(), m_xbc.data(), m_convChannels, t0, t1,
                               0, m_convChannels);
    timeSteps(l, scan, t0, t1);
}

void Mamba2Block::advanceConvState(RecurrentState::Layer &state, int64_t tokens)
{
    m_conv.front().advanceState(state.conv.data(), convInput(), tokens);
}

LayerActivations Mamba2Block::activations(int l, const Eigen::MatrixXf &hidden, int64_t first,
                                          int64_t end) const
{
    LayerActivations a;
    a.layer = l;
    a.first = first;
    a.end = end;
    a.tokens = m_xbc.cols();
    a.input = hidden.data();
    a.projection = m_proj.data();
    a.projectionRows = m_proj.rows();
    a.convOutput = m_xbc.data();
    a.convRows = m_xbc.rows();
    a.delta = m_delta.data();
    a.deltaRows = m_delta.rows();
    return a;
}

void Mamba2Block::scan(int l, RecurrentState::Layer &state, const ScanParameters &scan, int64_t h0,
                       int64_t h1, int thread)
{
    if (m_ssd)
        scanHeadsSsd(l, state, scan, h0, h1,
                     m_ssdScratch.data() + size_t(thread) * size_t(ssdScratchPerThread()),
                     m_ssdCum.data() + size_t(thread) * size_t(m_ssdBlock));
    else
        scanHeads(l, state, scan, h0, h1,
                  m_headState.data() + size_t(thread) * size_t(m_n * m_headDim));
}

void Mamba2Block::projectOut(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1)
{
    gatedNorm(l, t0, t1);
    outProj(l, hidden, t0, t1);
}

void Mamba2Block::normalize(int l, const Eigen::MatrixXf &hidden, int64_t t0, int64_t t1)
{
    // u = RMSNorm(h) · norm.weight.
    rmsNorm(hidden, m_model.layers()[size_t(l)].norm.data, m_model.config().normEps, m_u, t0, t1);
}

void Mamba2Block::inProj(int l, int64_t t0, int64_t t1)
{
    // z | x B C | dt = W_in · u (+ bias), tokens [t0, t1).
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    gemm(m_projRows, t1 - t0, m_d, w.inProj.data, m_u.data() + t0 * m_d, m_d,
         m_proj.data() + t0 * m_projRows, m_projRows);
    if (const float *bias = w.inProjBias.data) {
        for (int64_t t = t0; t < t1; ++t) {
            float *col = m_proj.data() + t * m_projRows;
#pragma omp simd
            for (int64_t r = 0; r < m_projRows; ++r)
                col[r] += bias[r];
        }
    }
}

void Mamba2Block::timeSteps(int l, const ScanParameters &scan, int64_t t0, int64_t t1)
{
    // Δ = softplus(dt + dt_bias) per head, clamped to time_step_limit, times the modulation's
    // scale (which multiplies the Δ the model itself would use, as in Mamba-1).
    const ModelConfig &c = m_model.config();
    const float *dtBias = m_model.layers()[size_t(l)].dtBias.data;
    const std::vector<float> &scaleVector = scan.layers[size_t(l)].deltaScale;
    const float *scale = scaleVector.empty() ? nullptr : scaleVector.data();
    const bool clamped = c.timeStepMin > 0.0 || std::isfinite(c.timeStepMax);
    const float low = float(c.timeStepMin), high = float(c.timeStepMax);
    const int64_t H = m_heads;
    for (int64_t t = t0; t < t1; ++t) {
        const float *dt = m_proj.data() + t * m_projRows + m_e + m_convChannels;
        float *delta = m_delta.data() + t * H;
        std::copy(dt, dt + H, delta);
        if (!clamped) {
            softplusInPlace(delta, dtBias, scale, H);
            continue;
        }
        softplusInPlace(delta, dtBias, nullptr, H);
        for (int64_t h = 0; h < H; ++h)
            delta[h] = std::min(std::max(delta[h], low), high) * (scale ? scale[h] : 1.0f);
    }
}

void Mamba2Block::scanHeads(int l, RecurrentState::Layer &state, const ScanParameters &scan,
                            int64_t h0, int64_t h1, float *headState)
{
    // Heads [h0, h1) over the whole chunk, one at a time: a head's state ([P, N] in the
    // RecurrentState, as transformers keeps it) is transposed into `headState` (per block of
    // positions [N, width], see scanPositions) and back.
    const bool avx512 = selectedIsa() == Isa::Avx512;
    const int64_t N = m_n, P = m_headDim, headsPerGroup = m_heads / m_groups;
    const float *negA = scan.layers[size_t(l)].negA.data();
    const float *dSkip = m_model.layers()[size_t(l)].d.data;
    for (int64_t h = h0; h < h1; ++h) {
        const int64_t g = h / headsPerGroup;
        float *s = state.ssm.data() + h * P * N;
        for (int64_t p0 = 0, w = 0; p0 < P; p0 += w) {
            w = blockWidth(P, p0);
            for (int64_t n = 0; n < N; ++n)
                for (int64_t j = 0; j < w; ++j)
                    headState[p0 * N + n * w + j] = s[(p0 + j) * N + n];
        }
        HeadScan a;
        a.tokens = m_xbc.cols();
        a.positions = P;
        a.stateSize = N;
        a.x = m_xbc.data() + h * P;
        a.b = m_xbc.data() + m_e + g * N;
        a.c = m_xbc.data() + m_e + m_groups * N + g * N;
        a.stride = m_convChannels;
        a.delta = m_delta.data() + h;
        a.deltaStride = m_heads;
        a.y = m_y.data() + h * P;
        a.yStride = m_e;
        a.negA = negA[h];
        a.skip = dSkip[h];
        a.state = headState;
        if (avx512)
            scanHeadAvx512(a);
        else
            scanHeadDefault(a);
        for (int64_t p0 = 0, w = 0; p0 < P; p0 += w) {
            w = blockWidth(P, p0);
            for (int64_t n = 0; n < N; ++n)
                for (int64_t j = 0; j < w; ++j)
                    s[(p0 + j) * N + n] = headState[p0 * N + n * w + j];
        }
    }
}

void Mamba2Block::scanHeadsSsd(int l, RecurrentState::Layer &state, const ScanParameters &scan,
                               int64_t h0, int64_t h1, float *scratch, double *cum)
{
    // Heads [h0, h1) over the whole chunk in the chunked (state-space-duality) form: the tokens in
    // blocks of Q, and for a block [t0, t0 + q) of one head, with a_k = Δ_k·A and the cumulative
    // sums cum_i = a_t0 + … + a_i (≤ 0, decreasing):
    //   L[i,j] = exp(cum_i - cum_j) for j ≤ i, else 0   (the decay from token j to token i)
    //   y_i = exp(cum_i)·(S_prev · C_i) + Σ_j (C_i·B_j)·L[i,j]·Δ_j·x_j + D·x_i
    //   S_next = exp(cum_last)·S_prev + Σ_j exp(cum_last - cum_j)·Δ_j·x_j ⊗ B_j,
    // which unrolls the recurrence exactly (method.md §2). The sums are in double and only their
    // differences (never positive) are exponentiated. C·Bᵀ is shared by the heads of a group.
    // Every product is a plain (untransposed) sgemm, the form OpenBLAS's small-matrix kernels
    // run fastest: the state is held as [N, P] (column-major [P, N]) in m_ssdState for the chunk,
    // each block's B transposed into scratch, and the masked matrix built transposed.
    const int64_t N = m_n, P = m_headDim, H = m_heads, G = m_groups, headsPerGroup = H / G;
    const int64_t T = m_xbc.cols(), Q = m_ssdBlock, ld = m_convChannels;
    const float *negA = scan.layers[size_t(l)].negA.data();
    const float *dSkip = m_model.layers()[size_t(l)].d.data;
    float *bc = scratch;     // [q, q] B·Cᵀ of the current group: bc[j, i] = B_j·C_i
    float *wt = bc + Q * Q;  // [q, q] ((C·Bᵀ) ∘ L · diag(Δ))ᵀ
    float *xs = wt + Q * Q;  // [P, q] x_j·Δ_j·exp(cum_last - cum_j)
    float *bt = xs + P * Q;  // [q, N] the block's B of the current group, transposed
    float *dt = bt + Q * N;  // [q] Δ of the head
    for (int64_t h = h0; h < h1; ++h) {
        const float *s = state.ssm.data() + h * P * N;
        float *st = m_ssdState.data() + h * P * N;
        for (int64_t p = 0; p < P; ++p)
            for (int64_t n = 0; n < N; ++n)
                st[n * P + p] = s[p * N + n];
    }
    for (int64_t t0 = 0; t0 < T; t0 += Q) {
        const int64_t q = std::min(Q, T - t0);
        const float *block = m_xbc.data() + t0 * ld;
        int64_t group = -1;
        for (int64_t h = h0; h < h1; ++h) {
            const int64_t g = h / headsPerGroup;
            const float *x = block + h * P;
            const float *b = block + m_e + g * N;
            const float *c = block + m_e + G * N + g * N;
            const float *delta = m_delta.data() + t0 * H + h;
            float *st = m_ssdState.data() + h * P * N;
            float *y = m_y.data() + t0 * m_e + h * P;
            if (g != group) {
                for (int64_t j = 0; j < q; ++j)
                    for (int64_t n = 0; n < N; ++n)
                        bt[n * q + j] = b[j * ld + n];
                cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(q), blasint(q),
                            blasint(N), 1.0f, bt, blasint(q), c, blasint(ld), 0.0f, bc, blasint(q));
                group = g;
            }
            double acc = 0.0;
            for (int64_t i = 0; i < q; ++i) {
                acc += double(delta[i * H]) * double(negA[h]);
                cum[i] = acc;
            }
            // wt[j, i] = (C_i·B_j)·exp(cum_i - cum_j)·Δ_j for j ≤ i, 0 for j > i.
            for (int64_t j = 0; j < q; ++j)
                dt[j] = delta[j * H];
            for (int64_t i = 0; i < q; ++i) {
                const double ci = cum[i];
                float *wi = wt + i * q;
                const float *bci = bc + i * q;
#pragma omp simd
                for (int64_t j = 0; j <= i; ++j)
                    wi[j] = bci[j] * dt[j] * fastExp(float(ci - cum[j]));
                std::fill(wi + i + 1, wi + q, 0.0f);
            }
            // y = exp(cum_i)·(S_prev · C_i) + D·x_i, then += x · wt.
            cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(P), blasint(q),
                        blasint(N), 1.0f, st, blasint(P), c, blasint(ld), 0.0f, y, blasint(m_e));
            const float skip = dSkip[h];
            for (int64_t i = 0; i < q; ++i) {
                const float decay = fastExp(float(cum[i]));
                float *yi = y + i * m_e;
                const float *xi = x + i * ld;
#pragma omp simd
                for (int64_t p = 0; p < P; ++p)
                    yi[p] = yi[p] * decay + skip * xi[p];
            }
            cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(P), blasint(q),
                        blasint(q), 1.0f, x, blasint(ld), wt, blasint(q), 1.0f, y, blasint(m_e));
            // S_next = exp(cum_last)·S_prev + xs · Bᵀ ([P, N] column-major).
            const double last = cum[q - 1];
            for (int64_t j = 0; j < q; ++j) {
                const float f = dt[j] * fastExp(float(last - cum[j]));
                const float *xj = x + j * ld;
                float *xsj = xs + j * P;
#pragma omp simd
                for (int64_t p = 0; p < P; ++p)
                    xsj[p] = f * xj[p];
            }
            cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(P), blasint(N),
                        blasint(q), 1.0f, xs, blasint(P), bt, blasint(q), fastExp(float(last)), st,
                        blasint(P));
        }
    }
    for (int64_t h = h0; h < h1; ++h) {
        float *s = state.ssm.data() + h * P * N;
        const float *st = m_ssdState.data() + h * P * N;
        for (int64_t p = 0; p < P; ++p)
            for (int64_t n = 0; n < N; ++n)
                s[p * N + n] = st[n * P + p];
    }
}

void Mamba2Block::gatedNorm(int l, int64_t t0, int64_t t1)
{
    // norm.weight · RMSNorm(y ⊙ silu(z)) per group of normGroupSize channels (or gated after the
    // norm, see MambaModel::normBeforeGate).
    const float *weight = m_model.layers()[size_t(l)].gateNorm.data;
    const int64_t groupSize = m_model.normGroupSize();
    const bool beforeGate = m_model.normBeforeGate();
    const float eps = float(m_model.gatedNormEps());
    for (int64_t t = t0; t < t1; ++t) {
        float *y = m_y.data() + t * m_e;
        // z is read only here: silu(z) replaces it in place (vectorized, as the conv's silu).
        float *gate = m_proj.data() + t * m_projRows;
        siluInPlace(gate, m_e);
        if (!beforeGate) {
#pragma omp simd
            for (int64_t i = 0; i < m_e; ++i)
                y[i] *= gate[i];
        }
        for (int64_t g0 = 0; g0 < m_e; g0 += groupSize) {
            float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
            for (int64_t i = g0; i < g0 + groupSize; ++i)
                sum += y[i] * y[i];
            const float scale = 1.0f / std::sqrt(sum / float(groupSize) + eps);
#pragma omp simd
            for (int64_t i = g0; i < g0 + groupSize; ++i)
                y[i] = y[i] * scale * weight[i];
        }
        if (beforeGate) {
#pragma omp simd
            for (int64_t i = 0; i < m_e; ++i)
                y[i] *= gate[i];
        }
    }
}

void Mamba2Block::outProj(int l, Eigen::MatrixXf &hidden, int64_t t0, int64_t t1)
{
    // out_proj straight into the residual stream: h += W_out · y (+ bias), tokens [t0, t1).
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    gemm(m_d, t1 - t0, m_e, w.outProj.data, m_y.data() + t0 * m_e, m_e, hidden.data() + t0 * m_d,
         m_d, 1.0f);
    if (const float *bias = w.outProjBias.data) {
        for (int64_t t = t0; t < t1; ++t)
            for (int64_t d = 0; d < m_d; ++d)
                hidden(d, t) += bias[d];
    }
}

}  // namespace mscope
