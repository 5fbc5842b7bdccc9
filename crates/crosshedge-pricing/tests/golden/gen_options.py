#!/usr/bin/env python3
"""Golden values for crosshedge-pricing options.

References:
  * mpmath (50 significant digits) for the normal CDF and the Black-76 price: exact references.
  * scipy.special.ndtr for the normal CDF (recorded alongside).
  * QuantLib Python: ql.blackFormula, ql.blackFormulaImpliedStdDev (accuracy 1e-15) and the
    AnalyticEuropeanEngine (Black-Scholes-Merton process with flat continuous rate and dividend
    yield, Actual/365 Fixed) for Black-Scholes price and greeks.

Run: python3 gen_options.py > options.json   (from this directory)
"""
import json
import math
import sys

import mpmath as mp
import numpy as np
import QuantLib as ql
import scipy
import scipy.special

mp.mp.dps = 50


def mp_black(x, s, call):
    x = mp.mpf(x)
    s = mp.mpf(s)
    if not call:
        x = -x
    return mp.e ** (x / 2) * mp.ncdf(x / s + s / 2) - mp.e ** (-x / 2) * mp.ncdf(x / s - s / 2)


def norm_cases():
    out = []
    for z in np.concatenate([np.linspace(-38.0, 8.0, 185), [-1.0, -0.9999, 1e-3, -1e-3, 0.5, -37.5]]):
        z = float(z)
        out.append({"z": z, "mpmath": float(mp.ncdf(z)), "scipy": float(scipy.special.ndtr(z))})
    return out


def black76_cases():
    out = []
    fwd = 100.0
    for x in [-3.0, -1.5, -0.5, -0.1, -1e-3, 0.0, 1e-3, 0.1, 0.5, 1.5, 3.0]:
        for s in [1e-3, 0.01, 0.05, 0.2, 0.5, 1.0, 2.0, 5.0]:
            for call in [True, False]:
                k = fwd * math.exp(-x)
                x_eff = math.log(fwd / k)
                t = 0.75
                r = 0.03
                df = math.exp(-r * t)
                b = mp_black(x_eff, s, call)
                exact = float(b * mp.sqrt(mp.mpf(fwd) * mp.mpf(k)) * mp.e ** (-mp.mpf(r) * mp.mpf(t)))
                if exact < 1e-280:
                    continue
                qlv = ql.blackFormula(ql.Option.Call if call else ql.Option.Put, k, fwd, s, df)
                out.append({
                    "kind": "call" if call else "put", "forward": fwd, "strike": k, "vol": s / math.sqrt(t),
                    "t_years": t, "rate": r, "exact": exact, "quantlib": qlv,
                })
    return out


def implied_cases():
    out = []
    for fwd, k, vol, t in [(100, 100, 0.2, 1.0), (20, 25, 0.9, 0.1), (20, 15, 1.2, 0.25), (4500, 4000, 0.18, 0.5),
                           (4500, 5200, 0.15, 2.0), (18, 18.5, 0.6, 0.05), (100, 60, 0.4, 1.5), (100, 150, 0.35, 3.0)]:
        for call in [True, False]:
            r = 0.02
            df = math.exp(-r * t)
            s = vol * math.sqrt(t)
            typ = ql.Option.Call if call else ql.Option.Put
            price = ql.blackFormula(typ, k, fwd, s, df)
            std = ql.blackFormulaImpliedStdDev(typ, k, fwd, price, df, 0.0, ql.nullDouble(), 1e-15, 1000)
            out.append({
                "kind": "call" if call else "put", "price": price, "forward": fwd, "strike": k, "t_years": t,
                "rate": r, "quantlib_vol": std / math.sqrt(t), "input_vol": vol,
            })
    return out


def bs_cases():
    out = []
    today = ql.Date(2, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    for spot, k, vol, days, r, q in [(4700, 4700, 0.15, 30, 0.05, 0.015), (4700, 4200, 0.22, 91, 0.05, 0.015),
                                     (4700, 5100, 0.12, 365, 0.045, 0.013), (100, 90, 0.3, 10, 0.01, 0.0),
                                     (100, 130, 0.5, 730, 0.03, 0.02), (50, 55, 0.8, 45, -0.005, 0.03)]:
        for call in [True, False]:
            mat = today + days
            payoff = ql.PlainVanillaPayoff(ql.Option.Call if call else ql.Option.Put, k)
            opt = ql.EuropeanOption(payoff, ql.EuropeanExercise(mat))
            proc = ql.BlackScholesMertonProcess(
                ql.QuoteHandle(ql.SimpleQuote(spot)),
                ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc, ql.Continuous)),
                ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc, ql.Continuous)),
                ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), vol, dc)),
            )
            opt.setPricingEngine(ql.AnalyticEuropeanEngine(proc))
            out.append({
                "kind": "call" if call else "put", "spot": spot, "strike": k, "vol": vol, "t_years": days / 365.0,
                "rate": r, "div_yield": q, "price": opt.NPV(), "delta": opt.delta(), "gamma": opt.gamma(),
                "vega": opt.vega(), "theta": opt.theta(), "rho": opt.rho(), "dividend_rho": opt.dividendRho(),
            })
    return out


def black76_greeks_cases():
    """Black-76 greeks from ql.BlackCalculator. theta(F, T) with spot = forward is the theta at
    fixed futures price; QuantLib's rho assumes the forward moves with the rate, so it is not
    compared (ours holds the future fixed: rho = -T V)."""
    out = []
    for fwd, k, vol, t, r in [(20, 22, 0.9, 0.1, 0.04), (20, 15, 1.1, 0.3, 0.04), (18, 18, 0.6, 0.05, 0.05),
                              (4500, 4300, 0.2, 0.5, 0.045), (30, 45, 1.4, 0.9, 0.02)]:
        for call in [True, False]:
            payoff = ql.PlainVanillaPayoff(ql.Option.Call if call else ql.Option.Put, k)
            bc = ql.BlackCalculator(payoff, fwd, vol * math.sqrt(t), math.exp(-r * t))
            out.append({
                "kind": "call" if call else "put", "forward": fwd, "strike": k, "vol": vol, "t_years": t, "rate": r,
                "price": bc.value(), "delta": bc.deltaForward(), "gamma": bc.gammaForward(), "vega": bc.vega(t),
                "theta": bc.theta(fwd, t),
            })
    return out


doc = {
    "source": "gen_options.py: mpmath %s (dps 50), scipy %s, QuantLib %s" % (mp.__version__, scipy.__version__, ql.__version__),
    "norm_cdf": norm_cases(),
    "black76": black76_cases(),
    "implied": implied_cases(),
    "black_scholes": bs_cases(),
    "black76_greeks": black76_greeks_cases(),
}
json.dump(doc, sys.stdout, indent=1)
