"""Reference equity-curve metrics for tests/golden/metrics.json (pandas / numpy).

Run: python3 scripts/metrics_golden.py > tests/golden/metrics.json
"""
import json
import sys

import numpy as np
import pandas as pd

PPY = 252.0
dates = pd.bdate_range("2019-01-02", "2021-12-31")
rng = np.random.default_rng(11)
r = rng.normal(0.0003, 0.015, len(dates))
crash = (dates >= "2020-02-20") & (dates <= "2020-03-23")
r[crash] -= 0.02
r[0] = 0.0
u = pd.Series(100.0 * np.cumprod(1.0 + r), index=dates)
episodes = [
    {"name": "covid", "start": "2020-02-20", "end": "2020-03-23"},
    {"name": "may_2021", "start": "2021-05-08", "end": "2021-05-20"},
    {"name": "before_data", "start": "2008-09-01", "end": "2008-12-31"},
]
in_ep = np.zeros(len(dates), dtype=bool)
for e in episodes:
    in_ep |= (dates >= e["start"]) & (dates <= e["end"])
du = u.diff().fillna(0.0).to_numpy()
h_daily = np.where(in_ep, -0.6 * du, -0.01)
h_daily[0] = 0.0
h = u + np.cumsum(h_daily)


def metrics(v):
    n = len(v) - 1
    dd = v / v.cummax() - 1.0
    trough = dd.idxmin()
    peak = v.loc[:trough].idxmax()
    after = v.loc[trough:].iloc[1:]
    rec = after[after >= v[peak]]
    month_end = v.resample("ME").last()
    chain = pd.concat([v.iloc[:1], month_end])
    mret = chain.pct_change().iloc[1:]
    worst = mret.idxmin()
    return {
        "total_return": v.iloc[-1] / v.iloc[0] - 1.0,
        "annualised_return": (v.iloc[-1] / v.iloc[0]) ** (PPY / n) - 1.0,
        "annualised_vol": v.pct_change().std() * np.sqrt(PPY),
        "max_drawdown": -dd.min(),
        "peak_date": peak.date().isoformat(),
        "trough_date": trough.date().isoformat(),
        "recovery_date": None if rec.empty else rec.index[0].date().isoformat(),
        "worst_month": [worst.year, worst.month, mret.min()],
        "monthly_returns": mret.tolist(),
        "drawdown": dd.tolist(),
    }


hs = pd.Series(h, index=dates)
hedge = hs - u
years = (len(dates) - 1) / PPY
carry = -hedge.diff()[~in_ep].iloc[1:].sum() / years if not in_ep[0] else None
carry_share = -(hedge.diff() / u.shift(1))[~in_ep].iloc[1:].sum() / years if not in_ep[0] else None
prot = []
for e in episodes:
    before = int(np.searchsorted(dates.values, np.datetime64(e["start"]), side="left"))
    upto = int(np.searchsorted(dates.values, np.datetime64(e["end"]), side="right"))
    if upto == 0 or before >= len(dates) or upto <= before:
        continue
    a, b = max(before - 1, 0), upto - 1
    dU, dH = u.iloc[b] - u.iloc[a], hs.iloc[b] - hs.iloc[a]
    prot.append({"name": e["name"], "from": dates[a].date().isoformat(), "to": dates[b].date().isoformat(),
                 "unhedged_pnl": dU, "hedged_pnl": dH, "hedge_pnl": dH - dU,
                 "share_offset": (dH - dU) / -dU if dU < 0 else None})
out = {
    "source": f"scripts/metrics_golden.py; numpy {np.__version__}, pandas {pd.__version__}",
    "tolerance_rel": 1e-9,
    "periods_per_year": PPY,
    "dates": [d.date().isoformat() for d in dates],
    "unhedged": u.tolist(),
    "hedged": hs.tolist(),
    "episodes": episodes,
    "unhedged_metrics": metrics(u),
    "hedged_metrics": metrics(hs),
    "carry_outside_episodes_per_year": carry,
    "carry_share_outside_episodes_per_year": carry_share,
    "protection": prot,
}
json.dump(out, sys.stdout)
print()
