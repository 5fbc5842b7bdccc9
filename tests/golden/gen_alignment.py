"""Golden values for crosshedge's alignment policies, computed independently with pandas.

Inputs: real closes from ../shared/data (BTC and ETH from Yahoo, VIX from Cboe, the S&P 500
from Stooq, the CryptoPunks p10 floor proxy) for 2020-06-01..2021-08-31, stored in the JSON so
the Rust test runs without the data. The NYSE calendar of the reference is the set of dates in
the S&P 500 file (not crosshedge's rule-based calendar), so the two are independent.

Run: python3 tests/golden/gen_alignment.py  (writes tests/golden/alignment.json)
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data")
START, END = "2020-06-01", "2021-08-31"


def load(file, col, name):
    df = pd.read_csv(os.path.join(DATA, file), parse_dates=["date"])
    s = df.set_index("date")[col].dropna()
    s = s[(s.index >= START) & (s.index <= END)]
    s.name = name
    return s


btc = load("crypto_ohlcv_yahoo_daily.csv", "btc_close", "btc")
eth = load("crypto_ohlcv_yahoo_daily.csv", "eth_close", "eth")
punks = load("nft_cryptopunks_daily.csv", "ll_p10_price_eth", "punks")
vix = load("vix_daily.csv", "close", "vix")
spx = load("spx_daily.csv", "close", "spx")
nyse = spx.index  # reference NYSE calendar: the S&P 500's own trading days
crypto = {"btc": btc, "eth": eth, "punks": punks}
us = {"vix": vix, "spx": spx}
allser = {**crypto, **us}


def us_close(names):
    cols = {n: allser[n].reindex(nyse) for n in names}  # exact-date sampling on NYSE days
    df = pd.DataFrame(cols).dropna()  # a row where any series is missing is dropped
    return df


def weekly(names):
    start = max(allser[n].index.min() for n in names)
    end = min(allser[n].index.max() for n in names)
    weds = pd.date_range(start, end, freq="W-WED")
    out = {}
    stale = {}
    for n in names:
        s = allser[n]
        left = pd.DataFrame({"date": weds})
        right = pd.DataFrame({"obs_date": s.index, n: s.values})
        m = pd.merge_asof(left, right, left_on="date", right_on="obs_date", direction="backward",
                          tolerance=pd.Timedelta(days=6))
        out[n] = m[n].values
        stale[n] = (m["date"] != m["obs_date"]).values
    df = pd.DataFrame(out, index=weds)
    st = pd.DataFrame(stale, index=weds)
    keep = df.notna().all(axis=1)
    return df[keep], st[keep]


def crypto_days(names):
    start = max(allser[n].index.min() for n in names)
    end = min(allser[n].index.max() for n in names)
    days = pd.date_range(start, end, freq="D")
    out, stale = {}, {}
    for n in names:
        s = allser[n]
        left = pd.DataFrame({"date": days})
        right = pd.DataFrame({"obs_date": s.index, n: s.values})
        tol = 0 if n in crypto else 10
        m = pd.merge_asof(left, right, left_on="date", right_on="obs_date", direction="backward",
                          tolerance=pd.Timedelta(days=tol))
        out[n] = m[n].values
        stale[n] = (m["date"] != m["obs_date"]).values
    df = pd.DataFrame(out, index=days)
    st = pd.DataFrame(stale, index=days)
    keep = df.notna().all(axis=1)
    return df[keep], st[keep]


def pack(df, stale=None):
    lr = np.log(df).diff().iloc[1:]
    res = {
        "dates": [d.strftime("%Y-%m-%d") for d in df.index],
        "levels": {c: df[c].tolist() for c in df.columns},
        "log_returns": {c: lr[c].tolist() for c in df.columns},
        "points": {c: df[c].diff().iloc[1:].tolist() for c in df.columns},
    }
    if stale is not None:
        res["stale"] = {c: stale[c].astype(bool).tolist() for c in stale.columns}
    return res


cases = []
for names in (["btc", "vix"], ["btc", "eth", "vix", "spx"], ["punks", "vix"]):
    cases.append({"policy": "us-close", "names": names, **pack(us_close(names))})
    w, ws = weekly(names)
    cases.append({"policy": "weekly", "names": names, **pack(w, ws)})
    c, cs = crypto_days(names)
    cases.append({"policy": "crypto-days", "names": names, **pack(c, cs)})

inputs = {n: {"calendar": "crypto" if n in crypto else "us",
              "unit": "index-level" if n in ("vix", "punks") else "price",
              "dates": [d.strftime("%Y-%m-%d") for d in s.index], "values": s.tolist()}
          for n, s in allser.items()}
with open(os.path.join(HERE, "alignment.json"), "w") as f:
    json.dump({"source": "pandas " + pd.__version__ + ", gen_alignment.py", "start": START, "end": END,
               "inputs": inputs, "cases": cases}, f)
print("wrote", len(cases), "cases")
