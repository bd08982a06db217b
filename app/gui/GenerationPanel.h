// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tasks/Generator.h"
#include "tokenizer/IncrementalDecoder.h"

#include <QColor>
#include <QPointer>
#include <QString>
#include <QVector>
#include <QWidget>
#include <chrono>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextEdit;

namespace mscope {

class BackgroundJobs;
class WorkbenchSession;

/// The Generation panel: a prompt (typed, or the first N tokens of a text of the session) and
/// what the model says next, as loaded and under the current faders side by side. Tokens appear
/// as they are made (Generator in a background job of the session, each token queued to the GUI
/// thread), each tinted by the probability the model gave it (Generator's own p, before the
/// sampling options reshape it): red where the model was unsure, green where it was sure. The
/// sampling controls are those of `generate`; Stop keeps what was made.
class GenerationPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Side { Baseline, Current };
    struct Token
    {
        int32_t id = 0;
        QString text;  // what it added to the decoded text (may be empty mid-character)
        double probability = 0.0;
        int position = 0;  // where `text` starts in the column's document
    };

    explicit GenerationPanel(WorkbenchSession *session, QWidget *parent = nullptr);
    ~GenerationPanel() override;

    /// The background of a token of probability p: hue from red (0) to green (1).
    static QColor tint(double probability);

    /// A typed prompt.
    void setPromptText(const QString &text);
    /// The first `tokens` tokens of a text of the session's list.
    void setPromptFromText(const QString &path, int tokens);
    /// The prompt's ids as they will be generated from (empty when there is none yet; `why` says
    /// what is missing).
    std::vector<int32_t> promptIds(QString *why = nullptr) const;
    GenerationOptions options() const;
    void setGreedy(bool on);
    void setTemperature(double t);
    void setTopK(int k);
    void setTopP(double p);
    void setSeed(int seed);
    void setMaxNewTokens(int n);

    /// Starts both columns (a running generation is stopped first).
    void generate();
    /// Stops generating; the tokens made so far stay.
    void stop();
    bool isRunning() const { return m_jobId != 0; }

    const QVector<Token> &tokens(Side side) const;
    QTextEdit *output(Side side) const;
    GenerationResult::Stop stopReason(Side side) const;
    /// Milliseconds from the end of the prompt's prefill (the first token chosen, on the engine's
    /// thread) to that token inserted in its column on the GUI thread; -1 until shown.
    double firstTokenLatencyMs(Side side) const;
    double prefillSeconds(Side side) const;
    QString status() const;

signals:
    void firstTokenShown(mscope::GenerationPanel::Side side, double latencyMs);
    void finished();
    void stopped();
    void failed(const QString &message);

private:
    struct Column
    {
        QVector<Token> tokens;
        // The continuation's text token by token, and the tokenizer it reads.
        std::shared_ptr<const BpeTokenizer> tokenizer;
        std::unique_ptr<IncrementalDecoder> decoder;
        double firstTokenMs = -1.0;
        double prefillSeconds = 0.0;
        double tokensPerSecond = 0.0;
        GenerationResult::Stop stop = GenerationResult::Stop::Budget;
    };
    using Clock = std::chrono::steady_clock;

    void refreshTexts();
    void updateSourceControls();
    void updateSamplingControls();
    void clearColumns(const std::vector<int32_t> &prompt);
    void appendToken(Side side, const GeneratedToken &token, Clock::time_point madeAt);
    Column &column(Side side) { return side == Side::Baseline ? m_baseline : m_current; }
    const Column &column(Side side) const
    {
        return side == Side::Baseline ? m_baseline : m_current;
    }
    void setStatus(const QString &text);

    WorkbenchSession *m_session;
    // The session goes before the docks when the window closes: a job still listed is cancelled
    // only while its list exists.
    QPointer<BackgroundJobs> m_jobs;
    QComboBox *m_source = nullptr;
    QSpinBox *m_firstTokens = nullptr;
    QPlainTextEdit *m_prompt = nullptr;
    QCheckBox *m_greedy = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QSpinBox *m_topK = nullptr;
    QDoubleSpinBox *m_topP = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_length = nullptr;
    QPushButton *m_generate = nullptr;
    QPushButton *m_stop = nullptr;
    QTextEdit *m_baselineView = nullptr;
    QTextEdit *m_currentView = nullptr;
    QLabel *m_baselineTitle = nullptr;
    QLabel *m_currentTitle = nullptr;
    QLabel *m_status = nullptr;
    Column m_baseline, m_current;
    int m_generation = 0;
    int m_jobId = 0;
    Clock::time_point m_startedAt;
};

}  // namespace mscope
