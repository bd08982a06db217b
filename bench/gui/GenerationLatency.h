// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace mscope {

/// `mambascope-gui-latency --generation`: the Generation panel of the window (issue #13's target:
/// the first token on screen <= 300 ms after the prompt is prefilled). Opens the demo model, waits
/// for the curves, then generates from the first N tokens of the evaluation text, as loaded and
/// under power 0.45, and times from the first token chosen on the engine's thread (the prefill
/// just done) to that token inserted in its column on the GUI thread. Prints each run, the
/// medians and the machine's load.
class GenerationLatency
{
public:
    struct Options
    {
        int threads = 2;
        int repeats = 5;
        int promptTokens = 2048;
        int newTokens = 64;
    };
    static int run(const Options &options);
};

}  // namespace mscope
