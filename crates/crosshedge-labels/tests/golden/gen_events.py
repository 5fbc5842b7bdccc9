"""Golden values for crosshedge-labels event-window statistics (events::event_window_stats),
from an independent pandas implementation of the documented definitions.

Rows: NYSE trading days (weekdays minus the NYSE holidays, written here with pandas holiday
rules) where both the VIX close (vix_daily.csv) and the BTC close (crypto_daily_coingecko.csv
btc_close_usd) exist, 2015-01-01 .. 2025-12-31 (the core crate's `us-close` alignment);
per-row log changes. Events: the built-in FOMC schedule (parsed from
src/fomc_dates.rs), CPI (us_cpi_release_dates.csv) and PPI (us_ppi_release_dates.csv) dates.
An event sits on the first row dated on or after it; its window is rows [k-1, k+1]; events
dated before the first or after the last row are ignored, events whose window leaves the
sample are skipped; "outside" = rows in no window of any kind.
Run: python3 gen_events.py  (writes events_real_pandas.json beside this script)
"""
import json
import os
import re

import numpy as np
import pandas as pd
from pandas.tseries.holiday import (
    AbstractHolidayCalendar,
    GoodFriday,
    Holiday,
    USLaborDay,
    USMartinLutherKingJr,
    USMemorialDay,
    USPresidentsDay,
    USThanksgivingDay,
    nearest_workday,
)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data")
SRC = os.path.join(HERE, "..", "..", "src", "fomc_dates.rs")
PRE, POST = 1, 1

vix = pd.read_csv(os.path.join(DATA, "vix_daily.csv"), index_col="date", parse_dates=True)["close"]
btc = pd.read_csv(os.path.join(DATA, "crypto_daily_coingecko.csv"), index_col="date", parse_dates=True)[
    "btc_close_usd"
].dropna()


class Nyse(AbstractHolidayCalendar):
    """NYSE full-day holidays (pandas holiday rules; Juneteenth from 2022)."""

    rules = [
        Holiday("NewYear", month=1, day=1, observance=nearest_workday),
        USMartinLutherKingJr,
        USPresidentsDay,
        GoodFriday,
        USMemorialDay,
        Holiday("Juneteenth", month=6, day=19, start_date="2022-01-01", observance=nearest_workday),
        Holiday("July4", month=7, day=4, observance=nearest_workday),
        USLaborDay,
        USThanksgivingDay,
        Holiday("Christmas", month=12, day=25, observance=nearest_workday),
    ]


# Unscheduled closures in the span: national days of mourning (Bush 2018, Carter 2025).
CLOSED = pd.to_datetime(["2018-12-05", "2025-01-09"])
hol = Nyse().holidays("2014-12-01", "2026-01-31").union(CLOSED)
# A Saturday New Year is not observed on the Friday before by the NYSE.
hol = hol[~((hol.month == 12) & (hol.day == 31))]
# CBOE publishes VIX values on some NYSE holidays since 2022; the us-close rows drop them.
vix = vix[~vix.index.isin(hol)]
lv = pd.concat([vix, btc], axis=1, join="inner").loc["2015-01-01":"2025-12-31"]
lv.columns = ["vix", "btc"]
r = np.log(lv).diff().iloc[1:]
dates = r.index
n = len(r)

fomc = pd.to_datetime(re.findall(r'"(\d{4}-\d{2}-\d{2})"', open(SRC).read()))
cpi = pd.to_datetime(pd.read_csv(os.path.join(DATA, "us_cpi_release_dates.csv"))["date"])
ppi = pd.to_datetime(pd.read_csv(os.path.join(DATA, "us_ppi_release_dates.csv"))["date"])
kinds = {"fomc": fomc, "cpi": cpi, "ppi": ppi}

rows = {}
skipped = {}
masks = {}
for k, ev in kinds.items():
    rr = []
    sk = 0
    for e in sorted(set(ev)):
        i = int(dates.searchsorted(e, side="left"))
        if e < dates[0] or i >= n:
            continue  # outside the sample: not counted
        if i < PRE or i + POST >= n:
            sk += 1
            continue
        if rr and rr[-1] == i:
            continue
        rr.append(i)
    m = np.zeros(n, bool)
    for i in rr:
        m[i - PRE : i + POST + 1] = True
    rows[k], skipped[k], masks[k] = rr, sk, m
out_mask = ~np.any(np.vstack(list(masks.values())), axis=0)
v, b = r["vix"].to_numpy(), r["btc"].to_numpy()

stats = {}
for k in kinds:
    wv = np.array([v[i - PRE : i + POST + 1].sum() for i in rows[k]])
    wb = np.array([b[i - PRE : i + POST + 1].sum() for i in rows[k]])
    m = masks[k]
    stats[k] = {
        "n_events": len(rows[k]),
        "n_skipped": skipped[k],
        "n_window_days": int(m.sum()),
        "n_outside_days": int(out_mask.sum()),
        "mean_window_vix_change": float(wv.mean()),
        "median_window_vix_change": float(np.median(wv)),
        "mean_window_crypto_return": float(wb.mean()),
        "median_window_crypto_return": float(np.median(wb)),
        "baseline_window_vix_change": float(v[out_mask].mean() * (PRE + POST + 1)),
        "baseline_window_crypto_return": float(b[out_mask].mean() * (PRE + POST + 1)),
        "mean_abs_daily_vix_change_in": float(np.abs(v[m]).mean()),
        "mean_abs_daily_vix_change_out": float(np.abs(v[out_mask]).mean()),
        "mean_abs_daily_crypto_return_in": float(np.abs(b[m]).mean()),
        "mean_abs_daily_crypto_return_out": float(np.abs(b[out_mask]).mean()),
        "corr_in": float(np.corrcoef(b[m], v[m])[0, 1]),
        "corr_out": float(np.corrcoef(b[out_mask], v[out_mask])[0, 1]),
    }

out = {"source": "pandas " + pd.__version__ + ", numpy " + np.__version__, "n_rows": n,
       "first_row": dates[0].strftime("%Y-%m-%d"), "stats": stats}
with open(os.path.join(HERE, "events_real_pandas.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print(n, "rows;", {k: s["n_events"] for k, s in stats.items()})
