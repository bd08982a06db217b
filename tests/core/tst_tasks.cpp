// SPDX-License-Identifier: GPL-3.0-or-later
// Tasks past perplexity (method.md §8): passkey prompts against the retrieval model's recipe,
// their scoring (by hand, alone and with prefix sharing, against PyTorch's numbers), sampling,
// and greedy generation against transformers (tests/data/generation).
#include "TestJson.h"
#include "TestMain.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "model/ModelFolder.h"
#include "support/Error.h"
#include "support/JobControl.h"
#include "tasks/Generator.h"
#include "tasks/PasskeyEvaluator.h"
#include "tasks/PasskeyTask.h"
#include "tasks/Sampler.h"
#include "tokenizer/BpeTokenizer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>

using namespace mscope;
using testjson::readJson;
using testjson::tokenIds;

namespace {

const QString kRetrieval = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-retrieval-3.7m");
const QString kDemo = QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
const QString kDracula = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt");

QJsonObject recipeResults()
{
    return readJson(kRetrieval + QStringLiteral("/recipe/results.json"));
}

std::vector<int> recipeKeys()
{
    std::vector<int> keys;
    for (const QJsonValue &v :
         recipeResults()[QStringLiteral("passkey")][QStringLiteral("keys")].toArray())
        keys.push_back(v.toInt());
    return keys;
}

// A float as Python's str() writes the recipe's depths: "0.0", "0.25", "1.0".
QString pythonFloat(double v)
{
    return v == std::floor(v) ? QString::number(v, 'f', 1) : QString::number(v, 'g', 12);
}

}  // namespace

class TasksTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void keysAreTheRecipes();
    void promptsMatchTheRecipe();
    void promptLayout_data();
    void promptLayout();
    void promptRefusesImpossibleRequests();
    void scoreTokenHandMade();
    void gridEqualsPromptsScoredAlone_data();
    void gridEqualsPromptsScoredAlone();
    void retrievalModelAgreesWithPyTorch();
    void retrievalModelCardGivesTrainingLength();
    void samplerGreedyAndFilters();
    void samplerReproducibleBySeed();
    void samplerFollowsTheDistribution();
    void samplerMatchesPlainSampling_data();
    void samplerMatchesPlainSampling();
    void greedyGenerationMatchesTransformers_data();
    void greedyGenerationMatchesTransformers();
    void generationStopsAndStreams();

private:
    std::shared_ptr<const MambaModel> m_model;  // the retrieval model
    std::unique_ptr<BpeTokenizer> m_tokenizer;
    std::vector<int32_t> m_dracula;  // test_dracula.txt encoded whole
};

void TasksTest::initTestCase()
{
    m_model = MambaModel::load(kRetrieval);
    m_tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    m_dracula = m_tokenizer->encodeFile(kDracula);
}

void TasksTest::keysAreTheRecipes()
{
    // The recipe drew its keys with Python's random.Random(2024).randint(10000, 99999).
    const std::vector<int> keys = recipeKeys();
    QCOMPARE(int(keys.size()), 20);
    QCOMPARE(PasskeyTask::keys(2024, 20), keys);
    QCOMPARE(PasskeyTask::keys(2024, 3), std::vector<int>(keys.begin(), keys.begin() + 3));
    QVERIFY(PasskeyTask::keys(2025, 20) != keys);
}

