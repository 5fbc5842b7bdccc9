"""Golden values for crosshedge-stats.

References: scipy.stats (pearsonr, spearmanr, kendalltau tau-b), statsmodels OLS with
cov_type='HAC', arch (optimal_block_length, StationaryBootstrap), pandas/numpy for rolling,
EWMA, CCF, HE, breakdown statistics, scipy.integrate.dblquad for the bivariate-normal
exceedance benchmark.

Real data: BTC (CoinGecko btc_close_usd) vs VIX close, rows = VIX dates 2014-09-17..2026-01-30,
BTC sampled at the same date, log returns between consecutive rows (2,887 returns). The input
arrays are stored in the JSON so the Rust tests need no data files. Note: from mid-2022 the VIX
file also has values on 28 NYSE holidays, which crosshedge-core's `us-close` alignment drops
(2,859 returns); tests/real_data.rs checks that the two constructions agree row for row once
those holiday returns are merged into the next trading day's.

Run: python3 gen_basis.py  (writes basis_golden.json beside this script)
"""
import json
import math
import os

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
from scipy import integrate
import statsmodels
import statsmodels.api as sm
import arch
from arch.bootstrap import StationaryBootstrap, optimal_block_length

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data")


def load_real():
    vix = pd.read_csv(os.path.join(DATA, "vix_daily.csv"), parse_dates=["date"]).set_index("date")["close"]
    btc = pd.read_csv(os.path.join(DATA, "crypto_daily_coingecko.csv"), parse_dates=["date"]).set_index("date")["btc_close_usd"]
    vix = vix.loc["2014-09-17":"2026-01-30"].dropna()
    btc_at = btc.reindex(vix.index)
    assert btc_at.notna().all(), "BTC missing on a VIX date"
    t = np.diff(np.log(btc_at.values))
    h = np.diff(np.log(vix.values))
    prev_vix = vix.values[:-1]  # the previous day's close for each return row
    labels = np.where(prev_vix < 15, 0, np.where(prev_vix <= 25, 1, 2))
    dates = [d.strftime("%Y-%m-%d") for d in vix.index[1:]]
    return t, h, labels, dates


def ols_hac(t, h, lags, corr):
    X = sm.add_constant(h)
    kw = {"maxlags": lags}
    if corr:
        kw["use_correction"] = True
    r = sm.OLS(t, X).fit(cov_type="HAC", cov_kwds=kw)
    return {"lags": lags, "small_sample": corr, "alpha": r.params[0], "beta": r.params[1],
            "alpha_se": r.bse[0], "beta_se": r.bse[1], "r2": r.rsquared, "beta_p": r.pvalues[1]}


def ccf(t, h, K):
    n = len(t)
    dt, dh = t - t.mean(), h - h.mean()
    den = math.sqrt((dt @ dt) * (dh @ dh))
    out = []
    for k in range(-K, K + 1):
        if k >= 0:
            s = dt[k:] @ dh[: n - k]
        else:
            s = dt[: n + k] @ dh[-k:]
        out.append(s / den)
    return out


def dimson(t, h, K):
    n = len(t)
    rows = np.arange(K, n - K)
    X = np.column_stack([h[rows - k] for k in range(-K, K + 1)])
    r = sm.OLS(t[rows], sm.add_constant(X)).fit()
    return {"k": K, "n": len(rows), "alpha": r.params[0], "slopes": list(r.params[1:]), "beta": float(r.params[1:].sum())}


def he(t, h, hr):
    return 1 - np.var(t - hr * h, ddof=1) / np.var(t, ddof=1)


def hstar(t, h):
    return np.cov(t, h, ddof=1)[0, 1] / np.var(h, ddof=1)


def neff(t, h, L):
    n = len(t)
    def acf(x):
        d = x - x.mean()
        c0 = d @ d
        return [d[j:] @ d[: n - j] / c0 for j in range(L + 1)]
    at, ah = acf(t), acf(h)
    s = sum((n - j) / n * at[j] * ah[j] for j in range(1, L + 1))
    return min(max(n / (1 + 2 * s), 2.0), n)


