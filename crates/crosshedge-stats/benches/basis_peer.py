"""Python peer of benches/basis.rs, written as an expert would with numpy/scipy/statsmodels/arch.

(a) The full basis analysis on the aligned BTC-vs-VIX days (inputs read from
    tests/golden/basis_golden.json, the same arrays the Rust bench uses): whole sample + 3 VIX-band
    regimes; per sample Pearson + Fisher-z CI, Spearman, Kendall tau-b, OLS with HAC SE
    (statsmodels), Dimson beta (statsmodels OLS), HE, arch optimal_block_length and
    StationaryBootstrap (2,000 resamples; indices from arch, statistics vectorised in numpy);
    whole-sample CCF, Longin-Solnik exceedance correlations with the bivariate-normal benchmark
    (1-D quadrature), tail dependence; calm-vs-stress decorrelation factor with 2,000 resamples,
    Forbes-Rigobon, Fisher-z test with effective sample size.
(b) Rolling 90-day correlation and beta over 100 series x 5,000 days (pandas rolling, the
    idiomatic vectorised tool).

Run: python3 benches/basis_peer.py
"""
import json
import math
import os
import time

import numpy as np
import pandas as pd
import scipy.stats as st
from scipy import integrate
import statsmodels.api as sm
from arch.bootstrap import StationaryBootstrap, optimal_block_length

HERE = os.path.dirname(os.path.abspath(__file__))
B = 2000


def boot_corr_beta(t, h, block, seed):
    bs = StationaryBootstrap(block, t, h, seed=seed)
    idx = np.stack([bs.update_indices() for _ in range(B)])
    T, H = t[idx], h[idx]
    T = T - T.mean(1, keepdims=True)
    H = H - H.mean(1, keepdims=True)
    c = (T * H).sum(1)
    vt = (T * T).sum(1)
    vh = (H * H).sum(1)
    r = c / np.sqrt(vt * vh)
    b = c / vh
    return np.percentile(r, [2.5, 97.5]), np.percentile(b, [2.5, 97.5])


def sample_stats(t, h, full_t, full_h, rows, seed):
    n = len(t)
    pr = st.pearsonr(t, h)
    ci = pr.confidence_interval(0.95)
    sp = st.spearmanr(t, h).statistic
    kt = st.kendalltau(t, h).statistic
    L = int(np.floor(4 * (n / 100) ** (2 / 9)))
    ols = sm.OLS(t, sm.add_constant(h)).fit(cov_type="HAC", cov_kwds={"maxlags": L})
    beta = ols.params[1]
    he = 1 - np.var(t - beta * h, ddof=1) / np.var(t, ddof=1)
    K = 2
    rr = rows[(rows >= K) & (rows < len(full_t) - K)]
    X = np.column_stack([full_h[rr - k] for k in range(-K, K + 1)])
    dim = sm.OLS(full_t[rr], sm.add_constant(X)).fit().params[1:].sum()
    obl = optimal_block_length(np.column_stack([t, h]))["stationary"].mean()
    ci_r, ci_b = boot_corr_beta(t, h, max(obl, 1.0), seed)
    return dict(n=n, pearson=pr.statistic, ci=(ci.low, ci.high), spearman=sp, kendall=kt, beta=beta,
                beta_se=ols.bse[1], r2=ols.rsquared, he=he, dimson=dim, boot_r=ci_r, boot_b=ci_b)


def bvn_exceed(rho, a):
    s = math.sqrt(1 - rho * rho)
    x = np.linspace(a, max(a, 0) + 12, 4001)
    px = st.norm.pdf(x)
    c = (a - rho * x) / s
    q = st.norm.sf(c)
    pc = st.norm.pdf(c)
    e1 = rho * x * q + s * pc
    e2 = (rho * x) ** 2 * q + 2 * rho * x * s * pc + s * s * (q + c * pc)
    m = [integrate.simpson(v, x=x) for v in (px * q, px * x * q, px * x * x * q, px * e1, px * e2, px * x * e1)]
    mx, mxx, my, myy, mxy = (v / m[0] for v in m[1:])
    return (mxy - mx * my) / math.sqrt((mxx - mx * mx) * (myy - my * my))


