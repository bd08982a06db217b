// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModulationEditor.h"

#include "FactorScale.h"
#include "support/Error.h"

#include <QUndoCommand>
#include <QUndoStack>
#include <algorithm>
#include <cmath>

namespace mscope {

namespace {

// One edit of the editor's state; edits of one gesture (a slider drag) merge.
class EditCommand : public QUndoCommand
{
public:
    EditCommand(ModulationEditor *editor, ModulationEditor::State before,
                ModulationEditor::State after, const QString &text, int gesture)
        : QUndoCommand(text),
          m_editor(editor),
          m_before(std::move(before)),
          m_after(std::move(after)),
          m_gesture(gesture)
    {
    }
    void undo() override { m_editor->applyState(m_before); }
    void redo() override { m_editor->applyState(m_after); }
    int id() const override { return m_gesture > 0 ? 1 : -1; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *o = static_cast<const EditCommand *>(other);
        if (o->m_gesture != m_gesture)
            return false;
        m_after = o->m_after;
        return true;
    }

private:
    ModulationEditor *m_editor;
    ModulationEditor::State m_before;
    ModulationEditor::State m_after;
    int m_gesture;
};

bool sameModulation(const Modulation &a, const Modulation &b)
{
    return a.family == b.family && a.layerFactors == b.layerFactors &&
           a.channelFactors == b.channelFactors && a.stateFactors == b.stateFactors &&
           a.trainingLength == b.trainingLength;
}

const std::vector<double> &rowOf(const std::vector<std::vector<double>> &rows, int layer)
{
    static const std::vector<double> none;
    return size_t(layer) < rows.size() ? rows[size_t(layer)] : none;
}

double meanOf(const std::vector<double> &row)
{
    double sum = 0.0;
    for (double v : row)
        sum += v;
    return row.empty() ? 0.0 : sum / double(row.size());
}

// The fader of `layer` moves to `value`: its finer factors follow by the same ratio (their mean
// becomes `value`), or are dropped when they cannot (a mean of 0).
void setLayerFactor(ModulationEditor::State &s, int layer, double value)
{
    for (auto *rows : {&s.channelFactors, &s.stateFactors}) {
        if (size_t(layer) >= rows->size() || (*rows)[size_t(layer)].empty())
            continue;
        auto &row = (*rows)[size_t(layer)];
        const double mean = meanOf(row);
        if (mean > 0.0 && std::isfinite(mean) && std::isfinite(value)) {
            for (double &v : row)
                v *= value / mean;
        } else {
            row.clear();
        }
    }
    s.factors[size_t(layer)] = value;
}

// The sliders' state for one step: its layer factors, or each layer's mean of the finest
// factors it has, with those finer factors kept under the fader.
void putOnSliders(ModulationEditor::State &s, const Modulation &m)
{
    s.family = m.family;
    s.factors = m.layerFactors;
    s.channelFactors.clear();
    s.stateFactors.clear();
    s.stateCount = 0;
    const size_t layers = m.layerFactors.size();
    if (m.hasChannelFactors()) {
        s.channelFactors = m.channelFactors;
        s.channelFactors.resize(layers);
    }
    if (m.hasStateFactors()) {
        s.stateFactors = m.stateFactors;
        s.stateFactors.resize(layers);
        s.stateCount = m.stateCount;
    }
    for (size_t l = 0; l < layers; ++l) {
        const auto &state = rowOf(s.stateFactors, int(l));
        const auto &channel = rowOf(s.channelFactors, int(l));
        if (!state.empty())
            s.factors[l] = meanOf(state);
        else if (!channel.empty())
            s.factors[l] = meanOf(channel);
    }
}

bool slidable(const Modulation &m)
{
    return (m.family == ModulationFamily::Power || m.family == ModulationFamily::Linear ||
            m.family == ModulationFamily::Delta) &&
           m.trainingLength == 0;
}

}  // namespace

bool ModulationEditor::State::operator==(const State &other) const
{
    if (family != other.family || factors != other.factors ||
        channelFactors != other.channelFactors || stateFactors != other.stateFactors ||
        presetSteps.size() != other.presetSteps.size())
        return false;
    for (size_t i = 0; i < presetSteps.size(); ++i)
        if (!sameModulation(presetSteps[i], other.presetSteps[i]))
            return false;
    return true;
}

ModulationEditor::ModulationEditor(QObject *parent) : QObject(parent), m_undo(new QUndoStack(this))
{
}

ModulationEditor::~ModulationEditor() = default;

void ModulationEditor::setLayerCount(int layers)
{
    m_undo->clear();
    State s;
    s.family = ModulationFamily::Power;
    s.factors.assign(size_t(std::max(0, layers)), identityFactor(s.family));
    applyState(s);
}

bool ModulationEditor::isIdentity() const
{
    return modulationSet().isIdentity();
}

ModulationSet ModulationEditor::modulationSet() const
{
    ModulationSet set;
    set.steps = m_state.presetSteps;
    Modulation sliders;
    sliders.family = m_state.family;
    sliders.layerFactors = m_state.factors;
    if (hasFinerFactors()) {
        sliders.channelFactors = m_state.channelFactors;
        sliders.stateFactors = m_state.stateFactors;
        sliders.stateCount = m_state.stateCount;
    }
    if (!sliders.isIdentity())
        set.steps.push_back(sliders);
    set.calibrationMethod = QStringLiteral("manual");
    return set;
}

QString ModulationEditor::describe() const
{
    const ModulationSet set = modulationSet();
    if (set.isIdentity())
        return tr("as loaded");
    const FactorScale scale = FactorScale::forFamily(m_state.family);
    const auto &f = m_state.factors;
    const bool uniform =
        !f.empty() && std::all_of(f.begin(), f.end(), [&](double v) { return v == f.front(); });
    Modulation sliderStep;
    sliderStep.family = m_state.family;
    sliderStep.layerFactors = f;
    QString sliders;
    if (!sliderStep.isIdentity() && hasFinerFactors()) {
        const auto [lo, hi] = std::minmax_element(f.begin(), f.end());
        sliders =
            (m_state.stateFactors.empty() ? tr("%1 per channel, layer means %2–%3")
                                          : tr("%1 per state, layer means %2–%3"))
                .arg(modulationFamilyName(m_state.family), scale.format(*lo), scale.format(*hi));
    } else if (!sliderStep.isIdentity()) {
        if (uniform) {
            sliders =
                tr("%1 %2").arg(modulationFamilyName(m_state.family), scale.format(f.front()));
        } else if (f.size() <= 8) {
            // Every layer's factor, L0 first: two per-layer settings never read the same.
            QStringList values;
            for (double v : f)
                values << scale.format(v);
            sliders = tr("%1 %2").arg(modulationFamilyName(m_state.family),
                                      values.join(QLatin1Char('/')));
        } else {
            const auto [lo, hi] = std::minmax_element(f.begin(), f.end());
            sliders = tr("%1 per layer %2–%3")
                          .arg(modulationFamilyName(m_state.family), scale.format(*lo),
                               scale.format(*hi));
        }
    }
    if (m_state.presetSteps.empty())
        return sliders;
    ModulationSet presetOnly;
    presetOnly.steps = m_state.presetSteps;
    const QString preset = presetOnly.describe();
    return sliders.isEmpty() ? preset : tr("%1, then %2").arg(preset, sliders);
}

void ModulationEditor::push(State next, const QString &text, int gesture)
{
    if (next == m_state)
        return;
    m_undo->push(new EditCommand(this, m_state, std::move(next), text, gesture));
}

void ModulationEditor::setFactor(int layer, double value, int gesture)
{
    if (layer < 0 || layer >= layerCount())
        return;
    State next = m_state;
    setLayerFactor(next, layer, value);
    push(std::move(next), tr("Set layer %1 to %2").arg(layer).arg(value), gesture);
}

void ModulationEditor::setAllFactors(double value, int gesture)
{
    State next = m_state;
    for (int l = 0; l < layerCount(); ++l)
        setLayerFactor(next, l, value);
    push(std::move(next), tr("Set all layers to %1").arg(value), gesture);
}

void ModulationEditor::setFactors(const std::vector<double> &values, const QString &undoText,
                                  int gesture)
{
    if (int(values.size()) != layerCount())
        return;
    State next = m_state;
    for (int l = 0; l < layerCount(); ++l)
        if (values[size_t(l)] != next.factors[size_t(l)])
            setLayerFactor(next, l, values[size_t(l)]);
    push(std::move(next), undoText, gesture);
}

void ModulationEditor::setFamily(ModulationFamily family)
{
    if (family == m_state.family)
        return;
    State next = m_state;
    next.family = family;
    std::fill(next.factors.begin(), next.factors.end(), identityFactor(family));
    next.channelFactors.clear();
    next.stateFactors.clear();
    next.stateCount = 0;
    push(std::move(next), tr("Switch to %1 scaling").arg(modulationFamilyName(family)), 0);
}

void ModulationEditor::reset()
{
    State next;
    next.family = m_state.family;
    next.factors.assign(m_state.factors.size(), identityFactor(m_state.family));
    push(std::move(next), tr("Reset scaling"), 0);
}

void ModulationEditor::loadSet(const ModulationSet &set, const QString &undoText, int gesture)
{
    State next;
    next.family = m_state.family;
    next.factors.assign(m_state.factors.size(), identityFactor(m_state.family));
    for (const Modulation &m : set.steps) {
        if (int(m.layerFactors.size()) != layerCount())
            throw Error({}, tr("the preset has %1 layer factors, the model has %2 layers")
                                .arg(m.layerFactors.size())
                                .arg(layerCount()));
    }
    if (set.steps.size() == 1 && slidable(set.steps.front())) {
        putOnSliders(next, set.steps.front());
    } else {
        next.presetSteps = set.steps;
        if (!set.steps.empty())
            next.family = set.steps.back().family;
        next.factors.assign(m_state.factors.size(), identityFactor(next.family));
    }
    push(std::move(next), undoText, gesture);
}

void ModulationEditor::loadCalibration(const ModulationSet &set, const QString &undoText,
                                       int gesture)
{
    if (set.steps.empty() || !slidable(set.steps.back()) ||
        int(set.steps.back().layerFactors.size()) != layerCount()) {
        loadSet(set, undoText, gesture);
        return;
    }
    State next;
    next.presetSteps.assign(set.steps.begin(), set.steps.end() - 1);
    putOnSliders(next, set.steps.back());
    push(std::move(next), undoText, gesture);
}

void ModulationEditor::freezeSliders(ModulationFamily family, const QString &undoText, int gesture)
{
    State next;
    next.presetSteps = m_state.presetSteps;
    const ModulationSet current = modulationSet();
    if (current.steps.size() > next.presetSteps.size())
        next.presetSteps.push_back(current.steps.back());
    next.family = family;
    next.factors.assign(m_state.factors.size(), identityFactor(family));
    push(std::move(next), undoText, gesture);
}

bool ModulationEditor::hasFinerFactors() const
{
    for (const auto *rows : {&m_state.channelFactors, &m_state.stateFactors})
        for (const auto &row : *rows)
            if (!row.empty())
                return true;
    return false;
}

int ModulationEditor::firstDifferingLayer(const State &a, const State &b)
{
    const int layers = int(std::max(a.factors.size(), b.factors.size()));
    State presetA, presetB;
    presetA.family = presetB.family = a.family;
    presetA.presetSteps = a.presetSteps;
    presetB.presetSteps = b.presetSteps;
    if (a.factors.size() != b.factors.size() || !(presetA == presetB))
        return 0;
    for (int l = 0; l < layers; ++l) {
        const double x = a.factors[size_t(l)], y = b.factors[size_t(l)];
        const bool sameDetail = rowOf(a.channelFactors, l) == rowOf(b.channelFactors, l) &&
                                rowOf(a.stateFactors, l) == rowOf(b.stateFactors, l);
        // Another family changes a layer only where one of the two is not its identity.
        const bool same =
            a.family == b.family
                ? x == y && sameDetail
                : x == identityFactor(a.family) && y == identityFactor(b.family) &&
                      rowOf(a.channelFactors, l).empty() && rowOf(b.channelFactors, l).empty() &&
                      rowOf(a.stateFactors, l).empty() && rowOf(b.stateFactors, l).empty();
        if (!same)
            return l;
    }
    return layers;
}

void ModulationEditor::applyState(const State &state)
{
    if (state == m_state)
        return;
    const bool familyChange = state.family != m_state.family;
    const int first = firstDifferingLayer(m_state, state);
    m_state = state;
    if (familyChange)
        emit familyChanged(m_state.family);
    emit changed(first);
}

}  // namespace mscope
