// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: a .safetensors file (header, tensor table, tensor bytes).
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("safetensors")
