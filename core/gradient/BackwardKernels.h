// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

// The reverse-mode steps the Mamba-1 and Mamba-2 backward passes share, over plain column-major
// buffers (one column per token), each the exact derivative of the engine's forward step.
namespace mscope::backwardkernels {

/// out[K, n] (leading dimension ldo) = Wᵀ · G + beta · out, for a PyTorch-layout weight W
/// [M, K] (row-major) and G [M, n] (leading dimension ldg): the input gradient of y = W · x.
void gemmTransposedWeight(int64_t K, int64_t n, int64_t M, const float *W, const float *G,
                          int64_t ldg, float *out, int64_t ldo, float beta);

/// For u[:, t] = h[:, t] / sqrt(mean(h[:, t]²) + eps) · weight (blockkernels::rmsNorm), adds
/// dJ/dh to gh given gu = dJ/du, for tokens [0, T): gh += r·w⊙gu − h·r³·(Σ w⊙gu⊙h)/D.
void rmsNormBackward(const float *h, const float *weight, double eps, const float *gu, float *gh,
                     int64_t D, int64_t T);

/// silu'(a) = σ(a)·(1 + a·(1 − σ(a))).
inline float siluDerivative(float a, float sigmoid)
{
    return sigmoid * (1.0f + a * (1.0f - sigmoid));
}

/// The causal conv + silu of one chunk (CausalConv::convSilu) backward. `pre` holds the chunk's
/// conv inputs (token t at pre + t * preStride), `carried` the K-1 inputs before them ([K-1, C]
/// token-major, as RecurrentState keeps them); `weight` [C, 1, K], `bias` [C] or null. Given
/// gOut (dJ/d silu(conv), [C, T], leading dimension C), writes dJ/d input into gPre (token t at
/// gPre + t * gPreStride) and replaces gCarried ([K-1, C], on entry dJ/d of the state after the
/// chunk, i.e. of the last K-1 inputs of [carried | chunk]) by dJ/d carried. `scratch` holds
/// C·T floats.
void convSiluBackward(const float *pre, int64_t preStride, const float *carried,
                      const float *weight, const float *bias, int64_t C, int64_t K, int64_t T,
                      const float *gOut, float *gPre, int64_t gPreStride, float *gCarried,
                      float *scratch);

}  // namespace mscope::backwardkernels
