// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <memory>

namespace mscope {

class BpeTokenizer;

/// What a model folder says beyond its weights, decided once for the GUI and the CLI alike:
/// which tokenizer goes with the model and how long its training contexts were.
class ModelFolder
{
public:
    /// A training length and where it came from ("config.json: n_ctx", "MODEL_CARD.md", ...).
    struct TrainingLength
    {
        int tokens = 0;
        QString source;
    };

    /// The model's tokenizer.json: for a GGUF file the file itself (its vocabulary); the one
    /// beside the weights; else, for a model with the
    /// GPT-NeoX vocabulary (the public state-spaces checkpoints ship none), the bundled GPT-NeoX
    /// tokenizer. Throws Error naming the folder when neither applies.
    /// Reads only config.json (when there is no tokenizer.json), not the weights.
    static QString tokenizerPath(const QString &modelDir);
    /// The tokenizer at `overridePath` when given, else at tokenizerPath(modelDir): a
    /// tokenizer.json, or a GGUF file's vocabulary.
    static std::unique_ptr<BpeTokenizer> loadTokenizer(const QString &modelDir,
                                                       const QString &overridePath = {});

    /// The context length the model was trained on, as far as its folder tells: a training-length
    /// key of config.json, else "context N tokens" in its model card (MODEL_CARD.md, README.md),
    /// else 2048, the public Mamba checkpoints' length. For a GGUF file: the length `bake
    /// --format gguf` noted (mambascope.training_context_length), else 2048.
    static TrainingLength trainingLength(const QString &modelDir);
};

}  // namespace mscope
