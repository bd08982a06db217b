// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/GoldenSection.h"

#include <cmath>

namespace mscope {

void goldenSection(const std::function<double(double)> &f, double a, double b, int evaluations)
{
    if (evaluations < 1)
        return;
    const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - ratio * (b - a), d = a + ratio * (b - a);
    double fc = f(c);
    if (evaluations < 2)
        return;
    double fd = f(d);
    for (int i = 2; i < evaluations; ++i) {
        // Keep the side of the better interior point; the other interior point is reused.
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
}

}  // namespace mscope
