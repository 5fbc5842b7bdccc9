#!/usr/bin/env python3
"""Golden values for crosshedge-defi.

Exact arithmetic only: Python integers for Uniswap v3 TickMath and fee-growth products,
`decimal` at 60 significant digits for the whitepaper formulas, liquidation prices, IL and LVR.
Real-data-derived checks read ../../../../../shared/data (funding_rates_daily.csv,
crypto_daily_coingecko.csv, uniswap_v3_eth_usdc_daily.csv) and are skipped when absent.

Run from this directory:  python3 gen_defi.py  (writes defi_golden.json beside it).
"""
import csv
import json
import os
import random
import statistics
from decimal import Decimal as D, getcontext

getcontext().prec = 60
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))

# ---------------------------------------------------------------- TickMath (exact integers)
MIN_TICK, MAX_TICK = -887272, 887272
CONSTS = [
    0xfffcb933bd6fad37aa2d162d1a594001, 0xfff97272373d413259a46990580e213a,
    0xfff2e50f5f656932ef12357cf3c7fdcc, 0xffe5caca7e10e4e61c3624eaa0941cd0,
    0xffcb9843d60f6159c9db58835c926644, 0xff973b41fa98c081472e6896dfb254c0,
    0xff2ea16466c96a3843ec78b326b52861, 0xfe5dee046a99a2a811c461f1969c3053,
    0xfcbe86c7900a88aedcffc83b479aa3a4, 0xf987a7253ac413176f2b074cf7815e54,
    0xf3392b0822b70005940c7a398e4b70f3, 0xe7159475a2c29b7443b29c7fa6e889d9,
    0xd097f3bdfd2022b8845ad8f792aa5825, 0xa9f746462d870fdf8a65dc1f90e061e5,
    0x70d869a156d2a1b890bb3df62baf32f7, 0x31be135f97d08fd981231505542fcfa6,
    0x9aa508b5b7a84e1c677de54f3e99bc9, 0x5d6af8dedb81196699c329225ee604,
    0x2216e584f5fa1ea926041bedfe98, 0x48a170391f7dc42444e8fa2,
]
U256_MAX = 2**256 - 1


def sqrt_ratio_at_tick(tick):
    a = abs(tick)
    assert a <= MAX_TICK
    ratio = CONSTS[0] if a & 1 else 1 << 128
    for i in range(1, 20):
        if a & (1 << i):
            ratio = (ratio * CONSTS[i]) >> 128
    if tick > 0:
        ratio = U256_MAX // ratio
    return (ratio >> 32) + (0 if ratio % (1 << 32) == 0 else 1)


def tick_at_sqrt_ratio(s):
    lo, hi = MIN_TICK, MAX_TICK
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if sqrt_ratio_at_tick(mid) <= s:
            lo = mid
        else:
            hi = mid
    return lo


def f(x):
    return float(x)


rng = random.Random(20240501)
ticks = [0, 1, -1, 2, -2, 10, -10, 60, -60, 194725, 194654, -276324, 276324, 500000,
         MIN_TICK, MAX_TICK, MIN_TICK + 1, MAX_TICK - 1] + [rng.randint(MIN_TICK, MAX_TICK) for _ in range(40)]
tick_cases = []
for t in ticks:
    s = sqrt_ratio_at_tick(t)
    # Independent check of the fixed-point product against sqrt(1.0001^t) * 2^96 (the contract
    # is accurate to ~3e-20 relative at the extreme ticks).
    exact = (D("1.0001") ** t).sqrt() * D(2) ** 96
    assert abs(D(s) - exact) <= exact * D("1e-18") + 1, (t, s, exact)
    tick_cases.append({
        "tick": t,
        "sqrt_price_x96": str(s),
        "price": f(D("1.0001") ** t),
        "sqrt_price": f((D("1.0001") ** t).sqrt()),
    })

sqrt_cases = []
for _ in range(40):
    s = rng.randint(sqrt_ratio_at_tick(MIN_TICK), sqrt_ratio_at_tick(MAX_TICK) - 1)
    sqrt_cases.append({"sqrt_price_x96": str(s), "tick": tick_at_sqrt_ratio(s),
                       "price": f(D(s) ** 2 / D(2) ** 192)})

# ---------------------------------------------------------------- v3 whitepaper amounts


