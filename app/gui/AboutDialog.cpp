// SPDX-License-Identifier: GPL-3.0-or-later
#include "AboutDialog.h"

#include "support/BlasRuntime.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace mscope {

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About MambaScope"));
    resize(560, 520);
    auto *layout = new QVBoxLayout(this);
    auto *text = new QTextBrowser;
    text->setOpenExternalLinks(true);
    text->setHtml(
        tr("<h2>MambaScope %1</h2>"
           "<p>A workbench for studying and fixing the length generalization of Mamba language "
           "models by <b>spectrum scaling</b>: look at each layer's spectrum, rescale it, and "
           "watch "
           "perplexity against context length respond.</p>"
           "<p>Method: Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, "
           "NeurIPS 2025); Δ-scaling baseline from MambaExtend (ICLR 2025).</p>"
           "<h3>Licences</h3>"
           "<ul>"
           "<li><b>MambaScope</b> and its demo model: GNU General Public License, version 3 or "
           "later (GPL-3.0-or-later). No warranty.</li>"
           "<li><b>Qt %2</b> (Widgets, Charts, SVG): The Qt Company, used under the GNU (L)GPL "
           "version 3.</li>"
           "<li><b>GPT-NeoX-20B tokenizer</b> (tokenizer.json): EleutherAI, Apache License "
           "2.0.</li>"
           "<li><b>Demo texts</b>: Project Gutenberg books by Austen, Melville, Shelley and "
           "Stoker, "
           "public domain in the USA.</li>"
           "<li><b>Eigen</b>: Mozilla Public License 2.0. <b>OpenBLAS</b>: BSD 3-Clause licence "
           "(kernels in use: %3).</li>"
           "</ul>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()),
                 BlasRuntime::coreName().toHtmlEscaped()));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

}  // namespace mscope
