// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/PasskeyEvaluator.h"

#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tasks/Decoder.h"

#include <QString>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <tuple>

namespace mscope {

namespace {

Error inputError(const QString &problem)
{
    return Error(Error::Kind::Input, {}, problem);
}

// One key of one cell, as the run orders them.
struct Job
{
    size_t cell = 0;
    size_t keyIndex = 0;
    int key = 0;
    int64_t fillerLength = 0;  // F
    int64_t keyOffset = 0;     // p
};

}  // namespace

double PasskeyCell::accuracy() const
{
    if (answers.empty())
        return std::nan("");
    const auto correct = std::count_if(answers.begin(), answers.end(),
                                       [](const PasskeyAnswer &a) { return a.correct; });
    return double(correct) / double(answers.size());
}

double PasskeyCell::meanKeyNll() const
{
    if (answers.empty())
        return std::nan("");
    double sum = 0.0;
    for (const PasskeyAnswer &a : answers)
        sum += a.meanNll;
    return sum / double(answers.size());
}

const PasskeyCell *PasskeyResult::cell(int64_t length, double depth) const
{
    for (const PasskeyCell &c : cells)
        if (c.length == length && c.depth == depth)
            return &c;
    return nullptr;
}

TokenScore scoreToken(std::span<const float> logits, int32_t target)
{
    TokenScore s;
    float top = logits[0];
    for (size_t v = 1; v < logits.size(); ++v) {
        if (logits[v] > top) {
            top = logits[v];
            s.argmax = int32_t(v);
        }
    }
    double sum = 0.0;
    for (float v : logits)
        sum += std::exp(double(v) - double(top));
    s.nll = std::log(sum) + double(top) - double(logits[size_t(target)]);
    return s;
}

PasskeyEvaluator::PasskeyEvaluator(ForwardPass &forward, const PasskeyTask &task, int chunkTokens)
    : m_forward(forward), m_task(task), m_chunk(std::max(1, chunkTokens))
{
}

PasskeyAnswer PasskeyEvaluator::scoreAnswer(Decoder &teacher, int32_t lastPromptToken,
                                            const std::vector<int32_t> &expected)
{
    const int64_t V = m_forward.model().logitCount();
    PasskeyAnswer a;
    a.expected = expected;
    for (int32_t id : expected)
        if (id < 0 || id >= V)
            throw Error(Error::Kind::Model, {},
                        QStringLiteral("the answer token %1 is outside the model's vocabulary "
                                       "(%2 entries): is the tokenizer the model's?")
                            .arg(id)
                            .arg(V));
    std::span<const float> logits = teacher.step(lastPromptToken);
    ++m_tokens;
    double nll = 0.0;
    bool onAnswer = true;  // the greedy decoding has followed the answer so far
    for (size_t j = 0; j < expected.size(); ++j) {
        const TokenScore s = scoreToken(logits, expected[j]);
        nll += s.nll;
        if (onAnswer) {
            a.given.push_back(s.argmax);
            if (s.argmax != expected[j]) {
                // The greedy decoding leaves the answer here: it goes on from a copy of the state.
                onAnswer = false;
                Decoder greedy(m_forward, m_chunk);
                greedy.restore(teacher.state(), teacher.position());
                while (a.given.size() < expected.size()) {
                    const std::span<const float> g = greedy.step(a.given.back());
                    ++m_tokens;
                    a.given.push_back(scoreToken(g, 0).argmax);
                }
            }
        }
        if (j + 1 < expected.size()) {
            logits = teacher.step(expected[j]);
            ++m_tokens;
        }
    }
    a.correct = onAnswer;
    a.meanNll = expected.empty() ? 0.0 : nll / double(expected.size());
    return a;
}

PasskeyAnswer PasskeyEvaluator::scoreAlone(const PasskeyPrompt &prompt)
{
    Decoder decoder(m_forward, m_chunk);
    const std::span<const int32_t> ids(prompt.ids);
    decoder.feed(ids.first(ids.size() - 1));
    PasskeyAnswer a = scoreAnswer(decoder, ids.back(), prompt.answer);
    a.key = prompt.key;
    a.keyPosition = prompt.keyPosition;
    return a;
}

PasskeyResult PasskeyEvaluator::run(const PasskeyGrid &grid, const JobControl *job,
                                    const CellCallback &onCell)
{
    const auto start = std::chrono::steady_clock::now();
    if (grid.lengths.empty() || grid.depths.empty() || grid.keys.empty())
        throw inputError(
            QStringLiteral("a passkey grid needs at least one length, one depth and "
                           "one key"));
    for (double d : grid.depths)
        if (!(d >= 0.0 && d <= 1.0))
            throw inputError(QStringLiteral("a depth must be in [0, 1] (got %1)").arg(d));
    m_tokens = 0;

    // The key sentences and answers once per key; the jobs, each knowing its F and p.
    std::map<int, std::pair<std::vector<int32_t>, std::vector<int32_t>>> pieces;
    for (int key : grid.keys) {
        if (key < 10000 || key > 99999)
            throw inputError(
                QStringLiteral("a passkey has 5 digits (10000-99999); got %1").arg(key));
        pieces.emplace(key, std::make_pair(m_task.keySentence(key), m_task.answer(key)));
    }
    PasskeyResult result;
    std::vector<Job> jobs;
    const size_t depths = grid.depths.size();
    for (size_t li = 0; li < grid.lengths.size(); ++li) {
        for (size_t di = 0; di < depths; ++di) {
            PasskeyCell cell;
            cell.length = grid.lengths[li];
            cell.depth = grid.depths[di];
            cell.answers.resize(grid.keys.size());
            result.cells.push_back(std::move(cell));
        }
        for (size_t ki = 0; ki < grid.keys.size(); ++ki) {
            const int key = grid.keys[ki];
            const int64_t minimum = m_task.minimumLength(key);
            const int64_t F = grid.lengths[li] - minimum;
            if (F < 0)
                throw inputError(QStringLiteral("a passkey prompt needs at least %1 tokens with "
                                                "this tokenizer (the template with no filler); "
                                                "got a length of %2")
                                     .arg(minimum)
                                     .arg(grid.lengths[li]));
            const int64_t capacity = m_task.fillerCapacity();
            if (capacity >= 0 && F > capacity)
                throw inputError(QStringLiteral("the filler text %1 has %2 tokens; a prompt of %3 "
                                                "tokens needs %4")
                                     .arg(m_task.fillerName())
                                     .arg(capacity)
                                     .arg(grid.lengths[li])
                                     .arg(F));
            const std::vector<int64_t> bounds = m_task.boundaries(F);
            for (size_t di = 0; di < depths; ++di)
                jobs.push_back({li * depths + di, ki, key, F,
                                PasskeyTask::keyOffset(bounds, grid.depths[di], F)});
        }
    }
    std::sort(jobs.begin(), jobs.end(), [](const Job &a, const Job &b) {
        return std::tie(a.keyOffset, a.key, a.fillerLength, a.cell) <
               std::tie(b.keyOffset, b.key, b.fillerLength, b.cell);
    });

    // The work in tokens, for progress: the shared prefix, then per (p, key) its key sentence and
    // the filler up to its longest F, and per job the question and answer.
    const std::vector<int32_t> &instruction = m_task.instruction();
    const std::vector<int32_t> &question = m_task.question();
    int64_t maxF = 0, total = 1 + int64_t(instruction.size()) + jobs.back().keyOffset;
    for (size_t i = 0; i < jobs.size(); ++i) {
        const Job &j = jobs[i];
        maxF = std::max(maxF, j.fillerLength);
        const bool firstOfGroup =
            i == 0 || jobs[i - 1].keyOffset != j.keyOffset || jobs[i - 1].key != j.key;
        if (firstOfGroup)
            total += int64_t(pieces[j.key].first.size());
        total += j.fillerLength - (firstOfGroup ? j.keyOffset : jobs[i - 1].fillerLength);
        total += int64_t(question.size() + pieces[j.key].second.size());
    }
    const std::vector<int32_t> filler = m_task.fillerTokens(maxF);
    const std::span<const int32_t> fillerSpan(filler);

    Decoder spine(m_forward, m_chunk), branch(m_forward, m_chunk), tail(m_forward, m_chunk);
    const auto feed = [this, job](Decoder &d, std::span<const int32_t> ids) {
        d.feed(ids, job);
        m_tokens += int64_t(ids.size());
    };
    std::vector<int32_t> head{m_task.bosTokenId()};
    head.insert(head.end(), instruction.begin(), instruction.end());
    spine.reset();
    feed(spine, head);
    const std::span<const int32_t> questionBody =
        std::span<const int32_t>(question).first(question.size() - 1);
    std::vector<size_t> remaining(result.cells.size(), grid.keys.size());
    int64_t at = 0;  // filler tokens the spine has consumed
    for (size_t i = 0; i < jobs.size();) {
        const int64_t p = jobs[i].keyOffset;
        feed(spine, fillerSpan.subspan(size_t(at), size_t(p - at)));
        at = p;
        // Every key at this offset: its key sentence once, then its lengths in increasing F.
        while (i < jobs.size() && jobs[i].keyOffset == p) {
            const int key = jobs[i].key;
            const auto &[sentence, answer] = pieces[key];
            branch.restore(spine.state(), spine.position());
            feed(branch, sentence);
            int64_t r = p;
            for (; i < jobs.size() && jobs[i].keyOffset == p && jobs[i].key == key; ++i) {
                if (job)
                    job->throwIfCancelled();
                const Job &j = jobs[i];
                feed(branch, fillerSpan.subspan(size_t(r), size_t(j.fillerLength - r)));
                r = j.fillerLength;
                tail.restore(branch.state(), branch.position());
                feed(tail, questionBody);
                PasskeyAnswer a = scoreAnswer(tail, question.back(), answer);
                a.key = key;
                a.keyPosition = 1 + int64_t(instruction.size()) + p;
                PasskeyCell &cell = result.cells[j.cell];
                cell.answers[j.keyIndex] = std::move(a);
                if (--remaining[j.cell] == 0 && onCell)
                    onCell(cell);
                if (job)
                    job->report(
                        std::min(1.0, double(m_tokens) / double(total)),
                        QStringLiteral("%1 tokens, depth %2").arg(cell.length).arg(cell.depth));
            }
        }
    }
    result.tokensProcessed = m_tokens;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace mscope
