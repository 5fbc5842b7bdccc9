"""Vectorised numpy peer of `benches/mc.rs`: the same regime-switching model and the same
3-layer book revalued daily, vectorised over paths in chunks, as a numpy expert would write it.

Usage:
    MC_DUMP=/tmp/mc_setup.json MC_PATHS=1000000 cargo bench -p crosshedge-simulation --bench mc
    python3 crates/crosshedge-simulation/benches/mc_peer.py /tmp/mc_setup.json [paths] [chunk]

The JSON holds the model, the portfolio and the Rust report (same paths, different random
numbers): the script prints its own statistics next to Rust's (they must agree within Monte
Carlo error) and the wall and CPU time of the simulation alone (setup excluded).
"""

import json
import math
import sys
import time

import numpy as np
from scipy.special import ndtr

TRADING_DAYS = 252.0


def load(path):
    with open(path) as f:
        return json.load(f)


def futures_coefficients(fm, h):
    ph = fm["phi"] ** h
    var = fm["sd"] ** 2 * (1.0 - ph * ph) / (1.0 - fm["phi"] ** 2)
    prem = fm["premium_a"] * (1.0 - math.exp(-h / fm["premium_tau_days"])) if fm["premium_tau_days"] > 0 else 0.0
    return fm["mean_log"] * (1.0 - ph) + 0.5 * var + prem, ph


def spread_undiscounted(theta, lnf, f, k, s):
    """theta*(F N(theta d1) - K N(theta d2)) for K1 minus the same for K2."""
    out = np.zeros_like(f)
    sign = 1.0
    for kk in k:
        d1 = (lnf - math.log(kk)) / s + 0.5 * s
        d2 = d1 - s
        out += sign * theta * (f * ndtr(theta * d1) - kk * ndtr(theta * d2))
        sign = -1.0
    return out


def lp_value(value, rng, p):
    sl, su = math.sqrt(rng[0]), math.sqrt(rng[1])
    liq = value / (2.0 - sl - 1.0 / su)
    inside = liq * (2.0 * np.sqrt(p) - sl - p / su)
    below = liq * p * (1.0 / sl - 1.0 / su)
    above = liq * (su - sl)
    return np.where(p <= rng[0], below, np.where(p >= rng[1], above, inside))


