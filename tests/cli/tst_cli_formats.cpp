// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli and other formats and families: bake --format gguf, a GGUF file as --model,
// eval --chunked, Falcon-Mamba, and the refusal of hybrid families by name.
#include "CliRunner.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kText = QStringLiteral(MAMBASCOPE_RESOURCES "/texts/test_frankenstein.txt");
const QString kCheckpoints = QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/");

}  // namespace

class CliFormatsTest : public QObject
{
    Q_OBJECT

private slots:
    void bakeGgufEvaluatesAsTheModulation();
    void ggufOptions();
    void falconMambaLoads();
    void hybridFamiliesAreRefusedByName();
};

void CliFormatsTest::bakeGgufEvaluatesAsTheModulation()
{
    QTemporaryDir dir;
    const QString gguf = dir.filePath(QStringLiteral("demo-power045.gguf"));
    const CliRun bake = runCli({QStringLiteral("bake"), QStringLiteral("--format"),
                                QStringLiteral("gguf"), QStringLiteral("--modulate"),
                                QStringLiteral("power:0.45"), QStringLiteral("--out"), gguf});
    QCOMPARE(bake.exitCode, 0);
    QCOMPARE(bake.json()[QStringLiteral("format")].toString(), QStringLiteral("gguf"));
    QCOMPARE(bake.json()[QStringLiteral("applied")].toString(), QStringLiteral("power 0.45"));
    QCOMPARE(bake.json()[QStringLiteral("training_length")].toInt(), 256);

    const CliRun info =
        runCli({QStringLiteral("info"), QStringLiteral("--model"), gguf, QStringLiteral("--json")});
    QCOMPARE(info.exitCode, 0);
    QCOMPARE(info.json()[QStringLiteral("architecture")].toString(), QStringLiteral("mamba"));
    QCOMPARE(info.json()[QStringLiteral("storage")].toString(), QStringLiteral("F32"));
    QCOMPARE(info.json()[QStringLiteral("tokenizer")].toString(),
             QFileInfo(gguf).absoluteFilePath());

    // The GGUF file (tokenizer included) gives the on-the-fly modulation's perplexity exactly,
    // under llama.cpp's protocol.
    const QStringList chunked{QStringLiteral("eval"), QStringLiteral("--chunked"),
                              QStringLiteral("256"),  QStringLiteral("--first"),
                              QStringLiteral("2048"), kText};
    const CliRun fromGguf = runCli(chunked + QStringList{QStringLiteral("--model"), gguf});
    const CliRun onTheFly =
        runCli(chunked + QStringList{QStringLiteral("--modulate"), QStringLiteral("power:0.45")});
    QCOMPARE(fromGguf.exitCode, 0);
    QCOMPARE(onTheFly.exitCode, 0);
    const QJsonObject a = fromGguf.json(), b = onTheFly.json();
    QCOMPARE(a[QStringLiteral("protocol")].toString(), QStringLiteral("chunked"));
    QCOMPARE(a[QStringLiteral("chunks")].toInt(), 8);
    QCOMPARE(a[QStringLiteral("tokens_scored")].toInt(), 8 * 127);
    QCOMPARE(a[QStringLiteral("running_ppl")].toArray().size(), 8);
    QCOMPARE(a[QStringLiteral("ppl")].toDouble(), b[QStringLiteral("ppl")].toDouble());
}

