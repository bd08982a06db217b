// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/Mamba2Backward.h"

#include "gradient/BackwardKernels.h"
#include "kernels/BlockKernels.h"
#include "kernels/ElementwiseKernels.h"
#include "model/MambaModel.h"

#include <omp.h>
#include <algorithm>
#include <cmath>

namespace mscope {

using namespace backwardkernels;

namespace {

// Per-thread scan scratch of one head over a chunk, [T + 1, P, N] floats: chunks are cut so that
// it stays below this (the driver asks maxChunkTokens).
constexpr int64_t kMaxHeadStateFloats = int64_t(1) << 22;

}  // namespace

Mamba2Backward::Mamba2Backward(const MambaModel &model) : LayerBackward(model)
{
    const ModelConfig &c = model.config();
    m_d = c.dModel;
    m_e = c.dInner;
    m_n = c.dState;
    m_heads = c.nHeads;
    m_headDim = c.headDim;
    m_groups = c.nGroups;
    m_k = c.convKernel;
    m_convChannels = c.convChannels();
    m_projRows = m_e + m_convChannels + m_heads;
    m_layers.resize(model.layers().size());
}

int64_t Mamba2Backward::maxChunkTokens() const
{
    return std::max<int64_t>(16, kMaxHeadStateFloats / (m_headDim * m_n) - 1);
}

void Mamba2Backward::beginChunk(int64_t T)
{
    m_tokens = T;
    m_threads = std::max(1, omp_get_max_threads());
    m_gOut.resize(m_e, T);
    m_y.resize(m_e, T);
    m_gY.resize(m_e, T);
    m_gProj.resize(m_projRows, T);
    m_gXbc.resize(m_convChannels, T);
    m_gDelta.resize(m_heads, T);
    m_gU.resize(m_d, T);
    m_convScratch.resize(m_convChannels, T);
    m_threadStates.resize(size_t(m_threads) * size_t((T + 1) * m_headDim * m_n));
    m_threadBc.resize(size_t(m_threads) * size_t(T * 2 * m_groups * m_n));
}

std::array<int64_t, 4> Mamba2Backward::recordedRows() const
{
    return {m_d, m_projRows, m_convChannels, m_heads};
}

void Mamba2Backward::beginRecording(int64_t T)
{
    for (Recording &r : m_layers)
        resizeRecorded(Recording::matrices(r), recordedRows(), T);
}

void Mamba2Backward::record(const LayerActivations &a)
{
    Recording &r = m_layers[size_t(a.layer)];
    copyColumns(r.input, a.input, m_d, a.first, a.end);
    copyColumns(r.proj, a.projection, a.projectionRows, a.first, a.end);
    copyColumns(r.xbc, a.convOutput, a.convRows, a.first, a.end);
    copyColumns(r.delta, a.delta, a.deltaRows, a.first, a.end);
}

int64_t Mamba2Backward::floats(const Recording &r)
{
    return recordedFloats(Recording::matrices(r));
}

int64_t Mamba2Backward::recordedFloatsPerToken() const
{
    return int64_t(m_layers.size()) * rowsSum(recordedRows());
}

int64_t Mamba2Backward::bytes() const
{
    int64_t floats = m_kept.floats(&Mamba2Backward::floats);
    for (const Recording &r : m_layers)
        floats += Mamba2Backward::floats(r);
    floats += m_gOut.size() + m_y.size() + m_gY.size() + m_gProj.size() + m_gXbc.size() +
              m_gDelta.size() + m_gU.size() + m_convScratch.size() +
              int64_t(m_threadStates.size()) + int64_t(m_threadBc.size());
    return floats * int64_t(sizeof(float));
}

void Mamba2Backward::backward(int l, const RecurrentState::Layer &start,
                              const ScanParameters::Layer &scan, Eigen::MatrixXf &gHidden,
                              RecurrentState::Layer &carry, LayerSensitivity &out,
                              bool inputGradient)
{
    const MambaLayerWeights &w = m_model.layers()[size_t(l)];
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, D = m_d, E = m_e;

    // out_proj: dJ/d(norm output) = W_outᵀ · dJ/dh.
    gemmTransposedWeight(E, T, D, w.outProj.data, gHidden.data(), D, m_gOut.data(), E, 0.0f);
    // The gated norm needs every head's y of a token: recompute y first, then dJ/dy and dJ/dz.
    scanOutputs(l, start, scan);
    gatedNormBackward(l);
    scanBackward(l, start, scan, carry, out);
    timeStepBackward(l, scan, out);
    // x | B | C = silu(conv(·)): into the x B C rows of dJ/d in_proj output.
    convSiluBackward(rec.proj.data() + E, m_projRows, start.conv.data(), w.convWeight.data,
                     w.convBias.data, m_convChannels, m_k, T, m_gXbc.data(), m_gProj.data() + E,
                     m_projRows, carry.conv.data(), m_convScratch.data());
    if (!inputGradient)
        return;
    gemmTransposedWeight(D, T, m_projRows, w.inProj.data, m_gProj.data(), m_projRows, m_gU.data(),
                         D, 0.0f);
    rmsNormBackward(rec.input.data(), w.norm.data, m_model.config().normEps, m_gU.data(),
                    gHidden.data(), D, T);
}

void Mamba2Backward::scanOutputs(int l, const RecurrentState::Layer &start,
                                 const ScanParameters::Layer &scan)
{
    // y_t[p] = Σ_n C_t[n]·s_t[p,n] + D·x_t[p], s_t = exp(Δ_t·A)·s_{t-1} + Δ_t·B_t ⊗ x_t: the
    // recurrent form (method.md §2), per head, from the chunk's starting state.
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, N = m_n, P = m_headDim, H = m_heads, G = m_groups;
    const int64_t ld = m_convChannels, perGroup = H / G;
    const float *dSkip = m_model.layers()[size_t(l)].d.data;
#pragma omp parallel num_threads(m_threads)
    {
        const int i = omp_get_thread_num(), n = omp_get_num_threads();
        const auto [h0, h1] = blockkernels::share(H, i, n);
        float *s = m_threadStates.data() + size_t(i) * size_t((T + 1) * P * N);
        for (int64_t h = h0; h < h1; ++h) {
            const int64_t g = h / perGroup;
            std::copy(start.ssm.data() + h * P * N, start.ssm.data() + (h + 1) * P * N, s);
            for (int64_t t = 0; t < T; ++t) {
                const float *col = rec.xbc.data() + t * ld;
                const float *x = col + h * P;
                const float *B = col + m_e + g * N;
                const float *C = col + m_e + G * N + g * N;
                const float dt = rec.delta(h, t);
                const float decay = std::exp(dt * scan.negA[size_t(h)]);
                float *y = m_y.data() + t * m_e + h * P;
                for (int64_t p = 0; p < P; ++p) {
                    float *sp = s + p * N;
                    const float dx = dt * x[p];
                    float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
                    for (int64_t k = 0; k < N; ++k) {
                        sp[k] = decay * sp[k] + dx * B[k];
                        acc += C[k] * sp[k];
                    }
                    y[p] = acc + dSkip[h] * x[p];
                }
            }
        }
    }
}

void Mamba2Backward::gatedNormBackward(int l)
{
    // After the gate (transformers): g = y ⊙ silu(z), out = w ⊙ g · r(g) per group;
    // before it (mamba_ssm's norm_before_gate): out = (w ⊙ y · r(y)) ⊙ silu(z);
    // r(v) = 1/sqrt(mean over the group of v² + eps). Fills dJ/dy and the z rows of dJ/dproj.
    const Recording &rec = m_layers[size_t(l)];
    const float *weight = m_model.layers()[size_t(l)].gateNorm.data;
    const int64_t E = m_e, T = m_tokens, groupSize = m_model.normGroupSize();
    const bool beforeGate = m_model.normBeforeGate();
    const float eps = float(m_model.gatedNormEps());
#pragma omp parallel for schedule(static) num_threads(m_threads)
    for (int64_t t = 0; t < T; ++t) {
        const float *y = m_y.data() + t * E;
        const float *z = rec.proj.data() + t * m_projRows;
        const float *gOut = m_gOut.data() + t * E;
        float *gy = m_gY.data() + t * E;
        float *gz = m_gProj.data() + t * m_projRows;
        for (int64_t g0 = 0; g0 < E; g0 += groupSize) {
            const int64_t g1 = g0 + groupSize;
            // v: what the norm normalizes (g after the gate, y before it), in float as the
            // forward computes r.
            float sum = 0.0f;
            for (int64_t i = g0; i < g1; ++i) {
                const float sig = 1.0f / (1.0f + std::exp(-z[i]));
                const float v = beforeGate ? y[i] : y[i] * z[i] * sig;
                sum += v * v;
            }
            const double r = double(1.0f / std::sqrt(sum / float(groupSize) + eps));
            double dot = 0.0;
            for (int64_t i = g0; i < g1; ++i) {
                const float sig = 1.0f / (1.0f + std::exp(-z[i]));
                const float silu = z[i] * sig;
                const float v = beforeGate ? y[i] : y[i] * silu;
                const float gn = beforeGate ? gOut[i] * silu : gOut[i];
                dot += double(weight[i]) * double(gn) * double(v);
            }
            const double b = r * r * r * dot / double(groupSize);
            for (int64_t i = g0; i < g1; ++i) {
                const float sig = 1.0f / (1.0f + std::exp(-z[i]));
                const float silu = z[i] * sig, dsilu = siluDerivative(z[i], sig);
                if (beforeGate) {
                    const float normed = float(double(weight[i]) * double(y[i]) * r);
                    const float gn = gOut[i] * silu;
                    gz[i] = gOut[i] * normed * dsilu;
                    gy[i] = float(r * double(weight[i]) * double(gn) - double(y[i]) * b);
                } else {
                    const float v = y[i] * silu;
                    const float gv = float(r * double(weight[i]) * double(gOut[i]) - double(v) * b);
                    gy[i] = gv * silu;
                    gz[i] = gv * y[i] * dsilu;
                }
            }
        }
    }
}

void Mamba2Backward::scanBackward(int l, const RecurrentState::Layer &start,
                                  const ScanParameters::Layer &scan, RecurrentState::Layer &carry,
                                  LayerSensitivity &out)
{
    // Per head h (one A, one Δ_t), positions p, states n; with g_s = dJ/ds_t:
    //   g_s += C_t[n]·g_y[p];  dJ/dC_t[n] += Σ_p s_t·g_y;  with a = Σ_{p,n} g_s·s_{t-1}:
    //   dJ/dΔ_t += A·d_t·a + Σ_{p,n} g_s·B_t[n]·x_t[p];  dJ/dA += Δ_t·d_t·a;
    //   dJ/dB_t[n] += Δ_t·Σ_p g_s·x_t[p];  dJ/dx_t[p] += Δ_t·Σ_n g_s·B_t[n] + D·g_y[p];
    //   g_s ← d_t·g_s.  B and C are shared by the heads of a group.
    const Recording &rec = m_layers[size_t(l)];
    const int64_t T = m_tokens, N = m_n, P = m_headDim, H = m_heads, G = m_groups;
    const int64_t ld = m_convChannels, perGroup = H / G, bcRows = 2 * G * N;
    const float *dSkip = m_model.layers()[size_t(l)].d.data;
    int used = 1;
#pragma omp parallel num_threads(m_threads)
    {
        const int i = omp_get_thread_num(), n = omp_get_num_threads();
#pragma omp single
        used = n;
        const auto [h0, h1] = blockkernels::share(H, i, n);
        float *S = m_threadStates.data() + size_t(i) * size_t((T + 1) * P * N);
        float *bc = m_threadBc.data() + size_t(i) * size_t(T * bcRows);
        std::fill(bc, bc + T * bcRows, 0.0f);
        std::vector<float> gB(static_cast<size_t>(N)), gC(static_cast<size_t>(N));
        for (int64_t h = h0; h < h1; ++h) {
            const int64_t g = h / perGroup;
            const float negA = scan.negA[size_t(h)];
            std::copy(start.ssm.data() + h * P * N, start.ssm.data() + (h + 1) * P * N, S);
            for (int64_t t = 0; t < T; ++t) {
                const float *col = rec.xbc.data() + t * ld;
                const float *x = col + h * P;
                const float *B = col + m_e + g * N;
                const float dt = rec.delta(h, t);
                const float decay = std::exp(dt * negA);
                const float *prev = S + t * P * N;
                float *st = S + (t + 1) * P * N;
                for (int64_t p = 0; p < P; ++p) {
                    const float dx = dt * x[p];
#pragma omp simd
                    for (int64_t k = 0; k < N; ++k)
                        st[p * N + k] = decay * prev[p * N + k] + dx * B[k];
                }
            }
            float *gs = carry.ssm.data() + h * P * N;
            double gNegA = 0.0;
            for (int64_t t = T - 1; t >= 0; --t) {
                const float *col = rec.xbc.data() + t * ld;
                const float *x = col + h * P;
                const float *B = col + m_e + g * N;
                const float *C = col + m_e + G * N + g * N;
                const float dt = rec.delta(h, t);
                const float decay = std::exp(dt * negA);
                const float *prev = S + t * P * N;
                const float *st = S + (t + 1) * P * N;
                const float *gy = m_gY.data() + t * m_e + h * P;
                float *gx = m_gXbc.data() + t * ld + h * P;
                std::fill(gB.begin(), gB.end(), 0.0f);
                std::fill(gC.begin(), gC.end(), 0.0f);
                float *gBp = gB.data(), *gCp = gC.data();
                float towardA = 0.0f, towardB = 0.0f;
                for (int64_t p = 0; p < P; ++p) {
                    float *gsp = gs + p * N;
                    const float *sp = st + p * N, *pp = prev + p * N;
                    const float gyp = gy[p], xp = x[p];
                    float gxp = 0.0f;
#pragma omp simd reduction(+ : towardA, towardB, gxp)
                    for (int64_t k = 0; k < N; ++k) {
                        const float v = gsp[k] + C[k] * gyp;
                        gCp[k] += sp[k] * gyp;
                        towardA += v * pp[k];
                        towardB += v * B[k] * xp;
                        gBp[k] += v * xp;
                        gxp += v * B[k];
                        gsp[k] = v * decay;
                    }
                    gx[p] = dt * gxp + dSkip[h] * gyp;
                }
                m_gDelta(h, t) = negA * decay * towardA + towardB;
                gNegA += double(dt) * double(decay) * double(towardA);
                float *accB = bc + t * bcRows + g * N;
                float *accC = bc + t * bcRows + G * N + g * N;
                for (int64_t k = 0; k < N; ++k) {
                    accB[k] += dt * gB[size_t(k)];
                    accC[k] += gC[size_t(k)];
                }
            }
            out.aLog[size_t(h)] += gNegA * double(negA);
        }
    }
    for (int64_t t = 0; t < T; ++t) {
        float *g = m_gXbc.data() + t * ld + m_e;
        std::fill(g, g + bcRows, 0.0f);
        for (int i = 0; i < used; ++i) {
            const float *part = m_threadBc.data() + size_t(i) * size_t(T * bcRows) + t * bcRows;
            for (int64_t k = 0; k < bcRows; ++k)
                g[k] += part[k];
        }
    }
}

void Mamba2Backward::timeStepBackward(int l, const ScanParameters::Layer &scan,
                                      LayerSensitivity &out)
{
    // Δ = clamp(softplus(v), lo, hi)·s with v = dt + dt_bias: dJ/dv = dJ/dΔ·s·σ(v) where the
    // clamp does not bind, 0 where it does. The softplus is recomputed with the engine's kernel,
    // so the clamp decides exactly as it did in the forward pass.
    const Recording &rec = m_layers[size_t(l)];
    const ModelConfig &c = m_model.config();
    const float *dtBias = m_model.layers()[size_t(l)].dtBias.data;
    const int64_t T = m_tokens, H = m_heads, dtRow = m_e + m_convChannels;
    const bool clamped = c.timeStepMin > 0.0 || std::isfinite(c.timeStepMax);
    const float low = float(c.timeStepMin), high = float(c.timeStepMax);
    const float *scale = scan.deltaScale.empty() ? nullptr : scan.deltaScale.data();
    std::vector<float> sp(static_cast<size_t>(H));
    std::vector<double> logScale(static_cast<size_t>(H), 0.0);
    for (int64_t t = 0; t < T; ++t) {
        const float *dt = rec.proj.data() + t * m_projRows + dtRow;
        std::copy(dt, dt + H, sp.begin());
        softplusInPlace(sp.data(), dtBias, nullptr, H);
        float *gv = m_gProj.data() + t * m_projRows + dtRow;
        for (int64_t h = 0; h < H; ++h) {
            const float g = m_gDelta(h, t);
            logScale[size_t(h)] += double(g) * double(rec.delta(h, t));
            const bool binds = clamped && (sp[size_t(h)] < low || sp[size_t(h)] > high);
            const double v = double(dt[h]) + double(dtBias[h]);
            const double sigmoid = 1.0 / (1.0 + std::exp(-v));
            gv[h] = binds ? 0.0f : float(double(g) * (scale ? scale[h] : 1.0) * sigmoid);
        }
    }
    for (int64_t h = 0; h < H; ++h)
        out.logDeltaScale[size_t(h)] += logScale[size_t(h)];
}

}  // namespace mscope
