"""Golden values of the capped Student-t mixing of the stress model's shocks.

The standardised shock is z = sqrt(V_c) n with n ~ N(0, 1) and
V_c = min(V, c^2) / k_c, V = (nu - 2) / W, W ~ chi-square(nu), k_c = E[min(V, c^2)]
(so E[V_c] = 1 and Var z = 1). For a factor with daily sd sigma,
E[exp(sigma z)] = E[exp(sigma^2 V_c / 2)], and the zero-drift mean log return is
-ln E[exp(sigma z)]. The kurtosis of z is 3 E[V_c^2].

Computed here with scipy's chi-square CDF for the capped part (W < w* = (nu - 2) / c^2)
and scipy.integrate.quad over w > w* (an independent route from the Rust code, which
integrates in u = ln w by composite Gauss-Legendre).

Run: python3 crates/crosshedge-simulation/tests/golden/gen_mixing.py
writes mixing.json beside this file.
"""

import json
import math
import os

import numpy as np
import scipy
from scipy import integrate, stats


def expect(nu, cap, f, k=1.0):
    """E[f(min(V, cap^2) / k)]."""
    w_star = (nu - 2.0) / cap**2
    left = f(cap**2 / k) * stats.chi2.cdf(w_star, nu)
    g = lambda w: f((nu - 2.0) / w / k) * stats.chi2.pdf(w, nu)
    mode = max(nu - 2.0, w_star)
    a, _ = integrate.quad(g, w_star, mode, epsabs=0.0, epsrel=1e-13, limit=400)
    b, _ = integrate.quad(g, mode, np.inf, epsabs=0.0, epsrel=1e-13, limit=400)
    return left + a + b


def scale(nu, cap):
    return expect(nu, cap, lambda v: v)


def log_mgf(nu, cap, sigma):
    """ln E[exp(sigma z)] = ln(1 + E[expm1(sigma^2 V_c / 2)])."""
    k = scale(nu, cap)
    return math.log1p(expect(nu, cap, lambda v: math.expm1(0.5 * sigma**2 * v), k))


def kurtosis(nu, cap):
    k = scale(nu, cap)
    return 3.0 * expect(nu, cap, lambda v: v * v, k)


def cap_probability(nu, cap):
    return stats.chi2.cdf((nu - 2.0) / cap**2, nu)


CASES = [(5.865110645022575, 6.0), (4.5, 6.0), (10.0, 6.0), (3.0, 6.0), (30.0, 6.0), (5.865110645022575, 4.0)]
SIGMAS = [0.005, 0.02, 0.05, 0.1, 0.3]

out = {
    "generator": "gen_mixing.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "cases": [
        {
            "nu": nu,
            "cap": cap,
            "scale": scale(nu, cap),
            "cap_probability": cap_probability(nu, cap),
            "kurtosis": kurtosis(nu, cap),
            "sigmas": SIGMAS,
            "log_mgf": [log_mgf(nu, cap, s) for s in SIGMAS],
        }
        for nu, cap in CASES
    ],
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mixing.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=2)
    fh.write("\n")
print(json.dumps(out, indent=2))