void TasksTest::promptsMatchTheRecipe()
{
    const QJsonObject examples =
        recipeResults()[QStringLiteral("passkey")][QStringLiteral("examples")].toObject();
    QCOMPARE(examples.size(), 18);
    const std::vector<int32_t> mid(m_dracula.begin() + 100000, m_dracula.end());
    for (auto it = examples.begin(); it != examples.end(); ++it) {
        // Names like "book_mid_L256_d0.5".
        const QString name = it.key();
        const QJsonObject e = it.value().toObject();
        const int at = name.indexOf(QLatin1String("_L"));
        const QString filler = name.left(at);
        const QStringList rest = name.mid(at + 2).split(QLatin1String("_d"));
        PasskeyTask task(*m_tokenizer, m_model->config().bosTokenId);
        if (filler == QLatin1String("book"))
            task.setTextFiller(m_dracula, QStringLiteral("dracula"));
        else if (filler == QLatin1String("book_mid"))
            task.setTextFiller(mid, QStringLiteral("dracula from 100000"));
        const PasskeyPrompt p =
            task.build(rest[0].toLongLong(), rest[1].toDouble(), e[QStringLiteral("key")].toInt());
        QCOMPARE(p.ids, tokenIds(e[QStringLiteral("prompt_ids")].toArray()));
        QCOMPARE(p.answer, tokenIds(e[QStringLiteral("answer_ids")].toArray()));
        QCOMPARE(p.fillerLength, int64_t(e[QStringLiteral("F")].toInt()));
        QCOMPARE(p.keyOffset, int64_t(e[QStringLiteral("p")].toInt()));
        QCOMPARE(p.keyPosition, int64_t(e[QStringLiteral("key_pos")].toInt()));
    }
}

void TasksTest::promptLayout_data()
{
    QTest::addColumn<bool>("book");
    QTest::addColumn<int>("length");
    QTest::addColumn<double>("depth");
    for (const bool book : {false, true})
        for (const int length : {66, 300, 2000})
            for (const double depth : {0.0, 0.1, 0.37, 0.5, 0.9, 1.0})
                QTest::addRow("%s L%d d%g", book ? "book" : "repeat", length, depth)
                    << book << length << depth;
}

void TasksTest::promptLayout()
{
    QFETCH(bool, book);
    QFETCH(int, length);
    QFETCH(double, depth);
    PasskeyTask task(*m_tokenizer, 0);
    if (book)
        task.setTextFiller(m_dracula, QStringLiteral("dracula"));
    const int key = 48151;
    const PasskeyPrompt p = task.build(length, depth, key);
    // Deterministic, the requested length, and the pieces where the layout says.
    QCOMPARE(task.build(length, depth, key).ids, p.ids);
    QCOMPARE(int64_t(p.ids.size()), int64_t(length));
    QCOMPARE(p.ids.front(), 0);
    const std::vector<int32_t> sentence = task.keySentence(key);
    QVERIFY(std::equal(sentence.begin(), sentence.end(), p.ids.begin() + p.keyPosition));
    QVERIFY(std::equal(task.question().begin(), task.question().end(),
                       p.ids.end() - int64_t(task.question().size())));
    QCOMPARE(m_tokenizer->decode(p.answer), QStringLiteral(" 48151"));
    // The key sits at a sentence boundary: the filler before it is whole sentences (the text up
    // to it ends a sentence, or is the instruction; at depth 1 it is all the filler) ...
    const std::vector<int64_t> bounds = task.boundaries(p.fillerLength);
    QVERIFY(std::binary_search(bounds.begin(), bounds.end(), p.keyOffset));
    const QString before =
        m_tokenizer->decode(std::vector<int32_t>(p.ids.begin() + 1, p.ids.begin() + p.keyPosition));
    QVERIFY2(p.keyOffset == 0 || p.keyOffset == p.fillerLength ||
                 before.endsWith(QLatin1Char('.')) || before.endsWith(QLatin1Char('!')) ||
                 before.endsWith(QLatin1Char('?')),
             qPrintable(before.right(40)));
    // ... and the boundary closest to the requested depth: no other is nearer.
    const double target = std::floor(depth * double(p.fillerLength) + 0.5);
    for (int64_t b : bounds)
        QVERIFY(std::abs(double(b) - target) >= std::abs(double(p.keyOffset) - target));
    if (depth == 0.0)
        QCOMPARE(p.keyOffset, int64_t(0));
    if (depth == 1.0)
        QCOMPARE(p.keyOffset, p.fillerLength);
}

