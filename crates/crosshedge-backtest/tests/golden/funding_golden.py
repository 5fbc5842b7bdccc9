"""Golden values for `crosshedge_backtest::funding::calendar_day_funding`.

The funding booked on market day t is the sum of the stored daily funding over the calendar
days in (previous market day, t]; the first market day books its own date. A calendar day
without a print takes the last print at most MAX_STALE days old (pandas `ffill(limit=...)` on
the daily reindex), else 0. Computed here with pandas, independently of the Rust loop.

Market days: US trading days 2024-06-28 .. 2024-07-31 (weekends and the 4 July holiday
skipped). Funding: a seeded daily series 2024-06-20 .. 2024-07-31 with a gap 2024-07-16 ..
2024-07-26 (seven days carried, four missing) and one missing Sunday.

Run: python3 funding_golden.py  (writes funding.json beside this script)
"""

import json
import pathlib

import numpy as np
import pandas as pd

MAX_STALE = 7

rng = np.random.default_rng(20240704)
days = pd.date_range("2024-06-20", "2024-07-31", freq="D")
values = np.round(0.0001 + 0.0002 * rng.standard_normal(len(days)), 8)
funding = pd.Series(values, index=days)
gap = (funding.index >= "2024-07-16") & (funding.index <= "2024-07-26")
funding = funding[~gap]
funding = funding.drop(pd.Timestamp("2024-07-07"))

holidays = [pd.Timestamp("2024-07-04")]
market = pd.bdate_range("2024-06-28", "2024-07-31")
market = market[~market.isin(holidays)]

calendar = pd.date_range(market[0], market[-1], freq="D")
full = funding.reindex(pd.date_range(funding.index[0], market[-1], freq="D"))
printed = full.notna()
filled = full.ffill(limit=MAX_STALE)
daily = filled.reindex(calendar)
# Each calendar day belongs to the first market day on or after it.
owner = np.searchsorted(market.values, calendar.values, side="left")
per_market_day = pd.Series(daily.fillna(0.0).values).groupby(owner).sum()
assert len(per_market_day) == len(market)

is_printed = printed.reindex(calendar).values
is_filled = daily.notna().values
out = {
    "max_stale_days": MAX_STALE,
    "funding": [[d.strftime("%Y-%m-%d"), float(v)] for d, v in funding.items()],
    "market_dates": [d.strftime("%Y-%m-%d") for d in market],
    "per_market_day": [float(x) for x in per_market_day.values],
    "calendar_days": int(len(calendar)),
    "printed_days": int(is_printed.sum()),
    "stale_days": int((is_filled & ~is_printed).sum()),
    "missing_days": int((~is_filled).sum()),
    # The old convention: the print of the market day itself (as of it), weekends lost.
    "market_day_only": [float(funding.asof(d)) for d in market],
}
path = pathlib.Path(__file__).with_name("funding.json")
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}: {len(market)} market days, {out['calendar_days']} calendar days")
