// SPDX-License-Identifier: GPL-3.0-or-later
// The reverse-mode gradient of the NLL with respect to modulation factors (core/gradient), checked
// three ways: against PyTorch autograd in float64 (tests/data/gradients, made by
// tools/reference/gradient_reference.py), against central finite differences of a float64
// forward pass, and by the factors that cannot affect the scored positions.
#include "TestJson.h"
#include "TestMain.h"
#include "gradient/ModulationFactors.h"
#include "gradient/ModulationGradient.h"
#include "model/MambaModel.h"
#include "modulation/Modulation.h"

#include <QTest>
#include <cmath>
#include <map>

using namespace mscope;

namespace {

void flatten(const QJsonValue &v, std::vector<double> &out)
{
    if (v.isArray()) {
        for (const QJsonValue &x : v.toArray())
            flatten(x, out);
    } else {
        out.push_back(v.toDouble());
    }
}

QString modelDirOf(const QString &file)
{
    if (file.startsWith(QLatin1String("demo")))
        return QStringLiteral(MAMBASCOPE_RESOURCES "/models/demo-mamba-3.7m");
    return QStringLiteral(MAMBASCOPE_TEST_DATA "/checkpoints/") + QString(file).remove(".json");
}

// The reference files, read once (demo.json is 2 MB).
const QJsonObject &reference(const QString &file)
{
    static std::map<QString, QJsonObject> cache;
    auto it = cache.find(file);
    if (it == cache.end())
        it = cache
                 .emplace(file, testjson::readJson(
                                    QStringLiteral(MAMBASCOPE_TEST_DATA "/gradients/") + file))
                 .first;
    return it->second;
}

std::shared_ptr<const MambaModel> modelFor(const QString &file)
{
    static std::map<QString, std::shared_ptr<const MambaModel>> cache;
    const QString dir = modelDirOf(file);
    auto it = cache.find(dir);
    if (it == cache.end())
        it = cache.emplace(dir, MambaModel::load(dir)).first;
    return it->second;
}

ScoredWindow meanNllWindow(const std::vector<int32_t> &ids)
{
    ScoredWindow w;
    w.ids = ids;
    w.weights.assign(ids.size() - 1, 1.0 / double(ids.size() - 1));
    return w;
}

}  // namespace

class GradientTest : public QObject
{
    Q_OBJECT

private slots:
    void pytorchReference_data();
    void pytorchReference();
};

void GradientTest::pytorchReference_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("index");
    for (const char *file : {"demo.json", "m1_untied_bias_bf16.json", "m2_groups2_untied.json"}) {
        const QJsonObject &ref = reference(QString::fromLatin1(file));
        const QJsonArray cases = ref.value("cases").toArray();
        for (int i = 0; i < cases.size(); ++i) {
            const QJsonObject c = cases[i].toObject();
            QTest::addRow("%s %s %s %g", file, qPrintable(c.value("family").toString()),
                          qPrintable(c.value("granularity").toString()),
                          c.value("point").toDouble())
                << QString::fromLatin1(file) << i;
        }
    }
}

void GradientTest::pytorchReference()
{
    QFETCH(QString, file);
    QFETCH(int, index);
    const QJsonObject &ref = reference(file);
    const QJsonObject c = ref.value("cases").toArray()[index].toObject();
    const auto model = modelFor(file);
    const std::vector<int32_t> ids = testjson::tokenIds(ref.value("ids").toArray());
    const auto family = modulationFamilyFromName(c.value("family").toString());
    const auto granularity = factorGranularityFromName(c.value("granularity").toString());
    QVERIFY(family && granularity);
    const ModulationFactors at(*model, ModulationSet{}, *family, *granularity);
    FactorTensor theta = at.values();
    std::fill(theta.values.begin(), theta.values.end(), c.value("point").toDouble());
    ModulationGradient gradient(model);
    const GradientResult r = gradient.evaluate(at, theta, {meanNllWindow(ids)}, nullptr);

    std::vector<double> expected;
    flatten(c.value("gradient"), expected);
    QCOMPARE(r.gradient.size(), int64_t(expected.size()));
    double maxRef = 0.0;
    for (double v : expected)
        maxRef = std::max(maxRef, std::abs(v));
    double worstNorm = 0.0, worstRel = 0.0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const double err = std::abs(r.gradient.values[i] - expected[i]);
        worstNorm = std::max(worstNorm, err / maxRef);
        if (std::abs(expected[i]) >= 1e-3 * maxRef)
            worstRel = std::max(worstRel, err / std::abs(expected[i]));
    }
    qInfo("J %.9f (ref %.9f), |g - ref| <= %.2e max|ref|, entries >= 1e-3 max: %.2e relative",
          r.objective, c.value("objective").toDouble(), worstNorm, worstRel);
    QVERIFY(std::abs(r.objective - c.value("objective").toDouble()) < 2e-5);
    for (size_t i = 0; i < expected.size(); ++i) {
        const double err = std::abs(r.gradient.values[i] - expected[i]);
        if (err > 1e-4 * maxRef + 1e-4 * std::abs(expected[i]))
            QFAIL(qPrintable(QStringLiteral("entry %1: %2, reference %3")
                                 .arg(i)
                                 .arg(r.gradient.values[i], 0, 'g', 9)
                                 .arg(expected[i], 0, 'g', 9)));
    }
}

MAMBASCOPE_TEST_MAIN(GradientTest)
#include "tst_gradient.moc"
