"""Golden values for the realised-vol fallback of `crosshedge_app::crypto_vol`, computed
independently with pandas.

BTC daily close (CoinMarketCap, ../shared/data/btc_ohlcv_coinmarketcap_daily.csv, every
calendar day 2010-07-17..2025-04-23), close-to-close log returns of consecutive rows, then
pandas' rolling 30-return sample standard deviation (ddof = 1) times sqrt(365) (the crypto
calendar's periods per year); the resolver's fallback multiplies it by the implied/realised
ratio. Written: every 5th date of the rolling series (and the last), the count of dates, the
first date and summary statistics. Only derived statistics are written, never the data.

Run: python3 tests/golden/gen_crypto_vol.py  (writes tests/golden/crypto_vol.json)
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data")
FILE, WINDOW, PERIODS = "btc_ohlcv_coinmarketcap_daily.csv", 30, 365

close = pd.read_csv(os.path.join(DATA, FILE), parse_dates=["date"]).set_index("date")["close"]
assert close.notna().all() and (close > 0).all()
r = np.log(close).diff().dropna()
rv = (r.rolling(WINDOW).std(ddof=1) * np.sqrt(PERIODS)).dropna()
idx = list(range(0, len(rv), 5))
if idx[-1] != len(rv) - 1:
    idx.append(len(rv) - 1)
out = {
    "source": "pandas Series.rolling(30).std(ddof=1) of log(close).diff(), times sqrt(365)",
    "file": FILE,
    "column": "close",
    "window": WINDOW,
    "periods_per_year": PERIODS,
    "rows": int(len(close)),
    "dates": int(len(rv)),
    "first_date": rv.index[0].strftime("%Y-%m-%d"),
    "last_date": rv.index[-1].strftime("%Y-%m-%d"),
    "mean": float(rv.mean()),
    "max": float(rv.max()),
    "points": [{"date": rv.index[i].strftime("%Y-%m-%d"), "vol": float(rv.iloc[i])} for i in idx],
    "versions": {"pandas": pd.__version__, "numpy": np.__version__},
}
with open(os.path.join(HERE, "crypto_vol.json"), "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
    fh.write("\n")
print(f"wrote crypto_vol.json: {len(out['points'])} points of {out['dates']}, mean {out['mean']:.4f}")
