"""Golden values for `crosshedge claims`' window-change figures, computed independently with pandas.

On the real closes of ../shared/data — the VIX (Cboe `close`, vix_daily.csv) and BTC (Yahoo
`btc_close`, crypto_ohlcv_yahoo_daily.csv) — and the Terra/UST and FTX windows of the built-in
episode catalogue (crates/crosshedge-labels/src/episodes.toml, read with tomllib): for each
series and window, the last close strictly before the window's first day, the highest, lowest
and last close inside the window (both ends inclusive; the first date of equal extremes), and
the changes  extreme / before - 1  as decimals. Only derived figures are written, never the data.

Run: python3 tests/golden/gen_claims.py  (writes tests/golden/claims.json)
"""
import json
import os
import tomllib

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
DATA = os.path.join(ROOT, "..", "shared", "data")
EPISODES = ["terra-ust-2022", "ftx-2022"]

with open(os.path.join(ROOT, "crates", "crosshedge-labels", "src", "episodes.toml"), "rb") as f:
    catalogue = {e["name"]: e for e in tomllib.load(f)["episode"]}

series = {
    "vix": pd.read_csv(os.path.join(DATA, "vix_daily.csv"), parse_dates=["date"]).set_index("date")["close"],
    "btc": pd.read_csv(os.path.join(DATA, "crypto_ohlcv_yahoo_daily.csv"), parse_dates=["date"]).set_index("date")["btc_close"],
}

out = {"source": "pandas: last close before the window, idxmax/idxmin/last inside it", "windows": []}
for name in EPISODES:
    ep = catalogue[name]
    start, end = pd.Timestamp(ep["start"]), pd.Timestamp(ep["end"])
    for s_name, s in series.items():
        s = s.dropna().sort_index()
        before = s[s.index < start]
        inside = s[(s.index >= start) & (s.index <= end)]
        b_date, b_val = before.index[-1], float(before.iloc[-1])
        row = {
            "episode": name, "series": s_name, "start": ep["start"], "end": ep["end"],
            "before_date": b_date.strftime("%Y-%m-%d"), "before_value": b_val, "rows": int(len(inside)),
        }
        for key, idx in [("max", inside.idxmax()), ("min", inside.idxmin()), ("end", inside.index[-1])]:
            v = float(inside.loc[idx])
            row[key] = {"date": idx.strftime("%Y-%m-%d"), "value": v, "change": v / b_val - 1.0}
        out["windows"].append(row)
out["versions"] = {"pandas": pd.__version__}
with open(os.path.join(HERE, "claims.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
for w in out["windows"]:
    print(w["episode"], w["series"], w["before_date"], round(w["max"]["change"], 4), round(w["min"]["change"], 4), round(w["end"]["change"], 4))
