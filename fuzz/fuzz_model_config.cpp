// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: a config.json (both spellings), and the config written back from it.
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("model_config")
