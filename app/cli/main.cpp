// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli: the engine from the command line. stdout carries results (JSON or tables),
// stderr carries progress and errors; the exit code is non-zero on any error.
#include "BenchCommands.h"
#include "ModelCommands.h"
#include "ModulationCommands.h"
#include "TaskCommands.h"
#include "support/BlasRuntime.h"
#include "support/Error.h"

#include <QCoreApplication>
#include <cstdio>
#include <functional>
#include <map>

using namespace mscope;

namespace {

struct Command
{
    std::function<int(const QStringList &)> run;
    const char *summary;
};

const std::map<QString, Command> &commands()
{
    static const std::map<QString, Command> table{
        {QStringLiteral("info"), {ModelCommands::info, "architecture, shapes and size of a model"}},
        {QStringLiteral("tokenize"), {ModelCommands::tokenize, "token ids of a text file"}},
        {QStringLiteral("score"), {ModelCommands::score, "per-position NLL of a token-id list"}},
        {QStringLiteral("eval"), {ModelCommands::eval, "perplexity of text files (fixed windows or streaming)"}},
        {QStringLiteral("demo"), {ModelCommands::demo, "the bundled demo: failure past 256 tokens and its repair"}},
        {QStringLiteral("spectrum"), {ModulationCommands::spectrum, "per-layer decay spectrum (alpha, lambda, tau) before and after a modulation"}},
        {QStringLiteral("trace"), {ModulationCommands::trace, "state norms per layer at log-spaced positions of a long text"}},
        {QStringLiteral("calibrate"), {ModulationCommands::calibrate, "choose per-layer modulation factors for a target length (SPSA or coordinate search)"}},
        {QStringLiteral("bake"), {ModulationCommands::bake, "write a modulation into a new checkpoint (A_log rewritten)"}},
        {QStringLiteral("generate"), {TaskCommands::generate, "continue a prompt by recurrent decoding (greedy or sampled)"}},
        {QStringLiteral("passkey"), {TaskCommands::passkey, "passkey retrieval accuracy and key NLL over lengths x depths"}},
        {QStringLiteral("synth"), {BenchCommands::synth, "random-init checkpoint with the shapes of a public model"}},
        {QStringLiteral("bench"), {BenchCommands::bench, "prefill speed against this machine's sgemm peak, memory"}},
    };
    return table;
}

void printUsage(FILE *to)
{
    std::fprintf(to, "Usage: mambascope-cli COMMAND [options]   (COMMAND --help for details)\n\n");
    for (const auto &[name, cmd] : commands())
        std::fprintf(to, "  %-12s %s\n", qPrintable(name), cmd.summary);
}

}  // namespace

int main(int argc, char **argv)
{
    BlasRuntime::ensureTunedKernels(argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mambascope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MAMBASCOPE_VERSION));
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")) {
        printUsage(args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == QLatin1String("--version")) {
        std::printf("mambascope-cli %s\n", MAMBASCOPE_VERSION);
        return 0;
    }
    const auto it = commands().find(args.first());
    if (it == commands().end()) {
        std::fprintf(stderr, "mambascope-cli: unknown command '%s'\n", qPrintable(args.first()));
        printUsage(stderr);
        return 2;
    }
    try {
        return it->second.run(args);
    } catch (const Cancelled &) {
        std::fprintf(stderr, "\nmambascope-cli %s: cancelled\n", qPrintable(args.first()));
        return 130;
    } catch (const Error &e) {
        std::fprintf(stderr, "\nmambascope-cli %s: error: %s\n", qPrintable(args.first()), e.what());
        return 1;
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "\nmambascope-cli %s: error: out of memory\n", qPrintable(args.first()));
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "\nmambascope-cli %s: error: %s\n", qPrintable(args.first()), e.what());
        return 1;
    }
}
