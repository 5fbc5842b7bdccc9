"""Golden values for GARCH(1,1) with a constant mean.

Reference: arch arch_model(y, mean='Constant', vol='GARCH', p=1, q=1, dist='normal'|'t',
rescale=False).fit(cov_type='robust') on the last 9,000 daily SPX log returns from
../shared/data/spx_daily.csv, scaled by 100 (arch prefers that scale; the Rust fit rescales
internally and is also checked on the unscaled series). The optimum is checked by refitting
from several starting values and keeping the best log-likelihood.

Run from the crate dir:  python3 tests/golden/gen_garch.py
Writes tests/golden/garch_spx.json (input array included).
"""
import json
import os
import warnings

import arch
import numpy as np
import pandas as pd
from arch import arch_model

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "spx_daily.csv")

df = pd.read_csv(DATA)
close = df["close"].to_numpy(float)
r = np.diff(np.log(close))[-9000:]
y = 100.0 * r
out = {
    "source": f"arch {arch.__version__} arch_model(mean='Constant', vol='GARCH', p=1, q=1, rescale=False), cov_type='robust'",
    "data": "spx_daily.csv close, y_t = 100 ln(close_t / close_{t-1}), last 9000 returns",
    "y": [float(v) for v in y],
}
for dist in ("normal", "t"):
    am = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist=dist, rescale=False)
    best = am.fit(disp="off", options={"ftol": 1e-12, "maxiter": 2000})
    sv0 = np.asarray(best.params)
    for sv in ([y.mean(), 0.05, 0.05, 0.9], [y.mean(), 0.01, 0.1, 0.88], [0.0, 0.03, 0.08, 0.9]):
        if dist == "t":
            sv = sv + [8.0]
        res = am.fit(disp="off", starting_values=np.array(sv), options={"ftol": 1e-12, "maxiter": 2000})
        if res.loglikelihood > best.loglikelihood:
            best = res
    resids = y - y.mean()
    backcast = float(am.volatility.backcast(resids))
    print(dist, best.params.values, best.loglikelihood, best.std_err.values)
    out[dist] = {
        "params": [float(v) for v in best.params],
        "param_names": list(best.params.index),
        "llf": float(best.loglikelihood),
        "se_robust": [float(v) for v in best.std_err],
        "se_classic": [float(v) for v in am.fit(disp="off", starting_values=best.params.values, cov_type="classic", options={"ftol": 1e-12}).std_err],
        "backcast": backcast,
        "cond_vol_last": float(best.conditional_volatility[-1]),
        "cond_vol_first": float(best.conditional_volatility[0]),
        "cond_vol_mid": float(best.conditional_volatility[4500]),
    }
with open(os.path.join(HERE, "garch_spx.json"), "w") as f:
    json.dump(out, f)
