// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace mscope {

/// The elementwise steps of the forward pass over plain float buffers, vectorized (AVX-512 where
/// the CPU has it, else AVX2, else scalar) with FastExp.h's exp2 and log1p: about 2e-7 relative
/// against the double-precision definitions, which tst_kernels checks.

/// v = v · sigmoid(v) (method.md §1 step 3).
void siluInPlace(float *v, int64_t n);

/// v = softplus(v + bias) · scale (step 5); `scale` may be null (1). softplus(x) is computed as
/// max(x, 0) + log1p(exp(-|x|)), which equals PyTorch's (identity above 20) to float rounding.
void softplusInPlace(float *v, const float *bias, const float *scale, int64_t n);

/// v = v / sqrt(mean(v²) + eps): an RMS norm without a weight (Falcon-Mamba's norms of Δ's input,
/// B and C after x_proj). The mean is summed in double.
void rmsNormalizeInPlace(float *v, int64_t n, float eps);

/// Σ exp(v[i] - shift), for a log-sum-exp whose shift is at least max(v).
double sumExpShifted(const float *v, int64_t n, float shift);

/// Largest of v[0, n) that is not NaN; -inf when there is none (or n is 0).
float maxNotNaN(const float *v, int64_t n);

/// The first i in [0, n) with v[i] == value; n when there is none (always for a NaN value).
int64_t firstIndexOf(const float *v, int64_t n, float value);

/// out[i] = exp(v[i] - shift) for a finite shift at least max(v): a softmax's weights in one
/// pass, each to about 1e-6 relative (the float difference, then 2e-7 for the exp; float32, as
/// PyTorch's softmax). 0 where v[i] is NaN or more than 87.3 below the shift (where e^x leaves
/// float's normal range). `out` may be `v`.
void expShifted(const float *v, int64_t n, float shift, float *out);

}  // namespace mscope