def v3_amounts(L, P, Pa, Pb):
    sp, sa, sb = P.sqrt(), Pa.sqrt(), Pb.sqrt()
    if sp <= sa:
        return L * (1 / sa - 1 / sb), D(0)
    if sp >= sb:
        return D(0), L * (sb - sa)
    return L * (1 / sp - 1 / sb), L * (sp - sa)


def v3_liquidity(x, y, P, Pa, Pb):
    sp, sa, sb = P.sqrt(), Pa.sqrt(), Pb.sqrt()
    lx = lambda s: x * s * sb / (sb - s)
    ly = lambda s: y / (s - sa)
    if sp <= sa:
        return lx(sa)
    if sp >= sb:
        return ly(sb)
    return min(lx(sp), ly(sp))


v3_cases = []
for L, P, Pa, Pb in [("1000", "2.25", "1", "4"), ("12345.678", "1800", "1500", "2500"),
                     ("12345.678", "1000", "1500", "2500"), ("12345.678", "3000", "1500", "2500"),
                     ("1e18", "0.0005", "0.0004", "0.0006"), ("77", "1", "0.999", "1.001"),
                     ("5e6", "1999.99", "1000", "4000")]:
    L, P, Pa, Pb = D(L), D(P), D(Pa), D(Pb)
    x, y = v3_amounts(L, P, Pa, Pb)
    # Deposit amounts with the ratio of the position (so that L is recovered exactly).
    v3_cases.append({"liquidity": f(L), "price": f(P), "price_lower": f(Pa), "price_upper": f(Pb),
                     "x": f(x), "y": f(y), "value": f(x * P + y),
                     "liquidity_from_amounts": f(v3_liquidity(x, y, P, Pa, Pb))})
for _ in range(20):
    pa = D(rng.uniform(100, 2000)).quantize(D("0.0001"))
    pb = pa * D(rng.uniform(1.01, 5))
    p = D(rng.uniform(float(pa) * 0.8, float(pb) * 1.2))
    L = D(rng.uniform(1, 1e6))
    x, y = v3_amounts(L, p, pa, pb)
    v3_cases.append({"liquidity": f(L), "price": f(p), "price_lower": f(pa), "price_upper": f(pb),
                     "x": f(x), "y": f(y), "value": f(x * p + y),
                     "liquidity_from_amounts": f(v3_liquidity(x, y, p, pa, pb))})
# Liquidity from the floats actually passed (f64 inputs), so the Rust side sees the same inputs.
for c in v3_cases:
    L2 = v3_liquidity(D(c["x"]), D(c["y"]), D(c["price"]), D(c["price_lower"]), D(c["price_upper"]))
    c["liquidity_from_amounts"] = f(L2)
    x, y = v3_amounts(D(c["liquidity"]), D(c["price"]), D(c["price_lower"]), D(c["price_upper"]))
    c["x"], c["y"] = f(x), f(y)
    c["value"] = f(x * D(c["price"]) + y)

il_v3_cases = []
for L, P0, P1, Pa, Pb in [(1000, 2000, 1500, 1000, 4000), (1000, 2000, 3000, 1800, 2200),
                          (1000, 2000, 1000, 1800, 2200), (50, 1.0, 1.2, 0.9, 1.1)]:
    L, P0, P1, Pa, Pb = map(lambda v: D(str(v)), (L, P0, P1, Pa, Pb))
    x0, y0 = v3_amounts(L, P0, Pa, Pb)
    x1, y1 = v3_amounts(L, P1, Pa, Pb)
    il = (x1 * P1 + y1) / (x0 * P1 + y0) - 1
    il_v3_cases.append({"liquidity": f(L), "price_start": f(P0), "price_end": f(P1),
                        "price_lower": f(Pa), "price_upper": f(Pb), "il": f(il)})

il_v2_cases = []
for r in ["0.1", "0.5", "0.9", "1", "1.1", "2", "4", "10", "100"]:
    r = D(r)
    il_v2_cases.append({"price_start": 1.0, "price_end": f(r), "il": f(2 * r.sqrt() / (1 + r) - 1)})

