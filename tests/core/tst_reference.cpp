// SPDX-License-Identifier: GPL-3.0-or-later
// The demo model's baseline perplexity row of reference/demo/pytorch_eval.md (PyTorch, fp32),
// reproduced with the fixed-window protocol on the first 65,536 tokens of the four test books.
#include "TestMain.h"
#include "eval/PerplexityEvaluator.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "support/EngineThreads.h"
#include "tokenizer/BpeTokenizer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using namespace mscope;

class ReferenceTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void baselineRow_data();
    void baselineRow();

private:
    std::shared_ptr<const MambaModel> m_model;
    std::vector<std::vector<int32_t>> m_books;
    QJsonObject m_reference;
};

void ReferenceTest::initTestCase()
{
    EngineThreads::set(0);
    m_model = MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const auto tokenizer = BpeTokenizer::fromFile(m_model->tokenizerPath());
    // Each book is tokenized whole, then cut to its first 65,536 tokens (the recipe's protocol).
    for (const char *book :
         {"test_dracula", "test_frankenstein", "test_mobydick", "test_prideandprejudice"}) {
        const QString path = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/") + QLatin1String(book) +
                             QStringLiteral(".txt");
        std::vector<int32_t> ids = tokenizer->encodeUtf8(TextFile::readUtf8(path), path);
        QVERIFY(ids.size() >= 65536);
        ids.resize(65536);
        m_books.push_back(std::move(ids));
    }
    QFile f(QStringLiteral(MAMBASCOPE_TEST_DATA "/demo_pytorch_eval.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_reference = QJsonDocument::fromJson(f.readAll()).object();
}

void ReferenceTest::baselineRow_data()
{
    QTest::addColumn<int>("window");
    for (int w : {256, 1024, 4096, 16384, 65536})
        QTest::newRow(qPrintable(QStringLiteral("ppl@%1").arg(w))) << w;
}

void ReferenceTest::baselineRow()
{
    QFETCH(int, window);
    const QJsonObject row = m_reference[QStringLiteral("configs")][QStringLiteral("baseline")]
                                       [QStringLiteral("W")][QString::number(window)]
                                           .toObject();
    const double expected = row[QStringLiteral("ppl")].toDouble();
    QVERIFY(expected > 0);
    ForwardPass forward(m_model);
    PerplexityEvaluator evaluator(forward, 512);
    QElapsedTimer timer;
    timer.start();
    const FixedWindowResult r = evaluator.fixedWindows(m_books, window);
    QCOMPARE(r.windows, int64_t(4 * 65536 / window));
    qInfo("ppl@%d = %.4f (reference %.4f), %.1f s", window, r.perplexity(), expected,
          timer.elapsed() / 1000.0);
    // The tolerance, 0.5%; fp32 summation order alone moves it by ~1e-5 relative.
    QVERIFY2(std::abs(r.perplexity() / expected - 1.0) < 0.005,
             qPrintable(QStringLiteral("%1 vs %2").arg(r.perplexity()).arg(expected)));
    // The per-window final state norms too (mean over windows, rounded to 3 decimals there).
    const QJsonArray norms = row[QStringLiteral("final_state_norm_per_layer")].toArray();
    for (int l = 0; l < norms.size(); ++l)
        QVERIFY(std::abs(r.finalSsmNorm[size_t(l)] - norms[l].toDouble()) <
                2e-3 * norms[l].toDouble() + 1e-3);
}

MAMBASCOPE_TEST_MAIN(ReferenceTest)
#include "tst_reference.moc"
