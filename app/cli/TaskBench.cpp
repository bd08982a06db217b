// SPDX-License-Identifier: GPL-3.0-or-later
#include "TaskBench.h"

#include "kernels/AlignedFloats.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/EngineThreads.h"
#include "support/ProcessClock.h"
#include "tasks/Generator.h"
#include "tasks/PasskeyEvaluator.h"
#include "tasks/PasskeyTask.h"

#include <immintrin.h>
#include <omp.h>
#include <QJsonArray>
#include <algorithm>
#include <vector>

namespace mscope::taskbench {

namespace {

// Touches the four cache lines `ahead` floats past v + i (none for 0): a software prefetch, as
// the decoding kernels issue, reads faster than the hardware prefetchers alone on some machines
// (this VM: 14 MiB from L3 about 25% faster, 493 MiB from memory about 10%).
inline void prefetchAhead(const float *v, int64_t i, int64_t ahead)
{
    if (ahead == 0)
        return;
    for (int64_t line = 0; line < 64; line += 16)
        _mm_prefetch(reinterpret_cast<const char *>(v + i + ahead + line), _MM_HINT_T0);
}

// Σ v[0, n) with four independent vector sums, so that the loads, not the adds, set the pace
// (512-bit loads where the CPU has them, as the decoding kernels use).
__attribute__((target("avx512f"))) float sumAvx512(const float *v, int64_t n, int64_t ahead)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        prefetchAhead(v, i, ahead);
        a0 = _mm512_add_ps(a0, _mm512_loadu_ps(v + i));
        a1 = _mm512_add_ps(a1, _mm512_loadu_ps(v + i + 16));
        a2 = _mm512_add_ps(a2, _mm512_loadu_ps(v + i + 32));
        a3 = _mm512_add_ps(a3, _mm512_loadu_ps(v + i + 48));
    }
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
    float sum = 0.0f;
    for (float l : lanes)
        sum += l;
    for (; i < n; ++i)
        sum += v[i];
    return sum;
}

float sumAvx2(const float *v, int64_t n, int64_t ahead)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        if (i % 64 == 0)
            prefetchAhead(v, i, ahead);
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(v + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(v + i + 8));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(v + i + 16));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(v + i + 24));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    float sum = 0.0f;
    for (float l : lanes)
        sum += l;
    for (; i < n; ++i)
        sum += v[i];
    return sum;
}

// Σ v[0, n) read as eight equal parts side by side, a cache line of each in turn, as the decoding
// kernels read eight rows of a matrix at a time: more lines in flight than one stream keeps (this
// VM, 516 MB from memory on two threads: 56-61 GB/s with a prefetch 1 KiB ahead, against 55 for
// the best single stream and 47 for one without prefetch).
constexpr int kStreams = 8;

// 256-bit loads on every CPU, a cache line two of them: on this VM as fast as 512-bit loads from
// memory (49 GB/s both, 516 MB) and faster from L3 (193-196 against 153-157 GB/s, 14 MB).
float sumStreams(const float *v, int64_t n, int64_t ahead)
{
    const int64_t part = n / kStreams / 16 * 16;
    __m256 acc[kStreams];
    for (__m256 &a : acc)
        a = _mm256_setzero_ps();
    for (int64_t i = 0; i < part; i += 16) {
#pragma GCC unroll 8
        for (int s = 0; s < kStreams; ++s) {
            const float *p = v + s * part + i;
            if (ahead)
                _mm_prefetch(reinterpret_cast<const char *>(p + ahead), _MM_HINT_T0);
            acc[s] =
                _mm256_add_ps(acc[s], _mm256_add_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)));
        }
    }
    for (int s = 1; s < kStreams; ++s)
        acc[0] = _mm256_add_ps(acc[0], acc[s]);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, acc[0]);
    float sum = 0.0f;
    for (float l : lanes)
        sum += l;
    for (int64_t i = kStreams * part; i < n; ++i)
        sum += v[i];
    return sum;
}

// One way to read: one stream or kStreams side by side, a software prefetch `ahead` floats
// ahead (0: none).
struct ReadWay
{
    bool streams = false;
    int64_t ahead = 0;
};