lvr_cases = []
for sigma, L, P, Pa, Pb in [("0.8", "1000", "2000", "1000", "4000"), ("0.5", "1e5", "1.5", "1", "4"),
                            ("1.2", "3", "1800", "1500", "2500")]:
    sigma, L, P, Pa, Pb = map(D, (sigma, L, P, Pa, Pb))
    x, y = v3_amounts(L, P, Pa, Pb)
    lvr = sigma ** 2 / 4 * L * P.sqrt()
    lvr_cases.append({"sigma": f(sigma), "liquidity": f(L), "price": f(P), "price_lower": f(Pa),
                      "price_upper": f(Pb), "lvr": f(lvr), "lvr_rate": f(lvr / (x * P + y)),
                      "cp_rate": f(sigma ** 2 / 8)})

# v2 swap outputs
v2_swaps = []
for rx, ry, fee, dx in [("100", "200000", "0.003", "1"), ("1e6", "1e6", "0.0005", "12345.6789"),
                        ("3.5", "7000", "0.01", "0.25")]:
    rx, ry, fee, dx = map(D, (rx, ry, fee, dx))
    eff = dx * (1 - fee)
    v2_swaps.append({"reserve_x": f(rx), "reserve_y": f(ry), "fee": f(fee), "amount_in": f(dx),
                     "amount_out": f(ry * eff / (rx + eff))})

# ---------------------------------------------------------------- perpetuals
liq_cases = []
for kind, side, q, ep, lev, mmr, cum, fee in [
    ("linear", 1, "1", "50000", "10", "0.004", "0", "0"),
    ("linear", -1, "1", "50000", "10", "0.004", "0", "0"),
    ("linear", 1, "3", "40000", "20", "0.005", "50", "0.0006"),
    ("linear", -1, "3", "40000", "20", "0.005", "50", "0.0006"),
    ("linear", 1, "250", "1800.5", "3", "0.01", "0", "0.0004"),
    ("linear", -1, "0.01", "29000", "125", "0.004", "0", "0"),
    ("inverse", 1, "100000", "50000", "10", "0.004", "0", "0"),
    ("inverse", -1, "100000", "50000", "10", "0.004", "0", "0"),
    ("inverse", -1, "2500", "31000", "25", "0.005", "0", "0.00075"),
]:
    q, ep, lev, mmr, cum, fee = map(D, (q, ep, lev, mmr, cum, fee))
    s = D(side)
    m = mmr + fee
    if kind == "linear":
        margin = q * ep / lev
        lp = (s * q * ep - margin - cum) / (q * (s - m))
    else:
        margin = q / ep / lev
        lp = q * (s + m) / (margin + cum + s * q / ep)
    liq_cases.append({"kind": kind, "side": "long" if side == 1 else "short", "quantity": f(q),
                      "entry_price": f(ep), "leverage": f(lev), "mmr": f(mmr),
                      "maintenance_amount": f(cum), "close_fee_rate": f(fee),
                      "margin": f(margin), "liquidation_price": f(lp)})

# ---------------------------------------------------------------- options-AMM short book
# Black-Scholes / Black-76 values by mpmath at 50 digits; greeks by mpmath.diff of the price
# (independent of any closed-form greek formula).
import mpmath as mp

mp.mp.dps = 50


def bs_price(kind, S, K, vol, T, r, q):
    S, K, vol, T, r, q = map(mp.mpf, (S, K, vol, T, r, q))
    F = S * mp.e ** ((r - q) * T)
    sd = vol * mp.sqrt(T)
    d1 = (mp.log(F / K) + sd ** 2 / 2) / sd
    d2 = d1 - sd
    th = 1 if kind == "call" else -1
    return mp.e ** (-r * T) * th * (F * mp.ncdf(th * d1) - K * mp.ncdf(th * d2))


def b76_price(kind, F, K, vol, T, r):
    return bs_price(kind, F, K, vol, T, r, r)  # S = F with q = r gives the forward F


BOOK_LEGS = [("put", 1800.0, 30.0 / 365.0, 0.75, 10.0), ("call", 2400.0, 30.0 / 365.0, 0.70, 6.0),
             ("put", 1500.0, 0.5, 0.9, -2.0)]
BOOK_CASH = {"collateral": 50000.0, "premiums_received": 3000.0, "fees_received": 120.0,
             "hedge_units": 1.5, "hedge_entry_price": 1950.0}


def book_nav(S, vol_shift=0, T_shift=0, r=None, quote="spot", r0=0.03, q0=0.01):
    rr = r0 if r is None else r
    liab = 0
    for kind, K, T, vol, qty in BOOK_LEGS:
        if quote == "spot":
            v = bs_price(kind, S, K, vol + vol_shift, T - T_shift, rr, q0)
        else:
            v = b76_price(kind, S, K, vol + vol_shift, T - T_shift, rr)
        liab += qty * v
    c = BOOK_CASH
    return (c["collateral"] + c["premiums_received"] + c["fees_received"] - liab
            + c["hedge_units"] * (S - c["hedge_entry_price"])), liab


