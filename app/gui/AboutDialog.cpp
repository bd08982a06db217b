// SPDX-License-Identifier: GPL-3.0-or-later
#include "AboutDialog.h"

#include "MainWindow.h"
#include "io/ResourceLocator.h"
#include "support/BlasRuntime.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QSettings>
#include <QTextBrowser>
#include <QThread>
#include <QUrl>
#include <QVBoxLayout>

namespace mscope {

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About MambaScope"));
    resize(600, 560);
    auto *layout = new QVBoxLayout(this);
    auto *text = new QTextBrowser;
    text->setOpenExternalLinks(true);
    const QString guide = MainWindow::userGuidePath();
    const QString demo = ResourceLocator::demoModelDir();
    text->setHtml(
        tr("<h2>MambaScope %1</h2>"
           "<p>A workbench for studying and fixing the length generalization of Mamba language "
           "models by <b>spectrum scaling</b>: look at each layer's spectrum, rescale it, and "
           "watch perplexity against context length respond.</p>"
           "<p>Method: Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, "
           "NeurIPS 2025); Δ-scaling baseline from MambaExtend (ICLR 2025).</p>")
            .arg(QApplication::applicationVersion()) +
        tr("<h3>Where to start</h3>"
           "<ul><li><b>Help ▸ Guided Tour</b> walks the five steps of the README on this window: "
           "the failure, the spectrum, one fader, calibration, baking.</li>"
           "<li><b>Help ▸ User Guide</b> (F1): every panel, menu and key%1.</li>"
           "<li><b>Help ▸ What's This?</b> (Shift+F1), then a click on a panel, says what it "
           "shows.</li></ul>")
            .arg(guide.isEmpty() ? QString()
                                 : tr(" — <a href=\"%1\">%2</a>")
                                       .arg(QUrl::fromLocalFile(guide).toString(),
                                            QDir::toNativeSeparators(guide).toHtmlEscaped())) +
        tr("<h3>This program</h3>"
           "<table>"
           "<tr><td>Qt</td><td>%1 (built with %2)</td></tr>"
           "<tr><td>OpenBLAS kernels</td><td>%3</td></tr>"
           "<tr><td>Processor threads</td><td>%4</td></tr>"
           "<tr><td>Demo model</td><td>%5</td></tr>"
           "<tr><td>Settings</td><td>%6</td></tr>"
           "</table>")
            .arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
                 BlasRuntime::coreName().toHtmlEscaped())
            .arg(QThread::idealThreadCount())
            .arg(demo.isEmpty() ? tr("not found") : QDir::toNativeSeparators(demo).toHtmlEscaped(),
                 QDir::toNativeSeparators(QSettings().fileName()).toHtmlEscaped()) +
        tr("<h3>Licences</h3>"
           "<ul>"
           "<li><b>MambaScope</b> and its demo model: GNU General Public License, version 3 or "
           "later (GPL-3.0-or-later). No warranty.</li>"
           "<li><b>Qt %1</b> (Widgets, Charts, SVG): The Qt Company, used under the GNU (L)GPL "
           "version 3.</li>"
           "<li><b>GPT-NeoX-20B tokenizer</b> (tokenizer.json): EleutherAI, Apache License "
           "2.0.</li>"
           "<li><b>Demo texts</b>: Project Gutenberg books by Austen, Melville, Shelley and "
           "Stoker, public domain in the USA.</li>"
           "<li><b>Eigen</b>: Mozilla Public License 2.0. <b>OpenBLAS</b>: BSD 3-Clause "
           "licence.</li>"
           "</ul>")
            .arg(QString::fromLatin1(qVersion())));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

}  // namespace mscope
