// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "support/BlasRuntime.h"

#include <QCoreApplication>
#include <QTest>

/// QTEST_GUILESS_MAIN plus the OpenBLAS kernel fix the programs apply (BlasRuntime), so that
/// tests which run the model take seconds, not minutes, on CPUs OpenBLAS 0.3.21 does not know.
#define MAMBASCOPE_TEST_MAIN(TestObject)               \
    int main(int argc, char **argv)                    \
    {                                                  \
        mscope::BlasRuntime::ensureTunedKernels(argv); \
        QCoreApplication app(argc, argv);              \
        app.setAttribute(Qt::AA_Use96Dpi, true);       \
        TestObject tc;                                 \
        QTEST_SET_MAIN_SOURCE_PATH                     \
        return QTest::qExec(&tc, argc, argv);          \
    }