book_cases = []
for quote, S in [("spot", 2000.0), ("spot", 1700.0), ("forward", 2050.0)]:
    nav, liab = book_nav(mp.mpf(S), quote=quote)
    book_cases.append({
        "quote": quote, "level": S, "rate": 0.03, "div_yield": 0.01 if quote == "spot" else 0.0,
        "nav": f(nav), "option_liability": f(liab),
        "delta": f(mp.diff(lambda x: book_nav(x, quote=quote)[0], mp.mpf(S))),
        "gamma": f(mp.diff(lambda x: book_nav(x, quote=quote)[0], mp.mpf(S), 2)),
        "vega": f(mp.diff(lambda v: book_nav(mp.mpf(S), vol_shift=v, quote=quote)[0], 0)),
        "theta": f(mp.diff(lambda t: book_nav(mp.mpf(S), T_shift=t, quote=quote)[0], 0)),
        "rho": f(mp.diff(lambda x: book_nav(mp.mpf(S), r=x, quote=quote)[0], mp.mpf("0.03"))),
    })

out = {
    "source": "gen_defi.py: Python ints (TickMath, fee growth) and decimal prec 60",
    "tolerance_rel": 1e-12,
    "tick_cases": tick_cases,
    "sqrt_price_cases": sqrt_cases,
    "v3_amount_cases": v3_cases,
    "il_v3_cases": il_v3_cases,
    "il_v2_cases": il_v2_cases,
    "lvr_cases": lvr_cases,
    "v2_swap_cases": v2_swaps,
    "liquidation_cases": liq_cases,
    "options_amm": {"legs": [dict(zip(("kind", "strike", "t_years", "vol", "quantity_short"), l))
                             for l in BOOK_LEGS], **BOOK_CASH, "cases": book_cases},
}

# ---------------------------------------------------------------- real-data-derived checks


def read_csv(name):
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        print(f"skipping {name}: not found")
        return None
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


funding = read_csv("funding_rates_daily.csv")
coingecko = read_csv("crypto_daily_coingecko.csv")
if funding is not None and coingecko is not None:
    btc = {r["date"]: r["btc_close_usd"] for r in coingecko}
    rows = [r for r in funding if "2021-01-01" <= r["date"] <= "2021-12-31"]
    rates = [D(r["binance_btcusdt_daily_sum"]) for r in rows]
    closes = [D(btc[r["date"]]) for r in rows]
    # Short 1 BTC with margin = 3 x entry notional (never liquidated): funding received.
    received = sum(c * r for c, r in zip(closes, rates))
    # Short 1 BTC at 1x and 2x (margin = entry notional / leverage), Binance mmr 0.4 %, funding
    # credited to the isolated margin: first liquidation index (checked at daily closes).
    ep = closes[0]
    liquidations = []
    for lev in (D(1), D(2)):
        margin = ep / lev
        lp = (-ep - margin) / (-1 - D("0.004"))
        liq_idx = None
        cum_f = D(0)
        for i, (c, r) in enumerate(zip(closes, rates)):
            cum_f += c * r
            equity = margin + cum_f - (c - ep)
            if equity <= D("0.004") * c:
                liq_idx = i
                break
        liquidations.append({
            "leverage": f(lev),
            "static_liquidation_price": f(lp),
            "liquidation_index": liq_idx,
            "liquidation_date": rows[liq_idx]["date"] if liq_idx is not None else None,
            "cumulative_funding_at_end": f(cum_f),
        })
    out["funding_2021"] = {
        "venue": "binance_btcusdt_daily_sum",
        "first_date": rows[0]["date"], "last_date": rows[-1]["date"], "n_days": len(rows),
        "sum_rates": f(sum(rates)),
        "short_carry_ann": f(sum(rates) * D(8760) / (D(24) * len(rows))),
        "short_1btc_funding_received_usd": f(received),
        "entry_price": f(ep),
        "short_liquidations": liquidations,
    }