void TasksTest::promptRefusesImpossibleRequests()
{
    PasskeyTask task(*m_tokenizer, 0);
    const int key = 71615;
    const int64_t minimum = task.minimumLength(key);
    QVERIFY(minimum > 50 && minimum < 80);
    QCOMPARE(int64_t(task.build(minimum, 0.5, key).ids.size()), minimum);
    QVERIFY_THROWS_EXCEPTION(Error, task.build(minimum - 1, 0.5, key));
    QVERIFY_THROWS_EXCEPTION(Error, task.build(256, 1.5, key));
    QVERIFY_THROWS_EXCEPTION(Error, task.build(256, 0.5, 1234));
    task.setTextFiller({1, 2, 3}, QStringLiteral("short"));
    QVERIFY_THROWS_EXCEPTION(Error, task.build(256, 0.5, key));
}

void TasksTest::scoreTokenHandMade()
{
    // p = (1, 3, 1) / 5.
    const std::vector<float> logits{0.0f, float(std::log(3.0)), 0.0f};
    TokenScore s = scoreToken(logits, 1);
    QCOMPARE(s.argmax, 1);
    QVERIFY(std::abs(s.nll - std::log(5.0 / 3.0)) < 1e-6);
    s = scoreToken(logits, 2);
    QVERIFY(std::abs(s.nll - std::log(5.0)) < 1e-6);
    // A tie goes to the first.
    QCOMPARE(scoreToken(std::vector<float>{2.0f, 2.0f}, 1).argmax, 0);
}

void TasksTest::gridEqualsPromptsScoredAlone_data()
{
    QTest::addColumn<bool>("book");
    QTest::newRow("repeat filler") << false;
    QTest::newRow("book filler") << true;
}

void TasksTest::gridEqualsPromptsScoredAlone()
{
    // Prefix sharing changes the order of the work, not the numbers: every answer of a grid
    // equals its prompt scored from an empty state. A length far past 256 makes wrong answers too.
    QFETCH(bool, book);
    PasskeyTask task(*m_tokenizer, 0);
    if (book)
        task.setTextFiller(m_dracula, QStringLiteral("dracula"));
    ForwardPass forward(m_model);
    PasskeyEvaluator evaluator(forward, task);
    PasskeyGrid grid{{96, 200, 1200}, {0.0, 0.4, 1.0}, PasskeyTask::keys(7, 2)};
    int cellsSeen = 0;
    const PasskeyResult r =
        evaluator.run(grid, nullptr, [&cellsSeen](const PasskeyCell &) { ++cellsSeen; });
    QCOMPARE(int(r.cells.size()), 9);
    QCOMPARE(cellsSeen, 9);
    int64_t unshared = 0;
    int wrong = 0;
    for (const PasskeyCell &cell : r.cells) {
        QCOMPARE(int(cell.answers.size()), 2);
        for (size_t k = 0; k < cell.answers.size(); ++k) {
            const PasskeyPrompt prompt = task.build(cell.length, cell.depth, grid.keys[k]);
            unshared += int64_t(prompt.ids.size()) + int64_t(prompt.answer.size()) - 1;
            const PasskeyAnswer alone = evaluator.scoreAlone(prompt);
            const PasskeyAnswer &shared = cell.answers[k];
            QCOMPARE(shared.key, grid.keys[k]);
            QCOMPARE(shared.keyPosition, prompt.keyPosition);
            QCOMPARE(shared.expected, prompt.answer);
            QCOMPARE(shared.given, alone.given);
            QCOMPARE(shared.correct, alone.correct);
            QCOMPARE(shared.correct, shared.given == shared.expected);
            QVERIFY2(std::abs(shared.meanNll - alone.meanNll) < 1e-4,
                     qPrintable(QStringLiteral("%1 vs %2").arg(shared.meanNll).arg(alone.meanNll)));
            wrong += shared.correct ? 0 : 1;
        }
    }
    QVERIFY(wrong > 0);  // the 1200-token prompts are past what the model retrieves
    // And it cost less than one pass per prompt.
    QVERIFY2(r.tokensProcessed < unshared * 3 / 4,
             qPrintable(QStringLiteral("%1 of %2").arg(r.tokensProcessed).arg(unshared)));
}

