// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliSupport.h"

#include "BpeTokenizer.h"
#include "EngineThreads.h"
#include "FileError.h"
#include "JobControl.h"
#include "MambaModel.h"
#include "ResourceLocator.h"
#include "TextFile.h"

#include <QFileInfo>
#include <cstdio>
#include <unistd.h>

namespace mscope {

ProgressBar::ProgressBar(QString label) : m_label(std::move(label)), m_tty(isatty(2))
{
    m_timer.start();
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(double fraction, const QString &what)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    const double secs = m_timer.elapsed() / 1000.0;
    if (m_tty) {
        const int width = 30;
        const int filled = int(fraction * width);
        const QString bar = QString(filled, QChar(u'#')) + QString(width - filled, QChar(u'.'));
        std::fprintf(stderr, "\r%s [%s] %3d%% %6.1fs %s\033[K", qPrintable(m_label), qPrintable(bar),
                     int(fraction * 100), secs, qPrintable(what));
        std::fflush(stderr);
    } else {
        const int decile = int(fraction * 10);
        if (decile != m_lastDecile) {
            m_lastDecile = decile;
            std::fprintf(stderr, "%s: %3d%% (%.1fs) %s\n", qPrintable(m_label), decile * 10, secs,
                         qPrintable(what));
        }
    }
}

void ProgressBar::finish()
{
    if (m_done)
        return;
    m_done = true;
    if (m_tty)
        std::fprintf(stderr, "\n");
}

void ProgressBar::attach(JobControl &job)
{
    job.setProgressCallback([this](double f, const QString &what) { update(f, what); });
}

void CliSupport::addModelOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("Model directory (config.json + safetensors). Default: the "
                                     "bundled demo model."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("chunk"),
                      QStringLiteral("Tokens per forward chunk (default 512)."),
                      QStringLiteral("N")});
}

void CliSupport::parse(QCommandLineParser &parser, const QStringList &args)
{
    parser.addHelpOption();
    if (!parser.parse(args))
        throw FileError({}, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fprintf(stdout, "%s", qPrintable(parser.helpText()));
        std::exit(0);
    }
}

int CliSupport::intOption(const QCommandLineParser &parser, const QString &name, int64_t min,
                          int64_t max, int64_t fallback)
{
    if (!parser.isSet(name))
        return int(fallback);
    bool ok = false;
    const qlonglong v = parser.value(name).toLongLong(&ok);
    if (!ok || v < min || v > max)
        throw FileError({}, QStringLiteral("--%1 must be an integer between %2 and %3 (got '%4')")
                                .arg(name)
                                .arg(min)
                                .arg(max)
                                .arg(parser.value(name)));
    return int(v);
}

QString CliSupport::modelDir(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("model")))
        return parser.value(QStringLiteral("model"));
    const QString demo = ResourceLocator::demoModelDir();
    if (demo.isEmpty())
        throw FileError({}, QStringLiteral("no --model given and the bundled demo model was not "
                                           "found (set MAMBASCOPE_RESOURCES)"));
    return demo;
}

std::shared_ptr<const MambaModel> CliSupport::loadModel(const QCommandLineParser &parser)
{
    EngineThreads::set(intOption(parser, QStringLiteral("threads"), 1, 1024, 0));
    return MambaModel::load(modelDir(parser));
}

int CliSupport::chunkTokens(const QCommandLineParser &parser)
{
    return intOption(parser, QStringLiteral("chunk"), 1, 1 << 20, 512);
}

std::unique_ptr<BpeTokenizer> CliSupport::loadTokenizer(const QCommandLineParser &parser,
                                                        const QString &modelDir)
{
    if (parser.isSet(QStringLiteral("tokenizer")))
        return BpeTokenizer::fromFile(parser.value(QStringLiteral("tokenizer")));
    const QString path = modelDir + QStringLiteral("/tokenizer.json");
    if (!QFileInfo::exists(path))
        throw FileError(modelDir, QStringLiteral("no tokenizer.json in the model directory; pass "
                                                 "--tokenizer FILE"));
    return BpeTokenizer::fromFile(path);
}

std::vector<int32_t> CliSupport::tokenizeFile(const BpeTokenizer &tokenizer, const QString &path)
{
    const QByteArray bytes = TextFile::readUtf8(path);
    return tokenizer.encodeUtf8(bytes, path);
}

void CliSupport::printJson(const QJsonDocument &doc)
{
    const QByteArray out = doc.toJson(QJsonDocument::Compact);
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

}  // namespace mscope