cmc = read_csv("btc_ohlcv_coinmarketcap_daily.csv")
if funding is not None and cmc is not None:
    # Short 1 BTC at 2x over 2021 on CoinMarketCap closes, with the day's high as the adverse
    # price: liquidation is checked at the high (margin before the day's funding), then at the
    # close after funding.
    bar = {r["date"]: r for r in cmc}
    rows = [r for r in funding if "2021-01-01" <= r["date"] <= "2021-12-31"]
    ep = D(bar[rows[0]["date"]]["close"])
    margin = ep / 2
    cum_f = D(0)
    hit = None
    for i, r in enumerate(rows):
        hi, c = D(bar[r["date"]]["high"]), D(bar[r["date"]]["close"])
        if margin + cum_f - (hi - ep) <= D("0.004") * hi:
            hit = {"index": i, "date": r["date"], "price": f(hi), "intraday": True}
            break
        cum_f += c * D(r["binance_btcusdt_daily_sum"])
        if margin + cum_f - (c - ep) <= D("0.004") * c:
            hit = {"index": i, "date": r["date"], "price": f(c), "intraday": False}
            break
    out["funding_2021_intraday"] = {"entry_price": f(ep), "leverage": 2.0, "liquidation": hit,
                                    "cumulative_funding": f(cum_f)}

uni = read_csv("uniswap_v3_eth_usdc_daily.csv")
if uni is not None:
    pools = {}
    for p in ("p005", "p030"):
        rows = [r for r in uni if r[f"{p}_sqrt_price_x96"]]
        mismatched_ticks = 0
        max_price_rel = D(0)
        for r in rows:
            s = int(r[f"{p}_sqrt_price_x96"])
            if tick_at_sqrt_ratio(s) != int(r[f"{p}_tick"]):
                mismatched_ticks += 1
            px = D(10) ** 12 / (D(s) ** 2 / D(2) ** 192)
            rel = abs(px / D(r[f"{p}_price_usdc_per_eth"]) - 1)
            max_price_rel = max(max_price_rel, rel)
        ratios = []
        day_cases = []
        L = 10 ** 18  # a full-range position of liquidity 1e18
        for a, b in zip(rows, rows[1:]):
            d0 = (int(b[f"{p}_fee_growth_global0_x128"]) - int(a[f"{p}_fee_growth_global0_x128"])) % 2**256
            d1 = (int(b[f"{p}_fee_growth_global1_x128"]) - int(a[f"{p}_fee_growth_global1_x128"])) % 2**256
            price = D(b[f"{p}_price_usdc_per_eth"])
            per_l_usd = D(d0) / D(2) ** 128 / D(10) ** 6 + D(d1) / D(2) ** 128 / D(10) ** 18 * price
            fees = D(b[f"{p}_fees_usd"])
            liq = D(b[f"{p}_liquidity"])
            if per_l_usd > 0 and liq > 0 and fees > 0:
                ratios.append(float(fees / per_l_usd / liq))
            if len(day_cases) < 6 or b["date"] in ("2022-05-12", "2022-11-09", "2023-03-11"):
                day_cases.append({
                    "date": b["date"],
                    "fg0_start": a[f"{p}_fee_growth_global0_x128"], "fg0_end": b[f"{p}_fee_growth_global0_x128"],
                    "fg1_start": a[f"{p}_fee_growth_global1_x128"], "fg1_end": b[f"{p}_fee_growth_global1_x128"],
                    "liquidity": float(L), "price_usdc_per_eth": f(price),
                    "fees0_raw": f(D((d0 * L) >> 128)), "fees1_raw": f(D((d1 * L) >> 128)),
                    "fees_usd_exact": f(D(d0 * L) / D(2) ** 128 / D(10) ** 6
                                        + D(d1 * L) / D(2) ** 128 / D(10) ** 18 * price),
                    "implied_liquidity": f(fees / per_l_usd) if per_l_usd > 0 and fees > 0 else None,
                })
        q = statistics.quantiles(ratios, n=4)
        pools[p] = {
            "rows": len(rows),
            "mismatched_ticks": mismatched_ticks,
            "max_price_rel_diff": float(max_price_rel),
            "implied_over_reported_liquidity_median": statistics.median(ratios),
            "implied_over_reported_liquidity_q1": q[0],
            "implied_over_reported_liquidity_q3": q[2],
            "n_ratio_days": len(ratios),
            "day_cases": day_cases,
        }
    out["uniswap_v3"] = pools

with open(os.path.join(HERE, "defi_golden.json"), "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote defi_golden.json")
