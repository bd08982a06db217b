// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/Generator.h"

#include "kernels/ElementwiseKernels.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <QString>
#include <chrono>
#include <cmath>

namespace mscope {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// log p(id) under softmax(logits): the shift and the sum of exponentials vectorized (2e-7
// relative, the sum in double), as a token's probability is taken every step and the LM head's
// few microseconds would otherwise be followed by tens in scalar exp.
double logProbability(std::span<const float> logits, int32_t id, const LogitSummary &summary)
{
    // From the summary the step's threads made beside the logits, when there is a finite one.
    if (summary.valid && std::isfinite(summary.max))
        return summary.logProbability(logits[size_t(id)]);
    const int64_t n = int64_t(logits.size());
    const float top = maxNotNaN(logits.data(), n);
    return double(logits[size_t(id)]) - double(top) -
           std::log(sumExpShifted(logits.data(), n, top));
}

// A new token costs about this many prompt tokens of work (the step against a chunk's share):
// the weight of decoding in the progress fraction.
constexpr double kStepCostInPromptTokens = 8.0;
// Progress during decoding is reported at most this often (and after the last token): a report
// formats its text and calls the listener, about a microsecond that came between every two
// steps while the step's other threads waited.
constexpr std::chrono::milliseconds kReportInterval{20};

}  // namespace

double GenerationResult::tokensPerSecond() const
{
    return decodeSeconds > 0.0 ? double(ids.size()) / decodeSeconds : 0.0;
}

Generator::Generator(ForwardPass &forward, int chunkTokens) : m_decoder(forward, chunkTokens) {}

GenerationResult Generator::generate(std::span<const int32_t> prompt,
                                     const GenerationOptions &options, const JobControl *job,
                                     const TokenCallback &onToken)
{
    options.sampling.validate();
    if (options.maxNewTokens < 0)
        throw Error(Error::Kind::Input, {},
                    QStringLiteral("the number of new tokens must be 0 or more (got %1)")
                        .arg(options.maxNewTokens));
    if (prompt.empty())
        throw Error(Error::Kind::Input, {},
                    QStringLiteral("the prompt is empty: generation needs at least one token"));
    const MambaModel &model = m_decoder.forward().model();
    const int32_t eos = options.eosTokenId >= 0 ? options.eosTokenId : model.config().eosTokenId;
    const double work = double(prompt.size()) + kStepCostInPromptTokens * options.maxNewTokens;
    const auto report = [&](double done, const QString &what) {
        if (job)
            job->report(work > 0.0 ? done / work : 1.0, what);
    };

    GenerationResult result;
    result.promptTokens = int64_t(prompt.size());
    const auto start = std::chrono::steady_clock::now();
    // The prompt but its last token in pieces (progress and cancellation), the last one stepped.
    m_decoder.reset();
    const size_t body = prompt.size() - 1, piece = size_t(m_decoder.chunkTokens()) * 8;
    for (size_t t0 = 0; t0 < body; t0 += piece) {
        m_decoder.feed(prompt.subspan(t0, std::min(piece, body - t0)), job);
        report(double(std::min(body, t0 + piece)), QStringLiteral("prompt"));
    }
    if (job)
        job->throwIfCancelled();
    std::span<const float> logits = m_decoder.step(prompt.back());
    result.prefillSeconds = secondsSince(start);

    const auto decodeStart = std::chrono::steady_clock::now();
    Sampler sampler(options.sampling);
    sampler.begin(prompt, model.logitCount());
    auto lastReport = decodeStart;
    for (int i = 0; i < options.maxNewTokens; ++i) {
        if (job && job->isCancelled()) {
            result.stop = GenerationResult::Stop::Cancelled;
            break;
        }
        GeneratedToken token;
        token.index = i;
        token.id = sampler.next(logits, &m_decoder.logitSummary());
        token.logProbability = logProbability(logits, token.id, m_decoder.logitSummary());
        token.probability = std::exp(token.logProbability);
        result.ids.push_back(token.id);
        result.probabilities.push_back(token.probability);
        if (onToken)
            onToken(token);
        const bool atEos = options.stopAtEos && token.id == eos;
        if (job) {
            const auto now = std::chrono::steady_clock::now();
            if (now - lastReport >= kReportInterval || i + 1 == options.maxNewTokens || atEos) {
                lastReport = now;
                report(double(prompt.size()) + kStepCostInPromptTokens * (i + 1),
                       QStringLiteral("token %1").arg(i + 1));
            }
        }
        if (atEos) {
            result.stop = GenerationResult::Stop::EndOfText;
            break;
        }
        if (i + 1 < options.maxNewTokens)
            logits = m_decoder.step(token.id);
    }
    result.decodeSeconds = secondsSince(decodeStart);
    return result;
}

}  // namespace mscope
