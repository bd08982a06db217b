// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: passkey and generation arguments as the engine receives them (sampling
// options over arbitrary logits, a passkey prompt's length, depth, key and filler text).
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("task_arguments")
