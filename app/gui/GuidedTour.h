// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;

namespace mscope {

class MainWindow;

/// Help ▸ Guided Tour: the README's five walkthrough steps on the live window. Each step points
/// at its panel, can do its action for the user ("Show me": set All to 0.45, open the Calibrate
/// dialog, ...), and states what the window shows with the numbers read from it; check() tells
/// whether that claim holds now (the tour is tested: tst_tour), so the words never drift from
/// what a run shows.
class GuidedTour : public QFrame
{
    Q_OBJECT

public:
    static constexpr int kSteps = 5;
    /// The power every layer gets in step 3 (the README's setting).
    static constexpr double kRepairPower = 0.45;

    explicit GuidedTour(MainWindow *window);

    int step() const { return m_step; }
    void setStep(int step);
    /// The step's title and text as shown, with the live numbers.
    QString title(int step) const;
    QString text(int step) const;
    /// Whether step `step`'s claim holds on the window now; `why` says what was read.
    bool check(int step, QString *why = nullptr) const;
    /// Does what the step asks of the user (step 3: All to 0.45; step 4: the Calibrate dialog).
    void act(int step);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    void placeHighlight();
    QWidget *panelOf(int step) const;

    MainWindow *m_window;
    int m_step = 0;
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_back = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_act = nullptr;
    QPointer<QWidget> m_highlight;
};

}  // namespace mscope
