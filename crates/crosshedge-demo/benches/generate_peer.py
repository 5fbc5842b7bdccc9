#!/usr/bin/env python3
"""Peer benchmark: the same demo model written as an expert would in vectorised numpy/scipy.

The regime chain is sequential (a short Python loop over ~3,000 US days); log VIX is a linear
recursion run by scipy.signal.lfilter; BTC/ETH/NFT/funding are vectorised or lfilter'd; the
futures curve is vectorised over days x 4 contracts. Reads ../calibration/params.json.
Prints the median wall time of one 2014-2025 market over repeated runs.
"""
import json
import os
import time

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar
from scipy import signal

HERE = os.path.dirname(os.path.abspath(__file__))
P = json.load(open(os.path.join(HERE, "../calibration/params.json")))


def unit_t(rng, nu, n):
    return rng.standard_t(nu, n) * np.sqrt((nu - 2) / nu)


def setup():
    days = pd.date_range("2014-01-01", "2025-12-31", freq="D")
    # Approximate NYSE calendar (federal holidays, no Good Friday): enough for timing.
    hol = USFederalHolidayCalendar().holidays("2014-01-01", "2026-12-31")
    us_ext = pd.bdate_range("2014-01-01", "2026-12-31", freq="C", holidays=hol)
    return days, us_ext


def generate(seed, days, us_ext):
    rng = np.random.default_rng(seed)
    us = us_ext[us_ext <= days[-1]]
    n_us, n = len(us), len(days)
    # Regime chain.
    T = np.cumsum(np.array(P["regimes"]["transition"]), axis=1)
    u = rng.random(n_us)
    reg = np.empty(n_us, dtype=np.int64)
    reg[0] = 1
    for i in range(1, n_us):
        reg[i] = min(int(np.searchsorted(T[reg[i - 1]], u[i], side="right")), 2)
    v = P["vix"]
    mu = np.array(v["mu_log"])[reg]
    sg = np.array(v["sigma"])[reg]
    jump = np.where(rng.random(n_us) < v["jump_prob"], v["jump_mean"] * rng.exponential(1.0, n_us), 0.0)
    surprise = sg * unit_t(rng, v["nu"], n_us) + jump - v["jump_prob"] * v["jump_mean"]
    k = v["kappa"]
    drive = k * mu + surprise + v["jump_prob"] * v["jump_mean"]
    zi = signal.lfiltic([1.0], [1.0, -(1 - k)], [mu[0]])
    x, _ = signal.lfilter([1.0], [1.0, -(1 - k)], drive, zi=zi)
    x = np.clip(x, np.log(8), np.log(90))
    z = surprise / np.array(v["surprise_sd"])[reg]
    s = P["spx"]
    eta = unit_t(rng, s["nu"], n_us)
    rho = np.array(s["rho_vix"])[reg]
    rs = s["mu"] + np.array(s["sd"])[reg] * (rho * z + np.sqrt(1 - rho ** 2) * eta)
    spx = s["start_level"] * np.exp(np.cumsum(rs))
    # Crypto on every day: the regime of the latest US day.
    pos = np.searchsorted(us.values, days.values, side="right") - 1
    pos = np.maximum(pos, 0)
    dreg = reg[pos]
    is_us = np.isin(days.values, us.values)
    b = P["btc"]
    xi = unit_t(rng, b["nu"], n)
    xe = unit_t(rng, b["nu"], n)
    a = np.array(b["load_vix"])[dreg]
    bb = np.array(b["load_spx"])[dreg]
    e_us = a * z[pos] + bb * eta[pos] + np.sqrt(np.maximum(1 - a ** 2 - bb ** 2, 0)) * xi
    e = np.where(is_us, e_us, xi)
    vol = np.array(b["sd_weekday"])[dreg] * np.where(is_us, 1.0, b["weekend_ratio"])
    rb = b["mu"] + vol * e
    c = P["eth"]["corr_btc"]
    re = P["eth"]["mu"] + P["eth"]["vol_ratio"] * vol * (c * e + np.sqrt(1 - c * c) * xe)
    btc = b["start_level"] * np.exp(np.cumsum(rb))
    eth = b["start_level"] * P["eth"]["start_ratio_to_btc"] * np.exp(np.cumsum(re))
    nf = P["nft"]
    dl = nf["beta_eth"] * re + nf["sd"] * rng.standard_normal(n)
    dl += np.where(rng.random(n) < nf["jump_prob"], nf["jump_sd"] * rng.standard_normal(n), 0.0)
    latent = np.log(nf["start_level"]) + np.cumsum(dl)
    trade = rng.random(n) < nf["trade_prob"]
    trade[0] = True
    last = np.maximum.accumulate(np.where(trade, np.arange(n), 0))
    nft = np.exp(latent[last])
    f = P["funding"]
    drv = np.array(f["c"])[dreg] + f["gamma_down"] * np.minimum(rb, 0) + np.array(f["sd"])[dreg] * unit_t(rng, f["nu"], n)
    fund = signal.lfilter([1.0], [1.0, -f["phi"]], drv)
    usdc = np.clip(1 + P["usdc"]["noise_sd"] * rng.standard_normal(n), 0.99, 1.01)
    # Futures: first four expiries after each US day (approximate rule: Wednesday 30 days
    # before the third Friday of the next month), h in trading days.
    months = pd.period_range("2014-01", "2026-12", freq="M")
    third_fri = [(m + 1).to_timestamp() + pd.offsets.WeekOfMonth(week=2, weekday=4) for m in months]
    exp_ = np.array([np.datetime64(t - pd.Timedelta(days=30)) for t in third_fri], dtype="datetime64[ns]")
    first = np.searchsorted(exp_, us.values, side="right")
    idx = first[:, None] + np.arange(4)[None, :]
    e_dates = exp_[idx]
    h = np.searchsorted(us_ext.values, e_dates, side="right") - 1 - np.arange(n_us)[:, None]
    ag = P["vix_aggregate_ar"]
    ph = ag["phi"] ** h
    mean = ag["mean_log"] + ph * (x[:, None] - ag["mean_log"])
    var = ag["sd"] ** 2 * (1 - ph ** 2) / (1 - ag["phi"] ** 2)
    fu = P["futures"]
    F = np.exp(mean + 0.5 * var + fu["premium_a"] * (1 - np.exp(-h / fu["premium_tau_days"])))
    return np.exp(x), spx, btc, eth, nft, fund, usdc, F


if __name__ == "__main__":
    days, us_ext = setup()
    generate(1, days, us_ext)
    times = []
    for i in range(30):
        t0 = time.perf_counter()
        generate(i, days, us_ext)
        times.append(time.perf_counter() - t0)
    print(f"numpy peer: median {np.median(times) * 1e3:.2f} ms per 2014-2025 market ({len(days)} days), min {min(times) * 1e3:.2f} ms")
