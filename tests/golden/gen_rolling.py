"""Golden values for `crosshedge rolling`, computed independently with pandas and scipy.

BTC (Yahoo close) against the VIX (Cboe close) from ../shared/data, 2019-07-01..2021-06-30,
aligned on the VIX's own trading days (a row needs both closes on that date), log returns of
consecutive rows, then for a 63-row window: pandas' rolling Pearson correlation and rolling
beta cov/var, and the 95 % band of scipy.stats.pearsonr(...).confidence_interval (Fisher z),
evaluated on the window's own returns for every 10th window (scipy's pearsonr per window is the
reference; the closed form is not used). Only derived statistics are written, never the data.

Run: python3 tests/golden/gen_rolling.py  (writes tests/golden/rolling.json)
"""
import json
import os

import numpy as np
import pandas as pd
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data")
START, END, WINDOW, LEVEL = "2019-07-01", "2021-06-30", 63, 0.95

vix = pd.read_csv(os.path.join(DATA, "vix_daily.csv"), parse_dates=["date"]).set_index("date")["close"]
btc = pd.read_csv(os.path.join(DATA, "crypto_ohlcv_yahoo_daily.csv"), parse_dates=["date"]).set_index("date")["btc_close"]
df = pd.DataFrame({"btc": btc.reindex(vix.index), "vix": vix}).dropna()
df = df[(df.index >= START) & (df.index <= END)]
r = np.log(df).diff().dropna()
corr = r["btc"].rolling(WINDOW).corr(r["vix"])
beta = r["btc"].rolling(WINDOW).cov(r["vix"]) / r["vix"].rolling(WINDOW).var()
points = []
for i in range(WINDOW - 1, len(r), 10):
    w = r.iloc[i - WINDOW + 1 : i + 1]
    res = stats.pearsonr(w["btc"], w["vix"])
    ci = res.confidence_interval(LEVEL)
    points.append({
        "date": r.index[i].strftime("%Y-%m-%d"),
        "correlation": float(corr.iloc[i]),
        "correlation_scipy": float(res.statistic),
        "low": float(ci.low),
        "high": float(ci.high),
        "beta": float(beta.iloc[i]),
    })
out = {
    "source": "pandas rolling corr/cov/var + scipy.stats.pearsonr confidence_interval",
    "from": START, "to": END, "window": WINDOW, "level": LEVEL,
    "rows": int(len(r)), "windows": int(len(r) - WINDOW + 1),
    "first_return_date": r.index[0].strftime("%Y-%m-%d"),
    "points": points,
    "versions": {"pandas": pd.__version__, "scipy": __import__("scipy").__version__, "numpy": np.__version__},
}
with open(os.path.join(HERE, "rolling.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"{len(points)} points over {len(r)} rows")
