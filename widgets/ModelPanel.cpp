// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelPanel.h"

#include "FlowLayout.h"

#include "io/SafetensorsFile.h"
#include "model/MambaModel.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mscope {

namespace {

constexpr int kPathRole = Qt::UserRole + 1;

}  // namespace

ModelPanel::ModelPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *modelBox = new QGroupBox(tr("Model"));
    auto *modelLayout = new QVBoxLayout(modelBox);
    // Name, then the buttons, wrapping under it in a narrow dock.
    auto *nameHost = new QWidget;
    auto *nameRow = new FlowLayout(nameHost, 6);
    m_name = new QLabel(tr("No model"));
    QFont bold = m_name->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    m_name->setFont(bold);
    auto *open = new QPushButton(tr("Open…"));
    open->setToolTip(
        tr("Open a model folder (config.json + *.safetensors). You can also drop a "
           "folder on the window."));
    m_recent = new QToolButton;
    m_recent->setText(tr("Recent"));
    m_recent->setPopupMode(QToolButton::InstantPopup);
    m_recent->setMenu(new QMenu(m_recent));
    nameRow->addWidget(m_name);
    nameRow->addWidget(open);
    nameRow->addWidget(m_recent);
    modelLayout->addWidget(nameHost);
    m_path = new QLabel;
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setForegroundRole(QPalette::PlaceholderText);
    m_path->setWordWrap(true);
    modelLayout->addWidget(m_path);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_architecture = new QLabel;
    m_shape = new QLabel;
    m_shape->setObjectName(QStringLiteral("modelShape"));
    m_shape->setWordWrap(true);
    m_parameters = new QLabel;
    m_storage = new QLabel;
    // Every value wraps: the panel fits a narrow dock (it scrolls when it is also short).
    m_architecture->setWordWrap(true);
    m_storage->setWordWrap(true);
    m_tokenizer = new QLabel;
    m_tokenizer->setWordWrap(true);
    m_widths = new QLabel;
    m_widths->setWordWrap(true);
    m_form->addRow(tr("Architecture:"), m_architecture);
    m_form->addRow(tr("Widths:"), m_widths);
    m_form->addRow(tr("Other:"), m_shape);
    m_form->addRow(tr("Parameters:"), m_parameters);
    m_form->addRow(tr("Weights:"), m_storage);
    m_form->addRow(tr("Tokenizer:"), m_tokenizer);
    modelLayout->addLayout(m_form);
    layout->addWidget(modelBox);

    auto *textBox = new QGroupBox(tr("Texts"));
    auto *textLayout = new QVBoxLayout(textBox);
    auto *evalRow = new QHBoxLayout;
    auto *evalLabel = new QLabel(tr("&Evaluate on:"));
    m_evaluation = new QComboBox;
    m_evaluation->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_evaluation->setMinimumContentsLength(8);
    m_evaluation->setToolTip(tr("The text the perplexity and state curves are computed on."));
    evalLabel->setBuddy(m_evaluation);
    evalRow->addWidget(evalLabel);
    evalRow->addWidget(m_evaluation, 1);
    textLayout->addLayout(evalRow);
    m_texts = new QTreeWidget;
    m_texts->setRootIsDecorated(false);
    m_texts->setHeaderLabels({tr("Text"), tr("Tokens"), tr("Use")});
    m_texts->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_texts->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_texts->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_texts->header()->setStretchLastSection(false);
    m_texts->setToolTip(
        tr("Tick the texts calibration may use. Calibration never uses the "
           "evaluation text, so the curves stay an honest test."));
    textLayout->addWidget(m_texts, 1);
    auto *addText = new QPushButton(tr("Add text…"));
    addText->setToolTip(tr("Add a UTF-8 text file (or drop .txt files on the window)."));
    auto *addRow = new QHBoxLayout;
    addRow->addStretch(1);
    addRow->addWidget(addText);
    textLayout->addLayout(addRow);
    layout->addWidget(textBox, 1);

    auto *guideBox = new QGroupBox(tr("How to read the workbench"));
    auto *guideLayout = new QVBoxLayout(guideBox);
    auto *guide = new QLabel(
        tr("<p><b>Perplexity</b>: how surprised the model is by each next token, against how far "
           "into the text it is. Past the <span style='color:#d95f02'>training length</span> the "
           "grey curve climbs: the model fails on contexts longer than it was trained on.</p>"
           "<p><b>Spectrum</b>: every layer's memory times τ. Modes that remember longer than the "
           "training length make the state grow where the model never saw it grow "
           "(<b>State convergence</b>).</p>"
           "<p><b>Scaling</b>: drag a fader to shorten those memories in one layer, or the "
           "<b>All</b> fader for every layer; the blue curves follow within a second or two. "
           "<b>Calibrate…</b> searches the factors for you.</p>"));
    guide->setWordWrap(true);
    guide->setTextFormat(Qt::RichText);
    guideLayout->addWidget(guide);
    layout->addWidget(guideBox);

    connect(open, &QPushButton::clicked, this, &ModelPanel::openModelRequested);
    connect(addText, &QPushButton::clicked, this, &ModelPanel::addTextRequested);
    connect(m_evaluation, &QComboBox::activated, this, [this](int index) {
        updateRoles();
        emit evaluationTextChosen(m_evaluation->itemData(index).toString());
    });
    connect(m_texts, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *, int column) {
        if (m_updating || column != 0)
            return;
        updateRoles();
        emit calibrationTextsChanged(calibrationTexts());
    });
    setWhatsThis(
        tr("The model being studied and the texts it is run on. The evaluation text "
           "gives the curves; the ticked texts are what calibration may fit the scaling "
           "factors to."));
}