void TasksTest::retrievalModelAgreesWithPyTorch()
{
    // resources/models/demo-retrieval-3.7m/recipe/results.json: exact match 1.00 in every cell
    // up to 256 tokens with both fillers, key NLL at most a few thousandths of a nat. The
    // training length itself, the hardest of those cells, over the recipe's 20 keys.
    const QJsonObject retrieval =
        recipeResults()[QStringLiteral("passkey")][QStringLiteral("retrieval")].toObject();
    ForwardPass forward(m_model);
    for (const bool book : {false, true}) {
        PasskeyTask task(*m_tokenizer, 0);
        if (book)
            task.setTextFiller(m_dracula, QStringLiteral("dracula"));
        PasskeyEvaluator evaluator(forward, task);
        const PasskeyGrid grid{{256}, {0.0, 0.25, 0.5, 0.75, 1.0}, recipeKeys()};
        const PasskeyResult r = evaluator.run(grid);
        for (const PasskeyCell &cell : r.cells) {
            const QJsonObject ref =
                retrieval[QString::number(cell.length)]
                    .toObject()[book ? QStringLiteral("book") : QStringLiteral("repeat")]
                    .toObject()[pythonFloat(cell.depth)]
                    .toObject();
            QVERIFY(!ref.isEmpty());
            const QString where = QStringLiteral("%1 L%2 d%3")
                                      .arg(book ? QStringLiteral("book") : QStringLiteral("repeat"))
                                      .arg(cell.length)
                                      .arg(cell.depth);
            QVERIFY2(cell.accuracy() == ref[QStringLiteral("acc")].toDouble(), qPrintable(where));
            QVERIFY2(
                std::abs(cell.meanKeyNll() - ref[QStringLiteral("key_nll_mean")].toDouble()) < 1e-3,
                qPrintable(where + QStringLiteral(": %1").arg(cell.meanKeyNll())));
        }
    }
}

void TasksTest::retrievalModelCardGivesTrainingLength()
{
    const ModelFolder::TrainingLength t = ModelFolder::trainingLength(kRetrieval);
    QCOMPARE(t.tokens, 256);
    QCOMPARE(t.source, QStringLiteral("MODEL_CARD.md"));
}

void TasksTest::samplerGreedyAndFilters()
{
    const std::vector<float> logits{1.0f, 3.0f, 2.0f, 3.0f, -1.0f};
    SamplingOptions greedy;
    Sampler s(greedy);
    s.begin({}, 5);
    QCOMPARE(s.next(logits), 1);  // the first of the two largest
    // The repetition penalty (CTRL's): 1 is in the context now, so 3 wins.
    SamplingOptions penalized;
    penalized.repetitionPenalty = 2.0;
    Sampler p(penalized);
    p.begin(std::vector<int32_t>{1}, 5);
    QCOMPARE(p.next(logits), 3);
    // top-k 1 and a tiny top-p are greedy whatever the seed and temperature.
    for (uint64_t seed = 0; seed < 20; ++seed) {
        SamplingOptions o;
        o.greedy = false;
        o.temperature = 5.0;
        o.seed = seed;
        o.topK = 1;
        Sampler k(o);
        k.begin({}, 5);
        QCOMPARE(k.next(logits), 1);
        o.topK = 0;
        o.topP = 1e-6;
        Sampler n(o);
        n.begin({}, 5);
        QCOMPARE(n.next(logits), 1);
        // top-k 2 keeps only the two tokens with logit 3.
        o.topP = 1.0;
        o.topK = 2;
        Sampler two(o);
        two.begin({}, 5);
        const int32_t t = two.next(logits);
        QVERIFY(t == 1 || t == 3);
    }
    // Broken logits never crash it nor win: NaN loses, +inf wins, all -inf gives a token.
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (const bool sample : {false, true}) {
        SamplingOptions o;
        o.greedy = !sample;
        o.topP = 0.9;
        Sampler broken(o);
        broken.begin({}, 4);
        QCOMPARE(broken.next(std::vector<float>{nan, 1.0f, nan, 0.0f}), 1);
        QCOMPARE(broken.next(std::vector<float>{0.0f, nan, inf, 1.0f}), 2);
        const int32_t t = broken.next(std::vector<float>{-inf, -inf, -inf, -inf});
        QVERIFY(t >= 0 && t < 4);
    }
    SamplingOptions bad;
    bad.greedy = false;
    bad.temperature = 0.0;
    QVERIFY_THROWS_EXCEPTION(Error, Sampler{bad});
    bad.temperature = 1.0;
    bad.topP = 1.5;
    QVERIFY_THROWS_EXCEPTION(Error, Sampler{bad});
    bad.topP = 1.0;
    bad.repetitionPenalty = 0.5;
    QVERIFY_THROWS_EXCEPTION(Error, Sampler{bad});
}

