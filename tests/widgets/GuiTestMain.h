// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "support/BlasRuntime.h"

#include <QApplication>
#include <QStandardPaths>
#include <QTest>

/// QTEST_MAIN for widget tests, plus the OpenBLAS kernel fix the programs apply (BlasRuntime) and
/// settings kept apart from the user's (QStandardPaths test mode).
#define MAMBASCOPE_GUI_TEST_MAIN(TestObject)                   \
    int main(int argc, char **argv)                            \
    {                                                          \
        mscope::BlasRuntime::ensureTunedKernels(argv);         \
        QStandardPaths::setTestModeEnabled(true);              \
        QApplication app(argc, argv);                          \
        QApplication::setOrganizationName("MambaScope-tests"); \
        app.setAttribute(Qt::AA_Use96Dpi, true);               \
        TestObject tc;                                         \
        QTEST_SET_MAIN_SOURCE_PATH                             \
        return QTest::qExec(&tc, argc, argv);                  \
    }