void ModelPanel::setModel(const std::shared_ptr<const MambaModel> &model)
{
    setEnabled(true);
    if (!model) {
        m_name->setText(tr("No model"));
        m_path->clear();
        return;
    }
    const ModelConfig &c = model->config();
    m_name->setText(QFileInfo(model->directory()).fileName());
    m_path->setText(QDir::toNativeSeparators(model->directory()));
    m_architecture->setText(c.architecture == Architecture::Mamba2
                                ? tr("Mamba-2, %n layer(s)", nullptr, c.nLayer)
                                : tr("Mamba-1, %n layer(s)", nullptr, c.nLayer));
    m_widths->setText(
        tr("d_model %1 · d_inner %2 · d_state %3").arg(c.dModel).arg(c.dInner).arg(c.dState));
    // Mamba-2 has one decay rate per head (what the spectrum shows), and no dt rank.
    if (c.architecture == Architecture::Mamba2)
        m_shape->setText(tr("%1 heads × %2 · %3 group(s) · conv %4 · vocabulary %5")
                             .arg(c.nHeads)
                             .arg(c.headDim)
                             .arg(c.nGroups)
                             .arg(c.convKernel)
                             .arg(QLocale().toString(c.vocabSize)));
    else
        m_shape->setText(tr("conv %1 · dt rank %2 · vocabulary %3")
                             .arg(c.convKernel)
                             .arg(c.dtRank)
                             .arg(QLocale().toString(c.vocabSize)));
    const double p = double(model->parameterCount());
    m_parameters->setText(p >= 1e9   ? tr("%1 billion").arg(p / 1e9, 0, 'f', 2)
                          : p >= 1e6 ? tr("%1 million").arg(p / 1e6, 0, 'f', 1)
                                     : QLocale().toString(qint64(p)));
    m_storage->setText(tr("%1 on disk, fp32 in memory%2")
                           .arg(storageTypeName(model->storageType()),
                                model->lmHeadTied() ? tr(", tied LM head") : QString()));
    m_tokenizer->setText(model->tokenizerPath().isEmpty()
                             ? tr("GPT-NeoX (bundled; none beside the weights)")
                             : QFileInfo(model->tokenizerPath()).fileName());
}