void TasksTest::samplerReproducibleBySeed()
{
    std::vector<float> logits(100);
    for (size_t i = 0; i < logits.size(); ++i)
        logits[i] = float(std::sin(double(i)));
    const auto draw = [&logits](uint64_t seed) {
        SamplingOptions o;
        o.greedy = false;
        o.temperature = 0.8;
        o.topK = 50;
        o.topP = 0.95;
        o.seed = seed;
        Sampler s(o);
        s.begin({}, 100);
        std::vector<int32_t> ids;
        for (int i = 0; i < 40; ++i)
            ids.push_back(s.next(logits));
        return ids;
    };
    QCOMPARE(draw(3), draw(3));
    QVERIFY(draw(3) != draw(4));
}

void TasksTest::samplerFollowsTheDistribution()
{
    const std::vector<float> logits{float(std::log(0.5)), float(std::log(0.3)),
                                    float(std::log(0.2))};
    SamplingOptions o;
    o.greedy = false;
    o.seed = 11;
    Sampler s(o);
    s.begin({}, 3);
    std::vector<int> counts(3);
    const int draws = 20000;
    for (int i = 0; i < draws; ++i)
        ++counts[size_t(s.next(logits))];
    // Standard deviation of a frequency near 0.5 over 20000 draws: 0.0035.
    QVERIFY(std::abs(counts[0] / double(draws) - 0.5) < 0.015);
    QVERIFY(std::abs(counts[1] / double(draws) - 0.3) < 0.015);
    QVERIFY(std::abs(counts[2] / double(draws) - 0.2) < 0.015);
    // Temperature 0.5 squares the odds: (25, 9, 4) / 38.
    o.temperature = 0.5;
    Sampler cold(o);
    cold.begin({}, 3);
    counts.assign(3, 0);
    for (int i = 0; i < draws; ++i)
        ++counts[size_t(cold.next(logits))];
    QVERIFY(std::abs(counts[0] / double(draws) - 25.0 / 38.0) < 0.015);
    QVERIFY(std::abs(counts[2] / double(draws) - 4.0 / 38.0) < 0.015);
}

void TasksTest::samplerMatchesPlainSampling_data()
{
    QTest::addColumn<double>("temperature");
    QTest::addColumn<int>("topK");
    QTest::addColumn<double>("topP");
    QTest::newRow("T 0.8, top-k 40, top-p 0.95") << 0.8 << 40 << 0.95;
    QTest::newRow("T 0.8, top-p 0.95") << 0.8 << 0 << 0.95;
    QTest::newRow("T 1.2, top-p 0.5") << 1.2 << 0 << 0.5;
    QTest::newRow("T 0.7, top-k 50") << 0.7 << 50 << 1.0;
    QTest::newRow("T 1, every token") << 1.0 << 0 << 1.0;
}

