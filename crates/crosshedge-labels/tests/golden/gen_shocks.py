"""Golden values for the crosshedge-labels shock detector, from an independent pandas
implementation of the documented scores (src/shocks.rs module docs), default configuration:

  drawdown  = -ln(P_t / rolling 7-day max) / 0.20
  depeg     = max over coins of |p - 1| / 0.02, a coin dropped after 30 consecutive days off peg
  tvl       = max(0, -ln(TVL_t / TVL_{t-7})) / 0.20
  funding   = max(0, -z_t) / 3, z against the previous 90 days (>= 45 obs, ddof=1)
  combined  = sum of component scores capped at 3 (weights 1)
  shock day = some component >= 1 or combined >= 2; shock days <= 3 days apart merged

Inputs (see /work/shared/data/PROVENANCE.md), each from 2019-01-01: crypto_daily_coingecko.csv
btc_close_usd; stablecoins_depeg_daily.csv ust_cg_close, usdc_yf_close;
defi_tvl_defillama_daily.csv tvl_usd; funding_rates_daily.csv binance_btcusdt_daily_sum.
Output: the daily scores for 2022-01-01 .. 2023-06-30 and every detected window.
Run: python3 gen_shocks.py  (writes shocks_real_pandas.json beside this script)
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data")
START = "2019-01-01"


def col(file, name):
    s = pd.read_csv(os.path.join(DATA, file), index_col="date", parse_dates=True)[name].dropna()
    return s.loc[START:].astype(float)


btc = col("crypto_daily_coingecko.csv", "btc_close_usd")
ust = col("stablecoins_depeg_daily.csv", "ust_cg_close")
usdc = col("stablecoins_depeg_daily.csv", "usdc_yf_close")
tvl = col("defi_tvl_defillama_daily.csv", "tvl_usd")
fund = col("funding_rates_daily.csv", "binance_btcusdt_daily_sum")
allser = [btc, ust, usdc, tvl, fund]
idx = pd.date_range(min(s.index[0] for s in allser), max(s.index[-1] for s in allser), freq="D")

p = btc.reindex(idx)
dd = -np.log(p / p.rolling(7, min_periods=1).max()) / 0.20


def depeg(s):
    sc = ((s.reindex(idx) - 1.0).abs() / 0.02).to_numpy()
    out = np.full(len(sc), np.nan)
    run = 0
    for i, v in enumerate(sc):
        if np.isnan(v):
            continue
        run = run + 1 if v > 1.0 else 0
        out[i] = 0.0 if run > 30 else v
    return pd.Series(out, idx)


dp = pd.concat([depeg(ust), depeg(usdc)], axis=1).max(axis=1, skipna=True)
t = tvl.reindex(idx)
tv = (-np.log(t / t.shift(7))).clip(lower=0.0) / 0.20
f = fund.reindex(idx)
prev = f.shift(1).rolling(90, min_periods=45)
z = (f - prev.mean()) / prev.std(ddof=1)
fu = (-z).clip(lower=0.0) / 3.0
fu[prev.count() < 45] = np.nan
comps = pd.concat([dd, dp, tv, fu], axis=1)
comps.columns = ["drawdown", "depeg", "tvl_outflow", "funding"]
combined = comps.clip(upper=3.0).fillna(0.0).sum(axis=1)
shock = (comps.max(axis=1, skipna=True) >= 1.0) | (combined >= 2.0)

windows = []
for i in np.flatnonzero(shock.to_numpy()):
    if windows and i - windows[-1][1] <= 4:
        windows[-1][1] = i
    else:
        windows.append([i, i])
win_out = []
for a, b in windows:
    seg = combined.iloc[a : b + 1]
    fired = [c for c in comps.columns if (comps[c].iloc[a : b + 1] >= 1.0).any()]
    win_out.append(
        {
            "start": idx[a].strftime("%Y-%m-%d"),
            "end": idx[b].strftime("%Y-%m-%d"),
            "peak_score": float(seg.max()),
            "peak_date": seg.idxmax().strftime("%Y-%m-%d"),
            "fired": fired,
        }
    )


def opt(v):
    return None if pd.isna(v) else float(v)


sl = slice("2022-01-01", "2023-06-30")
out = {
    "source": "pandas " + pd.__version__ + ", numpy " + np.__version__ + "; shared data from " + START,
    "grid_start": idx[0].strftime("%Y-%m-%d"),
    "grid_end": idx[-1].strftime("%Y-%m-%d"),
    "daily": {
        "dates": [d.strftime("%Y-%m-%d") for d in comps.loc[sl].index],
        **{c: [opt(v) for v in comps.loc[sl, c]] for c in comps.columns},
        "combined": [float(v) for v in combined.loc[sl]],
    },
    "windows": win_out,
}
with open(os.path.join(HERE, "shocks_real_pandas.json"), "w") as fh:
    json.dump(out, fh)
print(len(win_out), "windows;", int(shock.sum()), "shock days of", len(idx))
