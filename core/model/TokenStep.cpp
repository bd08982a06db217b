// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/TokenStep.h"

#include "kernels/BlockKernels.h"
#include "kernels/DecodeKernels.h"
#include "kernels/ElementwiseKernels.h"
#include "kernels/SpinThenSleepBarrier.h"
#include "model/MambaModel.h"
#include "model/ScanParameters.h"
#include "support/Error.h"

#include <omp.h>
#include <algorithm>
#include <cmath>

namespace mscope {

using blockkernels::share;
using namespace decodekernels;

namespace {

// Each thread owns at least this many channels: below it the barriers cost more than the split
// saves.
constexpr int64_t kMinChannelsPerThread = 64;
// Per-thread rows of the scratch are padded to a cache line, so threads never share one.
constexpr int64_t kLine = 16;

int64_t padded(int64_t n)
{
    return (n + kLine - 1) / kLine * kLine;
}

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

void addBias(const float *bias, float *v, int64_t r0, int64_t r1)
{
    if (!bias)
        return;
#pragma omp simd
    for (int64_t r = r0; r < r1; ++r)
        v[r] += bias[r];
}

}  // namespace

struct TokenStep::Shared
{
    int64_t D = 0, E = 0, N = 0, R = 0, H = 0, P = 0, G = 0, K = 0, V = 0;
    int64_t convChannels = 0, projRows = 0, normGroups = 0;
    int capacity = 0;                             // threads the per-thread scratch is sized for
    std::vector<std::vector<float>> convWeightT;  // per layer, [K, conv channels]
    // Per thread, rows of padded length.
    std::vector<float> hidden, normed, xdbl, xdblPart, outPart, normPart;
    // Shared, each thread writing its own channels.
    std::vector<float> proj, conv, delta, y;
    SpinThenSleepBarrier *barrier = nullptr;
    int32_t id = 0;