void CliFormatsTest::ggufOptions()
{
    QTemporaryDir dir;
    const QString f32 = dir.filePath(QStringLiteral("f32.gguf"));
    const QString q8 = dir.filePath(QStringLiteral("q8.gguf"));
    QCOMPARE(runCli({QStringLiteral("bake"), QStringLiteral("--format"), QStringLiteral("gguf"),
                     QStringLiteral("--out"), f32})
                 .exitCode,
             0);
    const CliRun quantized =
        runCli({QStringLiteral("bake"), QStringLiteral("--format"), QStringLiteral("gguf"),
                QStringLiteral("--dtype"), QStringLiteral("q8_0"), QStringLiteral("--out"), q8});
    QCOMPARE(quantized.exitCode, 0);
    QVERIFY(QFileInfo(q8).size() < QFileInfo(f32).size() / 3);
    const CliRun info =
        runCli({QStringLiteral("info"), QStringLiteral("--model"), q8, QStringLiteral("--json")});
    QCOMPARE(info.json()[QStringLiteral("storage")].toString(), QStringLiteral("Q8_0"));

    // Mistakes, each one line.
    const auto errorOf = [](const QStringList &args) {
        const CliRun r = runCli(args);
        return r.exitCode != 0 && r.out.isEmpty() ? r.errorLine() : QString();
    };
    QVERIFY(errorOf({QStringLiteral("bake"), QStringLiteral("--format"), QStringLiteral("gguf"),
                     QStringLiteral("--dtype"), QStringLiteral("q4"), QStringLiteral("--out"),
                     dir.filePath(QStringLiteral("x.gguf"))})
                .contains(QStringLiteral("unknown GGUF dtype 'q4' (f32, f16, bf16 or q8_0)")));
    QVERIFY(errorOf({QStringLiteral("bake"), QStringLiteral("--format"), QStringLiteral("onnx"),
                     QStringLiteral("--out"), dir.filePath(QStringLiteral("x"))})
                .contains(QStringLiteral("unknown --format 'onnx'")));
    QVERIFY(errorOf({QStringLiteral("bake"), QStringLiteral("--model"), f32,
                     QStringLiteral("--modulate"), QStringLiteral("power:0.5"),
                     QStringLiteral("--out"), dir.filePath(QStringLiteral("folder"))})
                .contains(QStringLiteral("can only be baked to GGUF")));
    QVERIFY(
        errorOf({QStringLiteral("bake"), QStringLiteral("--format"), QStringLiteral("gguf"),
                 QStringLiteral("--model"), kCheckpoints + QStringLiteral("m1_untied_bias_bf16"),
                 QStringLiteral("--tokenizer"),
                 QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m/tokenizer.json"),
                 QStringLiteral("--out"), dir.filePath(QStringLiteral("bias.gguf"))})
            .contains(QStringLiteral("in_proj/out_proj have biases")));
    QVERIFY(
        errorOf({QStringLiteral("eval"), QStringLiteral("--chunked"), QStringLiteral("256"),
                 QStringLiteral("--stream"), kText})
            .contains(QStringLiteral("eval takes one of --window W, --stream and --chunked C")));
    QVERIFY(errorOf({QStringLiteral("eval"), QStringLiteral("--chunked"), QStringLiteral("4096"),
                     QStringLiteral("--first"), QStringLiteral("5000"), kText})
                .contains(QStringLiteral("needs at least 8192 tokens")));
}

void CliFormatsTest::falconMambaLoads()
{
    const CliRun r =
        runCli({QStringLiteral("info"), QStringLiteral("--model"),
                kCheckpoints + QStringLiteral("falcon_mamba_small"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("model_type")].toString(), QStringLiteral("falcon_mamba"));
    QCOMPARE(r.json()[QStringLiteral("architecture")].toString(), QStringLiteral("mamba"));
}

void CliFormatsTest::hybridFamiliesAreRefusedByName()
{
    QTemporaryDir dir;
    writeFile(dir, QStringLiteral("config.json"),
              R"({"architectures": ["JambaForCausalLM"], "model_type": "jamba", "hidden_size": 4096,
                  "num_hidden_layers": 32, "vocab_size": 65536, "attn_layer_period": 8})");
    const CliRun r = runCli({QStringLiteral("info"), QStringLiteral("--model"), dir.path()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err).trimmed();
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    QVERIFY2(err.contains(dir.filePath(QStringLiteral("config.json")) +
                          QStringLiteral(": Jamba (AI21) (model_type 'jamba') is not supported")),
             qPrintable(err));
}

QTEST_GUILESS_MAIN(CliFormatsTest)
#include "tst_cli_formats.moc"
