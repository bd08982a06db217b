// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: a GGUF file (header, metadata, tensors; its model config and tokenizer; a
// small model loaded and run).
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("gguf")
