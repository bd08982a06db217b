// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/Mamba1Backward.h"

#include "gradient/BackwardKernels.h"
#include "kernels/BlockKernels.h"
#include "kernels/FastExp.h"
#include "model/MambaModel.h"

#include <omp.h>
#include <algorithm>
#include <cmath>

namespace mscope {

using namespace backwardkernels;

namespace {

void copyColumns(Eigen::MatrixXf &to, const float *from, int64_t rows, int64_t cols)
{
    to.resize(rows, cols);
    std::copy(from, from + rows * cols, to.data());
}

}  // namespace

Mamba1Backward::Mamba1Backward(const MambaModel &model) : LayerBackward(model)
{
    const ModelConfig &c = model.config();
    m_d = c.dModel;
    m_e = c.dInner;
    m_n = c.dState;
    m_r = c.dtRank;
    m_k = c.convKernel;
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
    m_gXdbl.resize(m_r + 2 * m_n, T);
    m_gU.resize(m_d, T);
    m_convScratch.resize(m_e, T);
    m_threadStates.resize(size_t(m_threads) * size_t((T + 1) * m_n + T * m_n + T));
    m_threadBc.resize(size_t(m_threads) * size_t(T * 2 * m_n));
}

void Mamba1Backward::record(const LayerActivations &a)
{
    Recording &r = m_layers[size_t(a.layer)];
    const int64_t T = a.tokens;
    copyColumns(r.input, a.input, m_d, T);
    copyColumns(r.xz, a.projection, a.projectionRows, T);
    copyColumns(r.xc, a.convOutput, a.convRows, T);
    copyColumns(r.xdbl, a.scanInputs, a.scanInputRows, T);
    copyColumns(r.delta, a.delta, a.deltaRows, T);
}

int64_t Mamba1Backward::bytes() const
{
    int64_t floats = 0;
    for (const Recording &r : m_layers)
        floats += r.input.size() + r.xz.size() + r.xc.size() + r.xdbl.size() + r.delta.size();
    floats += m_gGated.size() + m_gXz.size() + m_gXc.size() + m_gDelta.size() + m_gXdbl.size() +
              m_gU.size() + m_rawXdbl.size() + m_convScratch.size() +
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

    // 5. Δ = softplus(v)·s with v = W_dt · dt_raw + b: dJ/dv = dJ/dΔ · s · σ(v), and
    // σ(v) = 1 − exp(−softplus(v)) = 1 − exp(−Δ/s). dJ/d log s = Σ_t dJ/dΔ · Δ.
    const float *scale = scan.deltaScale.empty() ? nullptr : scan.deltaScale.data();
    std::vector<double> logScale(static_cast<size_t>(E), 0.0);
    for (int64_t t = 0; t < T; ++t) {
        const float *delta = rec.delta.data() + t * E;
        float *g = m_gDelta.data() + t * E;
        for (int64_t e = 0; e < E; ++e) {
            const float s = scale ? scale[e] : 1.0f;
            logScale[size_t(e)] += double(g[e]) * double(delta[e]);
            const double sp = double(delta[e]) / double(s);
            g[e] = float(double(g[e]) * double(s) * -std::expm1(-sp));
        }
    }
    for (int64_t e = 0; e < E; ++e)
        out.logDeltaScale[size_t(e)] += logScale[size_t(e)];

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
    // The states are recomputed from the chunk's starting state (the engine keeps none).
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, E = m_e, N = m_n, R = m_r, rows = R + 2 * N;
    const size_t perThread = size_t((T + 1) * N + T * N + T);
    const float *dSkip = w.d.data;
    int used = 1;
#pragma omp parallel num_threads(m_threads)
    {
        const int i = omp_get_thread_num(), n = omp_get_num_threads();
#pragma omp single
        used = n;
        const auto [e0, e1] = blockkernels::share(E, i, n);
        float *S = m_threadStates.data() + size_t(i) * perThread;  // [T + 1, N]
        float *decay = S + (T + 1) * N;                            // [T, N]
        float *ys = decay + T * N;                                 // [T]
        float *bc = m_threadBc.data() + size_t(i) * size_t(T * 2 * N);
        std::fill(bc, bc + T * 2 * N, 0.0f);
        std::vector<float> gNegA(static_cast<size_t>(N));
        for (int64_t e = e0; e < e1; ++e) {
            const float *negA = scan.negA.data() + e * N;
            const float dskip = dSkip[e];
            std::copy(start.ssm.data() + e * N, start.ssm.data() + (e + 1) * N, S);
            for (int64_t t = 0; t < T; ++t) {
                const float dt = rec.delta(e, t), x = rec.xc(e, t);
                const float *B = rec.xdbl.data() + t * rows + R;
                const float *C = B + N;
                const float *prev = S + t * N;
                float *st = S + (t + 1) * N;
                float *d = decay + t * N;
                float y = 0.0f;
#pragma omp simd reduction(+ : y)
                for (int64_t k = 0; k < N; ++k) {
                    d[k] = fastExp(dt * negA[k]);
                    st[k] = d[k] * prev[k] + dt * x * B[k];
                    y += C[k] * st[k];
                }
                ys[t] = y + dskip * x;
            }
            float *gs = carry.ssm.data() + e * N;
            std::fill(gNegA.begin(), gNegA.end(), 0.0f);
            float *ga = gNegA.data();
            for (int64_t t = T - 1; t >= 0; --t) {
                const float z = rec.xz(E + e, t);
                const float sig = 1.0f / (1.0f + std::exp(-z));
                const float gGated = m_gGated(e, t);
                const float gy = gGated * z * sig;
                m_gXz(E + e, t) = gGated * ys[t] * siluDerivative(z, sig);
                const float dt = rec.delta(e, t), x = rec.xc(e, t);
                const float *B = rec.xdbl.data() + t * rows + R;
                const float *C = B + N;
                const float *prev = S + t * N;
                const float *st = S + (t + 1) * N;
                const float *d = decay + t * N;
                float *gB = bc + t * 2 * N;
                float *gC = gB + N;
                float gx = 0.0f, gdt = 0.0f;
#pragma omp simd reduction(+ : gx, gdt)
                for (int64_t k = 0; k < N; ++k) {
                    const float g = gs[k] + C[k] * gy;
                    gC[k] += st[k] * gy;
                    gdt += g * (negA[k] * d[k] * prev[k] + B[k] * x);
                    ga[k] += g * dt * d[k] * prev[k];
                    gB[k] += g * dt * x;
                    gx += g * B[k];
                    gs[k] = g * d[k];
                }
                m_gXc(e, t) = gx * dt + dskip * gy;
                m_gDelta(e, t) = gdt;
            }
            // dJ/dA_log' = dJ/dA · dA/dA_log' = dJ/dA · A (A = −exp(A_log')).
            for (int64_t k = 0; k < N; ++k)
                out.aLog[size_t(e * N + k)] += double(ga[k]) * double(negA[k]);
        }
    }
    // dJ/dB, dJ/dC summed over the channels, in thread order (deterministic for a thread count).
    for (int64_t t = 0; t < T; ++t) {
        float *g = m_gXdbl.data() + t * rows + R;
        std::fill(g, g + 2 * N, 0.0f);
        for (int i = 0; i < used; ++i) {
            const float *part = m_threadBc.data() + size_t(i) * size_t(T * 2 * N) + t * 2 * N;
            for (int64_t k = 0; k < 2 * N; ++k)
                g[k] += part[k];
        }
    }
}

}  // namespace mscope
