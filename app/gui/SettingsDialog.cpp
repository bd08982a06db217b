// SPDX-License-Identifier: GPL-3.0-or-later
#include "SettingsDialog.h"

#include "AppSettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace mscope {

SettingsDialog::SettingsDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    setMinimumWidth(460);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_threads = new QSpinBox;
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(AppSettings::threads());
    m_threads->setToolTip(tr("Threads of the forward pass (OpenMP and OpenBLAS)."));
    m_chunk = new QSpinBox;
    m_chunk->setRange(16, 8192);
    m_chunk->setSingleStep(64);
    m_chunk->setSuffix(tr(" tokens"));
    m_chunk->setValue(AppSettings::chunkTokens());
    m_chunk->setToolTip(
        tr("Tokens per chunk of the forward pass; the curves update once per "
           "chunk. Larger chunks are a little faster, smaller ones update sooner."));
    m_maxTokens = new QSpinBox;
    m_maxTokens->setRange(256, 1 << 24);
    m_maxTokens->setSingleStep(4096);
    m_maxTokens->setSuffix(tr(" tokens"));
    m_maxTokens->setGroupSeparatorShown(true);
    m_maxTokens->setValue(int(AppSettings::maxTokens()));
    m_maxTokens->setToolTip(
        tr("How much of the evaluation text the live curves use: the longest "
           "context they show."));
    m_cache = new QSpinBox;
    m_cache->setRange(0, 1 << 20);
    m_cache->setSingleStep(128);
    m_cache->setSuffix(tr(" MiB"));
    m_cache->setValue(AppSettings::cacheMiB());
    m_cache->setToolTip(
        tr("Memory for the layer inputs the live curve keeps, so that moving one "
           "layer's slider recomputes only from that layer on. 0 turns it off."));
    m_bos = new QCheckBox(tr("Start each fixed window with the BOS token (the paper's protocol)"));
    m_bos->setChecked(AppSettings::fixedWindowBos());
    // Each setting with what it does written under it (the tooltips say the same).
    auto row = [form](const QString &label, QWidget *field) {
        form->addRow(label, field);
        auto *hint = new QLabel(field->toolTip());
        hint->setWordWrap(true);
        hint->setForegroundRole(QPalette::PlaceholderText);
        QFont f = hint->font();
        f.setPointSizeF(f.pointSizeF() * 0.9);
        hint->setFont(f);
        form->addRow(QString(), hint);
    };
    m_bos->setToolTip(
        tr("Fixed-window protocol only. Off: each window starts with the text itself; on: "
           "with the BOS token first, as in the paper."));
    row(tr("Engine &threads:"), m_threads);
    row(tr("&Chunk size:"), m_chunk);
    row(tr("&Max tokens:"), m_maxTokens);
    row(tr("Layer &cache:"), m_cache);
    row(QString(), m_bos);
    layout->addLayout(form);
    auto *note =
        new QLabel(tr("The curves are computed again with the new values when you press "
                      "OK. The settings are kept for the next start."));
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void SettingsDialog::accept()
{
    AppSettings::setThreads(m_threads->value());
    AppSettings::setChunkTokens(m_chunk->value());
    AppSettings::setMaxTokens(m_maxTokens->value());
    AppSettings::setCacheMiB(m_cache->value());
    AppSettings::setFixedWindowBos(m_bos->isChecked());
    QDialog::accept();
}

}  // namespace mscope