void TasksTest::samplerMatchesPlainSampling()
{
    // The Sampler selects top-k in one pass and top-p without sorting every token; here is the
    // plain way (transformers' rules): sort every id by logit (ties: lower id first), keep the
    // first k, keep tokens while the mass before them is below p, draw with the same 53-bit
    // uniforms. The same seed must give the same 2,000 tokens, on 4,096 logits shaped like a
    // language model's (a few large, a long tail), with ties and a NaN among them.
    QFETCH(double, temperature);
    QFETCH(int, topK);
    QFETCH(double, topP);
    const int V = 4096;
    std::mt19937_64 gen(7);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<std::vector<float>> steps(50, std::vector<float>(size_t(V)));
    for (auto &logits : steps) {
        for (float &l : logits)
            l = normal(gen) - 4.0f;
        for (int i = 0; i < 30; ++i)
            logits[size_t(gen() % V)] += 8.0f;
        logits[size_t(gen() % V)] = logits[size_t(gen() % V)];  // a tie
        logits[size_t(gen() % V)] = std::numeric_limits<float>::quiet_NaN();
    }
    SamplingOptions o;
    o.greedy = false;
    o.temperature = temperature;
    o.topK = topK;
    o.topP = topP;
    o.seed = 5;
    Sampler sampler(o);
    sampler.begin({}, V);
    std::mt19937_64 rng(o.seed);
    for (int draw = 0; draw < 2000; ++draw) {
        const std::vector<float> &logits = steps[size_t(draw) % steps.size()];
        std::vector<float> w(logits);
        for (float &x : w)
            x *= float(1.0 / temperature);
        const auto better = [&w](int32_t a, int32_t b) {
            if (std::isnan(w[size_t(b)]))
                return !std::isnan(w[size_t(a)]) || a < b;
            return w[size_t(a)] > w[size_t(b)] || (w[size_t(a)] == w[size_t(b)] && a < b);
        };
        std::vector<int32_t> ids(static_cast<size_t>(V));
        std::iota(ids.begin(), ids.end(), 0);
        if (topK > 0 || topP < 1.0)
            std::sort(ids.begin(), ids.end(), better);
        if (topK > 0)
            ids.resize(size_t(topK));
        float top = -INFINITY;
        for (int32_t id : ids)
            if (!std::isnan(w[size_t(id)]))
                top = std::max(top, w[size_t(id)]);
        std::vector<double> p;
        double total = 0.0;
        for (int32_t id : ids) {
            p.push_back(std::isnan(w[size_t(id)]) ? 0.0 : std::exp(double(w[size_t(id)]) - top));
            total += p.back();
        }
        size_t kept = ids.size();
        if (topP < 1.0) {
            double before = 0.0;
            for (size_t i = 0; i < ids.size(); ++i) {
                if (i > 0 && before >= topP * total) {
                    kept = i;
                    break;
                }
                before += p[i];
            }
            total = std::accumulate(p.begin(), p.begin() + ptrdiff_t(kept), 0.0);
        }
        const double u = double(rng() >> 11) * 0x1.0p-53 * total;
        int32_t expected = ids[kept - 1];
        double cumulative = 0.0;
        for (size_t i = 0; i < kept; ++i) {
            cumulative += p[i];
            if (u < cumulative) {
                expected = ids[i];
                break;
            }
        }
        const int32_t got = sampler.next(logits);
        if (got != expected) {
            QFAIL(qPrintable(
                QStringLiteral("draw %1: %2, the plain way %3").arg(draw).arg(got).arg(expected)));
        }
    }
}

void TasksTest::greedyGenerationMatchesTransformers_data()
{
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QString>("model");
    QTest::newRow("demo") << QStringLiteral("demo_mamba_3.7m") << kDemo;
    QTest::newRow("mamba2 groups 2")
        << QStringLiteral("m2_groups2_untied")
        << QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_groups2_untied");
    QTest::newRow("mamba2 odd heads f16")
        << QStringLiteral("m2_odd_heads_f16")
        << QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/m2_odd_heads_f16");
}