float sumOf(const float *v, int64_t n, ReadWay way)
{
    static const bool avx512 = __builtin_cpu_supports("avx512f");
    if (way.streams)
        return sumStreams(v, n, way.ahead);
    return avx512 ? sumAvx512(v, n, way.ahead) : sumAvx2(v, n, way.ahead);
}

}  // namespace

double readBandwidth(int64_t bytes, int repeats)
{
    // Each thread reads its share again and again, back to back, with no fork or wait between
    // passes (a fork per pass, as this once did, cost more than a pass of a cache-sized buffer
    // and put the "bound" below what decoding reached); the time is the slowest thread's, as a
    // step's. The fastest of sixteen ways to read: one stream with no software prefetch, 1, 4, 16
    // and 64 KiB ahead, and eight streams side by side with none, 1 and 16 KiB ahead (with only
    // the first, second and fourth, mamba-130m's decoding once read its weights faster than this
    // "bound"; which way is fastest changes with the minute: 516 MB on this VM, 53-57 GB/s for
    // the best three, 44-46 with no prefetch), each from 4 KiB pages and from huge pages (where
    // a loaded model's weights live: WeightMemory; 0-15% faster for the same way on this VM).
    const int64_t n = std::max<int64_t>(1024, bytes / int64_t(sizeof(float)));
    double best = 1e30;
    for (const bool hugePages : {false, true}) {
        const AlignedFloats buffer(n, size_t(2) << 20, hugePages);
        std::fill(buffer.data(), buffer.data() + n, 1.0f);
        volatile float sink = 0.0f;
        const auto passes = [&](int count, ReadWay way) {
            float total = 0.0f;
#pragma omp parallel reduction(+ : total)
            {
                const int t = omp_get_thread_num(), threads = omp_get_num_threads();
                const int64_t first = n * t / threads, size = n * (t + 1) / threads - first;
                for (int p = 0; p < count; ++p)
                    total += sumOf(buffer.data() + first, size, way);
            }
            sink = sink + total;
        };
        // Enough passes for about 0.2 s, from the time of a few.
        passes(4, {});
        double t0 = ProcessClock::wallSeconds();
        passes(16, {});
        const double perPass = std::max(1e-7, (ProcessClock::wallSeconds() - t0) / 16.0);
        const int count = int(std::clamp(0.2 / perPass, 16.0, 1e6));
        for (int r = 0; r < std::max(1, repeats); ++r) {
            for (const ReadWay way : {ReadWay{false, 0}, ReadWay{false, 256}, ReadWay{false, 1024},
                                      ReadWay{false, 4096}, ReadWay{false, 16384}, ReadWay{true, 0},
                                      ReadWay{true, 256}, ReadWay{true, 4096}}) {
                t0 = ProcessClock::wallSeconds();
                passes(count, way);
                best = std::min(best, (ProcessClock::wallSeconds() - t0) / count);
            }
        }
    }
    return double(n) * sizeof(float) / best / 1e9;
}

int64_t stepWeightBytes(const MambaModel &model)
{
    int64_t elements = model.finalNorm().elementCount() + model.lmHead().elementCount();
    if (!model.lmHeadTied())
        elements += model.config().dModel;  // the embedding's row of the token
    // negA is left out: a layer's A is counted once, as aLog (the scan reads ScanParameters'
    // copy of A, made from whichever of the two the file had).
    for (const MambaLayerWeights &w : model.layers())
        for (const FloatTensor *t : w.tensors())
            if (t->data && t != &w.negA)
                elements += t->elementCount();
    return elements * int64_t(sizeof(float));
}

