// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <span>
#include <stdexcept>

namespace mscope::fuzz {

/// A property that must hold for every input was broken (a decoded text differs from the one
/// encoded, a tensor points outside its file, ...): a bug in MambaScope, not bad input.
class PropertyViolation : public std::logic_error
{
public:
    using std::logic_error::logic_error;
};

/// One entry point: arbitrary bytes in; it returns when the input is accepted and throws
/// mscope::Error when it is refused. Anything else (PropertyViolation, another exception, a
/// crash, a sanitizer report) is a bug. The libFuzzer harnesses in fuzz/ and the regression test
/// tests/core/tst_fuzz_regressions.cpp run the same functions.
struct FuzzTarget
{
    const char *name;  // also the folder of its corpus: fuzz/corpus/<name>/
    void (*run)(const QByteArray &bytes);
    /// Loads what every input needs (bundled tokenizers, the demo model) once, before the first
    /// input, so that its time is not taken for a slow input. May be null.
    void (*warmUp)();
};

/// A .safetensors file: header, tensor table, and every tensor's bytes read back.
void safetensors(const QByteArray &bytes);
/// A config.json, and the HF config written back from it read again.
void modelConfig(const QByteArray &bytes);
/// A tokenizer.json (through a temporary file, as users load it); when accepted, a fixed text
/// encoded and decoded with it.
void tokenizerJson(const QByteArray &bytes);
/// Text to tokenize with the GPT-NeoX and the demo tokenizers: invalid UTF-8 is refused, valid
/// text must decode back to its NFC form.
void tokenizerText(const QByteArray &bytes);
/// A GGUF file (GgufFile::fromBytes: header, metadata, tensor table, every readable tensor
/// widened); when it describes a model, its config and tokenizer, and for a small one the model
/// loaded (through a temporary file) and run on a few tokens.
void gguf(const QByteArray &bytes);
/// A modulation preset: parsed, written back and parsed again, then checked against the demo model
/// and applied to it.
void modulationPreset(const QByteArray &bytes);

/// The values `passkey` and `generate` hand the engine (docs/tasks.md): sampling options over
/// arbitrary logits (NaN and infinities included), and a passkey prompt's length, depth, key and
/// filler text. Refused with an Error, or a token inside the vocabulary drawn the same way twice
/// for one seed, and a prompt of exactly the length asked for with the key sentence at the filler
/// boundary closest to the depth.
void taskArguments(const QByteArray &bytes);

/// Every entry point, by corpus name.
std::span<const FuzzTarget> fuzzTargets();
/// The one named `name`; aborts when there is none (a harness naming a target that does not exist).
const FuzzTarget &fuzzTarget(const char *name);

}  // namespace mscope::fuzz
