// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: a tokenizer.json, then a fixed text encoded and decoded with it.
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("tokenizer_json")