def analysis(t, h, labels, states):
    rows_all = np.arange(len(t))
    out = {"overall": sample_stats(t, h, t, h, rows_all, 7)}
    # CCF, lags -5..5.
    dt, dh = t - t.mean(), h - h.mean()
    full = np.correlate(dt, dh, mode="full") / math.sqrt((dt @ dt) * (dh @ dh))
    mid = len(t) - 1
    out["ccf"] = full[mid - 5: mid + 6]
    # Exceedance correlations + benchmark, tail dependence.
    rho = np.corrcoef(t, h)[0, 1]
    sgn = -1.0 if rho < 0 else 1.0
    zt = (t - t.mean()) / t.std(ddof=1)
    zh = sgn * (h - h.mean()) / h.std(ddof=1)
    ex = []
    for q in [0.05, 0.10, 0.20, 0.30, 0.40, 0.50]:
        for lev in (q, 1 - q):
            tt, th = np.percentile(zt, 100 * lev), np.percentile(zh, 100 * lev)
            m = (zt <= tt) & (zh <= th) if lev <= 0.5 else (zt >= tt) & (zh >= th)
            c = np.corrcoef(zt[m], zh[m])[0, 1] if m.sum() >= 10 else None
            ex.append((q, c, bvn_exceed(abs(rho), abs(st.norm.ppf(lev)))))
    out["exceedance"] = ex
    u = st.rankdata(t) / (len(t) + 1)
    v = st.rankdata(sgn * h) / (len(t) + 1)
    out["tail"] = [((u <= q) & (v <= q)).sum() / (len(t) * q) for q in [0.01, 0.025, 0.05, 0.10]]
    # Regimes.
    for s, name in enumerate(states):
        rows = np.nonzero(labels == s)[0]
        out[name] = sample_stats(t[rows], h[rows], t, h, rows, 100 + s)
    # Breakdown between calm and stress.
    c, s_ = np.nonzero(labels == 0)[0], np.nonzero(labels == 2)[0]
    tc, hc, ts, hs = t[c], h[c], t[s_], h[s_]
    bl_c = max(optimal_block_length(np.column_stack([tc, hc]))["stationary"].mean(), 1.0)
    bl_s = max(optimal_block_length(np.column_stack([ts, hs]))["stationary"].mean(), 1.0)
    bc = StationaryBootstrap(bl_c, tc, hc, seed=1)
    bs_ = StationaryBootstrap(bl_s, ts, hs, seed=2)
    ic = np.stack([bc.update_indices() for _ in range(B)])
    is_ = np.stack([bs_.update_indices() for _ in range(B)])

    def cb(T, H):
        T = T - T.mean(1, keepdims=True)
        H = H - H.mean(1, keepdims=True)
        cv = (T * H).sum(1)
        return cv / np.sqrt((T * T).sum(1) * (H * H).sum(1)), cv / (H * H).sum(1)
    r1, b1 = cb(tc[ic], hc[ic])
    r2, b2 = cb(ts[is_], hs[is_])
    k = b2 / b1
    rrm = np.sqrt(1 - r2 ** 2) / np.sqrt(1 - r1 ** 2)
    out["dcf_ci"] = np.percentile(k, [2.5, 97.5])
    out["rrm_ci"] = np.percentile(rrm, [2.5, 97.5])
    rc, rs = np.corrcoef(tc, hc)[0, 1], np.corrcoef(ts, hs)[0, 1]
    delta = np.var(hs, ddof=1) / np.var(hc, ddof=1) - 1
    rstar = rs / math.sqrt(1 + delta * (1 - rs * rs))
    z = (math.atanh(rstar) - math.atanh(rc)) / math.sqrt(1 / (len(ts) - 3) + 1 / (len(tc) - 3))
    out["fr"] = (rstar, 2 * st.norm.sf(abs(z)))

    def neff(a, b, L):
        n = len(a)
        from statsmodels.tsa.stattools import acf
        aa, ab = acf(a, nlags=L, fft=False), acf(b, nlags=L, fft=False)
        sm_ = sum((n - j) / n * aa[j] * ab[j] for j in range(1, L + 1))
        return min(max(n / (1 + 2 * sm_), 2.0), n)
    n1, n2 = neff(tc, hc, 10), neff(ts, hs, 10)
    zf = (math.atanh(rc) - math.atanh(rs)) / math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3))
    out["fisher_z"] = (zf, 2 * st.norm.sf(abs(zf)))
    return out


def timeit(f, reps):
    """Best and median wall-clock time, and the median CPU (process) time, in seconds."""
    ts, cs = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        f()
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
    return min(ts), float(np.median(ts)), float(np.median(cs))


def main():
    g = json.load(open(os.path.join(HERE, "..", "tests", "golden", "basis_golden.json")))["real"]
    t, h = np.array(g["target"]), np.array(g["hedge"])
    labels, states = np.array(g["labels"]), g["states"]
    analysis(t, h, labels, states)  # warm-up (imports, numba/cython)
    best, med, cpu = timeit(lambda: analysis(t, h, labels, states), 5)
    print(f"(a) full basis, n={len(t)}, 3 regimes, B={B}: best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms, "
          f"cpu {cpu * 1e3:.1f} ms")

    rng = np.random.default_rng(1)
    n = 5000
    hedge = rng.random(n) - 0.5
    targets = -0.3 * hedge[None, :] + rng.random((100, n)) - 0.5
    df = pd.DataFrame(targets.T)
    hs = pd.Series(hedge)

    def rolling():
        corr = df.rolling(90).corr(hs)
        beta = df.rolling(90).cov(hs).div(hs.rolling(90).var(), axis=0)
        return corr, beta
    rolling()
    best, med, cpu = timeit(rolling, 7)
    print(f"(b) rolling 90d corr+beta, 100 x 5000: best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms, "
          f"cpu {cpu * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