    void sync(int threads) const
    {
        if (threads > 1)
            barrier->sync(threads);
    }
    float *row(std::vector<float> &v, int64_t length, int thread)
    {
        return v.data() + padded(length) * thread;
    }
    void reserveThreads(int threads)
    {
        if (threads <= capacity)
            return;
        capacity = threads;
        hidden.assign(size_t(padded(D) * threads), 0.0f);
        normed.assign(size_t(padded(D) * threads), 0.0f);
        xdbl.assign(size_t(padded(R + 2 * N) * threads), 0.0f);
        xdblPart.assign(size_t(padded(R + 2 * N) * threads), 0.0f);
        outPart.assign(size_t(padded(D) * threads), 0.0f);
        normPart.assign(size_t(padded(normGroups) * threads), 0.0f);
    }
};

TokenStep::TokenStep(const MambaModel &model) : m_model(model), d(std::make_unique<Shared>())
{
    const ModelConfig &c = model.config();
    d->D = c.dModel;
    d->E = c.dInner;
    d->N = c.dState;
    d->R = c.architecture == Architecture::Mamba2 ? 0 : c.dtRank;
    d->K = c.convKernel;
    d->V = model.logitCount();
    d->convChannels = c.convChannels();
    if (c.architecture == Architecture::Mamba2) {
        d->H = c.nHeads;
        d->P = c.headDim;
        d->G = c.nGroups;
        d->projRows = d->E + d->convChannels + d->H;
        d->normGroups = d->E / std::max(1, model.normGroupSize());
        d->proj.resize(size_t(d->projRows));
        d->delta.resize(size_t(d->H));
    } else {
        d->proj.resize(size_t(2 * d->E));
        d->delta.resize(size_t(d->E));
    }
    d->conv.resize(size_t(d->convChannels));
    d->y.resize(size_t(d->E));
    const int64_t C = d->convChannels, K = d->K;
    for (const MambaLayerWeights &w : model.layers()) {
        std::vector<float> t(size_t(K * C));
        for (int64_t ch = 0; ch < C; ++ch)
            for (int64_t k = 0; k < K; ++k)
                t[size_t(k * C + ch)] = w.convWeight.data[ch * K + k];
        d->convWeightT.push_back(std::move(t));
    }
    d->reserveThreads(threads());
}

TokenStep::~TokenStep() = default;

int TokenStep::threads() const
{
    const int64_t units = m_model.config().architecture == Architecture::Mamba2
                              ? d->H
                              : std::max<int64_t>(1, d->E / kMinChannelsPerThread);
    return int(std::clamp<int64_t>(omp_get_max_threads(), 1, units));
}

void TokenStep::run(int32_t id, RecurrentState &state, const ScanParameters &scan, float *logits)
{
    const FloatTensor &emb = m_model.embeddings();
    if (id < 0 || id >= emb.shape[0])
        throw Error({}, QStringLiteral("token id %1 is outside the model's vocabulary (%2 entries)")
                            .arg(id)
                            .arg(emb.shape[0]));
    d->id = id;
    const bool mamba2 = m_model.config().architecture == Architecture::Mamba2;
    const int n = threads();
    d->reserveThreads(n);
    const auto body = [&](int i, int threads) {
        if (mamba2)
            runMamba2(i, threads, state, scan);
        else
            runMamba1(i, threads, state, scan);
        finish(i, threads, logits);
    };
    if (n == 1) {
        body(0, 1);
        return;
    }
    SpinThenSleepBarrier barrier(n);
    d->barrier = &barrier;
#pragma omp parallel num_threads(n)
    body(omp_get_thread_num(), omp_get_num_threads());
    d->barrier = nullptr;
}

void TokenStep::runMamba1(int i, int n, RecurrentState &state, const ScanParameters &scan)
{
    Shared &s = *d;
    const int64_t D = s.D, E = s.E, N = s.N, R = s.R, rows = R + 2 * N;
    const double eps = m_model.config().normEps;
    float *h = s.row(s.hidden, D, i), *u = s.row(s.normed, D, i);
    float *xdbl = n == 1 ? s.row(s.xdblPart, rows, 0) : s.row(s.xdbl, rows, i);
    float *xz = s.proj.data(), *xc = s.conv.data(), *delta = s.delta.data(), *y = s.y.data();
    std::copy_n(m_model.embeddings().data + int64_t(s.id) * D, D, h);
    const auto [e0, e1] = share(E, i, n, 16);
    for (int l = 0; l < int(m_model.layers().size()); ++l) {
        const MambaLayerWeights &w = m_model.layers()[size_t(l)];
        RecurrentState::Layer &st = state.layer(l);
        // 1-2. u = RMSNorm(h) · norm.weight; this thread's rows of x and z.
        rmsNormVector(h, w.norm.data, eps, D, u);
        matVec(w.inProj.data + e0 * D, D, e1 - e0, D, u, xz + e0);
        matVec(w.inProj.data + (E + e0) * D, D, e1 - e0, D, u, xz + E + e0);
        if (w.inProjBias.data) {
            addBias(w.inProjBias.data, xz, e0, e1);
            addBias(w.inProjBias.data, xz, E + e0, E + e1);
        }
        // 3. x'' = silu(conv(x)) of this thread's channels; 4. their share of W_x · x''.
        convStep(s.convWeightT[size_t(l)].data(), w.convBias.data, E, s.K, st.conv.data(), xz, xc,
                 e0, e1);
        matVec(w.xProj.data + e0, E, rows, e1 - e0, xc + e0, s.row(s.xdblPart, rows, i));
        s.sync(n);
        if (n > 1) {
            std::copy_n(s.row(s.xdblPart, rows, 0), rows, xdbl);
            for (int j = 1; j < n; ++j) {
                const float *part = s.row(s.xdblPart, rows, j);
#pragma omp simd
                for (int64_t r = 0; r < rows; ++r)
                    xdbl[r] += part[r];
            }
        }
        if (m_model.config().dtBcRms) {
            // Falcon-Mamba: weightless RMS norms of dt_raw, B and C (every thread its own copy).
            const float mixerEps = float(m_model.config().mixerRmsEps);
            rmsNormalizeInPlace(xdbl, R, mixerEps);
            rmsNormalizeInPlace(xdbl + R, N, mixerEps);
            rmsNormalizeInPlace(xdbl + R + N, N, mixerEps);
        }
        // 5. Δ = softplus(W_dt · dt_raw + b) (· the modulation's scale); 6. the scan, gated.
        const std::vector<float> &scale = scan.layers[size_t(l)].deltaScale;
        matVec(w.dtProjWeight.data + e0 * R, R, e1 - e0, R, xdbl, delta + e0);
        softplusInPlace(delta + e0, w.dtProjBias.data + e0,
                        scale.empty() ? nullptr : scale.data() + e0, e1 - e0);
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
        selectiveScanStep(a, e0, e1);
        // 7. This thread's columns of out_proj; the partial sums go into h in a fixed order.
        float *part = s.row(s.outPart, D, i);
        matVec(w.outProj.data + e0, E, D, e1 - e0, y + e0, part);
        s.sync(n);
        for (int j = 0; j < n; ++j) {
            const float *p = s.row(s.outPart, D, j);
#pragma omp simd
            for (int64_t r = 0; r < D; ++r)
                h[r] += p[r];
        }
        addBias(w.outProjBias.data, h, 0, D);
    }
}

void TokenStep::runMamba2(int i, int n, RecurrentState &state, const ScanParameters &scan)
{
    Shared &s = *d;
    const ModelConfig &c = m_model.config();
    const int64_t D = s.D, E = s.E, N = s.N, H = s.H, P = s.P, G = s.G, C = s.convChannels;
    const int64_t headsPerGroup = H / G, groupSize = m_model.normGroupSize();
    float *h = s.row(s.hidden, D, i), *u = s.row(s.normed, D, i);
    float *proj = s.proj.data(), *xbc = s.conv.data(), *delta = s.delta.data(), *y = s.y.data();
    std::copy_n(m_model.embeddings().data + int64_t(s.id) * D, D, h);
    // This thread's heads, their channels, and its share of the B | C rows (needed by all heads).
    const auto [h0, h1] = share(H, i, n);
    const int64_t c0 = h0 * P, c1 = h1 * P;
    const auto [b0, b1] = share(2 * G * N, i, n);
    // The gated norm's sums need the other threads only when a norm group straddles two shares.
    bool groupsOwned = true;
    for (int j = 0; j < n; ++j) {
        const auto [jh0, jh1] = share(H, j, n);
        groupsOwned = groupsOwned && (jh0 * P) % groupSize == 0 && (jh1 * P) % groupSize == 0;
    }
    const bool clamped = c.timeStepMin > 0.0 || std::isfinite(c.timeStepMax);
    const float low = float(c.timeStepMin), high = float(c.timeStepMax);
    const bool beforeGate = m_model.normBeforeGate();
    const float normEps = float(m_model.gatedNormEps());
    for (int l = 0; l < int(m_model.layers().size()); ++l) {
        const MambaLayerWeights &w = m_model.layers()[size_t(l)];
        RecurrentState::Layer &st = state.layer(l);
        rmsNormVector(h, w.norm.data, c.normEps, D, u);
        // z | x B C | dt rows of this thread.
        const int64_t ranges[4][2] = {
            {c0, c1}, {E + c0, E + c1}, {2 * E + b0, 2 * E + b1}, {E + C + h0, E + C + h1}};
        for (const auto &r : ranges) {
            matVec(w.inProj.data + r[0] * D, D, r[1] - r[0], D, u, proj + r[0]);
            addBias(w.inProjBias.data, proj, r[0], r[1]);
        }
        const float *convIn = proj + E;
        convStep(s.convWeightT[size_t(l)].data(), w.convBias.data, C, s.K, st.conv.data(), convIn,
                 xbc, c0, c1);
        convStep(s.convWeightT[size_t(l)].data(), w.convBias.data, C, s.K, st.conv.data(), convIn,
                 xbc, E + b0, E + b1);
        s.sync(n);  // B and C complete
        // Δ per head: softplus(dt + dt_bias), clamped to time_step_limit, times the scale.
        const std::vector<float> &scaleVector = scan.layers[size_t(l)].deltaScale;
        const float *scale = scaleVector.empty() ? nullptr : scaleVector.data();
        std::copy(proj + E + C + h0, proj + E + C + h1, delta + h0);
        if (!clamped) {
            softplusInPlace(delta + h0, w.dtBias.data + h0, scale ? scale + h0 : nullptr, h1 - h0);
        } else {
            softplusInPlace(delta + h0, w.dtBias.data + h0, nullptr, h1 - h0);
            for (int64_t k = h0; k < h1; ++k)
                delta[k] = std::min(std::max(delta[k], low), high) * (scale ? scale[k] : 1.0f);
        }
        const float *negA = scan.layers[size_t(l)].negA.data();
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
        // The gated RMSNorm (Mamba2Block::gatedNorm) over this thread's channels.
        float *gate = proj;  // z, replaced by silu(z) in place
        siluInPlace(gate + c0, c1 - c0);
        if (!beforeGate) {
#pragma omp simd
            for (int64_t k = c0; k < c1; ++k)
                y[k] *= gate[k];
        }
        float *sums = s.row(s.normPart, s.normGroups, i);
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
        if (!groupsOwned)
            s.sync(n);
        for (int64_t k0 = c0; k0 < c1;) {
            const int64_t g = k0 / groupSize, k1 = std::min(c1, (g + 1) * groupSize);
            float sum = sums[g];
            if (!groupsOwned) {
                sum = 0.0f;
                for (int j = 0; j < n; ++j)
                    sum += s.row(s.normPart, s.normGroups, j)[g];
            }
            const float scale = 1.0f / std::sqrt(sum / float(groupSize) + normEps);
            const float *weight = w.gateNorm.data;
#pragma omp simd
            for (int64_t k = k0; k < k1; ++k)
                y[k] = y[k] * scale * weight[k];
            if (beforeGate) {
#pragma omp simd
                for (int64_t k = k0; k < k1; ++k)
                    y[k] *= gate[k];
            }
            k0 = k1;
        }
        float *part = s.row(s.outPart, D, i);
        matVec(w.outProj.data + c0, E, D, c1 - c0, y + c0, part);
        s.sync(n);
        for (int j = 0; j < n; ++j) {
            const float *p = s.row(s.outPart, D, j);
#pragma omp simd
            for (int64_t r = 0; r < D; ++r)
                h[r] += p[r];
        }
        addBias(w.outProjBias.data, h, 0, D);
    }
}

void TokenStep::finish(int i, int n, float *logits)
{
    if (!logits)
        return;
    Shared &s = *d;
    float *h = s.row(s.hidden, s.D, i), *u = s.row(s.normed, s.D, i);
    rmsNormVector(h, m_model.finalNorm().data, m_model.config().normEps, s.D, u);
    const auto [v0, v1] = share(s.V, i, n, 8);
    matVec(m_model.lmHead().data + v0 * s.D, s.D, v1 - v0, s.D, u, logits + v0);
}

}  // namespace mscope
