// SPDX-License-Identifier: GPL-3.0-or-later
// mambascope-cli: the engine from the command line. stdout carries results (JSON or tables),
// stderr carries progress and errors. Exit codes (docs/cli.md): 0 success; 1 an error in data,
// files, the model or resources (writing the output included); 2 a wrong command line; 130
// cancelled.
#include "BenchCommands.h"
#include "ModelCommands.h"
#include "ModulationCommands.h"
#include "TaskCommands.h"
#include "support/BlasRuntime.h"
#include "support/Error.h"

#include <fcntl.h>
#include <unistd.h>
#include <QCoreApplication>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
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
        {QStringLiteral("eval"),
         {ModelCommands::eval,
          "perplexity of text files (fixed windows, streaming or llama.cpp's chunks)"}},
        {QStringLiteral("demo"),
         {ModelCommands::demo, "the bundled demo: failure past 256 tokens and its repair"}},
        {QStringLiteral("spectrum"),
         {ModulationCommands::spectrum,
          "per-layer decay spectrum (alpha, lambda, tau) before and after a modulation"}},
        {QStringLiteral("trace"),
         {ModulationCommands::trace,
          "state norms per layer at log-spaced positions of a long text"}},
        {QStringLiteral("calibrate"),
         {ModulationCommands::calibrate,
          "choose modulation factors for a target length (SPSA, coordinate search, Adam; 1-D for "
          "tau-cap, winsorize)"}},
        {QStringLiteral("gradient"),
         {ModulationCommands::gradient,
          "an objective's gradient with respect to modulation factors (per layer, channel or "
          "state)"}},
        {QStringLiteral("bake"),
         {ModulationCommands::bake,
          "write a modulation into a new checkpoint or a GGUF file for llama.cpp"}},
        {QStringLiteral("generate"),
         {TaskCommands::generate, "continue a prompt by recurrent decoding (greedy or sampled)"}},
        {QStringLiteral("passkey"),
         {TaskCommands::passkey, "passkey retrieval accuracy and key NLL over lengths x depths"}},
        {QStringLiteral("synth"),
         {BenchCommands::synth, "random-init checkpoint with the shapes of a public model"}},
        {QStringLiteral("bench"),
         {BenchCommands::bench, "prefill speed against this machine's sgemm peak, memory"}},
    };
    return table;
}

// A descriptor among 0, 1, 2 that the caller closed (`>&-`) gets /dev/null opened read-only: the
// files the command opens cannot take its number (output meant for stdout would land in them),
// and writing to it still fails, so a closed stdout is reported, not ignored.
void keepStandardDescriptorsTaken()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            const int opened = open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (opened >= 0 && opened != fd) {
                dup2(opened, fd);
                close(opened);
            }
        }
    }
}

// Everything printed must have reached stdout: a full disk, a closed pipe or a closed stdout
// after a successful command is still a failure (exit 1).
int finishStandardOutput(const QString &command, int code)
{
    errno = 0;
    const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed)
        return code;
    const int error = errno != 0 ? errno : EIO;
    std::fprintf(stderr, "\nmambascope-cli %s: error: standard output: cannot write (%s)\n",
                 qPrintable(command), std::strerror(error));
    return code == 0 ? 1 : code;
}

// The exit code of an error: 2 for what the command line said wrong, 1 for everything else.
int exitCodeOf(const Error &e)
{
    switch (e.kind()) {
        case Error::Kind::Input:
            return 2;
        case Error::Kind::Cancelled:
            return 130;
        case Error::Kind::File:
        case Error::Kind::Model:
        case Error::Kind::Resource:
            break;
    }
    return 1;
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
    keepStandardDescriptorsTaken();
    BlasRuntime::ensureTunedKernels(argv);
    // A closed pipe is a write error to report (exit 1), not a silent death by SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mambascope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MAMBASCOPE_VERSION));
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h")) {
        printUsage(args.isEmpty() ? stderr : stdout);
        return finishStandardOutput(QStringLiteral("--help"), args.isEmpty() ? 2 : 0);
    }
    if (args.first() == QLatin1String("--version")) {
        std::printf("mambascope-cli %s\n", MAMBASCOPE_VERSION);
        return finishStandardOutput(QStringLiteral("--version"), 0);
    }
    const auto it = commands().find(args.first());
    if (it == commands().end()) {
        std::fprintf(stderr, "mambascope-cli: unknown command '%s'\n", qPrintable(args.first()));
        printUsage(stderr);
        return 2;
    }
    const QString command = args.first();
    int code = 1;
    try {
        code = it->second.run(args);
    } catch (const Cancelled &) {
        std::fprintf(stderr, "\nmambascope-cli %s: cancelled\n", qPrintable(command));
        code = 130;
    } catch (const Error &e) {
        std::fprintf(stderr, "\nmambascope-cli %s: error: %s\n", qPrintable(command), e.what());
        code = exitCodeOf(e);
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "\nmambascope-cli %s: error: out of memory\n", qPrintable(command));
        code = 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "\nmambascope-cli %s: error: %s\n", qPrintable(command), e.what());
        code = 1;
    }
    return finishStandardOutput(command, code);
}
