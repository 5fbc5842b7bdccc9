#!/usr/bin/env python3
"""Peer benchmark for benches/options.rs: the same 10,000 seeded Black-76 options (the 64-bit
LCG below mirrors the Rust bench), priced with all greeks and inverted for implied volatility by

  * QuantLib Python: ql.BlackCalculator (value, deltaForward, gammaForward, vega, theta, rho)
    and ql.blackFormulaImpliedStdDev (accuracy 1e-12), one call per option;
  * numpy/scipy, vectorised: Black-76 price + greeks from scipy.special.ndtr on arrays;
  * py_vollib_vectorized (Jäckel's Let's Be Rational, numba): vectorized_implied_volatility_black,
    falling back to py_lets_be_rational (the reference LBR port, scalar) when it fails to compile.

Single-threaded: run with NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1.
Usage: python3 options_peer.py
"""
import math
import os
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import QuantLib as ql  # noqa: E402
import scipy.special  # noqa: E402

MASK = (1 << 64) - 1


def inputs(n):
    state = 42
    out = {"call": [], "forward": [], "strike": [], "vol": [], "t": [], "rate": []}

    def uniform():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        return (state >> 11) / float(1 << 53)

    for j in range(n):
        f = 10.0 + 30.0 * uniform()
        x = -0.5 + uniform()
        out["forward"].append(f)
        out["strike"].append(f * math.exp(x))
        out["vol"].append(0.3 + 1.2 * uniform())
        out["t"].append(0.02 + 0.98 * uniform())
        out["rate"].append(0.04)
        out["call"].append(j % 2 == 0)
    return {k: np.array(v) for k, v in out.items()}


def best_of(fn, repeat=5):
    """Best wall-clock seconds and best CPU seconds (time.process_time) over `repeat` runs."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu


def numpy_black76_greeks(call, f, k, vol, t, r):
    sign = np.where(call, 1.0, -1.0)
    sqrt_t = np.sqrt(t)
    s = vol * sqrt_t
    df = np.exp(-r * t)
    d1 = np.log(f / k) / s + 0.5 * s
    d2 = d1 - s
    n1 = scipy.special.ndtr(sign * d1)
    n2 = scipy.special.ndtr(sign * d2)
    pdf = np.exp(-0.5 * d1 * d1) / math.sqrt(2.0 * math.pi)
    price = df * sign * (f * n1 - k * n2)
    delta = df * sign * n1
    gamma = df * pdf / (f * s)
    vega = df * f * pdf * sqrt_t
    theta = -0.5 * vega * vol / t + r * price
    rho = -t * price
    return price, delta, gamma, vega, theta, rho


def main():
    n = 10_000
    inp = inputs(n)
    call, f, k, vol, t, r = inp["call"], inp["forward"], inp["strike"], inp["vol"], inp["t"], inp["rate"]
    prices = numpy_black76_greeks(call, f, k, vol, t, r)[0]
    rows = list(zip(call.tolist(), f.tolist(), k.tolist(), vol.tolist(), t.tolist(), r.tolist(), prices.tolist()))

    def ql_greeks():
        for c, fi, ki, vi, ti, ri, _ in rows:
            payoff = ql.PlainVanillaPayoff(ql.Option.Call if c else ql.Option.Put, ki)
            bc = ql.BlackCalculator(payoff, fi, vi * math.sqrt(ti), math.exp(-ri * ti))
            bc.value(), bc.deltaForward(), bc.gammaForward(), bc.vega(ti), bc.theta(fi, ti), bc.rho(ti)

    def ql_iv():
        for c, fi, ki, vi, ti, ri, p in rows:
            ql.blackFormulaImpliedStdDev(ql.Option.Call if c else ql.Option.Put, ki, fi, p, math.exp(-ri * ti),
                                         0.0, ql.nullDouble(), 1e-12, 100)

    def np_greeks():
        numpy_black76_greeks(call, f, k, vol, t, r)

    results = []
    sec = best_of(ql_greeks, 3)
    results.append(("QuantLib BlackCalculator price+greeks (loop)", sec))
    sec = best_of(np_greeks, 50)
    results.append(("numpy/scipy vectorised price+greeks", sec))
    sec = best_of(ql_iv, 3)
    results.append(("QuantLib blackFormulaImpliedStdDev (acc 1e-12, loop)", sec))
    try:
        from py_vollib_vectorized.implied_volatility import vectorized_implied_volatility_black

        flag = np.where(call, "c", "p")

        def vollib_iv():
            return vectorized_implied_volatility_black(prices, f, k, r, t, flag, return_as="numpy")

        got = vollib_iv()  # warm-up (numba compile)
        sec = best_of(vollib_iv, 10)
        err = np.nanmax(np.abs(got - vol) / vol)
        results.append(("py_vollib_vectorized implied vol (LBR, numba; max rel err %.1e)" % err, sec))
    except Exception as e:  # noqa: BLE001 - report and fall back
        # py_vollib_vectorized 0.1.1 fails to compile under numba 0.68 with py_lets_be_rational
        # 1.1.2 ("Untyped global name 'normalised_black_call'"); time the reference LBR instead.
        print("py_vollib_vectorized failed: %s" % str(e).splitlines()[0][:120])
        import py_lets_be_rational as lbr

        def lbr_iv():
            out = []
            for c, fi, ki, vi, ti, ri, p in rows:
                out.append(lbr.implied_volatility_from_a_transformed_rational_guess(
                    p * math.exp(ri * ti), fi, ki, ti, 1 if c else -1))
            return out

        got = np.array(lbr_iv())
        sec = best_of(lbr_iv, 3)
        err = np.nanmax(np.abs(got - vol) / vol)
        results.append(("py_lets_be_rational (Jaeckel LBR, pure Python loop; max rel err %.1e)" % err, sec))
    print("%-75s %12s %12s" % ("peer (10,000 options)", "M/wall-s", "M/CPU-s"))
    for name, (wall, cpu) in results:
        print("%-75s %12.3f %12.3f" % (name, n / wall / 1e6, n / max(cpu, 1e-9) / 1e6))


if __name__ == "__main__":
    main()
