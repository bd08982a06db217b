// SPDX-License-Identifier: GPL-3.0-or-later
//
// How long the one-token step's weight streams take on one thread with nothing else around them:
// the packed matrices of a Mamba-1 model of the demo model's shapes (random numbers), cut and
// laid out as StepWeights packs them, multiplied in the order the step reads them (layers 1..L-1
// in_proj by blocks of 64 channels, x rows then z rows; x_proj's and out_proj's columns by block;
// the LM head by blocks of 128 rows; layer 0's in_proj is not read, as the step keeps its rows).
// Compare with `generate --threads 1` (the whole step on one thread) to see what the work between
// the streams costs. Not built by CMake: bench/probes/run-step-streams.sh builds and runs it.
#include "kernels/PackedMatrix.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

using mscope::PackedMatrix;

int main()
{
    constexpr int64_t D = 256, E = 512, V = 4096, L = 6, R = 16, N = 16, kBlock = 64, kHead = 128;
    constexpr int64_t xRows = R + 2 * N;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    const auto randomFloats = [&](int64_t n) {
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v)
            x = uniform(rng);
        return v;
    };
    std::vector<int64_t> inCuts, headCuts;
    for (int64_t c0 = 0; c0 < E; c0 += kBlock)
        inCuts.insert(inCuts.end(), {c0, E + c0});
    inCuts.push_back(E);
    for (int64_t v0 = 0; v0 < V; v0 += kHead)
        headCuts.push_back(v0);
    std::vector<std::vector<float>> weights;  // the unpacked weights the matrices point at
    std::vector<PackedMatrix> inProj, xProj, outProj;
    for (int l = 0; l < L; ++l) {
        weights.push_back(randomFloats(2 * E * D));
        inProj.emplace_back(weights.back().data(), 2 * E, D, inCuts, true);
        weights.push_back(randomFloats(xRows * E));
        xProj.emplace_back(weights.back().data(), xRows, E, std::vector<int64_t>{}, true);
        weights.push_back(randomFloats(D * E));
        outProj.emplace_back(weights.back().data(), D, E, std::vector<int64_t>{}, true);
    }
    weights.push_back(randomFloats(V * D));
    const PackedMatrix head(weights.back().data(), V, D, headCuts, true);

    const std::vector<float> x = randomFloats(2 * E);
    std::vector<float> y(static_cast<size_t>(2 * E));
    std::vector<float> parts(static_cast<size_t>((E / kBlock) * std::max(D, xRows)));
    std::vector<float> logits(static_cast<size_t>(V));
    int64_t bytes = head.packedBytes();
    for (int l = 0; l < L; ++l)
        bytes += (l > 0 ? inProj[size_t(l)].packedBytes() : 0) + xProj[size_t(l)].packedBytes() +
                 outProj[size_t(l)].packedBytes();
    std::vector<double> seconds;
    for (int token = 0; token < 3000; ++token) {
        const auto start = std::chrono::steady_clock::now();
        for (int l = 0; l < L; ++l) {
            for (int64_t c0 = 0; c0 < E; c0 += kBlock) {
                if (l > 0) {
                    inProj[size_t(l)].rowsTimes(c0, c0 + kBlock, x.data(), y.data() + c0);
                    inProj[size_t(l)].rowsTimes(E + c0, E + c0 + kBlock, x.data(),
                                                y.data() + E + c0);
                }
                xProj[size_t(l)].columnsTimes(c0, c0 + kBlock, x.data(),
                                              parts.data() + c0 / kBlock * xRows);
            }
            for (int64_t c0 = 0; c0 < E; c0 += kBlock)
                outProj[size_t(l)].columnsTimes(c0, c0 + kBlock, x.data(),
                                                parts.data() + c0 / kBlock * D);
        }
        for (int64_t v0 = 0; v0 < V; v0 += kHead)
            head.rowsTimes(v0, v0 + kHead, x.data(), logits.data() + v0);
        if (token >= 100)  // the first ones fill the caches
            seconds.push_back(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2], best = seconds.front();
    std::printf(
        "%.2f MB of packed weights a token: median %.1f us (%.1f GB/s), best %.1f us "
        "(%.1f GB/s)\n",
        double(bytes) / 1e6, median * 1e6, double(bytes) / median / 1e9, best * 1e6,
        double(bytes) / best / 1e9);
    std::printf("{\"bytes\": %lld, \"median_seconds\": %.9f, \"best_seconds\": %.9f}\n",
                static_cast<long long>(bytes), median, best);
    return 0;
}
