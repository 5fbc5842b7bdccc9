"""Golden values for FuturesModel::with_fitted_premium (tests/futures_premium.rs).

Synthetic VIX futures settlements from the AR(1)-in-logs rule with a known term premium and
lognormal noise, fitted with scipy.optimize.curve_fit exactly as the demo calibration does
(crates/crosshedge-demo/calibration/calibrate.py, section 8), but with a tight tolerance.
Run: python3 tests/golden/gen_premium.py > tests/golden/premium.json
"""
import json

import numpy as np
import scipy
from scipy import optimize

PHI, MEAN_LOG, SD = 0.985, np.log(18.0), 0.065
TRUE_A, TRUE_TAU = 0.12, 45.0

rng = np.random.default_rng(20261123)
n = 400
x = np.log(rng.uniform(10.0, 60.0, n))
h = rng.integers(1, 180, n).astype(float)


def expected_log(x, h):
    ph = PHI ** h
    var = SD ** 2 * (1 - ph * ph) / (1 - PHI ** 2)
    return MEAN_LOG * (1 - ph) + ph * x + 0.5 * var


lnf = expected_log(x, h) + TRUE_A * (1 - np.exp(-h / TRUE_TAU)) + rng.normal(0, 0.03, n)
f = np.exp(lnf)
resid = np.log(f) - expected_log(x, h)
popt, _ = optimize.curve_fit(lambda hh, a, tau: a * (1 - np.exp(-hh / tau)), h, resid,
                             p0=[0.05, 30.0], bounds=([-1, 1], [1, 2000]), xtol=1e-15, ftol=1e-15,
                             gtol=1e-15, max_nfev=100000)
print(json.dumps({
    "source": f"tests/golden/gen_premium.py; numpy {np.__version__}, scipy {scipy.__version__}",
    "model": {"phi": PHI, "mean_log": MEAN_LOG, "sd": SD},
    "truth": {"a": TRUE_A, "tau": TRUE_TAU},
    "rows": [[float(a), float(b), float(c)] for a, b, c in zip(x, h, f)],
    "fit": {"a": float(popt[0]), "tau": float(popt[1])},
    "tolerance_rel": 1e-6,
}, indent=1))