def exceed(t, h, grid):
    rho = np.corrcoef(t, h)[0, 1]
    sgn = -1.0 if rho < 0 else 1.0
    zt = (t - t.mean()) / t.std(ddof=1)
    zh = sgn * (h - h.mean()) / h.std(ddof=1)
    out = []
    for q in grid:
        for tail in ["lower", "upper"]:
            lev = q if tail == "lower" else 1 - q
            tt, th = np.percentile(zt, 100 * lev), np.percentile(zh, 100 * lev)
            m = (zt <= tt) & (zh <= th) if tail == "lower" else (zt >= tt) & (zh >= th)
            c = float(np.corrcoef(zt[m], zh[m])[0, 1]) if m.sum() >= 10 else None
            out.append({"q": q, "tail": tail, "n": int(m.sum()), "corr": c, "tt": tt, "th": th})
    return out


def bvn_exceed(rho, a, b):
    """Correlation of a standard bivariate normal conditional on X > a, Y > b (dblquad)."""
    s = math.sqrt(1 - rho * rho)
    c = 1 / (2 * math.pi * s)
    pdf = lambda y, x: c * math.exp(-(x * x - 2 * rho * x * y + y * y) / (2 * s * s))
    hi = 14.0
    mom = {}
    for name, f in {"m": lambda y, x: 1.0, "x": lambda y, x: x, "y": lambda y, x: y,
                    "xx": lambda y, x: x * x, "yy": lambda y, x: y * y, "xy": lambda y, x: x * y}.items():
        mom[name] = integrate.dblquad(lambda y, x: f(y, x) * pdf(y, x), a, hi, b, hi, epsabs=1e-14, epsrel=1e-12)[0]
    m = mom["m"]
    mx, my = mom["x"] / m, mom["y"] / m
    vx, vy = mom["xx"] / m - mx * mx, mom["yy"] / m - my * my
    return (mom["xy"] / m - mx * my) / math.sqrt(vx * vy)


def bvn_cdf(rho, a, b):
    return st.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]], abseps=1e-13, releps=1e-13).cdf([a, b])


def tail_dep(t, h, grid):
    rho = np.corrcoef(t, h)[0, 1]
    sgn = -1.0 if rho < 0 else 1.0
    n = len(t)
    u = st.rankdata(t) / (n + 1)
    v = st.rankdata(sgn * h) / (n + 1)
    return [{"q": q, "n": int(((u <= q) & (v <= q)).sum()), "lambda": float(((u <= q) & (v <= q)).sum() / (n * q))} for q in grid]


def full_case(t, h, B, seed):
    n = len(t)
    pr = st.pearsonr(t, h)
    ci = pr.confidence_interval(0.95)
    obl = optimal_block_length(np.column_stack([t, h]))
    L = int(np.floor(4 * (n / 100) ** (2 / 9)))
    return {
        "n": n,
        "pearson": pr.statistic,
        "fisher_ci95": [ci.low, ci.high],
        "spearman": st.spearmanr(t, h).statistic,
        "kendall": st.kendalltau(t, h, variant="b").statistic,
        "block_target": obl["stationary"].iloc[0],
        "block_target_circular": obl["circular"].iloc[0],
        "block_hedge": obl["stationary"].iloc[1],
        "hac_default_lags": L,
        "ols": [ols_hac(t, h, L, False), ols_hac(t, h, 5, False), ols_hac(t, h, L, True)],
        "hedge_ratio": hstar(t, h),
        "he_at_hstar": he(t, h, hstar(t, h)),
    }


