"""Golden values for crosshedge-labels signals: MACD(12, 26, 9) and RSI(14, Wilder) on real VIX
closes, computed with pandas.

MACD: pandas ``Series.ewm(span=n, adjust=False).mean()`` (EMA seeded with the first value),
MACD = EMA12 - EMA26, signal = EMA9(MACD) with the same convention, histogram = MACD - signal.
RSI: Wilder smoothing written with pandas ``ewm(alpha=1/14, adjust=False)`` started from the
simple mean of the first 14 gains / losses (the StockCharts cs-rsi.xls convention).

Input: /work/shared/data/vix_daily.csv (CBOE VIX close, see PROVENANCE.md), 2019-01-02 ..
2021-12-31. The closes are written into the JSON so the Rust test runs without the data.
Run: python3 gen_signals.py  (writes signals_vix_pandas.json beside this script)
"""
import json
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "vix_daily.csv")

vix = pd.read_csv(DATA, index_col="date", parse_dates=True)["close"].loc["2019-01-02":"2021-12-31"]
x = vix.astype(float)

ema12 = x.ewm(span=12, adjust=False).mean()
ema26 = x.ewm(span=26, adjust=False).mean()
macd = ema12 - ema26
signal = macd.ewm(span=9, adjust=False).mean()
hist = macd - signal

n = 14
d = x.diff()
gain = d.clip(lower=0.0)
loss = (-d).clip(lower=0.0)


def wilder(s):
    seeded = s.iloc[n:].copy()
    seeded.iloc[0] = s.iloc[1 : n + 1].mean()
    return seeded.ewm(alpha=1.0 / n, adjust=False).mean()


ag = wilder(gain)
al = wilder(loss)
rsi = 100.0 - 100.0 / (1.0 + ag / al)
rsi = rsi.reindex(x.index)

out = {
    "source": "pandas " + pd.__version__ + " on vix_daily.csv close 2019-01-02..2021-12-31",
    "dates": [t.strftime("%Y-%m-%d") for t in x.index],
    "close": x.tolist(),
    "macd": macd.tolist(),
    "signal": signal.tolist(),
    "histogram": hist.tolist(),
    "rsi14": [None if pd.isna(v) else float(v) for v in rsi],
}
with open(os.path.join(HERE, "signals_vix_pandas.json"), "w") as f:
    json.dump(out, f, indent=None)
print(len(x), "rows; last macd", macd.iloc[-1], "rsi", rsi.iloc[-1])
