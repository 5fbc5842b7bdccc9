"""Golden values of the Deribit option snapshot (crosshedge_fetch::vendor::deribit::snapshot_table).

Writes a hand-made `get_book_summary_by_currency` response (BTC options on 2024-01-02 08:00 UTC
around the real BTC close of that day in ../shared/data, 44957.97, with a smile of known shape)
and, independently of the Rust code, the 30-day ATM implied vol and skew it implies:

- per expiry at least a day away, the least-squares line mark_iv/100 = atm + skew * ln(F/K)
  (numpy.polyfit, degree 1) over options with mark_iv > 0 and |ln(F/K)| <= 0.2, F the mean
  underlying_price of the expiry, at least 3 points;
- total variance atm^2 * T (T in years, ACT/365, expiry 08:00 UTC) interpolated linearly in T
  at T = 30/365 between the two expiries around it; the skew linearly in T.

Run: python tests/golden/gen_deribit_snapshot.py  (numpy)
"""
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
NOW = int(datetime(2024, 1, 2, 8, 0, 0, tzinfo=timezone.utc).timestamp() * 1000) + 123
SPOT = 44957.97
EXPIRIES = {"5JAN24": (2024, 1, 5), "26JAN24": (2024, 1, 26), "23FEB24": (2024, 2, 23), "29MAR24": (2024, 3, 29)}


def expiry_ms(ymd):
    return int(datetime(*ymd, 8, 0, 0, tzinfo=timezone.utc).timestamp() * 1000)


def book():
    out = []
    for k, (name, ymd) in enumerate(EXPIRIES.items()):
        t = (expiry_ms(ymd) - NOW) / (365 * 86_400_000)
        fwd = round(SPOT * (1 + 0.08 * t), 2)
        for strike in [35000, 37500, 40000, 42500, 45000, 47500, 50000, 52500, 55000, 90000]:
            x = np.log(fwd / strike)
            for cp in "CP":
                # Vol points: a term structure, a put skew, some curvature and a wiggle.
                iv = 48.0 + 6.0 * t + (12.0 - 2.0 * k) * x + 15.0 * x * x + (0.3 if cp == "C" else -0.2) * np.sin(strike / 1000.0)
                out.append({
                    "instrument_name": f"BTC-{name}-{strike}-{cp}",
                    "mark_iv": round(float(iv), 2),
                    "underlying_price": fwd,
                    "underlying_index": f"BTC-{name}",
                    "creation_timestamp": NOW - 17 * len(out),
                    "mark_price": 0.01,
                    "base_currency": "BTC",
                    "quote_currency": "BTC",
                })
    # An unmarked option (mark_iv 0) is left out of every fit.
    out.append({"instrument_name": "BTC-26JAN24-46000-C", "mark_iv": 0, "underlying_price": out[20]["underlying_price"],
                "creation_timestamp": NOW, "mark_price": 0, "base_currency": "BTC", "quote_currency": "BTC"})
    return {"jsonrpc": "2.0", "result": out, "usIn": 1, "usOut": 2, "usDiff": 1, "testnet": False}


def golden(resp):
    marks = resp["result"]
    now = max(m["creation_timestamp"] for m in marks)
    by = {}
    for m in marks:
        _, date, strike, cp = m["instrument_name"].split("-")
        e = int(datetime.strptime(date, "%d%b%y").replace(hour=8, tzinfo=timezone.utc).timestamp() * 1000)
        by.setdefault(e, []).append((float(strike), m["mark_iv"], m["underlying_price"]))
    smiles = []
    for e in sorted(by):
        t = (e - now) / (365 * 86_400_000)
        if t < 1 / 365:
            continue
        fwd = np.mean([u for _, _, u in by[e]])
        x = np.array([np.log(fwd / k) for k, iv, _ in by[e] if iv > 0])
        y = np.array([iv / 100 for k, iv, _ in by[e] if iv > 0])
        keep = np.abs(x) <= 0.2
        x, y = x[keep], y[keep]
        if len(x) < 3:
            continue
        slope, atm = np.polyfit(x, y, 1)
        smiles.append((t, atm, slope, len(x)))
    t30 = 30 / 365
    a = [s for s in smiles if s[0] <= t30][-1]
    b = [s for s in smiles if s[0] > t30][0]
    u = (t30 - a[0]) / (b[0] - a[0])
    w = a[1] ** 2 * a[0] + u * (b[1] ** 2 * b[0] - a[1] ** 2 * a[0])
    return {
        "date": datetime.fromtimestamp(now / 1000, tz=timezone.utc).strftime("%Y-%m-%d"),
        "atm_iv_30d": float(np.sqrt(w / t30) * 100),
        "skew_30d": float(a[2] + u * (b[2] - a[2])),
        "smiles": [{"years": s[0], "atm": float(s[1]), "skew": float(s[2]), "n": s[3]} for s in smiles],
        "tolerance": 1e-12,
    }


if __name__ == "__main__":
    resp = book()
    (HERE / "deribit_book_summary_btc.json").write_text(json.dumps(resp, indent=None) + "\n")
    (HERE / "deribit_snapshot.json").write_text(json.dumps(golden(resp), indent=2) + "\n")
