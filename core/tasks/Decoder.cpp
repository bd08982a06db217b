// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/Decoder.h"

#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"

#include <algorithm>

namespace mscope {

namespace {

// Up to this many tokens go through the step rather than a chunk: the step reads each weight once
// per token, a chunk once per chunk but with the overheads of a matrix product.
constexpr size_t kStepTokens = 2;

}  // namespace

Decoder::Decoder(ForwardPass &forward, int chunkTokens)
    : m_forward(forward),
      m_chunk(std::max(1, chunkTokens)),
      m_state(forward.model().config()),
      m_logits(size_t(forward.model().logitCount()))
{
}

void Decoder::reset()
{
    m_state.reset();
    m_position = 0;
}

void Decoder::feed(std::span<const int32_t> ids, const JobControl *job)
{
    if (ids.size() <= kStepTokens) {
        for (int32_t id : ids)
            m_forward.step(id, m_state, nullptr);
        m_position += int64_t(ids.size());
        return;
    }
    for (size_t t0 = 0; t0 < ids.size(); t0 += size_t(m_chunk)) {
        if (job)
            job->throwIfCancelled();
        const size_t n = std::min(size_t(m_chunk), ids.size() - t0);
        m_forward.embed(ids.subspan(t0, n), m_hidden);
        m_forward.runLayers(m_hidden, m_state);
        m_position += int64_t(n);
    }
}

std::span<const float> Decoder::step(int32_t id)
{
    m_forward.step(id, m_state, m_logits.data(), &m_summary);
    ++m_position;
    return m_logits;
}

std::span<const float> Decoder::prefill(std::span<const int32_t> prompt, const JobControl *job)
{
    if (prompt.empty())
        throw Error({}, QStringLiteral("the prompt is empty: decoding needs at least one token"));
    reset();
    feed(prompt.first(prompt.size() - 1), job);
    if (job)
        job->throwIfCancelled();
    return step(prompt.back());
}

void Decoder::restore(const RecurrentState &snapshot, int64_t position)
{
    m_state = snapshot;
    m_position = position;
}

}  // namespace mscope
