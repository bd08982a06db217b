// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness: a modulation preset, written back, checked against and applied to the demo
// model.
#include "FuzzHarness.h"

MAMBASCOPE_FUZZ_HARNESS("modulation_preset")