def main():
    out = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                        "arch": arch.__version__, "pandas": pd.__version__}}
    # Hand-made small cases (ties for the rank statistics).
    small = {
        "x": [1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 5.0, 8.0, 9.0, 10.0, 4.0, 7.0],
        "y": [2.0, 1.0, 3.0, 3.0, 4.0, 6.0, 4.0, 9.0, 7.0, 12.0, 3.0, 5.0],
    }
    x, y = np.array(small["x"]), np.array(small["y"])
    small["pearson"] = st.pearsonr(x, y).statistic
    ci = st.pearsonr(x, y).confidence_interval(0.95)
    small["fisher_ci95"] = [ci.low, ci.high]
    small["spearman"] = st.spearmanr(x, y).statistic
    small["kendall"] = st.kendalltau(x, y, variant="b").statistic
    small["ols_hac1"] = ols_hac(y, x, 1, False)
    out["small"] = small

    rng = np.random.default_rng(20240101)
    n = 400
    hs = rng.standard_normal(n)
    ts = -0.4 * hs + 0.8 * rng.standard_normal(n)
    # AR(1)-ish persistence to make block lengths and HAC non-trivial.
    for i in range(1, n):
        hs[i] += 0.3 * hs[i - 1]
    out["synthetic"] = {"target": ts.tolist(), "hedge": hs.tolist(), **full_case(ts, hs, 0, 0)}

    t, h, labels, dates = load_real()
    real = {"dates": [dates[0], dates[-1]], "target": t.tolist(), "hedge": h.tolist(), "labels": labels.tolist(),
            "states": ["calm", "normal", "stress"]}
    real.update(full_case(t, h, 0, 0))
    # Rolling 90 and EWMA 0.94 (pandas).
    s_t, s_h = pd.Series(t), pd.Series(h)
    rc = s_t.rolling(90).corr(s_h)
    rb = s_t.rolling(90).cov(s_h) / s_h.rolling(90).var()
    ec = s_t.ewm(alpha=0.06, adjust=True).corr(s_h)
    eb = s_t.ewm(alpha=0.06, adjust=True).cov(s_h) / s_h.ewm(alpha=0.06, adjust=True).var()
    idx = list(range(89, len(t), 37)) + [len(t) - 1]
    real["rolling90"] = {"idx": idx, "corr": [rc[i] for i in idx], "beta": [rb[i] for i in idx]}
    idx_e = list(range(5, len(t), 41)) + [len(t) - 1]
    real["ewma094"] = {"idx": idx_e, "corr": [ec[i] for i in idx_e], "beta": [eb[i] for i in idx_e]}
    real["ccf5"] = ccf(t, h, 5)
    real["dimson2"] = dimson(t, h, 2)
    half = len(t) // 2
    h1 = hstar(t[:half], h[:half])
    real["he_split"] = {"h": h1, "in": he(t[:half], h[:half], h1), "out": he(t[half:], h[half:], h1)}
    # Regimes.
    reg = {}
    for s, name in enumerate(real["states"]):
        m = labels == s
        tt, hh = t[m], h[m]
        reg[name] = {"n": int(m.sum()), "pearson": st.pearsonr(tt, hh).statistic,
                     "spearman": st.spearmanr(tt, hh).statistic, "kendall": st.kendalltau(tt, hh).statistic,
                     "hedge_ratio": hstar(tt, hh),
                     "ols": ols_hac(tt, hh, int(np.floor(4 * (m.sum() / 100) ** (2 / 9))), False)}
        rows = np.nonzero(m)[0]
        rows = rows[(rows >= 2) & (rows < len(t) - 2)]
        X = np.column_stack([h[rows - k] for k in range(-2, 3)])
        reg[name]["dimson_beta"] = float(sm.OLS(t[rows], sm.add_constant(X)).fit().params[1:].sum())
    real["regimes"] = reg
    mc, ms = labels == 0, labels == 2
    tc, hc, ts_, hs_ = t[mc], h[mc], t[ms], h[ms]
    rc_, rs_ = np.corrcoef(tc, hc)[0, 1], np.corrcoef(ts_, hs_)[0, 1]
    delta = np.var(hs_, ddof=1) / np.var(hc, ddof=1) - 1
    rstar = rs_ / math.sqrt(1 + delta * (1 - rs_ ** 2))
    zfr = (math.atanh(rstar) - math.atanh(rc_)) / math.sqrt(1 / (len(ts_) - 3) + 1 / (len(tc) - 3))
    Lc, Ls = min(len(tc) // 5, 10), min(len(ts_) // 5, 10)
    n1, n2 = neff(tc, hc, Lc), neff(ts_, hs_, Ls)
    zf = (math.atanh(rc_) - math.atanh(rs_)) / math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3))
    real["breakdown"] = {
        "decorrelation_factor": hstar(ts_, hs_) / hstar(tc, hc),
        "residual_risk_multiple": math.sqrt(1 - rs_ ** 2) / math.sqrt(1 - rc_ ** 2),
        "fr_rho_adjusted": rstar, "fr_delta": delta, "fr_z": zfr, "fr_p": 2 * st.norm.sf(abs(zfr)),
        "fz_n1_eff": n1, "fz_n2_eff": n2, "fz_z": zf, "fz_p": 2 * st.norm.sf(abs(zf)),
        "he_calm_in_stress": he(ts_, hs_, hstar(tc, hc)),
    }
    grid = [0.05, 0.10, 0.20, 0.30, 0.40, 0.50]
    real["exceedance"] = exceed(t, h, grid)
    real["tail_dependence"] = tail_dep(t, h, [0.01, 0.025, 0.05, 0.10])
    # Bootstrap: arch StationaryBootstrap of (corr, beta) at the joint block length.
    block = 0.5 * (real["block_target"] + real["block_hedge"])
    block = max(block, 1.0)
    def cb(a, b):
        c = np.cov(a, b, ddof=1)
        return np.array([c[0, 1] / math.sqrt(c[0, 0] * c[1, 1]), c[0, 1] / c[1, 1]])
    bs = StationaryBootstrap(block, t, h, seed=12345)
    reps = bs.apply(cb, 2000)
    ci = bs.conf_int(cb, 2000, method="percentile")
    real["bootstrap"] = {"block": block, "reps": 2000,
                         "corr_mean": reps[:, 0].mean(), "corr_sd": reps[:, 0].std(ddof=1),
                         "beta_mean": reps[:, 1].mean(), "beta_sd": reps[:, 1].std(ddof=1),
                         "corr_ci": [ci[0, 0], ci[1, 0]], "beta_ci": [ci[0, 1], ci[1, 1]]}
    # Decorrelation-factor bootstrap (arch indices, each regime resampled independently with its
    # own joint block length): the distribution of k and of the residual-risk multiple.
    def joint_block(a, b):
        o = optimal_block_length(np.column_stack([a, b]))["stationary"]
        return max(0.5 * (o.iloc[0] + o.iloc[1]), 1.0)
    bc_, bs_ = joint_block(tc, hc), joint_block(ts_, hs_)
    sbc, sbs = StationaryBootstrap(bc_, tc, seed=7), StationaryBootstrap(bs_, ts_, seed=8)
    ic = np.stack([sbc.update_indices() for _ in range(2000)])
    is_ = np.stack([sbs.update_indices() for _ in range(2000)])
    def cb_rows(T, H):
        T = T - T.mean(1, keepdims=True)
        H = H - H.mean(1, keepdims=True)
        c = (T * H).sum(1)
        return c / np.sqrt((T * T).sum(1) * (H * H).sum(1)), c / (H * H).sum(1)
    r1, b1 = cb_rows(tc[ic], hc[ic])
    r2, b2 = cb_rows(ts_[is_], hs_[is_])
    kk = b2 / b1
    rrm = np.sqrt(1 - r2 ** 2) / np.sqrt(1 - r1 ** 2)
    real["dcf_bootstrap"] = {"block": [bc_, bs_],
                             "k_q": list(np.percentile(kk, [2.5, 25, 50, 75, 97.5])),
                             "rrm_mean": rrm.mean(), "rrm_sd": rrm.std(ddof=1),
                             "rrm_ci": list(np.percentile(rrm, [2.5, 97.5]))}
    # Episode: FTX collapse, 2022-11-06 .. 2022-11-14 (rows whose end date falls in the window).
    d = np.array(dates)
    rows = np.nonzero((d >= "2022-11-07") & (d <= "2022-11-14"))[0]
    a, b = int(rows[0]), int(rows[-1]) + 1
    hc_calm = hstar(tc, hc)
    RT = math.expm1(t[a:b].sum())
    RH = math.expm1(h[a:b].sum())
    real["episode_ftx"] = {"start": a, "end": b, "h": hc_calm, "target_cum": RT, "hedge_cum": RH,
                           "hedge_pnl": -hc_calm * RH, "net_loss_share_of_notional": -RT + hc_calm * RH,
                           "uncovered_share_of_loss": 1.0 - (-hc_calm * RH) / (-RT),
                           "corr": float(np.corrcoef(t[a:b], h[a:b])[0, 1]),
                           "multiple": RT / (hc_calm * RH)}
    out["real"] = real

    # Bivariate normal benchmark (dblquad), a few points.
    out["bvn_exceed"] = [{"rho": r, "a": a_, "b": b_, "corr": bvn_exceed(r, a_, b_)}
                         for (r, a_, b_) in [(0.5, 0.0, 0.0), (0.3, 1.0, 1.0), (0.7, -1.0, -0.5), (-0.4, 0.5, 0.2),
                                             (0.6, 1.6448536269514722, 1.6448536269514722)]]
    out["bvn_cdf"] = [{"rho": r, "a": a_, "b": b_, "p": float(bvn_cdf(r, a_, b_))}
                      for (r, a_, b_) in [(0.5, 0.0, 0.0), (0.3, -1.0, -1.5), (-0.6, 0.4, -0.2),
                                          (0.4, -1.959963984540054, -1.959963984540054)]]

    with open(os.path.join(HERE, "basis_golden.json"), "w") as f:
        json.dump(out, f, indent=0)


if __name__ == "__main__":
    main()