void ModelPanel::setLoading(const QString &dir)
{
    m_name->setText(tr("Loading %1…").arg(QFileInfo(dir).fileName()));
    m_path->setText(QDir::toNativeSeparators(dir));
}

void ModelPanel::setRecentModels(const QStringList &dirs)
{
    QMenu *menu = m_recent->menu();
    menu->clear();
    for (const QString &d : dirs) {
        QAction *a = menu->addAction(QFileInfo(d).fileName());
        a->setToolTip(d);
        a->setStatusTip(d);
        connect(a, &QAction::triggered, this, [this, d] { emit recentModelChosen(d); });
    }
    m_recent->setEnabled(!dirs.isEmpty());
}

void ModelPanel::setTexts(const QStringList &paths, const QStringList &bundled)
{
    m_updating = true;
    const QString eval = evaluationText();
    const QStringList calib = calibrationTexts();
    m_texts->clear();
    m_evaluation->clear();
    for (const QString &path : paths) {
        const QString name = QFileInfo(path).fileName();
        auto *item = new QTreeWidgetItem(m_texts);
        item->setText(0, name);
        item->setData(0, kPathRole, path);
        item->setToolTip(
            0, QDir::toNativeSeparators(path) +
                   (bundled.contains(path) ? tr(" (bundled, public domain)") : QString()));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, calib.contains(path) ? Qt::Checked : Qt::Unchecked);
        item->setText(1, QStringLiteral("…"));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        m_evaluation->addItem(name, path);
    }
    const int index = m_evaluation->findData(eval);
    m_evaluation->setCurrentIndex(index >= 0 ? index : 0);
    m_updating = false;
    updateRoles();
}

QTreeWidgetItem *ModelPanel::itemFor(const QString &path) const
{
    for (int i = 0; i < m_texts->topLevelItemCount(); ++i)
        if (m_texts->topLevelItem(i)->data(0, kPathRole).toString() == path)
            return m_texts->topLevelItem(i);
    return nullptr;
}

void ModelPanel::setTokenCount(const QString &path, qint64 tokens)
{
    if (QTreeWidgetItem *item = itemFor(path))
        item->setText(1, tokens < 0 ? QStringLiteral("…") : QLocale().toString(tokens));
}

void ModelPanel::setEvaluationText(const QString &path)
{
    const int index = m_evaluation->findData(path);
    if (index >= 0)
        m_evaluation->setCurrentIndex(index);
    updateRoles();
}

QString ModelPanel::evaluationText() const
{
    return m_evaluation->currentData().toString();
}

void ModelPanel::setCalibrationTexts(const QStringList &paths)
{
    m_updating = true;
    for (int i = 0; i < m_texts->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_texts->topLevelItem(i);
        item->setCheckState(
            0, paths.contains(item->data(0, kPathRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
    m_updating = false;
    updateRoles();
}

QStringList ModelPanel::calibrationTexts() const
{
    QStringList out;
    for (int i = 0; i < m_texts->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_texts->topLevelItem(i);
        if (item->checkState(0) == Qt::Checked)
            out << item->data(0, kPathRole).toString();
    }
    return out;
}

void ModelPanel::updateRoles()
{
    const bool was = m_updating;
    m_updating = true;
    const QString eval = evaluationText();
    for (int i = 0; i < m_texts->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_texts->topLevelItem(i);
        const bool isEval = item->data(0, kPathRole).toString() == eval;
        const bool isCalib = item->checkState(0) == Qt::Checked;
        item->setText(2, isEval && isCalib ? tr("both (!)")
                         : isEval          ? tr("evaluation")
                         : isCalib         ? tr("calibration")
                                           : QString());
        item->setToolTip(
            2, isEval && isCalib ? tr("Calibration skips the evaluation text.") : QString());
    }
    m_updating = was;
}

}  // namespace mscope
