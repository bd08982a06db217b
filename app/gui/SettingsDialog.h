// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QCheckBox;
class QSpinBox;

namespace mscope {

/// Engine and evaluation settings: threads, chunk size, how much of the text the live curves use
/// and how much memory their cache may take. Written to AppSettings when accepted.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget *parent = nullptr);
    void accept() override;

private:
    QSpinBox *m_threads = nullptr;
    QSpinBox *m_chunk = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QSpinBox *m_cache = nullptr;
    QCheckBox *m_bos = nullptr;
};

}  // namespace mscope
