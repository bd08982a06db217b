// SPDX-License-Identifier: GPL-3.0-or-later
// The whole of llama.cpp's perplexity runs on the exported demo model (tests/data/llamacpp/):
// `eval --chunked` over all of test_dracula.txt, chunk by chunk and in its final estimate, for the
// model as trained and with power 0.45, at 256 and 4096 tokens, with and without BOS. Long (about
// 1.3 million tokens): CTest label `reference`; tst_gguf checks the first chunks quickly.
#include "TestJson.h"
#include "TestMain.h"
#include "eval/PerplexityEvaluator.h"
#include "io/TextFile.h"
#include "model/ForwardPass.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"
#include "tokenizer/BpeTokenizer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using namespace mscope;
using testjson::readJson;

class LlamaCppReferenceTest : public QObject
{
    Q_OBJECT

private slots:
    void wholeText_data();
    void wholeText();
};

void LlamaCppReferenceTest::wholeText_data()
{
    QTest::addColumn<QJsonObject>("run");
    const QJsonObject data =
        readJson(QStringLiteral(MAMBASCOPE_TEST_DATA "/llamacpp/demo-perplexity.json"));
    for (const QJsonValue &run : data[QStringLiteral("runs")].toArray())
        QTest::newRow(qPrintable(run[QStringLiteral("name")].toString())) << run.toObject();
}

void LlamaCppReferenceTest::wholeText()
{
    QFETCH(QJsonObject, run);
    const auto model =
        MambaModel::load(QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m"));
    const QString modulation = run[QStringLiteral("modulate")].toString();
    const ModulationSet set =
        modulation.isEmpty() ? ModulationSet()
                             : ModulationSet::fromShorthand(modulation, model->config().nLayer);
    const auto tokenizer = BpeTokenizer::fromFile(
        QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m/tokenizer.json"));
    // As llama.cpp reads the text: the whole file, its trailing newline dropped.
    const QString text = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_dracula.txt");
    QByteArray bytes = TextFile::readUtf8(text);
    if (bytes.endsWith('\n'))
        bytes.chop(1);
    const std::vector<int32_t> tokens = tokenizer->encodeUtf8(bytes, text);
    QCOMPARE(int64_t(tokens.size()), int64_t(254224));

    ForwardPass forward(model, set.apply(*model));
    PerplexityEvaluator evaluator(forward, 512);
    ChunkedResult r;
    evaluator.chunked(tokens, run[QStringLiteral("context")].toInt(),
                      run[QStringLiteral("bos")].toBool(), r);
    QCOMPARE(r.chunks, int64_t(run[QStringLiteral("chunks")].toInt()));
    QCOMPARE(r.tokensScored, int64_t(run[QStringLiteral("tokens_scored")].toInt()));
    // llama.cpp prints the running mean NLL with 6 decimals and the perplexity with 4.
    const QJsonArray expected = run[QStringLiteral("running_mean_nll")].toArray();
    double worst = 0.0;
    for (int64_t k = 0; k < r.chunks; ++k)
        worst = std::max(worst, std::abs(std::log(r.runningPerplexity[size_t(k)]) -
                                         expected[int(k)].toDouble()));
    qInfo("%s: PPL %.4f +/- %.5f (llama.cpp %.4f +/- %.5f); running mean NLL within %.2g",
          qPrintable(run[QStringLiteral("name")].toString()), r.perplexity(), r.perplexityError(),
          run[QStringLiteral("final_ppl")].toDouble(),
          run[QStringLiteral("final_ppl_error")].toDouble(), worst);
    QVERIFY2(worst < 5e-6, qPrintable(QString::number(worst)));
    QVERIFY(std::abs(r.perplexity() - run[QStringLiteral("final_ppl")].toDouble()) < 2e-4);
    QVERIFY(std::abs(r.perplexityError() - run[QStringLiteral("final_ppl_error")].toDouble()) <
            2e-5);
}

MAMBASCOPE_TEST_MAIN(LlamaCppReferenceTest)
#include "tst_llamacpp_reference.moc"
