#!/usr/bin/env python3
"""Golden values for crypto options on the Deribit convention (crosshedge-pricing `inverse`).

References (QuantLib Python, independent of the Rust code):
  * USD (linear) value: ql.blackFormula(type, K, F, sigma*sqrt(T), D) with D = exp(-r T).
  * Inverse coin premium: the USD value divided by the coin's spot S0 = D*F (coin rate zero),
    i.e. ql.blackFormula(..., discount=1) / F; at r = 0 the USD value divided by the forward.
  * Coin parity: coin call - coin put, both from QuantLib, against 1 - K/F.
  * Coin delta dc/dF = (dB/dF - B/F)/F with QuantLib's BlackCalculator.deltaForward
    (undiscounted), and by a central difference of the QuantLib coin premium (step 1e-3 F);
    coin vega = BlackCalculator.vega(T) / F; coin gamma by a central difference of the
    QuantLib coin premium (step 1e-3 F): independent of the closed form being tested.

Run: /tmp/gv/bin/python gen_inverse.py > inverse.json   (from this directory)
"""
import json
import math

import QuantLib as ql


def cases():
    out = []
    grid = [
        ("btc", 60000.0, [30000.0, 45000.0, 55000.0, 60000.0, 65000.0, 90000.0], [0.45, 0.8]),
        ("eth", 3000.0, [1500.0, 2400.0, 3000.0, 3600.0], [0.6, 1.1]),
    ]
    for coin, fwd, strikes, vols in grid:
        for k in strikes:
            for vol in vols:
                for days in [7.0, 30.0, 91.0, 365.0]:
                    for r in [0.0, 0.05]:
                        t = days / 365.0
                        std = vol * math.sqrt(t)
                        d = math.exp(-r * t)
                        row = {"coin": coin, "forward": fwd, "strike": k, "vol": vol, "t_years": t, "rate": r}
                        for name, typ in [("call", ql.Option.Call), ("put", ql.Option.Put)]:
                            usd = ql.blackFormula(typ, k, fwd, std, d)
                            b = ql.blackFormula(typ, k, fwd, std, 1.0)
                            coin_price = usd / (d * fwd)
                            calc = ql.BlackCalculator(ql.PlainVanillaPayoff(typ, k), fwd, std, 1.0)
                            dbdf = calc.deltaForward()
                            vega_b = calc.vega(t)
                            h = 1e-3 * fwd
                            cp = ql.blackFormula(typ, k, fwd + h, std, 1.0) / (fwd + h)
                            cm = ql.blackFormula(typ, k, fwd - h, std, 1.0) / (fwd - h)
                            gamma = (cp - 2.0 * (b / fwd) + cm) / (h * h)
                            delta_fd = (cp - cm) / (2.0 * h)
                            row[name] = {
                                "usd": usd,
                                "coin": coin_price,
                                "delta_coin_per_usd": (dbdf - b / fwd) / fwd,
                                "delta_coin_per_usd_fd": delta_fd,
                                "vega_coin": vega_b / fwd,
                                "gamma_coin_per_usd2_fd": gamma,
                            }
                        row["coin_parity"] = row["call"]["coin"] - row["put"]["coin"]
                        row["one_minus_k_over_f"] = 1.0 - k / fwd
                        out.append(row)
    return out


if __name__ == "__main__":
    print(json.dumps({"source": f"gen_inverse.py: QuantLib {ql.__version__}", "cases": cases()}, indent=1))
