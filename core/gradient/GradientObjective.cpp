// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/GradientObjective.h"

#include "support/Error.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

namespace mscope {

ObjectiveSpec ObjectiveSpec::parse(const QString &text)
{
    const QString key = text.trimmed().toLower();
    ObjectiveSpec s;
    if (key == QLatin1String("ppl") || key == QLatin1String("perplexity"))
        return s;
    if (key == QLatin1String("passkey") || key == QLatin1String("retrieval")) {
        s.kind = Kind::Retrieval;
        s.retrievalWeight = 1.0;
        return s;
    }
    if (key.startsWith(QLatin1String("mixed:"))) {
        bool ok = false;
        const double w = key.mid(6).toDouble(&ok);
        if (ok && w >= 0.0 && w <= 1.0) {
            s.kind = Kind::Mixed;
            s.retrievalWeight = w;
            return s;
        }
    }
    throw Error({}, QStringLiteral("unknown objective '%1' (ppl, passkey, or mixed:W with the "
                                   "retrieval weight W in [0, 1])")
                        .arg(text));
}

QString ObjectiveSpec::name() const
{
    switch (kind) {
        case Kind::Perplexity:
            return QStringLiteral("ppl");
        case Kind::Retrieval:
            return QStringLiteral("passkey");
        case Kind::Mixed:
            return QStringLiteral("mixed:%1")
                .arg(QString::number(retrievalWeight, 'g', QLocale::FloatingPointShortest));
    }
    return {};
}

double ObjectiveSpec::perplexityWeight() const
{
    return kind == Kind::Perplexity ? 1.0 : kind == Kind::Retrieval ? 0.0 : 1.0 - retrievalWeight;
}

double ObjectiveSpec::retrievalWeightOf() const
{
    return kind == Kind::Perplexity ? 0.0 : kind == Kind::Retrieval ? 1.0 : retrievalWeight;
}

int64_t GradientObjective::availableWindows(const std::vector<std::vector<int32_t>> &documents,
                                            int length)
{
    int64_t n = 0;
    for (const auto &doc : documents)
        n += length > 0 ? int64_t(doc.size()) / length : 0;
    return n;
}

std::vector<std::vector<int32_t>> GradientObjective::documentWindows(
    const std::vector<std::vector<int32_t>> &documents, int length, int count)
{
    std::vector<std::pair<size_t, size_t>> all;  // (document, first token)
    for (size_t d = 0; length > 0 && d < documents.size(); ++d)
        for (size_t b = 0; b + size_t(length) <= documents[d].size(); b += size_t(length))
            all.emplace_back(d, b);
    std::vector<std::vector<int32_t>> out;
    if (all.empty())
        return out;
    const int n = count <= 0 ? int(all.size()) : std::min(count, int(all.size()));
    for (int i = 0; i < n; ++i) {
        const size_t idx =
            std::min(size_t((double(i) + 0.5) * double(all.size()) / n), all.size() - 1);
        const auto [d, b] = all[idx];
        out.emplace_back(documents[d].begin() + int64_t(b),
                         documents[d].begin() + int64_t(b) + length);
    }
    return out;
}

std::vector<ScoredWindow> GradientObjective::perplexity(
    const std::vector<std::vector<int32_t>> &windows, int32_t bosId, double weight)
{
    std::vector<ScoredWindow> out;
    int64_t positions = 0;
    for (const auto &w : windows) {
        ScoredWindow s;
        if (bosId >= 0)
            s.ids.push_back(bosId);
        s.ids.insert(s.ids.end(), w.begin(), w.end());
        positions += std::max<int64_t>(0, int64_t(s.ids.size()) - 1);
        out.push_back(std::move(s));
    }
    for (ScoredWindow &s : out)
        s.weights.assign(s.ids.size() > 0 ? s.ids.size() - 1 : 0,
                         positions > 0 ? weight / double(positions) : 0.0);
    return out;
}

std::vector<ScoredWindow> GradientObjective::answers(
    const std::vector<std::vector<int32_t>> &windows, const std::vector<int64_t> &answerStart,
    double weight)
{
    std::vector<ScoredWindow> out;
    int64_t tokens = 0;
    for (size_t i = 0; i < windows.size(); ++i) {
        const int64_t T = int64_t(windows[i].size()), a = answerStart[i];
        if (a < 1 || a >= T)
            throw Error({}, QStringLiteral("window %1: the answer starts at %2, outside 1..%3")
                                .arg(i)
                                .arg(a)
                                .arg(T - 1));
        tokens += T - a;
    }
    for (size_t i = 0; i < windows.size(); ++i) {
        ScoredWindow s;
        s.ids = windows[i];
        s.weights.assign(s.ids.size() - 1, 0.0);
        // Position t predicts ids[t + 1]: the answer's tokens are predicted at a-1 .. T-2.
        for (size_t t = size_t(answerStart[i] - 1); t + 1 < s.ids.size(); ++t)
            s.weights[t] = weight / double(tokens);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace mscope
