// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QWidget>
#include <memory>

class QComboBox;
class QFormLayout;
class QLabel;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace mscope {

class MambaModel;

/// "Model & texts": which model is open (architecture, size), which texts the curves are computed
/// on and which are kept for calibration, with their token counts.
class ModelPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ModelPanel(QWidget *parent = nullptr);

    void setModel(const std::shared_ptr<const MambaModel> &model);
    /// While a model loads: its folder, greyed details.
    void setLoading(const QString &dir);
    void setRecentModels(const QStringList &dirs);
    /// The text list (absolute paths); bundled texts are marked as such.
    void setTexts(const QStringList &paths, const QStringList &bundled);
    /// -1: not counted yet.
    void setTokenCount(const QString &path, qint64 tokens);
    void setEvaluationText(const QString &path);
    QString evaluationText() const;
    void setCalibrationTexts(const QStringList &paths);
    QStringList calibrationTexts() const;
    QComboBox *evaluationBox() const { return m_evaluation; }
    QTreeWidget *textList() const { return m_texts; }

signals:
    void openModelRequested();
    void recentModelChosen(const QString &dir);
    void addTextRequested();
    void evaluationTextChosen(const QString &path);
    void calibrationTextsChanged(const QStringList &paths);

private:
    QTreeWidgetItem *itemFor(const QString &path) const;
    void updateRoles();

    QLabel *m_name = nullptr;
    QLabel *m_path = nullptr;
    QToolButton *m_recent = nullptr;
    QFormLayout *m_form = nullptr;
    QLabel *m_architecture = nullptr;
    QLabel *m_widths = nullptr;
    QLabel *m_shape = nullptr;
    QLabel *m_parameters = nullptr;
    QLabel *m_storage = nullptr;
    QLabel *m_tokenizer = nullptr;
    QComboBox *m_evaluation = nullptr;
    QTreeWidget *m_texts = nullptr;
    bool m_updating = false;
};

}  // namespace mscope
