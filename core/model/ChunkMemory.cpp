// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/ChunkMemory.h"

#include "io/ModelConfig.h"
#include "model/MambaModel.h"
#include "support/EngineThreads.h"
#include "support/Error.h"
#include "support/SystemMemory.h"

#include <algorithm>

namespace mscope {

namespace {

// ForwardPass's LM head works on blocks of 2 MiB of logits per thread.
constexpr qint64 kHeadBlockBytes = qint64(2) << 20;
// Mamba-2's SSD form works on blocks of at most 16 tokens.
constexpr int64_t kSsdMaxBlock = 16;

// Floats per token of a chunk.
int64_t floatsPerToken(const ModelConfig &c)
{
    const int64_t D = c.dModel, E = c.dInner, N = c.dState, R = c.dtRank;
    // The chunk's hidden state, the LM head's normalized input, the block's normalized input, and
    // the out_proj product Eigen makes before adding it to the hidden state.
    const int64_t common = 4 * D;
    if (c.architecture == Architecture::Mamba2) {
        const int64_t conv = c.convChannels(), H = c.nHeads;
        // in_proj output (z | x B C | dt), conv output, Δ per head, scan output.
        return common + (E + conv + H) + conv + H + E;
    }
    // [x | z], conv output, x_proj output (dt | B | C), Δ, scan output.
    return common + 2 * E + E + (R + 2 * N) + E + E;
}

// Floats held once (the recurrent state) and per thread (scratch).
int64_t fixedFloats(const ModelConfig &c, int threads)
{
    const int64_t E = c.dInner, N = c.dState, K = c.convKernel;
    if (c.architecture == Architecture::Mamba2) {
        const int64_t P = c.headDim, H = c.nHeads, Q = std::min<int64_t>(kSsdMaxBlock, c.chunkSize);
        const int64_t state = int64_t(c.nLayer) * (H * P * N + c.convChannels() * (K - 1));
        const int64_t perThread = N * P + 2 * Q * Q + (P + N + 1) * Q + Q;
        return state + H * P * N + threads * perThread;
    }
    return int64_t(c.nLayer) * (E * N + E * (K - 1));
}

QString mib(qint64 bytes)
{
    return bytes >= (qint64(10) << 30)
               ? QStringLiteral("%1 GiB").arg(double(bytes) / double(1 << 30), 0, 'f', 1)
               : QStringLiteral("%1 MiB").arg((bytes + (1 << 20) - 1) >> 20);
}

}  // namespace

qint64 ChunkMemory::forwardPassBytes(const ModelConfig &config, int64_t logitRows, int64_t tokens,
                                     int threads)
{
    threads = std::max(1, threads);
    const int64_t perToken = floatsPerToken(config) + 1;  // + the token's NLL
    const qint64 head =
        qint64(threads) *
        std::min<qint64>(kHeadBlockBytes, qint64(logitRows) * 4 * std::max<int64_t>(tokens, 1));
    return qint64(perToken) * tokens * 4 + qint64(fixedFloats(config, threads)) * 4 + head;
}

int64_t ChunkMemory::largestChunk(const ModelConfig &config, int64_t logitRows, int threads,
                                  qint64 bytes)
{
    if (forwardPassBytes(config, logitRows, 1, threads) > bytes)
        return 0;
    int64_t lo = 1, hi = int64_t(1) << 30;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (forwardPassBytes(config, logitRows, mid, threads) <= bytes)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

void ChunkMemory::require(const MambaModel &model, int64_t tokens, qint64 extraBytes,
                          qint64 availableBytes)
{
    require(model.config(), model.logitCount(), tokens, EngineThreads::get(), extraBytes,
            availableBytes);
}

void ChunkMemory::require(const ModelConfig &config, int64_t logitRows, int64_t tokens, int threads,
                          qint64 extraBytes, qint64 availableBytes)
{
    const qint64 available = availableBytes >= 0 ? availableBytes : SystemMemory::availableBytes();
    if (available <= 0)
        return;
    const qint64 needed = forwardPassBytes(config, logitRows, tokens, threads) + extraBytes;
    if (needed <= available)
        return;
    // What fits with the same outputs kept, and a margin for everything else the program holds.
    const int64_t fits = largestChunk(config, logitRows, threads, (available - extraBytes) / 4 * 3);
    QString advice;
    if (fits >= 1)
        advice = QStringLiteral("; a chunk of at most %1 tokens fits (--chunk %1)").arg(fits);
    else
        advice = QStringLiteral("; not even a chunk of one token fits");
    throw Error(
        Error::Kind::Resource, {},
        QStringLiteral("a forward chunk of %1 tokens needs about %2 beyond the weights%3, "
                       "but only %4 of memory is available%5")
            .arg(tokens)
            .arg(mib(needed))
            .arg(extraBytes > 0 ? QStringLiteral(" (%1 of it for the output)").arg(mib(extraBytes))
                                : QString())
            .arg(mib(available))
            .arg(advice));
}

}  // namespace mscope
