// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FuzzTargets.h"
#include "support/Error.h"

#include <QByteArray>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace mscope::fuzz {

/// Runs one libFuzzer input through an entry point: a Error is the expected way to refuse
/// bad input; any other exception is printed and turned into a crash that libFuzzer records.
inline int runInput(const FuzzTarget &target, const uint8_t *data, size_t size)
{
    try {
        target.run(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    } catch (const Error &) {
    } catch (const std::exception &e) {
        std::fprintf(stderr, "mambascope fuzz: %s\n", e.what());
        std::abort();
    }
    return 0;
}

}  // namespace mscope::fuzz

/// Defines the libFuzzer entry points of the harness of the target `name` (one per file in fuzz/).
#define MAMBASCOPE_FUZZ_HARNESS(name)                                                   \
    extern "C" int LLVMFuzzerInitialize(int *, char ***)                                \
    {                                                                                   \
        if (const auto warmUp = mscope::fuzz::fuzzTarget(name).warmUp)                  \
            warmUp();                                                                   \
        return 0;                                                                       \
    }                                                                                   \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)             \
    {                                                                                   \
        static const mscope::fuzz::FuzzTarget &target = mscope::fuzz::fuzzTarget(name); \
        return mscope::fuzz::runInput(target, data, size);                              \
    }
