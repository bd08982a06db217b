// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/MambaModel.h"
#include "modulation/DecayParameters.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mscope::test {

/// The Mamba-1 and Mamba-2 forward passes of method.md §1-2 written out in double precision
/// (plain loops over time, Eigen products), with a modulation's A_log and Δ multiplier given in
/// the log domain (DecayParameters, double): the objective the finite-difference checks of the
/// gradient differentiate, with round-off near 1e-15 instead of the engine's 1e-7.
class DoubleForward
{
public:
    explicit DoubleForward(const MambaModel &model) : m_model(model)
    {
        const auto widen = [](const FloatTensor &t, int64_t rows, int64_t cols) {
            Eigen::MatrixXd m(rows, cols);
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t c = 0; c < cols; ++c)
                    m(r, c) = t.data[r * cols + c];
            return m;
        };
        const ModelConfig &c = model.config();
        for (const MambaLayerWeights &w : model.layers()) {
            Layer l;
            l.inProj = widen(w.inProj, w.inProj.shape[0], w.inProj.shape[1]);
            l.outProj = widen(w.outProj, w.outProj.shape[0], w.outProj.shape[1]);
            if (c.architecture == Architecture::Mamba1) {
                l.xProj = widen(w.xProj, w.xProj.shape[0], w.xProj.shape[1]);
                l.dtProj = widen(w.dtProjWeight, w.dtProjWeight.shape[0], w.dtProjWeight.shape[1]);
            }
            m_layers.push_back(std::move(l));
        }
        m_head = widen(model.lmHead(), model.lmHead().shape[0], model.lmHead().shape[1]);
    }

    /// Mean NLL of ids[t + 1] given ids[0..t] over t = 0..T-2, fresh state.
    double meanNll(const std::vector<int32_t> &ids, const DecayParameters &decay) const
    {
        const ModelConfig &c = m_model.config();
        const int64_t T = int64_t(ids.size()), D = c.dModel;
        Eigen::MatrixXd h(D, T);
        for (int64_t t = 0; t < T; ++t)
            for (int64_t d = 0; d < D; ++d)
                h(d, t) = m_model.embeddings().data[int64_t(ids[size_t(t)]) * D + d];
        for (int l = 0; l < c.nLayer; ++l) {
            const Eigen::MatrixXd u = rms(h, m_model.layers()[size_t(l)].norm.data, c.normEps, D);
            if (c.architecture == Architecture::Mamba1)
                h += mamba1(l, u, decay.layers[size_t(l)]);
            else
                h += mamba2(l, u, decay.layers[size_t(l)]);
        }
        const Eigen::MatrixXd u = rms(h, m_model.finalNorm().data, c.normEps, D);
        const Eigen::MatrixXd logits = m_head * u;
        double sum = 0.0;
        for (int64_t t = 0; t + 1 < T; ++t) {
            const double m = logits.col(t).maxCoeff();
            const double lse = m + std::log((logits.col(t).array() - m).exp().sum());
            sum += lse - logits(ids[size_t(t + 1)], t);
        }
        return sum / double(T - 1);
    }

