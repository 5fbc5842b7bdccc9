"""Independent re-implementation of the engine's 3-layer book for tests/golden/engine.json.

Reads the synthetic market written by the Rust example (same ChaCha8 data), runs the book of
tests/engine_golden.rs with plain Python (math.erfc Black-76 / Black-Scholes, a dict ledger)
and writes the daily hedge P&L (hedged - unhedged equity) and the flow totals per kind.

    cargo run -p crosshedge-backtest --example export_market > /tmp/market.json
    python3 scripts/engine_golden.py /tmp/market.json > tests/golden/engine.json
"""
import datetime as dt
import json
import math
import sys

days = json.load(open(sys.argv[1]))
W = {"calm": 0.75, "stress": 1.5}
COMM, SLIP, GAS = 1.5, 5.0, 8.0
UNITS = 10_000.0


def ncdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def black76_call(f, k, vol, tau):
    if tau <= 0 or vol <= 0:
        return max(f - k, 0.0)
    sd = vol * math.sqrt(tau)
    d1 = math.log(f / k) / sd + 0.5 * sd
    return f * ncdf(d1) - k * ncdf(d1 - sd)


def bs_put(s, k, vol, tau):
    if tau <= 0 or vol <= 0:
        return max(k - s, 0.0)
    sd = vol * math.sqrt(tau)
    d1 = math.log(s / k) / sd + 0.5 * sd
    return k * ncdf(sd - d1) - s * ncdf(-d1)


cash, flows, positions = 0.0, [], {}
nid = [0]


def book(d, kind, amt, pid):
    global cash
    if amt != 0.0:
        cash += amt
        flows.append((d, kind, amt, pid))


def costs(d, p, mid, hs):
    comm = 0.0 if p["chain"] else COMM
    book(d, "fee", -abs(p["q"]) * (p["mult"] * (hs + mid * SLIP / 1e4) + comm), p["id"])
    if p["chain"]:
        book(d, "gas", -GAS, p["id"])


def open_(d, q, mid, hs, mult, margined, chain):
    p = {"id": nid[0], "q": q, "mark": mid, "mult": mult, "margined": margined, "chain": chain}
    nid[0] += 1
    if not margined:
        book(d, "premium", -q * mult * mid, p["id"])
    costs(d, p, mid, hs)
    positions[p["id"]] = p
    return p["id"]


def mark(d, pid, px):
    p = positions[pid]
    if p["margined"]:
        book(d, "margin", p["q"] * p["mult"] * (px - p["mark"]), pid)
    p["mark"] = px


def close(d, pid, mid, hs):
    mark(d, pid, mid)
    p = positions.pop(pid)
    if not p["margined"]:
        book(d, "payoff", p["q"] * p["mult"] * mid, pid)
    costs(d, p, mid, hs)


cs = ps = perp = None
hedge_pnl = []
for day in days:
    d = dt.date.fromisoformat(day["date"])
    w = W.get(day["regime"], 1.0)
    price = day["targets"][0]
    expo = UNITS * price
    curve = {dt.date.fromisoformat(p["expiry"]): p["settle"] for p in day["vix_futures"]}
    vov = day["vol_of_vol"]
    if cs:
        a, b, e, k1, k2 = cs
        tau = (e - d).days / 365
        f = curve[e]
        p1, p2 = black76_call(f, k1, vov, tau), black76_call(f, k2, vov, tau)
        mark(d, a, p1)
        mark(d, b, p2)
        if (e - d).days <= 7:
            close(d, a, p1, 0.05)
            close(d, b, p2, 0.05)
            cs = None
    if not cs:
        e = next(x for x in sorted(curve) if (x - d).days >= 25)
        f = curve[e]
        q = 0.2 * w * expo / (f * 100)
        k1, k2 = f * 1.2, f * 1.8
        tau = (e - d).days / 365
        cs = (open_(d, q, black76_call(f, k1, vov, tau), 0.05, 100, False, False),
              open_(d, -q, black76_call(f, k2, vov, tau), 0.05, 100, False, False), e, k1, k2)
    vol = 1.1 * day["vix"] / 100
    spx = day["spx"]
    if ps:
        a, b, e, k1, k2 = ps
        tau = (e - d).days / 365
        p1, p2 = bs_put(spx, k1, vol, tau), bs_put(spx, k2, vol, tau)
        mark(d, a, p1)
        mark(d, b, p2)
        if (e - d).days <= 21:
            close(d, a, p1, 0.5)
            close(d, b, p2, 0.5)
            ps = None
    if not ps:
        q = 0.3 * w * expo / (spx * 100)
        e = d + dt.timedelta(days=63)
        k1, k2 = spx * 0.95, spx * 0.85
        ps = (open_(d, q, bs_put(spx, k1, vol, 63 / 365), 0.5, 100, False, False),
              open_(d, -q, bs_put(spx, k2, vol, 63 / 365), 0.5, 100, False, False), e, k1, k2)
    want = -0.25 * w * expo / price
    hs = price * 2.0 / 1e4
    if perp:
        pid, q = perp
        mark(d, pid, price)
        book(d, "funding", -q * 1.0 * price * day["funding_rate"], pid)
        if abs(want - q) > 0.05 * abs(q):
            close(d, pid, price, hs)
            perp = None
    if not perp and want != 0.0:
        perp = (open_(d, want, price, hs, 1.0, True, True), want)
    pv = sum(p["q"] * p["mult"] * p["mark"] for p in positions.values() if not p["margined"])
    hedge_pnl.append(cash + pv)

totals = {}
for _, kind, amt, _ in flows:
    totals[kind] = totals.get(kind, 0.0) + amt
json.dump({"source": "scripts/engine_golden.py (independent Python ledger and pricing)",
           "tolerance_rel": 1e-9, "hedge_pnl": hedge_pnl, "flow_count": len(flows),
           "flow_totals": totals, "gross_flows": sum(abs(f[2]) for f in flows)}, sys.stdout)
print()
