// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "modulation/Modulation.h"

#include <QObject>
#include <vector>

class QUndoStack;

namespace mscope {

/// The modulation being edited in the workbench: a family with one factor per layer (what the
/// sliders show), applied on top of any steps of a loaded preset the sliders cannot show (several
/// steps, per-channel factors). Every edit is undoable; the edits of one slider drag merge into a
/// single undo step.
class ModulationEditor : public QObject
{
    Q_OBJECT

public:
    struct State
    {
        ModulationFamily family = ModulationFamily::Power;
        std::vector<double> factors;
        /// Finer factors under the sliders (a calibration per channel or per state), per layer;
        /// an empty row: the layer has its fader's factor only. A fader shows its row's mean,
        /// and moving it scales the row by the same ratio.
        std::vector<std::vector<double>> channelFactors;
        std::vector<std::vector<double>> stateFactors;
        int stateCount = 0;
        std::vector<Modulation> presetSteps;
        bool operator==(const State &other) const;
    };

    explicit ModulationEditor(QObject *parent = nullptr);
    ~ModulationEditor() override;

    /// Identity power scaling for a model of `layers` layers; clears the undo history.
    void setLayerCount(int layers);
    int layerCount() const { return int(m_state.factors.size()); }
    ModulationFamily family() const { return m_state.family; }
    const std::vector<double> &factors() const { return m_state.factors; }
    double factor(int layer) const { return m_state.factors[size_t(layer)]; }
    const std::vector<Modulation> &presetSteps() const { return m_state.presetSteps; }
    const State &state() const { return m_state; }
    bool isIdentity() const;
    /// The preset steps, then the sliders' step unless it is the identity.
    ModulationSet modulationSet() const;
    /// E.g. "power 0.45 (all layers)", "power per layer", "as loaded".
    QString describe() const;
    QUndoStack *undoStack() const { return m_undo; }

    /// A new id: edits made with the same id merge into one undo step (one slider drag).
    int newGesture() { return ++m_lastGesture; }
    void setFactor(int layer, double value, int gesture = 0);
    void setAllFactors(double value, int gesture = 0);
    void setFactors(const std::vector<double> &values, const QString &undoText, int gesture = 0);
    /// Switches family; the factors go back to the new family's identity.
    void setFamily(ModulationFamily family);
    /// Back to the model as loaded (preset steps dropped too).
    void reset();
    /// A single step of power, linear or delta goes onto the sliders (finer factors kept under
    /// them, the faders showing each layer's mean); anything else is kept as preset steps under
    /// identity sliders of the same family. Throws Error when the layer count differs.
    void loadSet(const ModulationSet &set, const QString &undoText, int gesture = 0);
    /// A calibration's result: its last step (power, linear or delta) goes onto the sliders,
    /// finer factors included, the steps before it become preset steps.
    void loadCalibration(const ModulationSet &set, const QString &undoText, int gesture = 0);
    /// Keeps what the sliders do as a preset step and puts sliders of `family` at its identity
    /// on top: the modulation stays the same (a calibration of another family starts from it).
    void freezeSliders(ModulationFamily family, const QString &undoText, int gesture = 0);
    /// Whether some layer has finer factors under its fader.
    bool hasFinerFactors() const;

    /// Applied by the undo commands; emits changed() when something did change.
    void applyState(const State &state);
    /// The first layer whose modulation differs between two states (the layer count when none).
    static int firstDifferingLayer(const State &a, const State &b);

signals:
    /// Layers before `firstLayer` are modulated as before (the curves restart there).
    void changed(int firstLayer);
    void familyChanged(ModulationFamily family);

private:
    void push(State next, const QString &text, int gesture);

    State m_state;
    QUndoStack *m_undo = nullptr;
    int m_lastGesture = 0;
};

}  // namespace mscope
