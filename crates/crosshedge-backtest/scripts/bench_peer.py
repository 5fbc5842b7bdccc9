"""Python peer of benches/backtest.rs: a 20-year daily loop over a pandas DataFrame with the
same 3-layer book (VIX call spread on the same-expiry future, Black-76; SPX put spread,
Black-Scholes at 1.1 x VIX; short perp with funding and gas), the same cost model, a flow log
and the daily accounting check. Same model of the market, own (numpy) random numbers, so
only the timing is comparable. Run: python3 scripts/bench_peer.py
"""
import math
import time

import numpy as np
import pandas as pd

N = 20 * 252
rng = np.random.default_rng(42)
dates = pd.bdate_range("2005-01-03", periods=N)
z = rng.standard_normal((N, 4))
vix = np.empty(N); spx = np.empty(N); tgt = np.empty(N)
lv, s, t = math.log(18.0), 1200.0, 100.0
dt = 1 / 252
for i in range(N):
    v = math.exp(lv); vix[i], spx[i], tgt[i] = v, s, t
    sig = v / 100
    r = -0.5 * sig * sig * dt + sig * math.sqrt(dt) * (-0.7 * z[i, 0] + math.sqrt(0.51) * z[i, 1])
    s *= math.exp(r); t *= math.exp(1.5 * r + 0.0004 - 0.0002 + 0.02 * z[i, 2])
    lv += 5 * (math.log(18) - lv) * dt + 1.2 * math.sqrt(dt) * z[i, 0]
df = pd.DataFrame({"vix": vix, "spx": spx, "target": tgt, "funding": 0.0001 + 0.0002 * z[:, 3]}, index=dates)
df["regime"] = np.where(df.vix < 20, "calm", np.where(df.vix < 30, "elevated", "stress"))


def expiries_after(d):
    out, y, m = [], d.year, d.month
    while len(out) < 8:
        e = pd.Timestamp(y, m, 18)
        e -= pd.Timedelta(days=max(0, e.weekday() - 4))
        if e >= d:
            out.append(e)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def ncdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def black76_call(f, k, vol, tau):
    if tau <= 0 or vol <= 0:
        return max(f - k, 0.0)
    sd = vol * math.sqrt(tau); d1 = math.log(f / k) / sd + 0.5 * sd
    return f * ncdf(d1) - k * ncdf(d1 - sd)


def bs_put(s, k, vol, tau):
    if tau <= 0:
        return max(k - s, 0.0)
    sd = vol * math.sqrt(tau); d1 = math.log(s / k) / sd + 0.5 * sd
    return k * ncdf(sd - d1) - s * ncdf(-d1)


W = {"calm": 0.75, "stress": 1.5}
COMM, SLIP, GAS = 1.5, 5.0, 8.0


def run():
    cash, flows, positions, checks = 0.0, [], {}, []
    nid = [0]

    def book(d, kind, amt, pid):
        nonlocal cash
        if amt != 0.0:
            cash += amt; flows.append((d, kind, amt, pid))

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
        costs(d, p, mid, hs); positions[p["id"]] = p
        return p["id"]

    def mark(d, pid, px):
        p = positions[pid]
        if p["margined"]:
            book(d, "margin", p["q"] * p["mult"] * (px - p["mark"]), pid)
        p["mark"] = px

    def close(d, pid, mid, hs):
        mark(d, pid, mid); p = positions.pop(pid)
        if not p["margined"]:
            book(d, "payoff", p["q"] * p["mult"] * mid, pid)
        costs(d, p, mid, hs)

    cs = ps = perp = None
    for row in df.itertuples():
        d = row.Index; w = W.get(row.regime, 1.0); expo = 10_000.0 * row.target
        curve = {e: 18 + (row.vix - 18) * math.exp(-5 * (e - d).days / 365) for e in expiries_after(d)}
        vov = max(0.8 + 0.02 * (row.vix - 18), 0.4)
        if cs:
            a, b, e, k1, k2 = cs; tau = (e - d).days / 365; f = curve.get(e)
            p1, p2 = black76_call(f, k1, vov, tau), black76_call(f, k2, vov, tau)
            mark(d, a, p1); mark(d, b, p2)
            if (e - d).days <= 7:
                close(d, a, p1, 0.05); close(d, b, p2, 0.05); cs = None
        if not cs:
            e = next(x for x in curve if (x - d).days >= 25); f = curve[e]; q = 0.2 * w * expo / (f * 100)
            k1, k2 = 1.2 * f, 1.8 * f; tau = (e - d).days / 365
            cs = (open_(d, q, black76_call(f, k1, vov, tau), 0.05, 100, False, False),
                  open_(d, -q, black76_call(f, k2, vov, tau), 0.05, 100, False, False), e, k1, k2)
        vol = 1.1 * row.vix / 100
        if ps:
            a, b, e, k1, k2 = ps; tau = (e - d).days / 365
            p1, p2 = bs_put(row.spx, k1, vol, tau), bs_put(row.spx, k2, vol, tau)
            mark(d, a, p1); mark(d, b, p2)
            if (e - d).days <= 21:
                close(d, a, p1, 0.5); close(d, b, p2, 0.5); ps = None
        if not ps:
            q = 0.3 * w * expo / (row.spx * 100); e = d + pd.Timedelta(days=63); k1, k2 = 0.95 * row.spx, 0.85 * row.spx
            ps = (open_(d, q, bs_put(row.spx, k1, vol, 63 / 365), 0.5, 100, False, False),
                  open_(d, -q, bs_put(row.spx, k2, vol, 63 / 365), 0.5, 100, False, False), e, k1, k2)
        want = -0.25 * w * 10_000.0
        hs = row.target * 2e-4
        if perp:
            pid, q = perp; mark(d, pid, row.target)
            book(d, "funding", -q * row.target * row.funding, pid)
            if abs(want - q) > 0.05 * abs(q):
                close(d, pid, row.target, hs); perp = None
        if not perp:
            perp = (open_(d, want, row.target, hs, 1.0, True, True), want)
        pv = sum(p["q"] * p["mult"] * p["mark"] for p in positions.values() if not p["margined"])
        checks.append((d, cash, pv, cash + pv))
    return flows, checks


t0 = time.perf_counter()
flows, checks = run()
t1 = time.perf_counter()
assert abs(checks[-1][1] - sum(f[2] for f in flows)) < 1e-6 * max(1.0, sum(abs(f[2]) for f in flows))
print(f"python/pandas peer: {N} days, {len(flows)} flows, {t1 - t0:.3f} s")