void TasksTest::greedyGenerationMatchesTransformers()
{
    // tests/data/generation: transformers' greedy generate (cache on, EOS disabled).
    QFETCH(QString, reference);
    QFETCH(QString, model);
    const QJsonObject ref =
        readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/generation/%1.json").arg(reference));
    const auto m = MambaModel::load(model);
    ForwardPass forward(m);
    Generator generator(forward);
    GenerationOptions options;
    options.maxNewTokens = ref[QStringLiteral("n_new")].toInt();
    options.stopAtEos = false;
    const std::vector<int32_t> prompt = tokenIds(ref[QStringLiteral("prompt_ids")].toArray());
    const GenerationResult r = generator.generate(prompt, options);
    QCOMPARE(r.ids, tokenIds(ref[QStringLiteral("new_ids")].toArray()));
    QCOMPARE(r.promptTokens, int64_t(prompt.size()));
    QCOMPARE(r.stop, GenerationResult::Stop::Budget);
    // The chosen tokens' log-probabilities as transformers computed them.
    const QJsonArray logProbs = ref[QStringLiteral("step_logprob_of_chosen")].toArray();
    QCOMPARE(logProbs.size(), int(r.probabilities.size()));
    for (int i = 0; i < logProbs.size(); ++i)
        QVERIFY(std::abs(std::log(r.probabilities[size_t(i)]) - logProbs[i].toDouble()) < 2e-4);
    if (reference == QLatin1String("demo_mamba_3.7m")) {
        const auto tokenizer = BpeTokenizer::fromFile(m->tokenizerPath());
        QCOMPARE(tokenizer->decode(r.ids), ref[QStringLiteral("new_text")].toString());
    }
}

void TasksTest::generationStopsAndStreams()
{
    ForwardPass forward(m_model);
    Generator generator(forward);
    const std::vector<int32_t> prompt = m_tokenizer->encode(QStringLiteral("It was a dark"));
    GenerationOptions options;
    options.maxNewTokens = 12;
    options.sampling.greedy = false;
    options.sampling.temperature = 0.9;
    options.sampling.seed = 42;
    options.stopAtEos = false;
    std::vector<GeneratedToken> streamed;
    const GenerationResult a = generator.generate(
        prompt, options, nullptr, [&streamed](const GeneratedToken &t) { streamed.push_back(t); });
    QCOMPARE(int(a.ids.size()), 12);
    QCOMPARE(int(streamed.size()), 12);
    for (size_t i = 0; i < streamed.size(); ++i) {
        QCOMPARE(streamed[i].index, int(i));
        QCOMPARE(streamed[i].id, a.ids[i]);
        QVERIFY(streamed[i].probability > 0.0 && streamed[i].probability <= 1.0);
    }
    // The same seed gives the same tokens; another seed other tokens.
    QCOMPARE(generator.generate(prompt, options).ids, a.ids);
    options.sampling.seed = 43;
    QVERIFY(generator.generate(prompt, options).ids != a.ids);
    // End of text stops it, and is part of the result.
    options.sampling.seed = 42;
    options.stopAtEos = true;
    options.eosTokenId = a.ids[2];
    const std::vector<int32_t> untilEos = generator.generate(prompt, options).ids;
    QVERIFY(int(untilEos.size()) <= 3);
    QCOMPARE(untilEos.back(), a.ids[2]);
    // Cancelling during decoding keeps what was made.
    options.stopAtEos = false;
    JobControl job;
    const GenerationResult cancelled =
        generator.generate(prompt, options, &job, [&job](const GeneratedToken &t) {
            if (t.index == 4)
                job.cancel();
        });
    QCOMPARE(cancelled.stop, GenerationResult::Stop::Cancelled);
    QCOMPARE(std::vector<int32_t>(a.ids.begin(), a.ids.begin() + 5), cancelled.ids);
    QVERIFY_THROWS_EXCEPTION(Error, generator.generate({}, options));
}

MAMBASCOPE_TEST_MAIN(TasksTest)
#include "tst_tasks.moc"
