#!/usr/bin/env python3
"""Peer benchmark for benches/options.rs: the same seeded Black-76 options (the 64-bit LCG below
mirrors the Rust bench), 10,000 and 1,000,000 of them, priced with all greeks and inverted for
implied volatility by

  * numpy/scipy, vectorised as a numpy user writes it: whole-array expressions, scipy.special.ndtr
    for the normal CDF, the density and the discount factor computed once and shared;
  * py_vollib_vectorized (Jaeckel's "Let's Be Rational", numba-compiled): vectorized_black +
    get_all_greeks(model="black") for price and greeks, vectorized_implied_volatility_black for
    the implied volatility;
  * QuantLib Python: ql.BlackCalculator (value, deltaForward, gammaForward, vega, theta, rho) and
    ql.blackFormulaImpliedStdDev (accuracy 1e-12). QuantLib has no array interface, so this is one
    SWIG call per option and greek: the way QuantLib is used from Python.

Environment (py_vollib_vectorized needs the numba-compiled LBR of py_lets_be_rational 1.0.1; the
1.1.x line dropped numba from its cody_special dependency, and py_vollib_vectorized 0.1.1 then
fails with "Untyped global name 'normalised_black_call'"):

    python3 -m venv --system-site-packages /tmp/peers-venv
    /tmp/peers-venv/bin/pip install numpy scipy QuantLib py_vollib_vectorized
    /tmp/peers-venv/bin/pip install --no-deps 'py_lets_be_rational==1.0.1' 'py_vollib==1.0.1'

Single-threaded (NUMBA_NUM_THREADS=1, OMP_NUM_THREADS=1). Each timing is repeated; the table gives
the median and the min-max spread of wall-clock seconds, converted to million options per second.
Usage: /tmp/peers-venv/bin/python options_peer.py [--quick]
"""
import math
import os
import statistics
import sys
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy.special  # noqa: E402

MASK = (1 << 64) - 1


def inputs(n):
    """The Rust bench's inputs: futures 10-40, log-moneyness +-0.5, vol 0.3-1.5, expiry 0.02-1 y,
    rate 4 %, calls and puts alternating."""
    state = 42
    f = np.empty(n)
    x = np.empty(n)
    vol = np.empty(n)
    t = np.empty(n)
    scale = 1.0 / float(1 << 53)
    for j in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        f[j] = 10.0 + 30.0 * ((state >> 11) * scale)
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        x[j] = -0.5 + (state >> 11) * scale
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        vol[j] = 0.3 + 1.2 * ((state >> 11) * scale)
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        t[j] = 0.02 + 0.98 * ((state >> 11) * scale)
    call = np.arange(n) % 2 == 0
    return {"call": call, "forward": f, "strike": f * np.exp(x), "vol": vol, "t": t,
            "rate": np.full(n, 0.04)}


