#!/usr/bin/env python3
"""Independent (pandas) reference for the VIX futures curve and the ETP proxy, computed from
../shared/data/vix_futures_contracts_daily.csv.

* Curve on a date: contracts with expiry strictly after the date; the 30-day constant-maturity
  future linear in settle vs calendar days between the bracketing contracts (extrapolated from
  the first/last two); roll yield (F2-F1)/F1*365/(d2-d1).
* ETP proxy: S&P 500 VIX Short-Term Futures Index roll. Business days are taken from the set of
  dates present in the file (an independent calendar source), dt = business days in
  [previous settlement, next settlement), dr = business days in [t+1, next settlement);
  return = (w1 F1_t + w2 F2_t) / (w1 F1_{t-1} + w2 F2_{t-1}) - 1 with weights from t-1.

Run: python3 gen_vix.py > vix.json   (from this directory)
"""
import json
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "vix_futures_contracts_daily.csv")

df = pd.read_csv(DATA, parse_dates=["date", "expiry"]).dropna(subset=["settle"])
df = df[df.settle > 0]


def curve(date):
    d = pd.Timestamp(date)
    c = df[(df.date == d) & (df.expiry > d)].sort_values("expiry")
    days = (c.expiry - d).dt.days.to_numpy().astype(float)
    px = c.settle.to_numpy()
    i = int(np.searchsorted(days, 30.0))
    i = min(max(i, 1), len(days) - 1)
    w = (days[i] - 30.0) / (days[i] - days[i - 1])
    cm = w * px[i - 1] + (1 - w) * px[i]
    return {
        "date": date,
        "cm30": cm,
        "roll_yield_ann": (px[1] - px[0]) / px[0] * 365.0 / (days[1] - days[0]),
        "slope_per_day": (px[1] - px[0]) / (days[1] - days[0]),
        "n": int(len(days)),
    }


def proxy(start, end):
    sub = df[(df.date >= pd.Timestamp(start) - pd.Timedelta(days=10)) & (df.date <= pd.Timestamp(end))]
    bdays = np.array(sorted(df.date.unique()))
    expiries = np.array(sorted(df.expiry.unique()))
    table = {(r.date, r.expiry): r.settle for r in sub.itertuples()}
    dates = sorted(d for d in sub.date.unique())

    def nbd(a, b):  # business days in [a, b)
        return int(np.searchsorted(bdays, b, "left") - np.searchsorted(bdays, a, "left"))

    out = []
    for u, t in zip(dates[:-1], dates[1:]):
        if t < pd.Timestamp(start):
            continue
        later = [e for e in expiries if e > u]
        e1, e2 = later[0], later[1]
        e0 = expiries[np.searchsorted(expiries, e1) - 1]
        dt = nbd(e0, e1)
        dr = nbd(u + pd.Timedelta(days=1), e1)
        w1 = dr / dt
        w2 = 1 - w1
        f1u, f2u = table[(u, e1)], table[(u, e2)]
        f2t = table[(t, e2)]
        f1t = table.get((t, e1), f1u) if w1 == 0 else table[(t, e1)]
        r = (w1 * f1t + w2 * f2t) / (w1 * f1u + w2 * f2u) - 1
        out.append({"date": str(pd.Timestamp(t).date()), "return": r})
    return out


dates = ["2010-03-15", "2012-06-01", "2014-10-15", "2016-02-11", "2017-11-22", "2018-02-05", "2019-12-31",
         "2020-03-16", "2021-06-17", "2022-10-12", "2023-04-18", "2024-08-05", "2025-04-03", "2026-04-17"]
doc = {
    "source": "gen_vix.py (pandas %s) from vix_futures_contracts_daily.csv" % pd.__version__,
    "curves": [curve(d) for d in dates],
    "proxy": proxy("2015-01-02", "2015-04-30") + proxy("2024-07-01", "2024-09-30"),
}
json.dump(doc, sys.stdout, indent=1)
