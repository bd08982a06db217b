// SPDX-License-Identifier: GPL-3.0-or-later
#include "gradient/ModulationGradient.h"

#include "gradient/BackwardPass.h"
#include "gradient/ModulationFactors.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"
#include "support/JobControl.h"

#include <QElapsedTimer>

namespace mscope {

ModulationGradient::ModulationGradient(std::shared_ptr<const MambaModel> model, int chunkTokens)
    : m_model(std::move(model)), m_backward(std::make_unique<BackwardPass>(m_model, chunkTokens))
{
}

ModulationGradient::~ModulationGradient() = default;

void ModulationGradient::setKeptLogitLimit(int64_t floats)
{
    m_backward->setKeptLogitLimit(floats);
}

void ModulationGradient::setRecordingBudget(int64_t bytes)
{
    m_backward->setRecordingBudget(bytes);
}

double ModulationGradient::objective(const ModulationSet &modulation,
                                     const std::vector<ScoredWindow> &windows,
                                     const JobControl *job)
{
    m_backward->setScanParameters(modulation.apply(*m_model));
    double j = 0.0;
    for (size_t i = 0; i < windows.size(); ++i) {
        j += m_backward->objective(windows[i], job);
        if (job)
            job->report(double(i + 1) / double(windows.size()));
    }
    return j;
}

GradientResult ModulationGradient::sensitivity(const ModulationSet &modulation,
                                               const std::vector<ScoredWindow> &windows,
                                               const JobControl *job)
{
    QElapsedTimer timer;
    timer.start();
    GradientResult r;
    const int layers = m_model->config().nLayer;
    const size_t entries = size_t(m_model->decayChannels()) * size_t(m_model->decayStateSize());
    r.sensitivity.resize(size_t(layers));
    for (LayerSensitivity &s : r.sensitivity)
        s.resize(entries, size_t(m_model->decayChannels()));
    m_backward->setScanParameters(modulation.apply(*m_model));
    int64_t total = 0;
    for (const ScoredWindow &w : windows)
        total += int64_t(w.ids.size());
    int64_t done = 0;
    for (const ScoredWindow &w : windows) {
        const auto progress = [&](double f) {
            if (job && total > 0)
                job->report((double(done) + f * double(w.ids.size())) / double(total));
        };
        r.objective += m_backward->run(w, r.sensitivity, job, progress);
        r.keptChunks += m_backward->keptChunks();
        r.chunks += m_backward->chunks();
        done += int64_t(w.ids.size());
    }
    r.tokens = total;
    r.windows = int(windows.size());
    r.workingBytes = m_backward->peakBytes();
    r.seconds = double(timer.nsecsElapsed()) * 1e-9;
    return r;
}

GradientResult ModulationGradient::evaluate(const ModulationFactors &at, const FactorTensor &theta,
                                            const std::vector<ScoredWindow> &windows,
                                            const JobControl *job)
{
    GradientResult r = sensitivity(at.modulation(theta), windows, job);
    r.point = theta;
    r.gradient = at.gradient(theta, r.sensitivity);
    return r;
}

}  // namespace mscope