def timings(fn, repeat):
    """Wall-clock seconds of `repeat` runs (after one warm-up run)."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


SQRT_2PI = math.sqrt(2.0 * math.pi)


def numpy_black76_greeks(sign, f, k, vol, t, r):
    """Black-76 price, delta, gamma, vega, theta (-dV/dT), rho (dV/dr) on arrays."""
    sqrt_t = np.sqrt(t)
    s = vol * sqrt_t
    df = np.exp(-r * t)
    d1 = np.log(f / k) / s + 0.5 * s
    d2 = d1 - s
    n1 = scipy.special.ndtr(sign * d1)
    n2 = scipy.special.ndtr(sign * d2)
    dpdf = df * np.exp(-0.5 * d1 * d1) / SQRT_2PI
    price = df * sign * (f * n1 - k * n2)
    delta = df * sign * n1
    gamma = dpdf / (f * s)
    vega = dpdf * f * sqrt_t
    theta = -0.5 * vega * vol / t + r * price
    rho = -t * price
    return price, delta, gamma, vega, theta, rho


def main():
    quick = "--quick" in sys.argv
    load = os.getloadavg()
    print("load average at start: %.2f %.2f %.2f" % load)
    rows = []

    def record(name, n, secs):
        med = statistics.median(secs)
        rows.append((name, n, n / med / 1e6, n / max(secs) / 1e6, n / min(secs) / 1e6, len(secs)))

    for n in ([10_000] if quick else [10_000, 1_000_000]):
        inp = inputs(n)
        call, f, k, vol, t, r = (inp[c] for c in ("call", "forward", "strike", "vol", "t", "rate"))
        sign = np.where(call, 1.0, -1.0)
        reps = 50 if n <= 10_000 else 7
        record("numpy/scipy price + 5 greeks", n,
               timings(lambda: numpy_black76_greeks(sign, f, k, vol, t, r), reps))
        try:
            import py_vollib_vectorized as pvv

            flag = np.where(call, "c", "p")

            def pvv_greeks():
                pvv.vectorized_black(flag, f, k, t, r, vol, return_as="numpy")
                pvv.get_all_greeks(flag, f, k, t, r, vol, model="black", return_as="dict")

            record("py_vollib_vectorized price + 5 greeks", n,
                   timings(pvv_greeks, 20 if n <= 10_000 else 3))
        except Exception as e:  # noqa: BLE001 - report the peer as unavailable
            print("py_vollib_vectorized greeks unavailable: %s" % str(e).splitlines()[0][:160])
        import QuantLib as ql

        q_rows = list(zip(call.tolist(), f.tolist(), k.tolist(), vol.tolist(), t.tolist(), r.tolist()))

        def ql_greeks():
            for c, fi, ki, vi, ti, ri in q_rows:
                payoff = ql.PlainVanillaPayoff(ql.Option.Call if c else ql.Option.Put, ki)
                bc = ql.BlackCalculator(payoff, fi, vi * math.sqrt(ti), math.exp(-ri * ti))
                bc.value(), bc.deltaForward(), bc.gammaForward(), bc.vega(ti), bc.theta(fi, ti), bc.rho(ti)

        record("QuantLib BlackCalculator price + 5 greeks (per call)", n,
               timings(ql_greeks, 3 if n <= 10_000 else 1))

    # Implied volatility on 10k and 1M options (10k only with --quick), prices from the exact
    # formula. Errors against the input vols: the worst over all options and over the
    # well-determined ones (vega * vol / price >= 0.5, the Rust bench's forward check).
    for n in ([10_000] if quick else [10_000, 1_000_000]):
        inp = inputs(n)
        call, f, k, vol, t, r = (inp[c] for c in ("call", "forward", "strike", "vol", "t", "rate"))
        sign = np.where(call, 1.0, -1.0)
        prices, _, _, vega, _, _ = numpy_black76_greeks(sign, f, k, vol, t, r)
        well = vega * vol >= 0.5 * prices

        def errors(got):
            rel = np.abs(got - vol) / vol
            return np.nanmax(rel), np.nanmax(rel[well])

        try:
            import py_vollib_vectorized as pvv

            flag = np.where(call, "c", "p")

            def pvv_iv():
                return pvv.vectorized_implied_volatility_black(prices, f, k, r, t, flag,
                                                               return_as="numpy")

            e_all, e_well = errors(pvv_iv())
            record("py_vollib_vectorized implied vol (LBR; max rel err %.1e, well-posed %.1e)"
                   % (e_all, e_well), n, timings(pvv_iv, 20 if n <= 10_000 else 5))
        except Exception as e:  # noqa: BLE001 - report the peer as unavailable
            print("py_vollib_vectorized implied vol unavailable: %s" % str(e).splitlines()[0][:160])
        import QuantLib as ql

        q_rows = list(zip(call.tolist(), f.tolist(), k.tolist(), t.tolist(), r.tolist(),
                          prices.tolist()))

        def ql_iv():
            out = []
            for c, fi, ki, ti, ri, p in q_rows:
                try:
                    sd = ql.blackFormulaImpliedStdDev(ql.Option.Call if c else ql.Option.Put, ki,
                                                      fi, p, math.exp(-ri * ti), 0.0,
                                                      ql.nullDouble(), 1e-12, 100)
                    out.append(sd / math.sqrt(ti))
                except RuntimeError:  # no root (price at or below intrinsic)
                    out.append(float("nan"))
            return out

        e_all, e_well = errors(np.array(ql_iv()))
        record("QuantLib blackFormulaImpliedStdDev (acc 1e-12; max rel err %.1e, well-posed %.1e)"
               % (e_all, e_well), n, timings(ql_iv, 1 if n > 10_000 else 3))

    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    print("%-82s %9s %10s %17s %5s" % ("peer", "n", "M/s (med)", "M/s (min-max)", "runs"))
    for name, n, med, lo, hi, runs in rows:
        print("%-82s %9d %10.3f %8.3f-%-8.3f %5d" % (name, n, med, lo, hi, runs))


if __name__ == "__main__":
    main()