private:
    struct Layer
    {
        Eigen::MatrixXd inProj, outProj, xProj, dtProj;
    };

    static double silu(double v) { return v / (1.0 + std::exp(-v)); }
    static double softplus(double v) { return v > 20.0 ? v : std::log1p(std::exp(v)); }

    static Eigen::MatrixXd rms(const Eigen::MatrixXd &h, const float *w, double eps, int64_t D)
    {
        Eigen::MatrixXd u(h.rows(), h.cols());
        for (int64_t t = 0; t < h.cols(); ++t) {
            const double r = 1.0 / std::sqrt(h.col(t).squaredNorm() / double(D) + eps);
            for (int64_t d = 0; d < D; ++d)
                u(d, t) = h(d, t) * r * w[d];
        }
        return u;
    }

    // silu(bias + Σ_k w[k]·in_{t-K+1+k}) per row, zero history.
    static Eigen::MatrixXd convSilu(const Eigen::MatrixXd &in, const FloatTensor &w,
                                    const FloatTensor &bias, int64_t K)
    {
        Eigen::MatrixXd out(in.rows(), in.cols());
        for (int64_t t = 0; t < in.cols(); ++t) {
            for (int64_t c = 0; c < in.rows(); ++c) {
                double a = bias.data ? bias.data[c] : 0.0;
                for (int64_t k = 0; k < K; ++k) {
                    const int64_t src = t - K + 1 + k;
                    if (src >= 0)
                        a += w.data[c * K + k] * in(c, src);
                }
                out(c, t) = silu(a);
            }
        }
        return out;
    }

    static void addBias(Eigen::MatrixXd &m, const FloatTensor &b)
    {
        if (!b.data)
            return;
        for (int64_t t = 0; t < m.cols(); ++t)
            for (int64_t r = 0; r < m.rows(); ++r)
                m(r, t) += b.data[r];
    }

    Eigen::MatrixXd mamba1(int l, const Eigen::MatrixXd &u, const DecayParameters::Layer &p) const
    {
        const ModelConfig &c = m_model.config();
        const MambaLayerWeights &w = m_model.layers()[size_t(l)];
        const Layer &lw = m_layers[size_t(l)];
        const int64_t E = c.dInner, N = c.dState, R = c.dtRank, T = u.cols();
        Eigen::MatrixXd xz = lw.inProj * u;
        addBias(xz, w.inProjBias);
        const Eigen::MatrixXd xc = convSilu(xz.topRows(E), w.convWeight, w.convBias, c.convKernel);
        Eigen::MatrixXd xdbl = lw.xProj * xc;
        if (c.dtBcRms) {
            // Falcon-Mamba: weightless RMS norms of dt_raw, B and C.
            for (int64_t t = 0; t < T; ++t)
                for (const auto &[b, m] :
                     {std::pair{int64_t(0), R}, std::pair{R, N}, std::pair{R + N, N}}) {
                    const double r =
                        1.0 / std::sqrt(xdbl.col(t).segment(b, m).squaredNorm() / double(m) +
                                        c.mixerRmsEps);
                    xdbl.col(t).segment(b, m) *= r;
                }
        }
        Eigen::MatrixXd v = lw.dtProj * xdbl.topRows(R);
        Eigen::MatrixXd gated(E, T);
        std::vector<double> s(size_t(E * N), 0.0);
        for (int64_t t = 0; t < T; ++t) {
            for (int64_t e = 0; e < E; ++e) {
                const double scale = p.deltaScale.empty() ? 1.0 : p.deltaScale[size_t(e)];
                const double dt = softplus(v(e, t) + w.dtProjBias.data[e]) * scale;
                const double x = xc(e, t);
                double y = 0.0;
                for (int64_t n = 0; n < N; ++n) {
                    const double A = -std::exp(p.aLog[size_t(e * N + n)]);
                    double &sv = s[size_t(e * N + n)];
                    sv = std::exp(dt * A) * sv + dt * xdbl(R + n, t) * x;
                    y += xdbl(R + N + n, t) * sv;
                }
                y += w.d.data[e] * x;
                gated(e, t) = y * silu(xz(E + e, t));
            }
        }
        Eigen::MatrixXd out = lw.outProj * gated;
        addBias(out, w.outProjBias);
        return out;
    }

    Eigen::MatrixXd mamba2(int l, const Eigen::MatrixXd &u, const DecayParameters::Layer &p) const
    {
        const ModelConfig &c = m_model.config();
        const MambaLayerWeights &w = m_model.layers()[size_t(l)];
        const Layer &lw = m_layers[size_t(l)];
        const int64_t E = c.dInner, N = c.dState, H = c.nHeads, P = c.headDim, G = c.nGroups;
        const int64_t C = c.convChannels(), T = u.cols();
        Eigen::MatrixXd proj = lw.inProj * u;
        addBias(proj, w.inProjBias);
        const Eigen::MatrixXd xbc =
            convSilu(proj.middleRows(E, C), w.convWeight, w.convBias, c.convKernel);
        const bool clamped = c.timeStepMin > 0.0 || std::isfinite(c.timeStepMax);
        Eigen::MatrixXd y(E, T);
        std::vector<double> s(size_t(H * P * N), 0.0);
        for (int64_t t = 0; t < T; ++t) {
            for (int64_t h = 0; h < H; ++h) {
                const int64_t g = h / (H / G);
                double dt = softplus(proj(E + C + h, t) + w.dtBias.data[h]);
                if (clamped)
                    dt = std::min(std::max(dt, c.timeStepMin), c.timeStepMax);
                dt *= p.deltaScale.empty() ? 1.0 : p.deltaScale[size_t(h)];
                const double decay = std::exp(-dt * std::exp(p.aLog[size_t(h)]));
                for (int64_t q = 0; q < P; ++q) {
                    const double x = xbc(h * P + q, t);
                    double acc = 0.0;
                    for (int64_t n = 0; n < N; ++n) {
                        double &sv = s[size_t((h * P + q) * N + n)];
                        sv = decay * sv + dt * xbc(E + g * N + n, t) * x;
                        acc += xbc(E + G * N + g * N + n, t) * sv;
                    }
                    y(h * P + q, t) = acc + w.d.data[h] * x;
                }
            }
        }
        const int64_t group = m_model.normGroupSize();
        const bool before = m_model.normBeforeGate();
        const double eps = m_model.gatedNormEps();
        Eigen::MatrixXd normed(E, T);
        for (int64_t t = 0; t < T; ++t) {
            for (int64_t g0 = 0; g0 < E; g0 += group) {
                double sum = 0.0;
                for (int64_t i = g0; i < g0 + group; ++i) {
                    const double v = before ? y(i, t) : y(i, t) * silu(proj(i, t));
                    sum += v * v;
                }
                const double r = 1.0 / std::sqrt(sum / double(group) + eps);
                for (int64_t i = g0; i < g0 + group; ++i) {
                    const double gate = silu(proj(i, t));
                    const double v = before ? y(i, t) : y(i, t) * gate;
                    normed(i, t) = v * r * w.gateNorm.data[i] * (before ? gate : 1.0);
                }
            }
        }
        Eigen::MatrixXd out = lw.outProj * normed;
        addBias(out, w.outProjBias);
        return out;
    }

    const MambaModel &m_model;
    std::vector<Layer> m_layers;
    Eigen::MatrixXd m_head;
};

}  // namespace mscope::test
