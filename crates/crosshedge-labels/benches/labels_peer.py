"""Python peer of benches/labels.rs: the same computations written the way an expert would
with pandas / numpy (vectorised where the definition allows), on seeded synthetic data of the
same sizes. Prints the median of repeated timings in microseconds.

Run: python3 labels_peer.py
"""
import timeit

import numpy as np
import pandas as pd

rng = np.random.default_rng(7)


def vix_path(n):
    x = np.empty(n)
    v = np.log(19.0)
    e = 0.07 * (rng.random(n) - 0.5) * 3.46
    for i in range(n):
        v += 0.02 * (np.log(19.0) - v) + e[i]
        x[i] = np.exp(v)
    return x


N_VIX = 9_235
vix = pd.Series(vix_path(N_VIX), index=pd.date_range("2000-01-01", periods=N_VIX, freq="D"))


def signals_and_evaluation(x, h=20, thr=25.0, min_out=20, warm=35):
    macd = x.ewm(span=12, adjust=False).mean() - x.ewm(span=26, adjust=False).mean()
    hist = macd - macd.ewm(span=9, adjust=False).mean()
    d = x.diff()
    g, l_ = d.clip(lower=0), (-d).clip(lower=0)

    gs = g.iloc[14:].copy()
    gs.iloc[0] = g.iloc[1:15].mean()
    ls = l_.iloc[14:].copy()
    ls.iloc[0] = l_.iloc[1:15].mean()
    rsi = (100 - 100 / (1 + gs.ewm(alpha=1 / 14, adjust=False).mean() / ls.ewm(alpha=1 / 14, adjust=False).mean())).reindex(x.index)
    hp, hn = hist.shift(1), hist
    pos = np.arange(len(x))
    ev = {
        "macd_up": ((hp <= 0) & (hn > 0) & (pos >= warm)).to_numpy(),
        "macd_down": ((hp >= 0) & (hn < 0) & (pos >= warm)).to_numpy(),
        "rsi_above": ((rsi.shift(1) <= 70) & (rsi > 70)).to_numpy(),
        "rsi_below": ((rsi.shift(1) >= 30) & (rsi < 30)).to_numpy(),
    }
    v = x.to_numpy()
    above = v > thr
    run_out = pd.Series(~above).astype(int).rolling(min_out).sum().shift(1).to_numpy()
    entries = np.flatnonzero(above & (run_out == min_out))
    eligible = v <= thr
    out = {}
    for k, m in ev.items():
        idx = np.flatnonzero(m & eligible)
        j = np.searchsorted(entries, idx, side="right")
        nxt = np.where(j < len(entries), entries[np.minimum(j, len(entries) - 1)], -1)
        hit = (nxt > 0) & (nxt <= idx + h)
        cens = ~hit & (idx + h >= len(v))
        leads = (nxt - idx)[hit]
        out[k] = (int((~cens).sum()), int(hit.sum()), leads.mean() if len(leads) else None, np.median(leads) if len(leads) else None)
    return out


def bands(x):
    p = x.shift(1).to_numpy()[1:]
    lab = np.select([p < 15, p > 25], [0, 2], 1)
    # Share of days and spells per band (run-length encoding).
    starts = np.r_[0, np.flatnonzero(np.diff(lab)) + 1]
    lens = np.diff(np.r_[starts, len(lab)])
    st = lab[starts]
    return [((lab == k).mean(), (st == k).sum(), lens[st == k].mean(), lens[st == k].max()) for k in range(3)]


N = 2_700
idx = pd.date_range("2019-01-01", periods=N, freq="D")
btc = pd.Series(30_000 * np.exp(np.cumsum(0.04 * (rng.random(N) - 0.5) * 3.46)), idx)
tvl = pd.Series(5e10 * np.exp(np.cumsum(0.03 * (rng.random(N) - 0.5) * 3.46)), idx)
ust = pd.Series(1 + 0.01 * (rng.random(N) - 0.5), idx)
usdc = pd.Series(1 + 0.01 * (rng.random(N) - 0.5), idx)
fund = pd.Series(3e-4 * (rng.random(N) - 0.3), idx)


def depeg(s):
    sc = ((s - 1.0).abs() / 0.02).to_numpy()
    off = sc > 1.0
    # Run length of consecutive off-peg days, vectorised.
    grp = np.cumsum(~off)
    run = pd.Series(off.astype(int)).groupby(grp).cumsum().to_numpy()
    return pd.Series(np.where(run > 30, 0.0, sc), s.index)


def shocks():
    dd = -np.log(btc / btc.rolling(7, min_periods=1).max()) / 0.20
    dp = pd.concat([depeg(ust), depeg(usdc)], axis=1).max(axis=1)
    tv = (-np.log(tvl / tvl.shift(7))).clip(lower=0) / 0.20
    prev = fund.shift(1).rolling(90, min_periods=45)
    fu = (-(fund - prev.mean()) / prev.std()).clip(lower=0) / 3.0
    comps = pd.concat([dd, dp, tv, fu], axis=1)
    comb = comps.clip(upper=3.0).fillna(0).sum(axis=1)
    shock = ((comps.max(axis=1) >= 1) | (comb >= 2)).to_numpy()
    hot = np.flatnonzero(shock)
    if len(hot) == 0:
        return []
    brk = np.flatnonzero(np.diff(hot) > 4)
    starts = np.r_[hot[0], hot[brk + 1]]
    ends = np.r_[hot[brk], hot[-1]]
    c = comb.to_numpy()
    return [(a, b, c[a : b + 1].max(), (comps.iloc[a : b + 1] >= 1).any().to_numpy()) for a, b in zip(starts, ends)]


ROWS = 2_765
vchg = 0.08 * (rng.random(ROWS) - 0.5)
cret = 0.06 * (rng.random(ROWS) - 0.5)
ev_rows = {k: np.arange(o, ROWS, step) for k, o, step in [("fomc", 0, 45), ("cpi", 7, 30), ("ppi", 14, 30)]}


def event_stats(a=1, b=1):
    masks = {}
    rows = {}
    for k, r in ev_rows.items():
        r = r[(r >= a) & (r + b < ROWS)]
        m = np.zeros(ROWS, bool)
        for off in range(-a, b + 1):
            m[r + off] = True
        masks[k], rows[k] = m, r
    out_m = ~np.any(np.vstack(list(masks.values())), axis=0)
    cv, cc = np.r_[0, np.cumsum(vchg)], np.r_[0, np.cumsum(cret)]
    res = {}
    for k, r in rows.items():
        m = masks[k]
        wv = cv[r + b + 1] - cv[r - a]
        wc = cc[r + b + 1] - cc[r - a]
        res[k] = (
            wv.mean(), np.median(wv), wc.mean(), np.median(wc),
            vchg[out_m].mean() * (a + b + 1), cret[out_m].mean() * (a + b + 1),
            np.abs(vchg[m]).mean(), np.abs(vchg[out_m]).mean(), np.abs(cret[m]).mean(), np.abs(cret[out_m]).mean(),
            np.corrcoef(cret[m], vchg[m])[0, 1], np.corrcoef(cret[out_m], vchg[out_m])[0, 1],
        )
    return res


def bench(name, f, number):
    t = timeit.repeat(f, number=number, repeat=7)
    print(f"{name:34s} {1e6 * np.median(t) / number:10.1f} us")


bench("vix_signals_and_evaluation_9235", lambda: signals_and_evaluation(vix), 20)
bench("vix_bands_9235", lambda: bands(vix), 200)
bench("detect_shocks_2700x4", shocks, 20)
bench("event_window_stats_2765x3kinds", event_stats, 200)
