// SPDX-License-Identifier: GPL-3.0-or-later
// The demo recipe's modulated rows (tests/data/demo_pytorch_eval.json, PyTorch fp32), checked
// where that is affordable in CTest: the position buckets of the 65,536-token windows up to
// position 16,384. Those windows start at each test book's first token with a fresh state, so
// their first 16,384 positions are exactly a streaming pass over each book's first 16,385 tokens:
// 65k tokens per configuration instead of the 1.3 M a full row takes (five configurations). Every
// bucket's mean NLL must match within 0.005 nats (0.5% in perplexity). The full rows:
// bench/reference_rows.sh.
#include "TestMain.h"
#include "analysis/DeltaStatistics.h"
#include "eval/PerplexityEvaluator.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"
#include "tokenizer/BpeTokenizer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using namespace mscope;

class ModulationReferenceTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void bucketsOfTheLongWindows_data();
    void bucketsOfTheLongWindows();

private:
    std::shared_ptr<const MambaModel> m_model;
    std::vector<std::vector<int32_t>> m_books;
    std::shared_ptr<const DeltaStatistics> m_stats;
    QJsonObject m_reference;
};

void ModulationReferenceTest::initTestCase()
{
    m_model = MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const auto tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    const auto tokens = [&](const char *name) {
        const QString path = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/") + QLatin1String(name) +
                             QStringLiteral(".txt");
        return tokenizer->encodeUtf8(TextFile::readUtf8(path), path);
    };
    for (const char *book :
         {"test_dracula", "test_frankenstein", "test_mobydick", "test_prideandprejudice"}) {
        std::vector<int32_t> ids = tokens(book);
        ids.resize(16385);
        m_books.push_back(std::move(ids));
    }
    // tau-cap's Δ̄: the first 64 windows of 256 tokens of the val book (the recipe's H2).
    m_stats = std::make_shared<DeltaStatistics>(
        DeltaStatistics::measure(*m_model, tokens("val_senseandsensibility"), 256, 64));
    QFile f(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_pytorch_eval.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_reference =
        QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("configs")].toObject();
}

void ModulationReferenceTest::bucketsOfTheLongWindows_data()
{
    QTest::addColumn<QString>("modulation");
    QTest::addColumn<QString>("config");
    // The baseline row is tst_reference's; power 0.3 behaves like 0.45. Both are in
    // bench/reference_rows.sh.
    QTest::newRow("power 0.75") << QStringLiteral("power:0.75") << QStringLiteral("pow 0.75");
    QTest::newRow("power 0.45") << QStringLiteral("power:0.45") << QStringLiteral("pow 0.45");
    QTest::newRow("linear 8") << QStringLiteral("linear:8") << QStringLiteral("A x8.0");
    QTest::newRow("delta 2") << QStringLiteral("delta:2") << QStringLiteral("dt x2.0");
    QTest::newRow("tau-cap 1") << QStringLiteral("tau-cap:1") << QStringLiteral("H2 cap tau<=1*L");
}

void ModulationReferenceTest::bucketsOfTheLongWindows()
{
    QFETCH(QString, modulation);
    QFETCH(QString, config);
    ModulationSet set;
    if (!modulation.isEmpty())
        set = ModulationSet::fromShorthand(modulation, m_model->config().nLayer);
    set.deltaStatistics = m_stats;
    set.trainingLength = 256;
    ForwardPass forward(m_model, set.apply(*m_model));
    PerplexityEvaluator evaluator(forward);
    std::vector<double> sum(16384, 0.0);
    QElapsedTimer timer;
    timer.start();
    for (const auto &book : m_books) {
        const StreamResult r = evaluator.stream(book);
        for (size_t i = 0; i < sum.size(); ++i)
            sum[i] += r.nll[i];
    }
    const QJsonObject buckets =
        m_reference[config][QStringLiteral("W")][QStringLiteral("65536")][QStringLiteral("buckets")]
            .toObject();
    QString table;
    double worst = 0.0;
    for (const auto &[begin, end] : std::vector<std::pair<int, int>>{{0, 128},
                                                                     {128, 256},
                                                                     {256, 512},
                                                                     {512, 1024},
                                                                     {1024, 2048},
                                                                     {2048, 4096},
                                                                     {4096, 8192},
                                                                     {8192, 16384}}) {
        double s = 0.0;
        for (int i = begin; i < end; ++i)
            s += sum[size_t(i)];
        const double mean = s / (double(end - begin) * double(m_books.size()));
        const QString key = QStringLiteral("%1-%2").arg(begin).arg(end);
        QVERIFY2(buckets.contains(key), qPrintable(key));
        const double want = buckets[key].toDouble();
        worst = std::max(worst, std::abs(mean - want));
        table += QStringLiteral(" [%1) %2/%3").arg(key).arg(mean, 0, 'f', 4).arg(want, 0, 'f', 4);
    }
    qInfo("%s: %s (worst %.5f nats, %.1f s)", qPrintable(config), qPrintable(table), worst,
          timer.elapsed() / 1000.0);
    QVERIFY2(worst < 0.005, qPrintable(table));
}

MAMBASCOPE_TEST_MAIN(ModulationReferenceTest)
#include "tst_modulation_reference.moc"
