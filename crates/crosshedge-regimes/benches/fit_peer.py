"""Python peers for benches/fit.rs: arch GARCH(1,1) and statsmodels MarkovRegression, on the
same golden inputs and from the same starting values as the Rust benchmark.

Each timing is a complete fit as a user would run it, including the standard errors
(arch computes its robust covariance inside fit; for statsmodels we touch `bse` and the
smoothed probabilities so they are computed). Median of several runs.

Run from the crate dir:  python3 benches/fit_peer.py
"""
import json
import os
import statistics
import time
import warnings

import numpy as np
import statsmodels.api as sm
from arch import arch_model

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.join(HERE, "..", "tests", "golden")


def timeit(f, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), min(ts)


y = np.asarray(json.load(open(os.path.join(GOLD, "garch_spx.json")))["y"])
mean, var = y.mean(), y.var()
sv = np.array([mean, 0.05 * var, 0.1, 0.85])
am_n = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="normal", rescale=False)
am_t = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
res = {}
res["garch normal single start"] = timeit(lambda: am_n.fit(starting_values=sv, disp="off"), 20)
res["garch t single start"] = timeit(
    lambda: am_t.fit(starting_values=np.append(sv, 8.0), disp="off"), 20
)
res["garch normal default"] = timeit(lambda: am_n.fit(disp="off"), 20)
print("llf check", am_n.fit(starting_values=sv, disp="off").loglikelihood)

x = np.asarray(json.load(open(os.path.join(GOLD, "markov_vix.json")))["y"])
xv = x.var()
mod = sm.tsa.MarkovRegression(x, k_regimes=2, trend="c", switching_variance=True)
# statsmodels order: p[0->0], p[1->0], const[0], const[1], sigma2[0], sigma2[1].
sp = np.array([0.9, 0.1, 0.0, 0.0, 0.5 * xv, 2.0 * xv])


def ms_fit():
    r = mod.fit(start_params=sp, em_iter=5, search_reps=0, disp=False)
    _ = r.bse, r.smoothed_marginal_probabilities
    return r


res["markov2 single start em5"] = timeit(ms_fit, 5)
print("llf check", ms_fit().llf)
for k, (med, mn) in res.items():
    print(f"{k:32s} median {med * 1e3:9.2f} ms   min {mn * 1e3:9.2f} ms")
