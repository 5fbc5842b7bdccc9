#!/usr/bin/env python3
"""Golden values for the LP scenario break-even fee APR (issue 11, item 7).

Independent of the Rust code: Uniswap v3 amounts from the whitepaper formulas (section 6.2.3,
`x = L (1/sqrt(P) - 1/sqrt(Pb))`, `y = L (sqrt(P) - sqrt(Pa))` with P clamped to [Pa, Pb]),
v2 amounts `x = L / sqrt(P)`, `y = L sqrt(P)`, in `decimal` at 60 digits.

Convention checked: the fee APR is a rate on the initial value V(P0), so the scenario's
shortfall is put on the same base,
    break-even fee APR = -(V_LP(P1) - V_hold(P1)) / V(P0) / T + hedge cost,
with V_hold(P1) = x0 P1 + y0. The impermanent loss V_LP(P1) / V_hold(P1) - 1 (a fraction of the
hold value at the end price) is recorded too. `out_of_range` follows the contract's rule: in
range iff Pa <= P1 < Pb.

Run from this directory:  python3 gen_lp_breakeven.py > lp_breakeven.json
"""
import json
import sys
from decimal import Decimal as D, getcontext

getcontext().prec = 60


def amounts_v3(liq, p, pa, pb):
    s = min(max(p.sqrt(), pa.sqrt()), pb.sqrt())
    return liq * (1 / s - 1 / pb.sqrt()), liq * (s - pa.sqrt())


def amounts_v2(liq, p):
    return liq / p.sqrt(), liq * p.sqrt()


def case(name, model, price, value, move, horizon_days, hedge, lower=None, upper=None):
    p0, v0, mv, hd, h = map(D, (price, value, move, horizon_days, hedge))
    p1 = p0 * (1 + mv)
    if model == "v3":
        pa, pb = D(lower), D(upper)

        def amounts(liq, p):
            return amounts_v3(liq, p, pa, pb)

        out = not (pa <= p1 < pb)
    else:

        def amounts(liq, p):
            return amounts_v2(liq, p)

        out = False
    x1, y1 = amounts(D(1), p0)
    liq = v0 / (x1 * p0 + y1)
    x0, y0 = amounts(liq, p0)
    xe, ye = amounts(liq, p1)
    lp_end = xe * p1 + ye
    hold_end = x0 * p1 + y0
    t = hd / 365
    loss = (lp_end - hold_end) / v0
    return {
        "name": name,
        "model": model,
        "price": float(p0),
        "lower": None if lower is None else float(lower),
        "upper": None if upper is None else float(upper),
        "value": float(v0),
        "move": float(mv),
        "horizon_days": float(hd),
        "hedge_cost": float(h),
        "liquidity": float(liq),
        "x": float(x0),
        "y": float(y0),
        "price_end": float(p1),
        "value_end": float(lp_end),
        "hold_value_end": float(hold_end),
        "impermanent_loss": float(lp_end / hold_end - 1),
        "loss_of_initial_value": float(loss),
        "breakeven_fee_apr_scenario": float(-loss / t + h),
        # The old, mixed-base figure, recorded to show what changed (not asserted equal).
        "mixed_base_apr_before_fix": float(-(lp_end / hold_end - 1) / t + h),
        "out_of_range": out,
    }


doc = {
    "source": "gen_lp_breakeven.py: decimal 60 digits, whitepaper v3 amounts",
    "tolerance_rel": 1e-12,
    "cases": [
        # The README example with a 30-day horizon: ends below the range.
        case("readme-v3-down-20", "v3", 3000, 10000, -0.2, 30, 0.0, 2500, 3500),
        case("v3-up-10-in-range", "v3", 3000, 10000, 0.1, 30, 0.0, 2500, 3500),
        case("v3-up-30-out-above", "v3", 3000, 10000, 0.3, 90, 0.02, 2500, 3500),
        case("v3-narrow-down-5", "v3", 2000, 25000, -0.05, 7, 0.01, 1800, 2200),
        case("v2-times-4", "v2", 2000, 10000, 3, 182.5, 0.03),
        case("v2-down-30", "v2", 2000, 10000, -0.3, 60, 0.0),
    ],
}
json.dump(doc, sys.stdout, indent=1)
sys.stdout.write("\n")
