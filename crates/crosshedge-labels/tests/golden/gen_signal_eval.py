"""Golden values for crosshedge-labels signal events and their evaluation
(signals::vix_signals + signals::evaluate_signals, default configuration) on the full VIX
history, from an independent pandas / numpy implementation of the documented definitions:

  events: MACD histogram crossing 0 (from <= 0 to > 0 = up, from >= 0 to < 0 = down) from
          index 35 on; RSI(14, Wilder) crossing 70 upwards / 30 downwards
  stress entry: close > 25 after at least 20 consecutive closes <= 25
  evaluation: signals on closes <= 25 only; hit = entry j with i < j <= i + 20, lead = j - i;
          censored = no hit and i + 20 >= n; base rate over eligible days i >= 35 with i + 20 < n

Input: /work/shared/data/vix_daily.csv close on NYSE trading days: CBOE prints on NYSE
holidays are dropped, as `us-close` does (the NYSE calendar from pandas_market_calendars, an
independent source). `n` is the file's row count before that. Run: python3 gen_signal_eval.py
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "vix_daily.csv")
H, THR, MIN_OUT, WARM = 20, 25.0, 20, 35

import pandas_market_calendars as mcal

raw = pd.read_csv(DATA, index_col="date", parse_dates=True)["close"].astype(float)
n_file = len(raw)
nyse = mcal.get_calendar("NYSE").valid_days(raw.index[0], raw.index[-1]).tz_localize(None)
x = raw[raw.index.isin(nyse)]
n = len(x)
macd = x.ewm(span=12, adjust=False).mean() - x.ewm(span=26, adjust=False).mean()
hist = (macd - macd.ewm(span=9, adjust=False).mean()).to_numpy()
d = x.diff()
g, l_ = d.clip(lower=0.0), (-d).clip(lower=0.0)
gs, ls = g.iloc[14:].copy(), l_.iloc[14:].copy()
gs.iloc[0], ls.iloc[0] = g.iloc[1:15].mean(), l_.iloc[1:15].mean()
ag = gs.ewm(alpha=1 / 14, adjust=False).mean()
al = ls.ewm(alpha=1 / 14, adjust=False).mean()
rsi = (100 - 100 / (1 + ag / al)).reindex(x.index).to_numpy()

pos = np.arange(n)
h0 = np.r_[np.nan, hist[:-1]]
r0 = np.r_[np.nan, rsi[:-1]]
with np.errstate(invalid="ignore"):
    events = {
        "macd-cross-up": np.flatnonzero((pos >= WARM) & (h0 <= 0) & (hist > 0)),
        "macd-cross-down": np.flatnonzero((pos >= WARM) & (h0 >= 0) & (hist < 0)),
        "rsi-above": np.flatnonzero((r0 <= 70) & (rsi > 70)),
        "rsi-below": np.flatnonzero((r0 >= 30) & (rsi < 30)),
    }
v = x.to_numpy()
above = v > THR
calm_run = pd.Series((~above).astype(int)).rolling(MIN_OUT).sum().shift(1).to_numpy()
entries = np.flatnonzero(above & (calm_run == MIN_OUT))
eligible = v <= THR


def next_entry(idx):
    j = np.searchsorted(entries, idx, side="right")
    return np.where(j < len(entries), entries[np.minimum(j, len(entries) - 1)], -1)


base_days = np.flatnonzero(eligible & (pos >= WARM) & (pos + H < n))
nb = next_entry(base_days)
base_rate = float(((nb > 0) & (nb <= base_days + H)).mean())

out = {"n": n_file, "n_nyse": n, "entries": [x.index[j].strftime("%Y-%m-%d") for j in entries], "kinds": {}}
for k, idx_all in events.items():
    idx = idx_all[eligible[idx_all]]
    nx = next_entry(idx)
    hit = (nx > 0) & (nx <= idx + H)
    cens = ~hit & (idx + H >= n)
    leads = (nx - idx)[hit].astype(float)
    antic = sum(1 for j in entries if np.any((idx < j) & (j <= idx + H)))
    out["kinds"][k] = {
        "event_dates": [x.index[i].strftime("%Y-%m-%d") for i in idx_all],
        "n_signals": int((~cens).sum()),
        "n_hits": int(hit.sum()),
        "n_censored": int(cens.sum()),
        "mean_lead_days": float(leads.mean()) if len(leads) else None,
        "median_lead_days": float(np.median(leads)) if len(leads) else None,
        "n_entries_anticipated": int(antic),
        "base_rate": base_rate,
    }
with open(os.path.join(HERE, "signal_eval_vix_pandas.json"), "w") as fh:
    json.dump(out, fh)
print(n, "closes;", len(entries), "entries;", {k: len(v) for k, v in events.items()})