def run_chunk(gen, n, horizon, m, pf):
    regs = m["regimes"]
    cum = np.cumsum(np.array(m["transition"]), axis=1)
    cum[:, -1] = np.inf
    chol = [np.linalg.cholesky(np.array(r["corr"])) for r in regs]
    kappa = m["kappa"]
    kmu = np.array([kappa * r["vix_level_log"] for r in regs])
    vixvol = np.array([r["vix_vol"] for r in regs])
    mean = np.array([r["mean"] for r in regs])  # (3, 4)
    vol = np.array([r["vol"] for r in regs])
    funding = np.array([r["funding_per_day"] for r in regs])
    vov = np.array([r["vix_option_vol"] for r in regs])
    innov = m["innovations"]
    t = innov["StudentT"] if isinstance(innov, dict) and "StudentT" in innov else None
    nu = t["nu"] if t is not None else None
    # The capped mixing: V = (nu - 2)/W capped at cap^2 and divided by its mean (the model's
    # `mixing_scale`, from the Rust dump) so the shock keeps unit variance.
    cap2 = t["cap"] ** 2 if t is not None else None
    kscale = m.get("mixing_scale") if t is not None else None
    ptrade = m["nft_trade_prob"]
    fm = m["futures"]
    rate, carry = m["rate"], m["rate"] - m["spx_div_yield"]
    st = pf["start"]
    spx0 = st["spx"]

    x = np.full(n, math.log(st["vix"]))
    s = np.full(n, st["regime"], dtype=np.int64)
    l = np.zeros((4, n))
    mark = np.zeros(n)
    fund = np.zeros(n)
    worst = np.full(n, np.inf)
    hedges = pf["hedges"]
    vals = np.zeros((len(hedges), n))
    for t in range(1, horizon + 1):
        u = gen.random(n)
        s = (u[:, None] >= cum[s]).sum(axis=1)
        e = gen.standard_normal((5, n))
        if nu is not None:
            e *= np.sqrt(np.minimum((nu - 2.0) / gen.chisquare(nu, n), cap2) / kscale)
        z = np.empty_like(e)
        for r in range(3):
            mask = s == r
            if mask.any():
                z[:, mask] = chol[r] @ e[:, mask]
        x = x + kmu[s] - kappa * x + vixvol[s] * z[0]
        l += mean[s].T + vol[s].T * z[1:]
        if ptrade < 1.0:
            prints = gen.random(n) < ptrade
            mark = np.where(prints, l[3], mark)
        else:
            mark = l[3].copy()
        fund += funding[s]
        for j, h in enumerate(hedges):
            kind, p = next(iter(h.items()))
            if kind == "VixFuture":
                if t <= p["expiry"]:
                    c0, c1 = futures_coefficients(fm, p["expiry"] - t)
                    vals[j] = p["units"] * (np.exp(c0 + c1 * x) - p["f0"])
            elif kind == "VixCallSpread":
                k = p["strikes"]
                if t < p["expiry"]:
                    hh = p["expiry"] - t
                    tau = hh / TRADING_DAYS
                    c0, c1 = futures_coefficients(fm, hh)
                    lnf = c0 + c1 * x
                    sv = spread_undiscounted(1.0, lnf, np.exp(lnf), k, vov[s] * math.sqrt(tau))
                    vals[j] = p["units"] * (math.exp(-rate * tau) * sv - p["v0"])
                elif t == p["expiry"]:
                    f = np.exp(x)
                    vals[j] = p["units"] * (np.maximum(f - k[0], 0) - np.maximum(f - k[1], 0) - p["v0"])
            elif kind == "SpxPutSpread":
                k = p["strikes"]
                if t < p["expiry"]:
                    tau = (p["expiry"] - t) / TRADING_DAYS
                    lnf = math.log(spx0) + carry * tau + l[0]
                    sv = spread_undiscounted(-1.0, lnf, np.exp(lnf), k, np.exp(x) / 100.0 * math.sqrt(tau))
                    vals[j] = p["units"] * (math.exp(-rate * tau) * sv - p["v0"])
                elif t == p["expiry"]:
                    sp = spx0 * np.exp(l[0])
                    vals[j] = p["units"] * (np.maximum(k[0] - sp, 0) - np.maximum(k[1] - sp, 0) - p["v0"])
            elif kind == "ShortPerp":
                vals[j] = p["units"] * (1.0 - np.exp(l[1])) + p["units"] * fund
            else:
                raise ValueError(f"hedge {kind} not in the benchmark book")
        g = {"btc": np.exp(l[1]), "eth": np.exp(l[2]), "nft": np.exp(mark)}
        unhedged = (
            pf["btc_spot"] * (g["btc"] - 1.0)
            + pf["eth_spot"] * (g["eth"] - 1.0)
            + pf["nft_value"] * (g["nft"] - 1.0)
            - pf["nft_carry_per_year"] * t / TRADING_DAYS
        )
        for asset, notional in pf["perps"]:
            unhedged += notional * (g[asset] - 1.0) - notional * fund
        for asset, value, rng in pf["lps"]:
            unhedged += lp_value(value, rng, g[asset]) - value
        hedged = unhedged + vals.sum(axis=0)
        np.minimum(worst, hedged, out=worst)
    return unhedged, hedged, worst


def summary(v):
    q05, q01 = np.quantile(v, [0.05, 0.01])
    return {
        "mean": float(v.mean()),
        "sd": float(v.std(ddof=1)),
        "var95": float(-q05),
        "var99": float(-q01),
        "es95": float(-v[v <= q05].mean()),
        "es99": float(-v[v <= q01].mean()),
    }


def main():
    setup = load(sys.argv[1])
    paths = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    horizon = setup["horizon_days"]
    gen = np.random.default_rng(1)
    t0, c0 = time.perf_counter(), time.process_time()
    outs = []
    done = 0
    while done < paths:
        n = min(chunk, paths - done)
        outs.append(run_chunk(gen, n, horizon, setup["model"], setup["portfolio"]))
        done += n
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    u = np.concatenate([o[0] for o in outs])
    h = np.concatenate([o[1] for o in outs])
    tail = u <= np.quantile(u, 0.05)
    uncovered = 1.0 - (h[tail] - u[tail]) / -u[tail]
    print(json.dumps({
        "paths": paths,
        "horizon_days": horizon,
        "wall_s": wall,
        "cpu_s": cpu,
        "ns_per_path_day_wall": wall / (paths * horizon) * 1e9,
        "unhedged": summary(u),
        "hedged": summary(h),
        "uncovered_share_of_loss_1_in_20_mean": float(uncovered.mean()),
        "rust_unhedged": {k: setup["report"]["unhedged"][k] for k in ("mean", "sd", "var95", "var99", "es95", "es99")},
        "rust_hedged": {k: setup["report"]["hedged"][k] for k in ("mean", "sd", "var95", "var99", "es95", "es99")},
        "rust_uncovered_share_of_loss_1_in_20_mean": setup["report"]["uncovered_share_of_loss_1_in_20"]["mean"],
    }, indent=1))


if __name__ == "__main__":
    main()
