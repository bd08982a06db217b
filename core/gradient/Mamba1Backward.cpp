// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/Mamba1Backward.h"

#include "gradient/BackwardKernels.h"
#include "kernels/BlockKernels.h"
#include "kernels/FastExp.h"
#include "kernels/KernelIsa.h"
#include "model/MambaModel.h"
#include "support/Error.h"

#include <omp.h>
#include <algorithm>
#include <cmath>

namespace mscope {

using namespace backwardkernels;

namespace {

// The scan backward runs blocks of up to kLanes channels, one vector lane per channel.
constexpr int kLanes = 16;
// Its per-block arrays hold at most this many states per channel.
constexpr int64_t kMaxStates = 64;

}  // namespace

Mamba1Backward::Mamba1Backward(const MambaModel &model) : LayerBackward(model)
{
    const ModelConfig &c = model.config();
    m_d = c.dModel;
    m_e = c.dInner;
    m_n = c.dState;
    m_r = c.dtRank;
    m_k = c.convKernel;
    if (m_n > kMaxStates)
        throw Error(Error::Kind::Model, {},
                    QStringLiteral("the gradient supports Mamba-1 models with up to %1 states "
                                   "per channel, this model has %2")
                        .arg(kMaxStates)
                        .arg(m_n));
    m_layers.resize(model.layers().size());
}

void Mamba1Backward::beginChunk(int64_t T)
{
    m_tokens = T;
    m_threads = std::max(1, omp_get_max_threads());
    m_gGated.resize(m_e, T);
    m_gXz.resize(2 * m_e, T);
    m_gXc.resize(m_e, T);
    m_gDelta.resize(m_e, T);
    m_v.resize(m_e, T);
    m_gXdbl.resize(m_r + 2 * m_n, T);
    m_gU.resize(m_d, T);
    m_convScratch.resize(m_e, T);
    m_threadStates.resize(size_t(m_threads) * size_t(((T + 1) * m_n + T * m_n + T) * kLanes));
    m_threadBc.resize(size_t(m_threads) * size_t(T * 2 * m_n * kLanes));
}

std::array<int64_t, 5> Mamba1Backward::recordedRows() const
{
    return {m_d, 2 * m_e, m_e, m_r + 2 * m_n, m_e};
}

void Mamba1Backward::beginRecording(int64_t T)
{
    for (Recording &r : m_layers)
        resizeRecorded(Recording::matrices(r), recordedRows(), T);
}

void Mamba1Backward::record(const LayerActivations &a)
{
    Recording &r = m_layers[size_t(a.layer)];
    copyColumns(r.input, a.input, m_d, a.first, a.end);
    copyColumns(r.xz, a.projection, a.projectionRows, a.first, a.end);
    copyColumns(r.xc, a.convOutput, a.convRows, a.first, a.end);
    copyColumns(r.xdbl, a.scanInputs, a.scanInputRows, a.first, a.end);
    copyColumns(r.delta, a.delta, a.deltaRows, a.first, a.end);
}

int64_t Mamba1Backward::floats(const Recording &r)
{
    return recordedFloats(Recording::matrices(r));
}

int64_t Mamba1Backward::recordedFloatsPerToken() const
{
    return int64_t(m_layers.size()) * rowsSum(recordedRows());
}

int64_t Mamba1Backward::bytes() const
{
    int64_t floats = m_kept.floats(&Mamba1Backward::floats);
    for (const Recording &r : m_layers)
        floats += Mamba1Backward::floats(r);
    floats += m_gGated.size() + m_v.size() + m_gXz.size() + m_gXc.size() + m_gDelta.size() +
              m_gXdbl.size() + m_gU.size() + m_rawXdbl.size() + m_convScratch.size() +
              int64_t(m_threadStates.size()) + int64_t(m_threadBc.size());
    return floats * int64_t(sizeof(float));
}

void Mamba1Backward::backward(int l, const RecurrentState::Layer &start,
                              const ScanParameters::Layer &scan, Eigen::MatrixXf &gHidden,
                              RecurrentState::Layer &carry, LayerSensitivity &out,
                              bool inputGradient)
{
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, D = m_d, E = m_e, N = m_n, R = m_r, rows = R + 2 * N;

    // 7. h += W_out · (y ⊙ silu(z)): dJ/d(gated y) = W_outᵀ · dJ/dh.
    gemmTransposedWeight(E, T, D, w.outProj.data, gHidden.data(), D, m_gGated.data(), E, 0.0f);

    // 6. The gate and the scan, per channel: fills dJ/dz, dJ/dx'' (scan part), dJ/dΔ, dJ/dB,
    // dJ/dC, dJ/dA and the carried dJ/ds.
    scanBackward(l, start, scan, carry, out);

    // 5. Δ = softplus(v)·s with v = W_dt · dt_raw + b: dJ/dv = dJ/dΔ · s · σ(v), with v
    // computed again from the recorded dt_raw; dJ/d log s = Σ_t dJ/dΔ · Δ.
    blockkernels::gemm(E, T, R, w.dtProjWeight.data, rec.xdbl.data(), rows, m_v.data(), E);
    const float *scale = scan.deltaScale.empty() ? nullptr : scan.deltaScale.data();
    const float *bias = w.dtProjBias.data;
    std::vector<double> &logScale = out.logDeltaScale;
#pragma omp parallel num_threads(m_threads)
    {
        // Plain variables, not a structured binding: Clang refuses those inside `omp simd`.
        const auto range = blockkernels::share(E, omp_get_thread_num(), omp_get_num_threads());
        const int64_t e0 = range.first, e1 = range.second;
        // Each channel's sum over t in order, a token's column at a time (contiguous).
        std::vector<double> sums(size_t(std::max<int64_t>(0, e1 - e0)), 0.0);
        double *sum = sums.data();
        for (int64_t t = 0; t < T; ++t) {
            const float *g = m_gDelta.data() + t * E, *dl = rec.delta.data() + t * E;
#pragma omp simd
            for (int64_t e = e0; e < e1; ++e)
                sum[e - e0] += double(g[e]) * double(dl[e]);
        }
        for (int64_t e = e0; e < e1; ++e)
            logScale[size_t(e)] += sum[e - e0];
#pragma omp barrier
#pragma omp for schedule(static)
        for (int64_t t = 0; t < T; ++t) {
            float *g = m_gDelta.data() + t * E;
            const float *v = m_v.data() + t * E;
            // The scale's test outside the loop (see this library's CMakeLists.txt).
            if (scale) {
#pragma omp simd
                for (int64_t e = 0; e < E; ++e)
                    g[e] = g[e] * scale[e] / (1.0f + fastExp(-(v[e] + bias[e])));
            } else {
#pragma omp simd
                for (int64_t e = 0; e < E; ++e)
                    g[e] = g[e] / (1.0f + fastExp(-(v[e] + bias[e])));
            }
        }
    }

    // 4. [dt_raw | B | C] = W_x · x'': dJ/d dt_raw = W_dtᵀ · dJ/dv (the B and C rows came from
    // the scan), then dJ/dx'' += W_xᵀ · dJ/d[dt_raw | B | C].
    gemmTransposedWeight(R, T, E, w.dtProjWeight.data, m_gDelta.data(), E, m_gXdbl.data(), rows,
                         0.0f);
    if (m_model.config().dtBcRms)
        mixerNormsBackward(l);
    gemmTransposedWeight(E, T, rows, w.xProj.data, m_gXdbl.data(), rows, m_gXc.data(), E, 1.0f);

    // 3. x'' = silu(conv(x)): dJ/dx into the x rows of dJ/d in_proj output; the carried conv
    // inputs' gradient moves to the chunk's start.
    convSiluBackward(rec.xz.data(), 2 * E, start.conv.data(), w.convWeight.data, w.convBias.data, E,
                     m_k, T, m_gXc.data(), m_gXz.data(), 2 * E, carry.conv.data(),
                     m_convScratch.data());
    if (!inputGradient)
        return;

    // 2. [x | z] = W_in · u; 1. u = RMSNorm(h) · w, and the residual: h_out = h + ….
    gemmTransposedWeight(D, T, 2 * E, w.inProj.data, m_gXz.data(), 2 * E, m_gU.data(), D, 0.0f);
    rmsNormBackward(rec.input.data(), w.norm.data, m_model.config().normEps, m_gU.data(),
                    gHidden.data(), D, T);
}

void Mamba1Backward::mixerNormsBackward(int l)
{
    // Falcon-Mamba normalizes dt_raw, B and C (each over its own length, no weight) right after
    // x_proj, and the engine keeps only the normalized values: the raw ones are x_proj · x''
    // again. For v ↦ v·r, r = 1/sqrt(mean(v²) + eps): dJ/dv = r·g − v·r³·(Σ g·v)/m.
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, E = m_e, N = m_n, R = m_r, rows = R + 2 * N;
    const double eps = m_model.config().mixerRmsEps;
    m_rawXdbl.resize(rows, T);
    blockkernels::gemm(rows, T, E, w.xProj.data, rec.xc.data(), E, m_rawXdbl.data(), rows);
#pragma omp parallel for schedule(static) num_threads(m_threads)
    for (int64_t t = 0; t < T; ++t) {
        for (const auto &[begin, length] :
             {std::pair{int64_t(0), R}, std::pair{R, N}, std::pair{R + N, N}}) {
            const float *v = m_rawXdbl.data() + t * rows + begin;
            float *g = m_gXdbl.data() + t * rows + begin;
            double sum = 0.0, dot = 0.0;
            for (int64_t i = 0; i < length; ++i) {
                sum += double(v[i]) * double(v[i]);
                dot += double(g[i]) * double(v[i]);
            }
            const double r = double(float(1.0 / std::sqrt(sum / double(length) + eps)));
            const double b = r * r * r * dot / double(length);
            for (int64_t i = 0; i < length; ++i)
                g[i] = float(r * double(g[i]) - b * double(v[i]));
        }
    }
}

namespace {

// One block of W channels of the scan backward (see Mamba1Backward::scanBackward), vectorized
// over the channels as the forward kernel is: per state n a vector of W channels.
struct ScanBlockArgs
{
    int64_t T = 0, E = 0, N = 0, R = 0, rows = 0;
    const float *delta = nullptr;  // [T, E]
    const float *x = nullptr;      // [T, E] x''
    const float *z = nullptr;      // z_t at z + t * zStride
    int64_t zStride = 0;
    const float *xdbl = nullptr;    // [T, rows]: B at R, C at R + N
    const float *negA = nullptr;    // [E, N]
    const float *dSkip = nullptr;   // [E]
    const float *start = nullptr;   // [E, N]
    const float *gGated = nullptr;  // [T, E]
    float *carry = nullptr;         // [E, N] in: dJ/ds after the chunk, out: dJ/ds before
    float *gz = nullptr;            // z rows of dJ/d in_proj output, same stride as z
    float *gx = nullptr;            // [T, E]
    float *gDelta = nullptr;        // [T, E]
    float *lanes = nullptr;         // [T, 2N, kLanes]: dJ/dB, dJ/dC per lane, accumulated
    float *states = nullptr;        // [T + 1, N, W]
    float *decays = nullptr;        // [T, N, W]
    float *ys = nullptr;            // [T, W]
    double *aLog = nullptr;         // [E, N] sensitivity, accumulated
};

template <int W>
[[gnu::always_inline]] inline void scanBackwardBlock(const ScanBlockArgs &a, int64_t e0)
{
    const int64_t T = a.T, E = a.E, N = a.N, R = a.R;
    float nA[kMaxStates][W];
    for (int64_t n = 0; n < N; ++n)
        for (int j = 0; j < W; ++j) {
            nA[n][j] = a.negA[(e0 + j) * N + n];
            a.states[n * W + j] = a.start[(e0 + j) * N + n];
        }
    float skip[W];
    for (int j = 0; j < W; ++j)
        skip[j] = a.dSkip[e0 + j];
    // Forward: the states and decays of every token, and y.
    for (int64_t t = 0; t < T; ++t) {
        const float *dt = a.delta + t * E + e0, *x = a.x + t * E + e0;
        const float *B = a.xdbl + t * a.rows + R, *C = B + N;
        const float *prev = a.states + t * N * W;
        float *st = a.states + (t + 1) * N * W, *dk = a.decays + t * N * W;
        float y[W], dx[W];
        for (int j = 0; j < W; ++j) {
            y[j] = skip[j] * x[j];
            dx[j] = dt[j] * x[j];
        }
        for (int64_t n = 0; n < N; ++n) {
            const float b = B[n], c = C[n];
#pragma omp simd
            for (int j = 0; j < W; ++j) {
                const float d = fastExp(dt[j] * nA[n][j]);
                const float v = d * prev[n * W + j] + dx[j] * b;
                dk[n * W + j] = d;
                st[n * W + j] = v;
                y[j] += c * v;
            }
        }
        for (int j = 0; j < W; ++j)
            a.ys[t * W + j] = y[j];
    }
    // Backward.
    float gs[kMaxStates][W], ga[kMaxStates][W];
    for (int64_t n = 0; n < N; ++n)
        for (int j = 0; j < W; ++j) {
            gs[n][j] = a.carry[(e0 + j) * N + n];
            ga[n][j] = 0.0f;
        }
    for (int64_t t = T - 1; t >= 0; --t) {
        const float *dt = a.delta + t * E + e0, *x = a.x + t * E + e0;
        const float *z = a.z + t * a.zStride + e0, *gGated = a.gGated + t * E + e0;
        const float *B = a.xdbl + t * a.rows + R, *C = B + N;
        const float *prev = a.states + t * N * W, *st = prev + N * W;
        const float *dk = a.decays + t * N * W;
        float *gB = a.lanes + t * 2 * N * kLanes, *gC = gB + N * kLanes;
        float gy[W], gx[W] = {}, gdt[W] = {}, dx[W];
#pragma omp simd
        for (int j = 0; j < W; ++j) {
            const float sig = 1.0f / (1.0f + fastExp(-z[j]));
            gy[j] = gGated[j] * z[j] * sig;
            a.gz[t * a.zStride + e0 + j] =
                gGated[j] * a.ys[t * W + j] * sig * (1.0f + z[j] * (1.0f - sig));
            dx[j] = dt[j] * x[j];
        }
        for (int64_t n = 0; n < N; ++n) {
            const float b = B[n], c = C[n];
#pragma omp simd
            for (int j = 0; j < W; ++j) {
                const float g = gs[n][j] + c * gy[j];
                const float d = dk[n * W + j], sp = prev[n * W + j];
                gC[n * kLanes + j] += st[n * W + j] * gy[j];
                gB[n * kLanes + j] += g * dx[j];
                gdt[j] += g * (nA[n][j] * d * sp + b * x[j]);
                ga[n][j] += g * dt[j] * d * sp;
                gx[j] += g * b;
                gs[n][j] = g * d;
            }
        }
        for (int j = 0; j < W; ++j) {
            a.gx[t * E + e0 + j] = gx[j] * dt[j] + skip[j] * gy[j];
            a.gDelta[t * E + e0 + j] = gdt[j];
        }
    }
    for (int64_t n = 0; n < N; ++n)
        for (int j = 0; j < W; ++j) {
            a.carry[(e0 + j) * N + n] = gs[n][j];
            // dJ/dA_log' = dJ/dA · A (A = −exp(A_log')).
            a.aLog[(e0 + j) * N + n] += double(ga[n][j]) * double(nA[n][j]);
        }
}

__attribute__((target("avx512f"))) void scanBackwardAvx512(const ScanBlockArgs &a, int64_t e0,
                                                           int64_t e1)
{
    int64_t e = e0;
    for (; e + 16 <= e1; e += 16)
        scanBackwardBlock<16>(a, e);
    for (; e + 8 <= e1; e += 8)
        scanBackwardBlock<8>(a, e);
    for (; e < e1; ++e)
        scanBackwardBlock<1>(a, e);
}

void scanBackwardDefault(const ScanBlockArgs &a, int64_t e0, int64_t e1)
{
    int64_t e = e0;
    for (; e + 16 <= e1; e += 16)
        scanBackwardBlock<16>(a, e);
    for (; e + 8 <= e1; e += 8)
        scanBackwardBlock<8>(a, e);
    for (; e < e1; ++e)
        scanBackwardBlock<1>(a, e);
}

}  // namespace

void Mamba1Backward::scanBackward(int l, const RecurrentState::Layer &start,
                                  const ScanParameters::Layer &scan, RecurrentState::Layer &carry,
                                  LayerSensitivity &out)
{
    // Per channel e, states n (method.md §1 step 6-7), forward:
    //   d_t = exp(Δ_t·A_n), s_t = d_t·s_{t-1} + Δ_t·B_t·x_t, y_t = Σ_n C_t·s_t + D·x_t,
    //   out_t = y_t·silu(z_t);
    // backward, t from last to first, with g_s = dJ/ds_t (the carried gradient at the end):
    //   g_s += C_t·g_y;  dJ/dC_t += s_t·g_y;  dJ/dΔ_t += Σ_n g_s·(A·d_t·s_{t-1} + B_t·x_t);
    //   dJ/dA += g_s·Δ_t·d_t·s_{t-1};  dJ/dB_t += g_s·Δ_t·x_t;  dJ/dx_t += Σ_n g_s·Δ_t·B_t + D·g_y;
    //   g_s ← g_s·d_t.
    // The states are recomputed from the chunk's starting state (the engine keeps none), in
    // blocks of 16 channels per thread, vectorized over the channels as the forward scan is.
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, E = m_e, N = m_n, R = m_r, rows = R + 2 * N;
    const size_t perThread = size_t((T + 1) * N * kLanes + T * N * kLanes + T * kLanes);
    const size_t lanesPerThread = size_t(T * 2 * N * kLanes);
    const bool avx512 = selectedIsa() == Isa::Avx512;
    ScanBlockArgs base;
    base.T = T;
    base.E = E;
    base.N = N;
    base.R = R;
    base.rows = rows;
    base.delta = rec.delta.data();
    base.x = rec.xc.data();
    base.z = rec.xz.data() + E;
    base.zStride = 2 * E;
    base.xdbl = rec.xdbl.data();
    base.negA = scan.negA.data();
    base.dSkip = m_model.layers()[size_t(l)].d.data;
    base.start = start.ssm.data();
    base.gGated = m_gGated.data();
    base.carry = carry.ssm.data();
    base.gz = m_gXz.data() + E;
    base.gx = m_gXc.data();
    base.gDelta = m_gDelta.data();
    base.aLog = out.aLog.data();
    int used = 1;
#pragma omp parallel num_threads(m_threads)
    {
        const int i = omp_get_thread_num(), n = omp_get_num_threads();
#pragma omp single
        used = n;
        const auto [e0, e1] = blockkernels::share(E, i, n, kLanes);
        ScanBlockArgs a = base;
        a.states = m_threadStates.data() + size_t(i) * perThread;
        a.decays = a.states + (T + 1) * N * kLanes;
        a.ys = a.decays + T * N * kLanes;
        a.lanes = m_threadBc.data() + size_t(i) * lanesPerThread;
        std::fill(a.lanes, a.lanes + lanesPerThread, 0.0f);
        if (avx512)
            scanBackwardAvx512(a, e0, e1);
        else
            scanBackwardDefault(a, e0, e1);
    }
    // dJ/dB, dJ/dC summed over lanes and threads, in a fixed order (deterministic for a
    // thread count).
#pragma omp parallel for schedule(static) num_threads(m_threads)
    for (int64_t t = 0; t < T; ++t) {
        float *g = m_gXdbl.data() + t * rows + R;
        for (int64_t k = 0; k < 2 * N; ++k) {
            float sum = 0.0f;
            for (int i = 0; i < used; ++i) {
                const float *lane =
                    m_threadBc.data() + size_t(i) * lanesPerThread + (t * 2 * N + k) * kLanes;
                for (int j = 0; j < kLanes; ++j)
                    sum += lane[j];
            }
            g[k] = sum;
        }
    }
}

}  // namespace mscope
