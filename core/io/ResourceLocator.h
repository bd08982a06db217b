// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace mscope {

/// Finds the bundled demo model, demo texts and tokenizers: installed next to the program, in the
/// build tree, or where $MAMBASCOPE_RESOURCES points, so the tools work offline out of the box.
class ResourceLocator
{
public:
    /// The resources folder (holding models/, texts/, tokenizers/); empty when none is found.
    static QString resourcesDir();
    /// resources/models/demo-mamba-3.7m, or empty.
    static QString demoModelDir();
    /// resources/models/demo-retrieval-3.7m (the demo model fine-tuned to retrieve a passkey
    /// within its training length), or empty.
    static QString retrievalModelDir();
    /// The bundled demo texts (test_*.txt then val_*.txt), absolute paths.
    static QStringList demoTexts();
    /// The validation text kept apart for calibration (val_senseandsensibility.txt).
    static QString calibrationText();
    /// The GPT-NeoX-20B tokenizer.json used by public Mamba checkpoints.
    static QString neoxTokenizer();
};

}  // namespace mscope
