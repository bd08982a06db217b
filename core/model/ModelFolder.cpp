// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/ModelFolder.h"

#include "io/GgufFile.h"
#include "io/GuardedFile.h"
#include "io/ModelConfig.h"
#include "io/ResourceLocator.h"
#include "support/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/GgufTokenizer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>

namespace mscope {

namespace {

// GPT-NeoX-20B has 50,277 tokens; checkpoints pad their embedding to a multiple of 8 to 128.
constexpr int kNeoxVocabulary = 50277;
constexpr int kNeoxPaddedMax = 50304;

// Keys of config.json that hold a training context length, most specific first. (Mamba's own
// configs have none; some conversions and our demo models' do.)
constexpr const char *kTrainingLengthKeys[] = {"training_context_length",
                                               "training_length",
                                               "train_length",
                                               "max_seq_len",
                                               "seq_length",
                                               "seq_len",
                                               "n_ctx",
                                               "max_position_embeddings"};

constexpr int kPublicCheckpointsLength = 2048;

// The metadata key `bake --format gguf` writes the training length under.
const QString kGgufTrainingLengthKey = QStringLiteral("mambascope.training_context_length");

}  // namespace

QString ModelFolder::tokenizerPath(const QString &modelDir)
{
    // A GGUF file carries its vocabulary (GgufTokenizer).
    if (QFileInfo(modelDir).isFile() && GgufFile::hasMagic(modelDir))
        return modelDir;
    const QString own = QDir(modelDir).filePath(QStringLiteral("tokenizer.json"));
    if (QFileInfo::exists(own))
        return own;
    const int vocabulary =
        ModelConfig::fromJsonFile(QDir(modelDir).filePath(QStringLiteral("config.json"))).vocabSize;
    const QString neox = ResourceLocator::neoxTokenizer();
    if (vocabulary >= kNeoxVocabulary && vocabulary <= kNeoxPaddedMax && !neox.isEmpty())
        return neox;
    throw Error(Error::Kind::Model, modelDir,
                QStringLiteral("no tokenizer.json beside the weights, and the vocabulary (%1 "
                               "tokens) is not GPT-NeoX's; pass a tokenizer.json")
                    .arg(vocabulary));
}

std::unique_ptr<BpeTokenizer> ModelFolder::loadTokenizer(const QString &modelDir,
                                                         const QString &overridePath)
{
    const QString path = overridePath.isEmpty() ? tokenizerPath(modelDir) : overridePath;
    if (GgufFile::hasMagic(path))
        return GgufTokenizer::load(path);
    return BpeTokenizer::fromFile(path);
}

ModelFolder::TrainingLength ModelFolder::trainingLength(const QString &modelDir)
{
    if (QFileInfo(modelDir).isFile() && GgufFile::hasMagic(modelDir)) {
        // What `bake --format gguf` noted; llama.cpp's context_length is no training length.
        try {
            const GgufFile file(modelDir);
            if (file.contains(kGgufTrainingLengthKey)) {
                const int64_t v = file.integer(kGgufTrainingLengthKey);
                if (v > 0 && v <= (int64_t(1) << 30))
                    return {int(v), QStringLiteral("GGUF: ") + kGgufTrainingLengthKey};
            }
        } catch (const Error &) {
            // Loading the model reports a broken file; here it just says nothing.
        }
        return {kPublicCheckpointsLength, QStringLiteral("the public Mamba checkpoints' length")};
    }
    const QDir dir(modelDir);
    const QString configPath = dir.filePath(QStringLiteral("config.json"));
    if (QFileInfo(configPath).isFile()) {
        try {
            const QJsonObject config = GuardedFile::readJsonObject(configPath, qint64(16) << 20,
                                                                   QStringLiteral("a config.json"));
            for (const char *key : kTrainingLengthKeys) {
                const int v = config.value(QLatin1String(key)).toInt(0);
                if (v > 0)
                    return {v, QStringLiteral("config.json: %1").arg(QLatin1String(key))};
            }
        } catch (const Error &) {
            // Loading the model reports a broken config.json; here it just says nothing.
        }
    }
    // Model cards of our own and many public ones say "context N tokens".
    static const QRegularExpression contextTokens(
        QStringLiteral("context(?: length)?:?\\s+(\\d[\\d,]*)\\s+tokens"),
        QRegularExpression::CaseInsensitiveOption);
    for (const QString &name : {QStringLiteral("MODEL_CARD.md"), QStringLiteral("README.md")}) {
        QFile card(dir.filePath(name));
        if (!QFileInfo(card).isFile() || !card.open(QIODevice::ReadOnly))
            continue;
        const auto match = contextTokens.match(QString::fromUtf8(card.read(1 << 20)));
        const int v = match.hasMatch() ? match.captured(1).remove(QLatin1Char(',')).toInt() : 0;
        if (v > 0)
            return {v, name};
    }
    return {kPublicCheckpointsLength, QStringLiteral("the public Mamba checkpoints' length")};
}

}  // namespace mscope