QJsonObject decode(const std::shared_ptr<const MambaModel> &model, int tokens, int repeats)
{
    ForwardPass forward(model);
    Generator generator(forward);
    GenerationOptions options;
    options.maxNewTokens = tokens;
    options.stopAtEos = false;
    std::vector<int32_t> prompt;
    for (int32_t i = 0; i < 16; ++i)
        prompt.push_back((i * 37 + 11) % std::min(model->config().vocabSize, model->logitCount()));
    // The first run is also a warm-up (the step's scratch, threads, kept rows): reported apart,
    // as what a fresh `generate` of this length sees.
    const double firstRun = generator.generate(prompt, options).tokensPerSecond();
    // The bandwidth before and after decoding, the better one the bound: on a shared machine one
    // probe can fall in a busy moment (as with the sgemm probes of the prefill sections).
    const int64_t weightBytes = stepWeightBytes(*model);
    std::vector<double> probes{readBandwidth(weightBytes, repeats)};
    double best = 1e30, bestCpu = 1e30;
    for (int r = 0; r < std::max(1, repeats); ++r) {
        const double c0 = ProcessClock::cpuSeconds();
        const GenerationResult g = generator.generate(prompt, options);
        best = std::min(best, g.decodeSeconds);
        bestCpu = std::min(bestCpu, ProcessClock::cpuSeconds() - c0);
    }
    probes.push_back(readBandwidth(weightBytes, repeats));
    const double bandwidth = *std::max_element(probes.begin(), probes.end());
    const double perSecond = double(tokens) / best;
    const double bound = bandwidth * 1e9 / double(weightBytes);
    // Probes more than 20% apart, or decoding faster than the better one, mean the load changed
    // during the run: the output says so, and the fraction is never above 1.
    const double fraction = perSecond / bound;
    const bool quiet =
        bandwidth <= 1.2 * *std::min_element(probes.begin(), probes.end()) && fraction <= 1.0;
    return {{QStringLiteral("tokens"), tokens},
            {QStringLiteral("threads"), EngineThreads::get()},
            {QStringLiteral("seconds_best"), best},
            {QStringLiteral("tokens_per_second"), perSecond},
            {QStringLiteral("first_run_tokens_per_second"), firstRun},
            {QStringLiteral("tokens_per_cpu_second"), double(tokens) / bestCpu},
            {QStringLiteral("weight_bytes_per_token"), double(weightBytes)},
            {QStringLiteral("read_bandwidth_gbs"), bandwidth},
            {QStringLiteral("read_bandwidth_probes_gbs"), QJsonArray{probes[0], probes[1]}},
            {QStringLiteral("bandwidth_bound_tokens_per_second"), bound},
            {QStringLiteral("fraction_of_bandwidth_bound"), std::min(1.0, fraction)},
            {QStringLiteral("load_was_quiet"), quiet}};
}

QJsonObject passkeyGrid(const std::shared_ptr<const MambaModel> &model,
                        const BpeTokenizer &tokenizer, int64_t longest, int keys)
{
    PasskeyGrid grid;
    for (int64_t length = 256; length <= longest; length *= 2)
        grid.lengths.push_back(length);
    grid.depths = {0.0, 0.25, 0.5, 0.75, 1.0};
    grid.keys = PasskeyTask::keys(2024, keys);
    PasskeyTask task(tokenizer, model->config().bosTokenId);
    ForwardPass forward(model);
    PasskeyEvaluator evaluator(forward, task);
    const double c0 = ProcessClock::cpuSeconds();
    const PasskeyResult r = evaluator.run(grid);
    const double cpu = ProcessClock::cpuSeconds() - c0;
    double correct = 0.0;
    for (const PasskeyCell &c : r.cells)
        correct += c.accuracy();
    QJsonArray lengths;
    for (int64_t l : grid.lengths)
        lengths.append(double(l));
    // The work without prefix sharing: one pass over every prompt and its answer.
    double unshared = 0.0;
    for (int64_t l : grid.lengths)
        unshared += double(l + 4) * double(grid.depths.size() * grid.keys.size());
    return {{QStringLiteral("lengths"), lengths},
            {QStringLiteral("depths"), int(grid.depths.size())},
            {QStringLiteral("keys"), keys},
            {QStringLiteral("cells"), int(r.cells.size())},
            {QStringLiteral("seconds"), r.seconds},
            {QStringLiteral("cpu_seconds"), cpu},
            {QStringLiteral("tokens_processed"), double(r.tokensProcessed)},
            {QStringLiteral("tokens_without_sharing"), unshared},
            {QStringLiteral("tokens_per_second"), double(r.tokensProcessed) / r.seconds},
            {QStringLiteral("mean_accuracy"), correct / double(r.cells.size())}};
}

}  // namespace mscope::taskbench
