#!/usr/bin/env python3
"""Golden values for crosshedge-pricing structures: the carry-adjusted break-even.

Independent of the Rust code: Black-Scholes leg prices with mpmath (50 digits), the payoff at
expiry written out leg by leg, and the break-evens found by mpmath.findroot on each linear piece
(bracketed by the strikes), not by the closed-form interpolation the crate uses.

Convention checked (issue 11, item 5): the carry-adjusted break-even is where the structure
pays for its premium and its own financing, P (e^{rT} - 1) (plus the financing of units of the
underlying held alongside, whose P&L is modelled). The financing of other inventory worth V,
V (e^{rT} - 1), is a separate figure and never enters the break-even.

Run: python3 gen_structures.py > structures.json   (from this directory)
"""
import json
import sys

import mpmath as mp

mp.mp.dps = 50


def bs(call, s, k, vol, t, r, q):
    s, k, vol, t, r, q = map(mp.mpf, (s, k, vol, t, r, q))
    f = s * mp.e ** ((r - q) * t)
    sd = vol * mp.sqrt(t)
    d1 = mp.log(f / k) / sd + sd / 2
    d2 = d1 - sd
    df = mp.e ** (-r * t)
    if call:
        return df * (f * mp.ncdf(d1) - k * mp.ncdf(d2))
    return df * (k * mp.ncdf(-d2) - f * mp.ncdf(-d1))


def payoff(legs, x):
    tot = mp.mpf(0)
    for call, k, qty in legs:
        tot += qty * (max(x - k, 0) if call else max(k - x, 0))
    return tot


def roots(fun, strikes, top):
    """Roots of a piecewise-linear function: bisection-bracketed findroot on each piece."""
    nodes = [mp.mpf(0)] + sorted(mp.mpf(k) for k in set(strikes)) + [mp.mpf(top)]
    out = []
    for a, b in zip(nodes, nodes[1:]):
        fa, fb = fun(a), fun(b)
        if fa == 0:
            out.append(a)
        elif fa * fb < 0:
            out.append(mp.findroot(fun, (a, b), solver="anderson"))
    return [float(x) for x in out]


def case(name, kind, long_k, short_k, qty, spot, vol, days, rate, q, carry, inv_value, inv_qty):
    call = kind == "call"
    t = mp.mpf(days) / 365
    legs = [(call, mp.mpf(long_k), mp.mpf(qty)), (call, mp.mpf(short_k), -mp.mpf(qty))]
    prem = [bs(call, spot, k, vol, t, rate, q) for _, k, _ in legs]
    p = sum(l[2] * pr for l, pr in zip(legs, prem))
    growth = mp.e ** (mp.mpf(carry) * t) - 1
    s0 = mp.mpf(spot)
    iq = mp.mpf(inv_qty)
    c = (p + iq * s0) * growth
    top = 10 * max(long_k, short_k, spot)

    def pnl(x):
        return payoff(legs, x) - p

    def carry_pnl(x):
        return payoff(legs, x) + iq * (x - s0) - p - c

    grid = [mp.mpf(0), mp.mpf(long_k), mp.mpf(short_k)]
    tail = iq + sum(l[2] for l in legs if l[0])
    return {
        "name": name,
        "kind": kind,
        "long": long_k,
        "short": short_k,
        "quantity": qty,
        "spot": spot,
        "vol": vol,
        "expiry_days": days,
        "rate": rate,
        "div_yield": q,
        "carry_rate": carry,
        "inventory_value": inv_value,
        "inventory_qty": inv_qty,
        "leg_prices": [float(x) for x in prem],
        "net_premium": float(p),
        "break_evens": roots(pnl, [long_k, short_k], top),
        "carry_financing_cost": float(c),
        "premium_financing_cost": float(p * growth),
        "inventory_financing_cost": float(mp.mpf(inv_value) * growth),
        "carry_break_evens": roots(carry_pnl, [long_k, short_k], top),
        # Beyond the last strike the carry P&L has slope q_inv (+ call quantities): a positive
        # slope is an unbounded gain (null here); otherwise the extremes sit at 0 or a strike.
        "carry_max_gain": None if tail > 0 else float(max(carry_pnl(x) for x in grid)),
        "carry_max_loss": float(-min(carry_pnl(x) for x in grid)),
    }


doc = {
    "source": "gen_structures.py: mpmath 50 digits, Black-Scholes legs, findroot break-evens",
    "tolerance_rel": 1e-11,
    "cases": [
        # The README example: a bear put spread hedging inventory worth 100,000.
        case("readme-bear-put", "put", 5000, 4700, 1, 5100, 0.2, 60, 0.045, 0.0, 0.06, 100000, 0),
        # A bull call spread, two of them, with other inventory.
        case("bull-call-x2", "call", 100, 110, 2, 100, 0.25, 73, 0.04, 0.0, 0.06, 1000, 0),
        # A bear put spread with units of the underlying held alongside (modelled P&L).
        case("bear-put-with-units", "put", 100, 90, 1, 100, 0.3, 91, 0.03, 0.01, 0.05, 0, 1),
    ],
}
json.dump(doc, sys.stdout, indent=1)
sys.stdout.write("\n")
