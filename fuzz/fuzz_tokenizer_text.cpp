// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: arbitrary bytes as text for the GPT-NeoX and demo tokenizers.
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("tokenizer_text")
